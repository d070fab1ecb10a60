"""Spider loader that adds one spider per `sites/*.toml` to the project's spiders.

Each site becomes a subclass of the generic `NewsSpider` named after its file,
so `scrapy list` and `scrapy crawl <site>` need no code per site. Site files are
read lazily, on the first `list()` or `load()`, because Scrapy's command line
turns a `UsageError` raised there into one clear line and exit status 2, where
an error raised while the crawler process is being built would print a
traceback. One bad site file stops only its own site: it is logged (ERROR)
once, left out of `list()`, `load()` of it is that one usage line, and
`site_problems()` names it for `scrapy crawlall`.

Settings: `SPIDER_MODULES` (code spiders), `AGGREGATOR_SITES_DIR` (site files).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Self

from scrapy import Spider
from scrapy.exceptions import UsageError
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.conf import closest_scrapy_cfg

from aggregator.site_files import read_sites
from aggregator.sites import Site
from aggregator.spiders.news import NewsSpider

logger = logging.getLogger(__name__)


def sites_dir(settings: Any) -> Path:
    """`AGGREGATOR_SITES_DIR`, relative to the project directory when not absolute."""
    path = Path(settings.get("AGGREGATOR_SITES_DIR") or "sites")
    if path.is_absolute():
        return path
    cfg = closest_scrapy_cfg()
    return (Path(cfg).parent if cfg else Path.cwd()) / path


def spider_class_for(site: Site) -> type[NewsSpider]:
    """A `NewsSpider` subclass bound to `site`, named after it."""
    class_name = "".join(part.capitalize() for part in site.name.split("_")) + "Spider"
    attrs = {"name": site.name, "site_definition": site, "__module__": __name__}
    return type(class_name, (NewsSpider,), attrs)


class SiteSpiderLoader(SpiderLoader):
    """Scrapy's loader plus one spider per site file."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self._sites_dir = sites_dir(settings)
        self._sites_loaded = False
        self._site_problems: dict[str, str] = {}

    @classmethod
    def from_settings(cls, settings: Any) -> Self:
        return cls(settings)

    def _load_sites(self) -> None:
        if self._sites_loaded:
            return
        found = read_sites(self._sites_dir)
        self._site_problems = dict(found.problems)
        for name, problem in found.problems.items():
            logger.error("Site %s is not crawled: %s", name, problem)
        for name, site in found.sites.items():
            if name in self._spiders:
                problem = (
                    f"{site.source}: key 'name': {name!r} is already the name of a code spider"
                )
                logger.error("Site %s is not crawled: %s", name, problem)
                self._site_problems[name] = problem
                continue
            self._spiders[name] = spider_class_for(site)
        self._sites_loaded = True

    def sites(self) -> dict[str, Site]:
        """The configured sites whose files are valid, by name."""
        self._load_sites()
        return {
            name: cls.site_definition
            for name, cls in self._spiders.items()
            if issubclass(cls, NewsSpider) and cls.site_definition is not None
        }

    def site_problems(self) -> dict[str, str]:
        """Site files that cannot be crawled: site name -> the one-line problem."""
        self._load_sites()
        return dict(self._site_problems)

    def load(self, spider_name: str) -> type[Spider]:
        self._load_sites()
        if spider_name in self._site_problems:
            raise UsageError(self._site_problems[spider_name], print_help=False)
        return super().load(spider_name)

    def list(self) -> list[str]:
        """The spiders that can run; a bad site file is logged (ERROR) and left out."""
        self._load_sites()
        return super().list()

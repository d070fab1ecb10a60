"""`scrapy list`: Scrapy's own command, exiting 2 when a site file cannot be used.

It lists every spider that can run (code spiders and valid site files), so a
bad site file never hides the others, then names each bad file in one usage
line and exits 2, as `scrapy crawl` of that site would.

Settings: `AGGREGATOR_SITES_DIR`.
"""

from __future__ import annotations

import argparse

from scrapy.commands.list import Command as ScrapyListCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader


class Command(ScrapyListCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        super().run(args, opts)
        assert self.settings is not None
        loader = get_spider_loader(self.settings)
        problems = loader.site_problems() if hasattr(loader, "site_problems") else {}
        if problems:
            raise UsageError("; ".join(problems.values()), print_help=False)

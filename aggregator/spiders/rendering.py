"""JavaScript rendering through scrapy-playwright and Debian's Chromium, per site.

A site with `render_js = true` has its listing pages rendered; `"all"` renders
its article pages too. The playwright download handler is installed only on
crawlers whose site renders (`install_rendering`, called from the spider's
`from_crawler`, before Scrapy freezes the settings), so plain crawls start no
browser and pay nothing. Rendered requests share one browser context per site
whose open pages are capped by `PLAYWRIGHT_MAX_PAGES_PER_CONTEXT`; images, fonts
and media are aborted (`should_abort_request`); scrapy-playwright closes every
page once its HTML is read. Playwright errors are retried like network errors
(added to `RETRY_EXCEPTIONS`); a render that still fails reaches the spider's
errback, which counts it.

Settings: `AGGREGATOR_CHROMIUM_PATH` (the launch options' `executable_path`
unless they name one), `AGGREGATOR_RENDER_WAIT_UNTIL`, `AGGREGATOR_RENDER_TIMEOUT`,
`AGGREGATOR_RENDER_MEMORY_EVERY`, and the `PLAYWRIGHT_*` block of settings.py.
Stats: `aggregator/render/pages`, `aggregator/render/failed`,
`aggregator/render/browser_rss_bytes` and `…/browser_pss_bytes` (largest
summed RSS and PSS of the browser's processes seen: the playwright driver,
Chromium and their descendants, not the extraction workers),
`…/browser_processes`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response

from aggregator.sites import Site

PLAYWRIGHT_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
#: Retried like network errors; `Error` is the base of playwright's TimeoutError.
PLAYWRIGHT_ERRORS = ("playwright.async_api.Error",)
#: Resource types a news listing never needs to build its links.
ABORTED_RESOURCE_TYPES = frozenset({"image", "font", "media"})
#: Words in the program of the playwright driver (`.../playwright/driver/node`) or a
#: browser it starts (`/usr/lib/chromium/chromium`, Chrome), lower case.
BROWSER_WORDS = (b"playwright", b"chromium", b"chrome")
_PREFIX = "aggregator/render"


def should_abort_request(request: Any) -> bool:
    """`PLAYWRIGHT_ABORT_REQUEST`: skip images, fonts and media."""
    return str(getattr(request, "resource_type", "")) in ABORTED_RESOURCE_TYPES


def renders(site: Site, kind: str) -> bool:
    """Whether pages of `kind` (`listing` or `article`) of `site` go through the browser."""
    if kind == "listing":
        return site.render_js in (True, "all")
    return site.render_js == "all"


def render_meta(site: Site, settings: Any) -> dict[str, Any]:
    """Request meta that sends a page through the browser."""
    timeout_ms = int(settings.getfloat("AGGREGATOR_RENDER_TIMEOUT") * 1000)
    return {
        "playwright": True,
        "playwright_context": f"site-{site.name}",
        "playwright_page_goto_kwargs": {
            "wait_until": settings.get("AGGREGATOR_RENDER_WAIT_UNTIL"),
            "timeout": timeout_ms,
        },
    }


def install_rendering(crawler: Crawler, site: Site) -> None:
    """Route this crawler's http(s) through playwright if `site` renders anything."""
    if not site.render_js:
        return
    settings = crawler.settings
    handlers = dict(settings.getdict("DOWNLOAD_HANDLERS"))
    handlers.update({"http": PLAYWRIGHT_HANDLER, "https": PLAYWRIGHT_HANDLER})
    settings.set("DOWNLOAD_HANDLERS", handlers, priority="spider")
    retry = [*settings.getlist("RETRY_EXCEPTIONS"), *PLAYWRIGHT_ERRORS]
    settings.set("RETRY_EXCEPTIONS", list(dict.fromkeys(retry)), priority="spider")
    # Read here, not in settings.py, so that `-s AGGREGATOR_CHROMIUM_PATH=...` counts;
    # launch options that name a browser themselves keep it (same priority: nothing above is lost).
    launch = dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"))
    launch.setdefault("executable_path", settings.get("AGGREGATOR_CHROMIUM_PATH"))
    priority = settings.getpriority("PLAYWRIGHT_LAUNCH_OPTIONS") or 0
    settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", launch, priority=priority)
    RenderMonitor.from_crawler(crawler)


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process we can see in /proc (Linux)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name in parentheses may contain spaces: split after it.
            fields = stat.read_text().rpartition(")")[2].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, ValueError, IndexError):
            continue
    return parents


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes; PSS shares shared pages out among their users."""
    values = {"Rss:": 0, "Pss:": 0}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            name, _, rest = line.partition(" ")
            if name in values:
                values[name] = int(rest.split()[0]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return values["Rss:"], values["Pss:"]


def _is_browser(pid: int) -> bool:
    """Whether `pid` is the playwright driver or a browser: its program names one.

    Only the program (argv[0], and argv[1] for node's script) is read: the
    forkserver of the extraction workers carries sys.path on its command line,
    which may name anything.
    """
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[:2]
    except OSError:
        return False
    program = b" ".join(argv).lower()
    return any(word in program for word in BROWSER_WORDS)


def browser_memory(root: int | None = None) -> tuple[int, int, int]:
    """(summed RSS, summed PSS, process count) of the browser's processes below `root`.

    The browser is every process below `root` (default: us) whose program is
    the playwright driver or Chromium, with all of its descendants (Chromium's
    zygotes, renderers, GPU and utility processes). The extraction workers and
    their forkserver are children of this process too, and are not counted.
    Summed RSS counts pages that Chromium's processes share once per process
    (an upper bound); summed PSS counts them once in all.
    """
    children: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        children.setdefault(parent, []).append(pid)
    counted: set[int] = set()
    pending = [(pid, False) for pid in children.get(os.getpid() if root is None else root, [])]
    while pending:
        pid, in_browser = pending.pop()
        in_browser = in_browser or _is_browser(pid)
        if in_browser:
            counted.add(pid)
        pending.extend((child, in_browser) for child in children.get(pid, []))
    memory = [_memory(pid) for pid in counted]
    return sum(m[0] for m in memory), sum(m[1] for m in memory), len(counted)


class RenderMonitor:
    """Counts rendered pages and samples the browser's memory every N of them."""

    def __init__(self, crawler: Crawler, every: int) -> None:
        self.crawler = crawler
        self.every = max(1, every)
        self.pages = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        monitor = cls(crawler, crawler.settings.getint("AGGREGATOR_RENDER_MEMORY_EVERY"))
        # weak=False: nothing else holds the monitor; a weak receiver would vanish at once.
        signal_map = {
            monitor.response_received: signals.response_received,
            # The browser is closed at engine_stopped, so it is still alive here.
            monitor.spider_closed: signals.spider_closed,
        }
        for handler, signal in signal_map.items():
            crawler.signals.connect(handler, signal=signal, weak=False)
        return monitor

    def response_received(self, response: Response, request: Request) -> None:
        if "playwright" not in response.flags:
            return
        self.pages += 1
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"{_PREFIX}/pages")
        if self.pages == 1 or self.pages % self.every == 0:
            self.sample()

    def spider_closed(self) -> None:
        if self.pages:
            self.sample()

    def sample(self) -> None:
        rss, pss, processes = browser_memory()
        if self.crawler.stats is not None and processes:
            self.crawler.stats.max_value(f"{_PREFIX}/browser_rss_bytes", rss)
            self.crawler.stats.max_value(f"{_PREFIX}/browser_pss_bytes", pss)
            self.crawler.stats.max_value(f"{_PREFIX}/browser_processes", processes)

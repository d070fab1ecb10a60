"""Every setting of the project, grouped and commented.

This is the only module that reads environment variables. Each `AGGREGATOR_*`
setting is also documented in the README's settings table; any of them can be
overridden per run with `scrapy crawl <site> -s NAME=value`.
"""

from __future__ import annotations

import os

# --- Project wiring -------------------------------------------------------
BOT_NAME = "aggregator"
SPIDER_MODULES = ["aggregator.spiders"]
NEWSPIDER_MODULE = "aggregator.spiders"
# Turns every sites/*.toml into a spider of its own name.
SPIDER_LOADER_CLASS = "aggregator.spiders.loader.SiteSpiderLoader"
COMMANDS_MODULE = "aggregator.commands"

# --- Politeness and safety --------------------------------------------------
# Name the crawler and give site owners a way to reach its operator.
AGGREGATOR_CONTACT_URL = os.environ.get(
    "AGGREGATOR_CONTACT_URL", "https://example.invalid/aggregator"
)
USER_AGENT = f"aggregator-news-crawler/0.1 (+{AGGREGATOR_CONTACT_URL})"
ROBOTSTXT_OBEY = True
# Keeps CONCURRENT_REQUESTS_PER_DOMAIN on the asyncio reactor (see aggregator/downloader.py).
DOWNLOADER = "aggregator.downloader.PoliteDownloader"
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
# News pages are rarely above 2 MB; anything past 10 MB is an error page or an attack.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("AGGREGATOR_LOG_LEVEL", "INFO")

# --- Item pipelines (validate -> clean -> dates -> dedup -> store) -------------
ITEM_PIPELINES = {
    "aggregator.pipelines.validate.ValidateArticlePipeline": 100,
    "aggregator.pipelines.clean.CleanArticlePipeline": 200,
    "aggregator.pipelines.dates.NormaliseDatesPipeline": 300,
    "aggregator.pipelines.dedup.DropDuplicatesPipeline": 400,
    "aggregator.pipelines.store.StoreArticlePipeline": 500,
}

# --- aggregator --------------------------------------------------------------
# Any SQLAlchemy URL; SQLite in the working directory unless told otherwise.
AGGREGATOR_DATABASE_URL = os.environ.get("AGGREGATOR_DATABASE_URL", "sqlite:///aggregator.db")
# Where the site definitions (one TOML file per site) live; relative paths are
# read from the project directory (where scrapy.cfg is).
AGGREGATOR_SITES_DIR = os.environ.get("AGGREGATOR_SITES_DIR", "sites")
# How many articles the store writes per transaction.
AGGREGATOR_STORE_BATCH_SIZE = 100
# The clock: a callable returning aware UTC now, its import path, or an ISO 8601
# instant with an offset that freezes time (tests, re-processing saved pages).
AGGREGATOR_CLOCK = "aggregator.clock.utcnow"
# Longer titles are cut at a word boundary (a 100 KB "title" is a broken page).
AGGREGATOR_MAX_TITLE_LENGTH = 1000
# Dropped items are logged in one line (reason and URL), at INFO: duplicates are routine.
LOG_FORMATTER = "aggregator.logformatter.ArticleLogFormatter"
DEFAULT_DROPITEM_LOG_LEVEL = "INFO"

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
# USER_AGENT is "aggregator-news-crawler/0.1 (+<AGGREGATOR_CONTACT_URL>)", built at crawl
# time by the add-on below so that `-s AGGREGATOR_CONTACT_URL=...` reaches it. Setting
# USER_AGENT here, in a spider or with -s replaces it outright (aggregator/addons.py).
ADDONS = {"aggregator.addons.ContactUserAgent": 0}
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
# Longest Retry-After (seconds) honoured on a 429 or 503: the host is paused that long,
# then asked again; a longer wait gives the request up, counted
# (aggregator/middlewares/retry_after.py).
AGGREGATOR_RETRY_AFTER_MAX = 120.0
REDIRECT_MAX_TIMES = 5
# Counts redirect loops, which Scrapy's own filter drops without a trace.
DUPEFILTER_CLASS = "aggregator.dupefilter.CountingDupeFilter"
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's remote control runs Python sent to a local HTTP port; a scheduled
# crawler has no use for it.
REMOTE_CONTROL_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("AGGREGATOR_LOG_LEVEL", "INFO")

# --- Item pipelines (validate -> clean -> dates -> dedup -> store) -------------
# Scrapy starts this many asyncio tasks for the output of every callback; an article
# page yields one item and the pipelines are synchronous, so the default of 100 only
# cost CPU (100 tasks per article page: a fifth of the reactor thread's time, measured).
CONCURRENT_ITEMS = 4
# Scrapy's pipeline manager, counting each pipeline's CPU time (aggregator/timing.py).
ITEM_PROCESSOR = "aggregator.timing.TimedItemPipelineManager"
ITEM_PIPELINES = {
    "aggregator.pipelines.validate.ValidateArticlePipeline": 100,
    "aggregator.pipelines.clean.CleanArticlePipeline": 200,
    "aggregator.pipelines.dates.NormaliseDatesPipeline": 300,
    "aggregator.pipelines.dedup.DropDuplicatesPipeline": 400,
    "aggregator.pipelines.store.StoreArticlePipeline": 500,
}

# --- Articles: database, sites, extraction -----------------------------------
# Any SQLAlchemy URL; SQLite in the working directory unless told otherwise.
AGGREGATOR_DATABASE_URL = os.environ.get("AGGREGATOR_DATABASE_URL", "sqlite:///aggregator.db")
# Where the site definitions (one TOML file per site) live; relative paths are
# read from the project directory (where scrapy.cfg is).
AGGREGATOR_SITES_DIR = os.environ.get("AGGREGATOR_SITES_DIR", "sites")
# How many articles the store writes per transaction.
AGGREGATOR_STORE_BATCH_SIZE = 100
# Seconds any wait on the database may last (connecting, a statement, the pool's
# pre-ping) before it counts as unusable and articles stay in the spool; 0: no bound.
AGGREGATOR_DATABASE_TIMEOUT = os.environ.get("AGGREGATOR_DATABASE_TIMEOUT", "10")
# The clock: a callable returning aware UTC now, its import path, or an ISO 8601
# instant with an offset that freezes time (tests, re-processing saved pages).
AGGREGATOR_CLOCK = "aggregator.clock.utcnow"
# Article links followed per listing page; the rest are counted (a real listing shows
# tens of stories, a page with thousands of links is an archive or a trap).
AGGREGATOR_MAX_LINKS_PER_LISTING = 500
# Worker processes that extract articles off the reactor thread
# (aggregator/spiders/extraction.py): a number, 0 (inline), or "auto" (CPUs - 1, at most 4).
AGGREGATOR_EXTRACT_WORKERS = os.environ.get("AGGREGATOR_EXTRACT_WORKERS", "auto")
# Longer titles are cut at a word boundary (a 100 KB "title" is a broken page).
AGGREGATOR_MAX_TITLE_LENGTH = 1000
# Dropped items are logged in one line (reason and URL), at INFO: duplicates are routine.
LOG_FORMATTER = "aggregator.logformatter.ArticleLogFormatter"
DEFAULT_DROPITEM_LOG_LEVEL = "INFO"

# --- Discovery: feeds and news sitemaps (docs/discovery.md) --------------------
# Read RSS/Atom feeds: the site's `feeds`, or those listing pages link with
# <link rel="alternate">, or a probe of /feed/ when a listing page names none.
AGGREGATOR_DISCOVER_FEEDS = True
# Read sitemaps: the site's `sitemaps`, or the `Sitemap:` lines of robots.txt.
AGGREGATOR_DISCOVER_SITEMAPS = True
# A feed larger than this is refused (a news feed is tens of KB).
AGGREGATOR_FEED_MAX_BYTES = 5 * 1024 * 1024
# A sitemap larger than this once gunzipped is refused (the protocol's own limit is 50 MB,
# but the download itself stops at DOWNLOAD_MAXSIZE).
AGGREGATOR_SITEMAP_MAX_BYTES = 10 * 1024 * 1024
# Entries read per sitemap file; the rest are counted, not followed (news sitemaps hold <= 1000).
AGGREGATOR_SITEMAP_MAX_URLS = 1000
# Sitemap files deep: 1 reads only the sitemaps named; 3 allows index -> index -> urlset.
AGGREGATOR_SITEMAP_MAX_DEPTH = 3
# Follow only <url> entries that carry <news:news>: a plain sitemap lists the whole
# archive, which a news crawl should not fetch. False follows every entry.
AGGREGATOR_SITEMAP_NEWS_ONLY = True

# --- JavaScript rendering: scrapy-playwright with Debian's Chromium ------------
# Read only when a site has `render_js`: then the spider installs playwright's download
# handler for that crawler alone (aggregator/spiders/rendering.py). Plain crawls start no browser.
# `playwright install` cannot download browsers on our machines: use the system Chromium.
# Becomes PLAYWRIGHT_LAUNCH_OPTIONS["executable_path"] when the handler is installed, unless
# the launch options name one themselves.
AGGREGATOR_CHROMIUM_PATH = os.environ.get("AGGREGATOR_CHROMIUM_PATH", "/usr/bin/chromium")
# When a rendered page counts as loaded: "load", "domcontentloaded" or "networkidle"
# (for listings that fetch their links after load; costs at least 500 ms a page).
AGGREGATOR_RENDER_WAIT_UNTIL = "load"
# Seconds a page may take to render before the attempt fails (and is retried).
AGGREGATOR_RENDER_TIMEOUT = 30.0
# Sample the browser's memory (summed RSS, into stats) every this many rendered pages.
AGGREGATOR_RENDER_MEMORY_EVERY = 20
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "headless": True,
    # Chromium's sandbox cannot start as root; the flags after it stop background
    # connections that a closed network refuses (and that leak nothing to anyone).
    "args": [
        *(["--no-sandbox"] if os.geteuid() == 0 else []),
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ],
}
# Images, fonts and media are never needed to build a listing's links.
PLAYWRIGHT_ABORT_REQUEST = "aggregator.spiders.rendering.should_abort_request"
# Open pages per browser context; each site gets one context, so this is the per-site limit.
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_MAX_CONTEXTS = 2
# Milliseconds; the same as AGGREGATOR_RENDER_TIMEOUT for navigations.
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = AGGREGATOR_RENDER_TIMEOUT * 1000

# --- Operations: crawl runs, health checks, alerts, progress, locks ------------
# See docs/operations.md. The crawl run (aggregator/run/crawl_run.py) owns each
# crawl's lock, health verdict, crawl_runs row, stats file and exit status, in that order.
EXTENSIONS = {
    # Replaced by CrawlProgress, whose lines name the site (several share a process in crawlall).
    "scrapy.extensions.logstats.LogStats": None,
    "aggregator.run.crawl_run.CrawlRun": 100,
    "aggregator.extensions.progress.CrawlProgress": 200,
}
# Write the final stats of each crawl as JSON to this path ("{spider}" becomes the
# spider's name); empty: only the log has them.
AGGREGATOR_STATS_FILE = os.environ.get("AGGREGATOR_STATS_FILE", "")
# One `crawl_runs` row per crawl (aggregator/run/record.py).
AGGREGATOR_RECORD_RUNS = True
# Seconds to wait before each new attempt to close a run's row when the database
# is unusable at the end of a crawl; after the last, the record waits in
# <AGGREGATOR_SPOOL_DIR>/runs/ and `scrapy db replay` closes the row.
AGGREGATOR_RUN_RECORD_RETRY_DELAYS = [1.0, 3.0]
# Health checks at spider close; a failed check makes `scrapy crawl` exit 1
# (aggregator/run/crawl_run.py, the table is in aggregator/health/rules.py).
# Each threshold below can be overridden per site in its TOML file under [checks]
# with the lower-case name after AGGREGATOR_CHECK_ (e.g. max_error_rate = 0.3);
# false there switches that check off for the site.
AGGREGATOR_CHECKS_ENABLED = True
# no_articles: fewer articles found (scraped, or skipped as already stored) fails.
AGGREGATOR_CHECK_MIN_ARTICLES = 1
# items_drop: fewer articles per listing page than this share of the median of
# recent runs fails (per page, because incremental crawls read fewer pages).
AGGREGATOR_CHECK_MIN_ITEMS_RATIO = 0.5
# How many recent completed runs of the same site make that median.
AGGREGATOR_CHECK_HISTORY_RUNS = 5
# error_rate: ERROR log lines and 401/403 refusals per distinct request above this fails.
AGGREGATOR_CHECK_MAX_ERROR_RATE = 0.1
# unparsed_dates: a larger share of items whose date could not be parsed fails.
AGGREGATOR_CHECK_MAX_UNPARSED_DATES = 0.2
# finish_reason: any other finish reason fails (comma-separated with -s).
AGGREGATOR_CHECK_FINISH_REASONS = ["finished"]
# listing_without_links: more listing pages without an article link fails (a layout change).
AGGREGATOR_CHECK_MAX_LISTING_WITHOUT_LINKS = 0
# unstored_articles: more articles left in the store's spool (the database was
# unusable; `scrapy db replay` stores them later) fails.
AGGREGATOR_CHECK_MAX_UNSTORED_ARTICLES = 0
# body_fallback: a larger share of article pages whose body the extractor judged weak
# (no body, or the body safety net ran) fails: a layout extraction does not handle.
AGGREGATOR_CHECK_MAX_BODY_FALLBACK = 0.5
# Alerts when a check fails (aggregator/run/alerts.py): e-mail addresses
# (comma-separated in the environment; sent with Scrapy's MAIL_* settings) and a
# URL that receives the verdict as a JSON POST. Empty: no alert.
AGGREGATOR_ALERT_EMAILS = [
    address.strip()
    for address in os.environ.get("AGGREGATOR_ALERT_EMAILS", "").split(",")
    if address.strip()
]
AGGREGATOR_ALERT_WEBHOOK_URL = os.environ.get("AGGREGATOR_ALERT_WEBHOOK_URL", "")
# The SMTP login's password (the user is Scrapy's MAIL_USER). Never set Scrapy's
# MAIL_PASS: Scrapy prints it with the overridden settings at every crawl's start;
# this setting is not a Scrapy one, so it is never printed. Empty: log in without one.
AGGREGATOR_ALERT_SMTP_PASSWORD = os.environ.get("AGGREGATOR_ALERT_SMTP_PASSWORD", "")
# Seconds to wait for the webhook or the mail server to answer.
AGGREGATOR_ALERT_TIMEOUT = 10.0
# Seconds between progress lines (aggregator/extensions/progress.py); 0 switches them off.
AGGREGATOR_PROGRESS_INTERVAL = 60.0
# One crawl per site at a time on this host (aggregator/run/lock.py): the
# directory of the lock files, relative to the project directory unless absolute.
AGGREGATOR_LOCK_ENABLED = True
AGGREGATOR_LOCK_DIR = os.environ.get("AGGREGATOR_LOCK_DIR", "locks")
# How many sites `scrapy crawlall` crawls at once in its one process.
AGGREGATOR_CRAWLALL_CONCURRENCY = 2

# --- Many machines: the job queue (docs/distributed.md) -----------------------
# The PostgreSQL database holding the queue (procrastinate, in its own schema
# `aggregator_queue`); empty: the articles database, which must then be PostgreSQL.
AGGREGATOR_BROKER_URL = os.environ.get("AGGREGATOR_BROKER_URL", "")
# Seconds between a worker's heartbeats; a worker silent for STALLED_AFTER seconds is
# lost and its jobs are queued again for the others.
AGGREGATOR_QUEUE_HEARTBEAT = 10.0
AGGREGATOR_QUEUE_STALLED_AFTER = 30.0
# Seconds between a worker's looks for delayed jobs (new jobs arrive by LISTEN/NOTIFY).
AGGREGATOR_QUEUE_POLL_INTERVAL = 5.0
# A job whose host another crawl holds is queued again this many seconds later.
AGGREGATOR_QUEUE_BUSY_RETRY_DELAY = 60.0
# A crawl killed by a signal the worker did not send is queued again this many times.
AGGREGATOR_QUEUE_MAX_RETRIES = 2
# Most seconds between two looks of `scrapy scheduler` for due sites.
AGGREGATOR_SCHEDULER_TICK = 30.0
# Set by `scrapy worker` on each crawl it starts (-s), recorded in its crawl_runs row.
AGGREGATOR_JOB_ID = ""
AGGREGATOR_WORKER_HOST = ""
AGGREGATOR_WORKER_PID = 0

# --- Store, duplicates, incremental crawling (docs/schema.md) -------------------
# See docs/schema.md. Scraped articles not yet in the database wait in JSON-lines
# files here (one per crawl), relative to the working directory unless absolute;
# `scrapy db replay` and the next crawl store them.
AGGREGATOR_SPOOL_DIR = os.environ.get("AGGREGATOR_SPOOL_DIR", "spool")
# A new article whose text has at least this estimated Jaccard similarity (5-word
# shingles, 0 to 1) with an article of another site is stored as its copy
# (aggregator/store/fingerprint.py); 0 switches near-duplicate detection off.
AGGREGATOR_NEAR_DUPLICATE_THRESHOLD = 0.7
# Skip article pages already stored (aggregator/middlewares/incremental.py).
AGGREGATOR_INCREMENTAL_ENABLED = True
# Seconds: a stored article published (or, undated, first seen) less than this long
# ago is fetched again, so corrections and live updates reach the database; older
# ones are skipped. 0: never fetch a stored article again.
AGGREGATOR_INCREMENTAL_REFRESH_WINDOW = 6 * 3600
# Stop following a listing's pagination at a page whose every article is stored
# (aggregator/middlewares/pagination.py).
AGGREGATOR_INCREMENTAL_STOP_PAGINATION = True
DOWNLOADER_MIDDLEWARES = {
    # Before robots.txt and retries: a skipped article costs no request at all.
    "aggregator.middlewares.incremental.SkipStoredArticlesMiddleware": 50,
    # Just outside Scrapy's RetryMiddleware (550): sees a 429/503 first, honours Retry-After.
    "aggregator.middlewares.retry_after.RetryAfterMiddleware": 560,
}
SPIDER_MIDDLEWARES = {
    "aggregator.middlewares.pagination.StopKnownPaginationMiddleware": 950,
}

# --- scrapy serve (docs/serve.md) ------------------------------------------------
# When set, every route of `scrapy serve` needs `Authorization: Bearer <token>`.
# Empty: no token (the server binds 127.0.0.1 by default).
AGGREGATOR_SERVE_TOKEN = os.environ.get("AGGREGATOR_SERVE_TOKEN", "")

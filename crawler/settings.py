"""Scrapy settings of ainews: polite, safe defaults for crawling Chinese news sites."""

from __future__ import annotations

import os

from scrapy.settings.default_settings import EXTENSIONS_BASE as _SCRAPY_EXTENSIONS

from crawler.items import ARTICLE_EXPORT_FIELDS
from extractor.limits import MAX_BYTES, MIN_CHARS

BOT_NAME = "ainews"
SPIDER_MODULES = ["crawler.spiders"]
# `scrapy parse URL` shows extracted articles (ainews/commands/parse.py).
COMMANDS_MODULE = "ainews.commands"
NEWSPIDER_MODULE = "crawler.spiders"
USER_AGENT = "ainews/0.1 (AI-news archive crawler; obeys robots.txt)"

# ---- politeness ----
# Obey robots.txt.
ROBOTSTXT_OBEY = True
# Base delay between requests to one site, seconds; AutoThrottle adapts from here.
DOWNLOAD_DELAY = 1.0
# Parallel requests per site.
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Adapt the delay to the server's latency.
AUTOTHROTTLE_ENABLED = True
# First delay AutoThrottle uses, seconds.
AUTOTHROTTLE_START_DELAY = 1.0
# Longest delay AutoThrottle may reach, seconds.
AUTOTHROTTLE_MAX_DELAY = 30.0
# Requests in flight per site AutoThrottle aims for.
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.6",
}

# ---- safety ----
# Responses larger than this are dropped, also while decompressing (gzip bombs), bytes.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
# Log a warning above this size, bytes.
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
# Give up on a request after this long, seconds.
DOWNLOAD_TIMEOUT = 30
# Only http and https: no local files, data: URLs, FTP or S3.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
# The telnet console and the remote-control server both run code sent to them: off.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
# Requests, redirects and links to loopback, private, link-local or reserved addresses are
# refused unless the crawl started on that origin; True allows them (`--allow-private`).
ALLOW_PRIVATE_ADDRESSES = False
# Give up on a URL after this many retries.
RETRY_TIMES = 2
# A redirect chain longer than this is abandoned.
REDIRECT_MAX_TIMES = 5

# ---- components ----
DOWNLOADER_MIDDLEWARES = {
    # Scrapy's own lets the third and later concurrent requests past a pending robots.txt.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.robots.SharedRobotsTxtMiddleware": 100,
    "crawler.middlewares.InternalAddressMiddleware": 40,
    "crawler.middlewares.ArchivedUrlFilterMiddleware": 50,
    "crawler.middlewares.DiscoveryGateMiddleware": 60,
    # Nearer the engine than RetryMiddleware (550): sees a failure once, after its last try.
    "crawler.middlewares.FailedRequestCounter": 540,
    "crawler.middlewares.MetaCharsetMiddleware": 950,
}
# Scrapy's own extensions but the two servers, which are not even loaded (they are off above;
# listing them as None in EXTENSIONS would still import them): the remote control's aiohttp and
# the console's twisted.conch cost 0.1 s of every crawl's start.
EXTENSIONS_BASE = {path: order for path, order in _SCRAPY_EXTENSIONS.items()
                   if path.rsplit(".", 1)[-1] not in ("TelnetConsole", "RemoteControl")}
EXTENSIONS = {
    "crawler.extensions.CrawlRunRecorder": 500,
    "crawler.progress.ProgressDisplay": 510,
}
# Progress: "auto" draws a live line when stderr is a terminal and logs a line every
# PROGRESS_LOG_INTERVAL seconds otherwise; "live", "log" or "off" force one.
PROGRESS = "auto"
PROGRESS_LOG_INTERVAL = 30.0
ITEM_PIPELINES = {
    "pipelines.extraction.ExtractionPipeline": 300,
    "pipelines.archiving.ArchivePipeline": 800,
}

# Feed exports (`scrapy crawl SITE -O items.jsonl`, `.csv`): the article columns, without the
# raw page each item carries for the archive (its bytes have no JSON form).
FEED_EXPORT_FIELDS = ARTICLE_EXPORT_FIELDS
FEED_EXPORT_ENCODING = "utf-8"

# ---- extraction ----
# Pages with less body text than this are not articles, characters.
EXTRACT_MIN_CHARS = MIN_CHARS
# Worker processes that extract pages off the reactor thread; -1: one per CPU, 0: inline.
EXTRACT_WORKERS = -1
# Longest page parsed, bytes: beyond it scripts, styles and inline data are dropped, then the
# tail is cut (parsing costs ~90 times the page in memory).
EXTRACT_MAX_BYTES = MAX_BYTES
# A page whose extraction takes longer is dropped (its worker is replaced), seconds.
EXTRACT_TIMEOUT = 30.0

# ---- archive ----
# Write articles to the archive.
ARCHIVE_ENABLED = True
# Folder of the Delta Lake table.
ARCHIVE_URI = os.environ.get("AINEWS_ARCHIVE", "data/archive")
# Articles per atomic commit; a killed crawl loses at most this many (fetched again next time).
ARCHIVE_BATCH_SIZE = 200
# Commit at least this often, so a slow, polite crawl also commits as it goes, seconds.
ARCHIVE_FLUSH_SECONDS = 30.0
# Serve the archive from a process of its own: the Delta writer stack (~150 MB, growing with
# every commit) stays out of the crawl process, and commits run while the crawl goes on.
ARCHIVE_PROCESS = True
# Appends one archive process serves before it is replaced (its native memory goes with it).
ARCHIVE_PROCESS_RECYCLE = 50
# Skip article requests whose URL is already archived.
ARCHIVE_SKIP_ARCHIVED = True
# Keep each article's raw response in the `pages` table, for re-extraction without network.
ARCHIVE_PAGES_ENABLED = True

# ---- incremental crawling ----
# Archived articles published less than this many days ago are fetched again with a
# conditional GET; a changed text becomes a new version. 0 turns revisits off.
REVISIT_WINDOW_DAYS = 3.0
# At most this many revisits per crawl, newest first.
REVISIT_MAX = 500
# Listing pages one crawl walks at most.
LISTING_MAX_PAGES = 200
# Pages a discovery crawl (a site without a profile) fetches at most; sitemaps count.
DISCOVERY_MAX_PAGES = 5000
# Sitemap indexes nest at most this deep (index → index → sitemap), and one crawl reads at
# most this many sitemaps named by indexes: an index that keeps naming new ones ends there.
SITEMAP_MAX_DEPTH = 3
SITEMAP_MAX_FILES = 500

# ---- distributed crawling (ainews worker; scrapy-redis) ----
# The Redis server of the shared frontier (redis://HOST:PORT/DB). Unset: every crawl is one
# process on its own. Keep Redis private: requests are stored pickled.
REDIS_URL = os.environ.get("AINEWS_REDIS") or None
# A worker that stopped renewing its heartbeat this long ago is dead: the requests it held go
# back to the frontier, seconds. The worst case between a kill -9 and its work being taken
# again is this plus one heartbeat (a fifth of it).
REDIS_LEASE_SECONDS = 30.0
# A worker that loses Redis retries with backoff this long, then stops as failed (exit 1),
# keeping what it holds in Redis for any worker; a full or read-only Redis stops it at once.
REDIS_OUTAGE_SECONDS = 120.0
# A worker ends after this many seconds with nothing queued or held by any worker of its
# site; 0 waits for new work for ever (a long-running service).
WORKER_EXIT_WHEN_IDLE = 0.0
# The worker's name in Redis (default: host, pid and a random part).
WORKER_ID = None
# What a worker runs with (set by its spider, listed here for reference): scrapy-redis's
# scheduler and duplicate filter, with the frontier `ainews:SITE:requests` (a sorted set our
# LeaseQueue pops under a lease) and the seen-set `ainews:SITE:dupefilter`, both kept when
# workers stop (SCHEDULER_PERSIST). See crawler/spiders/worker.py and crawler/distributed/.

# ---- engine ----
# Items processed in parallel per response. Scrapy starts this many tasks for every response
# (100 by default: 5 ms of the reactor thread per page here); ours yield one item each.
CONCURRENT_ITEMS = 16
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"

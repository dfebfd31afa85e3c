"""Scrapy settings for the newsarchive crawlers (named by scrapy.cfg).

Polite defaults for crawling real news sites; override any of them per run with
``newsarchive crawl -s NAME=VALUE`` or ``scrapy crawl SPIDER -s NAME=VALUE``.
"""

import os

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# -- politeness -------------------------------------------------------------------
# Says who is crawling; add a contact URL or e-mail for your own crawls.
USER_AGENT = "newsarchive/0.1 (news article archiver; Scrapy; +https://pypi.org/project/Scrapy/)"
ROBOTSTXT_OBEY = True  # robots.txt rules of each site are obeyed
AUTOTHROTTLE_ENABLED = True  # adapt the delay per site to its response times
AUTOTHROTTLE_START_DELAY = 1.0  # seconds between requests to a site until latencies are known
AUTOTHROTTLE_MAX_DELAY = 30.0  # upper bound when a site slows down
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0  # requests in flight per site that AutoThrottle aims for
DOWNLOAD_DELAY = 0.25  # lower bound of the delay per site, in seconds
CONCURRENT_REQUESTS = 32  # in flight over all sites
CONCURRENT_REQUESTS_PER_DOMAIN = 4  # in flight per site
COOKIES_ENABLED = False  # articles do not need sessions; avoids consent-cookie loops
DOWNLOAD_TIMEOUT = 30  # seconds per request before it counts as timed out
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # larger responses are not articles (matches the file loader)

# -- retries with backoff -----------------------------------------------------------
RETRY_ENABLED = True  # 5xx, 408, 429 and network timeouts are retried
RETRY_TIMES = 3  # retries after the first attempt
NEWSARCHIVE_RETRY_BACKOFF = 2.0  # seconds before the first retry; doubles for each further one
NEWSARCHIVE_RETRY_BACKOFF_MAX = 120.0  # cap on one backoff (also on a server's Retry-After)

# -- the archive ----------------------------------------------------------------------
NEWSARCHIVE_DB = os.environ.get("NEWSARCHIVE_DB") or "archive.duckdb"  # archive file written by the pipelines
NEWSARCHIVE_WORKERS = 0  # extraction processes; 0 = one per CPU core
NEWSARCHIVE_WORKER_NICENESS = 10  # extraction workers yield the CPU to the reactor (short stalls)
NEWSARCHIVE_MAX_EXTRACT_BYTES = 5 * 1024 * 1024  # larger pages are rejected, not extracted
NEWSARCHIVE_EXTRACT_SECONDS = 20.0  # time budget per page in a worker
NEWSARCHIVE_GC_FREEZE = True  # freeze start-up objects so garbage collection pauses the reactor less
NEWSARCHIVE_BATCH_SIZE = 200  # articles per archive transaction
NEWSARCHIVE_FLUSH_SECONDS = 5.0  # longest time an extracted article waits before it is written
NEWSARCHIVE_SKIP_KNOWN = True  # do not fetch article URLs that are already archived
NEWSARCHIVE_SEEN_URLS = "pipelines.seen.ArchiveSeenUrls"  # class answering "already archived?" (swappable)
NEWSARCHIVE_REVISIT = False  # fetch archived articles again, conditionally, and keep their versions (--revisit)
NEWSARCHIVE_REVISIT_WITHIN_DAYS = 0.0  # revisit only articles first archived this recently (0: all)
NEWSARCHIVE_REVISIT_TARGETS = "pipelines.revisit.ArchiveRevisitTargets"  # archived URLs and validators (swappable)
NEWSARCHIVE_SINK = "pipelines.sink.ThreadedArchiveSink"  # class the pipeline writes through (swappable)
NEWSARCHIVE_WARC_DIR = None  # folder for WARC copies of fetched responses (None: no WARC)
NEWSARCHIVE_HEARTBEAT = 0.05  # seconds between reactor heartbeats that measure stalls (0: off)
NEWSARCHIVE_REDIS_URL = None  # crawl worker of a Redis fleet (newsarchive crawl --redis URL): see archive/scaleout/
NEWSARCHIVE_REDIS_PREFIX = "newsarchive"  # prefix of the fleet's Redis keys
NEWSARCHIVE_IDLE_EXIT = None  # seconds with an empty shared frontier after which a worker exits (None: never)
NEWSARCHIVE_WORKER_TTL = 15.0  # seconds without a heartbeat after which a worker counts as dead
NEWSARCHIVE_REDIS_RETRY_SECONDS = 30.0  # a lost Redis is retried with backoff this long, then the worker stops
NEWSARCHIVE_SITE_DEPTH = 2  # default link depth of the site spider

ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 300,  # trafilatura in worker processes
    "pipelines.store.ArchivePipeline": 800,  # batched writes in the writer thread
}
DOWNLOADER_MIDDLEWARES = {
    "spiders.skip_known.SkipKnownUrlsMiddleware": 60,  # before robots.txt and the download
    "spiders.revisit.RevisitMiddleware": 61,  # in its place on a revisit crawl: conditional requests
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.retry.BackoffRetryMiddleware": 550,  # replaces Scrapy's immediate retries
    "spiders.warc.WarcExportMiddleware": 585,  # sees decoded bodies, before redirects are followed
}
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "spiders.throttle.SiteDelayAutoThrottle": 0,  # AutoThrottle, floored at each site's own delay
    "spiders.heartbeat.ReactorHeartbeat": 500,
    "spiders.gc_freeze.FreezeStartupObjects": 510,
    "spiders.fleet.FleetWorker": 520,  # a crawl worker of a Redis fleet (only with NEWSARCHIVE_REDIS_URL)
    "scrapy.extensions.telnet.TelnetConsole": None,  # no open port on shared machines
}
REMOTE_CONTROL_ENABLED = False  # no open port on shared machines (Scrapy >= 2.19)

# -- Scrapy internals ---------------------------------------------------------------------
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"  # pipelines await asyncio futures
LOG_LEVEL = "INFO"  # DEBUG logs every request
CONCURRENT_ITEMS = 8  # article pages yield one item each; Scrapy starts this many tasks per response
FEED_EXPORT_ENCODING = "utf-8"  # for `scrapy crawl ... -o items.jsonl`

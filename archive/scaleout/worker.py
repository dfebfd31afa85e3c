"""The Scrapy settings that make a crawl a fleet worker (``newsarchive crawl --redis URL``).

The components are named, never imported (archive/ knows nothing of them): scrapy-redis's
scheduler and its request queue (a sorted set per spider, by request priority), request
fingerprints in monthly sets (both ``pipelines.frontier``), the stream sink and seen-set
(``pipelines.stream``), the fleet membership extension (``spiders.fleet``).
"""

from __future__ import annotations

from typing import Any

from archive.scaleout.keys import RedisKeys


def worker_settings(url: str, idle_exit: float | None = None, keys: RedisKeys = RedisKeys()) -> dict[str, Any]:
    return {
        "SCHEDULER": "pipelines.frontier.FleetScheduler",  # scrapy-redis's, stopping cleanly when Redis is lost
        "SCHEDULER_PERSIST": True,  # the frontier outlives each worker: it is the fleet's
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        "DUPEFILTER_CLASS": "pipelines.frontier.MonthlyDupeFilter",
        "REDIS_URL": url,
        "NEWSARCHIVE_REDIS_URL": url,
        "NEWSARCHIVE_REDIS_PREFIX": keys.prefix,
        "NEWSARCHIVE_SINK": "pipelines.stream.RedisStreamSink",
        "NEWSARCHIVE_SEEN_URLS": "pipelines.stream.RedisSeenUrls",
        "NEWSARCHIVE_IDLE_EXIT": "" if idle_exit is None else str(idle_exit),
    }

"""The Redis keys of a worker fleet, and the client every part of it connects with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from archive.errors import ArchiveError

MIN_VERSION = (6, 2)  # XAUTOCLAIM (the committer reclaims the entries of a dead committer)
RETRY_SECONDS = 30.0  # how long a lost connection is retried, with backoff, before giving up


class RedisUnreachable(ArchiveError):
    """Redis cannot be reached (or is too old); the message names the URL."""


@dataclass(frozen=True)
class RedisKeys:
    """Where a fleet keeps its state; ``prefix`` lets several fleets share one Redis."""

    prefix: str = "newsarchive"

    @property
    def stream(self) -> str:  # extracted articles and rejections, from the workers to the committer
        return f"{self.prefix}:articles"

    @property
    def group(self) -> str:  # the committer's consumer group on the stream
        return "committer"

    @property
    def dead(self) -> str:  # poison entries moved aside, with their reason
        return f"{self.prefix}:articles:dead"

    def seen(self, month: str) -> str:  # article URLs archived (a set per month, expiring)
        return f"{self.prefix}:seen:{month}"

    @property
    def workers(self) -> str:  # live workers: sorted set, member = worker id, score = last heartbeat
        return f"{self.prefix}:workers"

    @property
    def requests(self) -> str:  # scrapy-redis scheduler queue, per spider (SCHEDULER_QUEUE_KEY)
        return f"{self.prefix}:%(spider)s:requests"

    @property
    def dupefilter(self) -> str:  # scrapy-redis request fingerprints (SCHEDULER_DUPEFILTER_KEY)
        # One set for every spider, not one each: an article listed by the feed and the sitemap is
        # fetched once in the fleet, as the single-process crawl fetches it once.
        return f"{self.prefix}:dupefilter"


def connect(url: str, retry_seconds: float = RETRY_SECONDS) -> Any:
    """A redis-py client on ``url`` that has answered a PING; RedisUnreachable otherwise.

    A connection lost later is retried with exponential backoff (redis-py's Retry) for about
    ``retry_seconds``; then the command raises redis.ConnectionError.
    """
    import redis
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise RedisUnreachable(f"{url}: not a Redis URL (expected redis://HOST:PORT/DB)")
    retries = max(1, int(retry_seconds / 2))  # backoff capped at 2 s a try
    try:
        client = redis.Redis.from_url(
            url,
            retry=Retry(ExponentialBackoff(cap=2.0, base=0.1), retries),
            retry_on_error=[redis.ConnectionError, redis.TimeoutError],
            socket_connect_timeout=5,
            health_check_interval=30,
        )
    except ValueError as exc:
        raise RedisUnreachable(f"{url}: not a Redis URL ({exc})") from None
    probe = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)  # no retries: fail fast
    try:
        info = probe.info("server")
    except redis.RedisError as exc:
        raise RedisUnreachable(f"{url}: cannot reach Redis ({exc})") from None
    finally:
        probe.close()
    version = tuple(int(part) for part in str(info.get("redis_version", "0.0")).split(".")[:2])
    if version < MIN_VERSION:
        raise RedisUnreachable(f"{url}: Redis {info.get('redis_version')} is too old (need 6.2 or later)")
    return client

"""The shared frontier on scrapy-redis: fingerprints by month, and a lost Redis that stops the worker.

``FleetScheduler`` is scrapy-redis's scheduler that, once Redis is gone (after the client's
retries with backoff), drops what it is asked to enqueue and hands out nothing: the worker then
idles and its fleet extension stops it with one clear line (spiders/fleet.py), instead of
Scrapy's tasks dying one traceback each. A re-run of the same command fetches what was lost.

``RFPDupeFilter`` keeps every fingerprint of a crawl in one set for as long as the crawl's
workers run (a fleet that never stops grows it without bound). This one adds to this month's
set, which expires after ``KEEP_DAYS``, and asks it and last month's: a request seen in the
last month or so is filtered, an older one may be fetched once more (an article URL then is
still skipped through the seen-set, which the committer keeps).
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import redis
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

LOGGER = logging.getLogger(__name__)

KEEP_DAYS = 62


class MonthlyDupeFilter(RFPDupeFilter):
    def request_seen(self, request) -> bool:
        fingerprint = self.request_fingerprint(request)
        now = datetime.now(timezone.utc)
        previous = (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)
        current_key = f"{self.key}:{now.year:04d}-{now.month:02d}"
        with self.server.pipeline(transaction=False) as pipe:
            pipe.sismember(f"{self.key}:{previous[0]:04d}-{previous[1]:02d}", fingerprint)
            pipe.sadd(current_key, fingerprint)
            pipe.expire(current_key, KEEP_DAYS * 86400)
            seen_before, added, _ = pipe.execute()
        return bool(seen_before) or added == 0

    def clear(self) -> None:
        keys = list(self.server.scan_iter(match=f"{self.key}:*", count=1000))
        if keys:
            self.server.delete(*keys)


class FleetScheduler(Scheduler):
    lost: BaseException | None = None  # the error that lost Redis, once it is lost

    def enqueue_request(self, request) -> bool:
        if self.lost is not None:
            return False
        try:
            return super().enqueue_request(request)
        except redis.RedisError as exc:
            self._lose(exc)
            return False

    def next_request(self):
        if self.lost is not None:
            return None
        try:
            return super().next_request()
        except redis.RedisError as exc:
            self._lose(exc)
            return None

    def has_pending_requests(self) -> bool:
        if self.lost is not None:
            return False
        try:
            return super().has_pending_requests()
        except redis.RedisError as exc:
            self._lose(exc)
            return False

    def _lose(self, exc: BaseException) -> None:
        self.lost = exc
        LOGGER.debug("the frontier is unreachable: %s", exc)

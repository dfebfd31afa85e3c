"""The fleet's seen-set: article URLs archived, kept in Redis so workers do not fetch them again.

The committer adds the URLs of each committed batch (articles and the URLs they were fetched
under); workers ask before they fetch. One set per calendar month, expiring ``keep_months``
after it: memory stays bounded on an endless crawl, and a URL that has dropped out is at worst
fetched once more, then skipped by the writer (the archive's own knowledge) and added again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from archive.scaleout.keys import RedisKeys

KEEP_MONTHS = 2  # a URL is remembered for this many months after the month it was added in
_DAY = 86400


class SeenSet:
    def __init__(self, client: Any, keys: RedisKeys = RedisKeys(), keep_months: int = KEEP_MONTHS):
        self.client = client
        self.keys = keys
        self.keep_months = max(1, keep_months)

    def add(self, urls: Iterable[str], now: datetime | None = None) -> None:
        urls = list(dict.fromkeys(urls))
        if not urls:
            return
        key = self.keys.seen(_month(now or _now()))
        with self.client.pipeline(transaction=False) as pipe:
            for start in range(0, len(urls), 1000):
                pipe.sadd(key, *urls[start : start + 1000])
            pipe.expire(key, (self.keep_months + 1) * 31 * _DAY)
            pipe.execute()

    def seen(self, urls: Iterable[str], now: datetime | None = None) -> set[str]:
        """The subset of ``urls`` in this month's set or one of the ``keep_months`` before it."""
        urls = list(dict.fromkeys(urls))
        if not urls:
            return set()
        found: set[str] = set()
        with self.client.pipeline(transaction=False) as pipe:
            for month in _months_back(now or _now(), self.keep_months + 1):
                pipe.smismember(self.keys.seen(month), urls)
            for flags in pipe.execute():
                found.update(url for url, flag in zip(urls, flags) if flag)
        return found

    def memory(self, now: datetime | None = None) -> tuple[int, int]:
        """(URLs, bytes) of the sets kept now: what BENCHMARKS reports per URL."""
        count = size = 0
        for month in _months_back(now or _now(), self.keep_months + 1):
            key = self.keys.seen(month)
            count += self.client.scard(key)
            size += self.client.memory_usage(key, samples=0) or 0
        return count, size


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _month(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def _months_back(moment: datetime, count: int) -> list[str]:
    year, month = moment.year, moment.month
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found

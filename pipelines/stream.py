"""A crawl worker's end of the fleet: articles to a Redis Stream, the seen-set in Redis.

``RedisStreamSink`` (``NEWSARCHIVE_SINK``) adds every extracted article, with the dedup
signature input computed in the extraction pool, and every rejection to the stream the
committer reads (``newsarchive commit``); the worker never opens the archive. ``RedisSeenUrls``
(``NEWSARCHIVE_SEEN_URLS``) asks the seen-set the committer fills. Both read the Redis URL
from the ``NEWSARCHIVE_REDIS_URL`` setting.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from archive.ingest.writer import WriteStats
from archive.models import Article, Poll, RawDocument, Rejection
from archive.scaleout import RedisKeys, connect
from archive.scaleout.entries import encode_article, encode_rejection
from archive.scaleout.keys import RETRY_SECONDS
from archive.scaleout.seen import SeenSet

LOGGER = logging.getLogger(__name__)


class RedisStreamSink:
    """An ``ArchiveSink`` that sends to the fleet's stream; ``close`` returns what was sent
    (``read``; nothing is archived here: the committer counts that)."""

    run_id: int | None = None  # the committer's run records what the fleet archived
    stop_reason = "redis_lost"  # the crawl's finish reason when sending failed

    def __init__(self, client, keys: RedisKeys = RedisKeys(), url: str = ""):
        self.client = client
        self.keys = keys
        self.url = url
        self.stats = WriteStats()
        self._error: BaseException | None = None

    @property
    def error(self) -> BaseException | None:
        return self._error

    @classmethod
    def open(cls, db: str, batch_size: int = 200, flush_seconds: float = 5.0, command: str = "crawl"):
        raise TypeError("RedisStreamSink needs the NEWSARCHIVE_REDIS_URL setting: made by from_settings")

    @classmethod
    def from_settings(cls, settings) -> RedisStreamSink:
        url = settings.get("NEWSARCHIVE_REDIS_URL")
        client = connect(url, settings.getfloat("NEWSARCHIVE_REDIS_RETRY_SECONDS", RETRY_SECONDS))
        return cls(client, RedisKeys(settings.get("NEWSARCHIVE_REDIS_PREFIX") or "newsarchive"), url)

    def add(self, raw: RawDocument, article: Article) -> None:
        if self._send(encode_article(raw, article)):
            self.stats.read += 1

    def reject(self, rejection: Rejection) -> None:
        if self._send(encode_rejection(rejection)):
            self.stats.read += 1
            self.stats.rejections.append(rejection)

    def record_poll(self, poll: Poll) -> None:
        LOGGER.warning("poll of %s not recorded: a crawl worker does not record polls", poll.url)

    def _send(self, fields: dict[bytes, bytes]) -> bool:
        if self._error is not None:
            return False
        import redis

        try:
            self.client.xadd(self.keys.stream, fields)
            return True
        except redis.RedisError as exc:  # retried with backoff by the client already
            self._error = exc
            LOGGER.error("Redis lost (%s): %s; stopping the worker (a re-run fetches what was not sent)", self.url, exc)
            return False

    def close(self) -> WriteStats:
        self.client.close()
        return self.stats


class RedisSeenUrls:
    """A ``SeenUrls`` on the fleet's seen-set (the committer adds what it archives)."""

    def __init__(self, seen: SeenSet):
        self.seen_set = seen

    @classmethod
    def from_crawler(cls, crawler) -> RedisSeenUrls:
        settings = crawler.settings
        keys = RedisKeys(settings.get("NEWSARCHIVE_REDIS_PREFIX") or "newsarchive")
        retry = settings.getfloat("NEWSARCHIVE_REDIS_RETRY_SECONDS", RETRY_SECONDS)
        return cls(SeenSet(connect(settings.get("NEWSARCHIVE_REDIS_URL"), retry), keys))

    def seen(self, urls: Iterable[str]) -> set[str]:
        return self.seen_set.seen(urls)

    def close(self) -> None:
        self.seen_set.client.close()

"""Extension: a crawl worker's membership of a Redis fleet (``newsarchive crawl --redis URL``).

On start the worker joins (``archive.scaleout.frontier.Frontier``: a new crawl drops the last
one's request fingerprints), beats every few seconds while it runs and leaves when its last
crawler closes. With ``NEWSARCHIVE_IDLE_EXIT`` = S a spider closes once the shared frontier has
been empty, and nothing was in flight here, for S seconds; without it the worker waits for
work (requests that other workers put into the frontier) until it is stopped.
"""

from __future__ import annotations

import asyncio
import logging
import time
import warnings

from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider, NotConfigured, ScrapyDeprecationWarning
from twisted.internet import task

from archive.scaleout import RedisKeys, connect
from archive.scaleout.frontier import HEARTBEAT_TTL, Frontier
from archive.scaleout.keys import RETRY_SECONDS
from pipelines import shared

LOGGER = logging.getLogger(__name__)

IDLE_POLL_SECONDS = 0.5  # how often an idle worker looks at the frontier again (Scrapy's own: 5 s)


class FleetWorker:
    def __init__(
        self, crawler, url: str, prefix: str, idle_exit: float | None, ttl: float, retry_seconds: float = RETRY_SECONDS
    ):
        self.crawler = crawler
        self.url = url
        self.idle_exit = idle_exit
        self._key = ("fleet-membership", url, prefix)
        self.frontier: Frontier = shared.acquire(self._key, lambda: _join(url, prefix, ttl, retry_seconds))
        self._lost = False
        self._idle_since: float | None = None
        self._beat = task.LoopingCall(self._heartbeat)
        self._beat.start(max(ttl / 5, 0.2), now=False)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        url = settings.get("NEWSARCHIVE_REDIS_URL")
        if not url:
            raise NotConfigured
        # scrapy-redis 0.9 passes spider= to the stats and calls spider.log (deprecated in Scrapy 2.14): not ours to fix
        warnings.filterwarnings("ignore", "Passing a 'spider' argument", ScrapyDeprecationWarning)
        warnings.filterwarnings("ignore", r"Spider\.log\(\) is deprecated", ScrapyDeprecationWarning)
        idle = settings.get("NEWSARCHIVE_IDLE_EXIT")
        extension = cls(
            crawler,
            url,
            settings.get("NEWSARCHIVE_REDIS_PREFIX") or "newsarchive",
            float(idle) if idle not in (None, "") else None,
            settings.getfloat("NEWSARCHIVE_WORKER_TTL", HEARTBEAT_TTL),
            settings.getfloat("NEWSARCHIVE_REDIS_RETRY_SECONDS", RETRY_SECONDS),
        )
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.busy, signal=signals.request_scheduled)
        crawler.signals.connect(extension.busy, signal=signals.response_received)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def _heartbeat(self) -> None:
        try:
            self.frontier.beat()
        except Exception as exc:  # Redis gone for longer than the client's retries with backoff
            if self._lost:
                return
            self._lost = True
            LOGGER.error(
                "Redis lost (%s): %s; stopping the worker (what it did not send is fetched by a re-run)", self.url, exc
            )
            self._closing = asyncio.ensure_future(self.crawler.engine.close_spider_async(reason="redis_lost"))

    def busy(self, *args, **kwargs) -> None:
        self._idle_since = None

    def spider_idle(self, spider) -> None:
        lost = getattr(self.crawler.engine._slot.scheduler if self.crawler.engine._slot else None, "lost", None)
        if lost is not None and not self._lost:
            self._lost = True
            LOGGER.error("Redis lost (%s): %s; stopping the worker (a re-run fetches what was lost)", self.url, lost)
        if self._lost:
            self.crawler.stats.set_value("finish_reason", "redis_lost")
            raise CloseSpider("redis_lost")
        now = time.monotonic()
        if self._idle_since is None:
            self._idle_since = now
        if self.idle_exit is not None and now - self._idle_since >= self.idle_exit:
            LOGGER.info("the frontier has been empty for %.0f s: closing %s", self.idle_exit, spider.name)
            return
        from twisted.internet import reactor  # the installed one (imported at module level, it installs its own)

        slot = getattr(self.crawler.engine, "_slot", None)  # look again soon, not at Scrapy's 5 s heartbeat
        if slot is not None:
            reactor.callLater(IDLE_POLL_SECONDS, slot.nextcall.schedule)  # type: ignore[arg-type]  # mypy misreads the installed reactor
        raise DontCloseSpider

    def spider_closed(self, spider) -> None:
        if self._beat.running:
            self._beat.stop()
        if not self._lost:  # its heartbeat ages out instead
            shared.release(self._key, lambda frontier: frontier.leave())


def _join(url: str, prefix: str, ttl: float, retry_seconds: float) -> Frontier:
    frontier = Frontier(connect(url, retry_seconds), RedisKeys(prefix), ttl)
    if frontier.join():
        LOGGER.info("a new crawl on %s: the last crawl's request fingerprints were dropped", url)
    return frontier

"""Extension: a LoopingCall heartbeat that measures how long the reactor was kept busy.

The largest delay beyond the interval is the longest stall (extraction or a DuckDB write on
the reactor would show up here); it is stored as ``newsarchive/reactor_max_stall_ms``.
"""

from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

LOGGER = logging.getLogger(__name__)


class ReactorHeartbeat:
    def __init__(self, interval: float, stats):
        self.interval = interval
        self.stats = stats
        self.max_stall = 0.0
        self._last = 0.0
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat("NEWSARCHIVE_HEARTBEAT", 0.05)
        if interval <= 0:
            raise NotConfigured
        extension = cls(interval, crawler.stats)
        crawler.signals.connect(extension.start, signal=signals.spider_opened)
        crawler.signals.connect(extension.stop, signal=signals.spider_closed)
        return extension

    def start(self, spider=None) -> None:
        self._last = time.monotonic()
        self._loop = task.LoopingCall(self.beat)
        self._loop.start(self.interval, now=False)

    def beat(self) -> None:
        now = time.monotonic()
        stall = now - self._last - self.interval
        self._last = now
        if stall > self.max_stall:
            self.max_stall = stall
            self.stats.set_value("newsarchive/reactor_max_stall_ms", round(stall * 1000, 1))

    def stop(self, spider=None) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        LOGGER.info("longest reactor stall: %.1f ms", self.max_stall * 1000)

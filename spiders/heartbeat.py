"""Extension: a LoopingCall heartbeat that measures how long the reactor was kept busy.

The largest delay beyond the interval is the longest stall (extraction or a DuckDB write on
the reactor would show up here); it is stored as ``newsarchive/reactor_max_stall_ms``.
Stalls before the first response (Scrapy's own start-up: robots.txt parser, first imports)
are kept apart as ``newsarchive/reactor_startup_stall_ms``.

On a busy machine part of a stall is time the OS gave to other processes. The reactor
thread's own CPU time between two beats (``newsarchive/reactor_max_busy_ms``) bounds from
above the longest piece of work that ran on the reactor, whatever the machine's load.
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
        self.started = False  # a first response has arrived: the crawl proper is running
        self._last = 0.0
        self._last_cpu = 0.0
        self.max_busy = 0.0
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat("NEWSARCHIVE_HEARTBEAT", 0.05)
        if interval <= 0:
            raise NotConfigured
        extension = cls(interval, crawler.stats)
        crawler.signals.connect(extension.start, signal=signals.spider_opened)
        crawler.signals.connect(extension.stop, signal=signals.spider_closed)
        crawler.signals.connect(extension.first_response, signal=signals.response_received)
        return extension

    def start(self, spider=None) -> None:
        self._last = time.monotonic()
        self._last_cpu = time.thread_time()
        self._loop = task.LoopingCall(self.beat)
        self._loop.start(self.interval, now=False)

    def first_response(self, *args, **kwargs) -> None:
        self.started = True

    def beat(self) -> None:
        now, cpu = time.monotonic(), time.thread_time()
        stall = now - self._last - self.interval
        busy = cpu - self._last_cpu
        self._last, self._last_cpu = now, cpu
        if not self.started:
            startup = self.stats.get_value("newsarchive/reactor_startup_stall_ms", 0.0)
            self.stats.set_value("newsarchive/reactor_startup_stall_ms", max(startup, round(stall * 1000, 1)))
            return
        if busy > self.max_busy:
            self.max_busy = busy
            self.stats.set_value("newsarchive/reactor_max_busy_ms", round(busy * 1000, 1))
        if stall > 0.1:
            self.stats.inc_value("newsarchive/reactor_stalls_over_100ms")
            LOGGER.debug("reactor stalled for %.0f ms", stall * 1000)
        if stall > self.max_stall:
            self.max_stall = stall
            self.stats.set_value("newsarchive/reactor_max_stall_ms", round(stall * 1000, 1))

    def stop(self, spider=None) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        LOGGER.info(
            "longest reactor stall: %.1f ms; most reactor CPU time between two beats: %.1f ms",
            self.max_stall * 1000,
            self.max_busy * 1000,
        )

"""Retries with exponential backoff (Scrapy's RetryMiddleware retries at once).

The n-th retry of a request waits ``NEWSARCHIVE_RETRY_BACKOFF * 2**(n-1)`` seconds, or the
server's Retry-After when longer, capped at ``NEWSARCHIVE_RETRY_BACKOFF_MAX``. The wait
happens in ``process_request`` as an asyncio sleep, so nothing else is held up.

The whole site slows down too: a server that answers 5xx or 429, or drops connections, is in
trouble or asks for less, and backing off one URL while its other pages are fetched as fast as
before would keep it so. Its download slot's delay is raised to the wait (Scrapy's downloader
then spaces every request to the site by it); AutoThrottle brings it down again as the site
answers normally.
"""

from __future__ import annotations

import asyncio

from scrapy.downloadermiddlewares.retry import RetryMiddleware

_DELAY = "newsarchive_retry_delay"
_RETRY_AFTER = "newsarchive_retry_after"


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings):
        super().__init__(settings)
        self.backoff = settings.getfloat("NEWSARCHIVE_RETRY_BACKOFF", 2.0)
        self.backoff_max = settings.getfloat("NEWSARCHIVE_RETRY_BACKOFF_MAX", 120.0)

    def process_response(self, request, response, spider=None):
        retry_after = response.headers.get("Retry-After")
        if retry_after and retry_after.strip().isdigit():
            request.meta[_RETRY_AFTER] = float(retry_after)
        return super().process_response(request, response)

    def _retry(self, request, reason):
        retry = super()._retry(request, reason)
        if retry is not None:
            attempt = retry.meta.get("retry_times", 1)
            delay = min(max(self.backoff * 2 ** (attempt - 1), retry.meta.pop(_RETRY_AFTER, 0.0)), self.backoff_max)
            retry.meta[_DELAY] = delay
            self._slow_down_site(request, delay)
        request.meta.pop(_RETRY_AFTER, None)
        return retry

    def _slow_down_site(self, request, delay: float) -> None:
        if not self.crawler.crawling:  # built alone, outside a crawl: there is no downloader
            return
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is not None:
            slot.delay = max(slot.delay, delay)

    async def process_request(self, request, spider=None):
        delay = request.meta.pop(_DELAY, 0)
        if delay > 0:
            await asyncio.sleep(delay)
        return None

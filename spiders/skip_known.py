"""Downloader middleware: article URLs already archived are not fetched again.

Only requests marked ``meta["article"]`` are checked (feeds, sitemaps and start pages are
always fetched). The check runs in its own thread against a swappable store
(``NEWSARCHIVE_SEEN_URLS``, default the archive itself), so the reactor never waits on DuckDB.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.misc import load_object

from pipelines import shared
from pipelines.urls import clean_url

LOGGER = logging.getLogger(__name__)

_REQUESTED = ("requested-article-urls",)  # shared key of the process-wide set
_CLAIMED = "newsarchive_claimed"  # meta: the URL with which this request passed the check


class SkipKnownUrlsMiddleware:
    def __init__(self, store, stats=None):
        self.store = store  # pipelines.seen.SeenUrls
        self.stats = stats
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="seen-urls")
        # Article URLs requested by any crawler of this process (--feed and --sitemap of one
        # site list the same articles; Scrapy's duplicate filter is per crawler).
        self.requested: set[str] = shared.acquire(_REQUESTED, set)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("NEWSARCHIVE_SKIP_KNOWN", True) or settings.getbool("NEWSARCHIVE_REVISIT"):
            raise NotConfigured  # a revisit crawl fetches archived articles again (spiders/revisit.py)
        return cls.connected(crawler, load_object(settings.get("NEWSARCHIVE_SEEN_URLS")).from_crawler(crawler))

    @classmethod
    def connected(cls, crawler, store, **kwargs):
        middleware = cls(store, crawler.stats, **kwargs)
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    async def process_request(self, request, spider=None):
        if not request.meta.get("article"):
            return None
        url = clean_url(request.url)
        if request.meta.get(_CLAIMED) == url:  # a retry of a request that passed
            return None
        if url in self.requested:
            self._skip(request)
        # Claimed before the archive is asked: while this request waits for the answer, another
        # crawler of the process may reach the same URL, and must find it taken.
        self.requested.add(url)
        known = await asyncio.wrap_future(self._executor.submit(self.lookup, {request.url, url}))
        if known:
            self.on_known(request, known)
        request.meta[_CLAIMED] = url
        return None

    def lookup(self, urls: set[str]):
        """Which of a request's URLs (as given, cleaned) are archived; runs in the store's thread."""
        return self.store.seen(urls)

    def on_known(self, request, known) -> None:
        """An archived article's URL: not fetched again."""
        self._skip(request)

    def _skip(self, request) -> None:
        if self.stats is not None:
            self.stats.inc_value("newsarchive/skipped_known")
        raise IgnoreRequest(f"already archived or requested: {request.url}")

    def close(self, spider=None) -> None:
        self._executor.submit(self.store.close).result()
        self._executor.shutdown(wait=True)
        shared.release(_REQUESTED, lambda urls: None)

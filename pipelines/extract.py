"""Extraction pipeline: a fetched page in, a CrawledPage (article or rejection) out.

Extraction runs in the shared ExtractorPool (worker processes), awaited as a future, so
Twisted's reactor keeps downloading while trafilatura works. Usable without Scrapy:
``await ExtractPipeline(workers=2).process_item(raw)`` inside any asyncio loop.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from archive.ingest.pool import EXTRACT_SECONDS, MAX_EXTRACT_BYTES, ExtractorPool
from archive.models import Article, RawDocument, Rejection
from pipelines import shared
from pipelines.urls import article_url

LOGGER = logging.getLogger(__name__)


@dataclass
class CrawledPage:
    """A fetched page with its extraction result: exactly one of article and rejection is set."""

    raw: RawDocument
    article: Article | None = None
    rejection: Rejection | None = None


class ExtractPipeline:
    """Extracts each RawDocument item in worker processes; other items pass through."""

    def __init__(
        self,
        workers: int | None = None,
        max_bytes: int = MAX_EXTRACT_BYTES,
        seconds: float = EXTRACT_SECONDS,
        niceness: int = 0,
    ):
        self.workers = workers
        self.max_bytes = max_bytes
        self.seconds = seconds
        self.niceness = niceness
        self.pool: ExtractorPool | None = None
        self._key = ("extractor-pool", workers, max_bytes, seconds, niceness)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(
            workers=settings.getint("NEWSARCHIVE_WORKERS") or None,
            max_bytes=settings.getint("NEWSARCHIVE_MAX_EXTRACT_BYTES", MAX_EXTRACT_BYTES),
            seconds=settings.getfloat("NEWSARCHIVE_EXTRACT_SECONDS", EXTRACT_SECONDS),
            niceness=settings.getint("NEWSARCHIVE_WORKER_NICENESS", 0),
        )

    def open_spider(self, spider=None) -> None:
        self.pool = shared.acquire(self._key, self._start_pool)

    def _start_pool(self) -> ExtractorPool:
        """A pool whose worker processes are started now, before the crawl (ExtractorPool starts
        them, and loads the language model, when it is made): spawning them later would block
        the reactor in the middle of the crawl."""
        return ExtractorPool(self.workers, self.max_bytes, self.seconds, self.niceness)

    async def close_spider(self, spider=None) -> None:
        if self.pool is not None:
            self.pool = None
            await asyncio.to_thread(shared.release, self._key, lambda pool: pool.close())

    async def process_item(self, item, spider=None):
        if not isinstance(item, RawDocument):
            return item
        if self.pool is None:
            self.open_spider()
        try:
            result = await asyncio.wrap_future(self.pool.submit(item))
        except Exception as exc:  # a worker process died (out of memory, parser crash)
            result = Rejection(item.url, f"extraction worker failed ({type(exc).__name__})")
        return to_page(item, result)


def to_page(raw: RawDocument, result: Article | Rejection) -> CrawledPage:
    """Attach the extraction result; the article is stored under its same-site canonical URL."""
    if isinstance(result, Rejection):
        return CrawledPage(raw, rejection=result)
    stored = article_url(raw.url, result.canonical_url)
    if stored != raw.url:
        result.meta.setdefault("fetched_url", raw.url)
        result.url = stored
    return CrawledPage(raw, article=result)

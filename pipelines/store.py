"""Archive pipeline: CrawledPage items into the archive through the shared writer sink.

Usable without Scrapy: ``ArchivePipeline("archive.duckdb")`` then ``open_spider()``,
``process_item(page)`` for each page and ``await close_spider()``, which flushes everything.
"""

from __future__ import annotations

import asyncio
import logging
import os

from archive.ingest.writer import WriteStats
from archive.models import GoneArticle, Poll
from archive.store import default_path
from pipelines import shared
from pipelines.extract import CrawledPage
from pipelines.sink import ArchiveSink, ThreadedArchiveSink
from pipelines.stats import count_drop, drop_reason, summary

LOGGER = logging.getLogger(__name__)

# Scrapy signal sent by the follow spider when a poll of a source is complete (argument: poll, an
# archive.models.Poll); the pipeline records it through the writer, after the poll's articles.
POLL_FINISHED = object()


class ArchivePipeline:
    """Hands articles and rejections to the process's single archive writer."""

    def __init__(
        self,
        db: str | None = None,
        batch_size: int = 200,
        flush_seconds: float = 5.0,
        stats=None,
        crawler=None,
        command: str = "crawl",
        sink_class: type[ArchiveSink] = ThreadedArchiveSink,
        revisit: bool = False,
    ):
        self.revisit = revisit
        self.db = str(db or default_path())
        self.sink_class = sink_class
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.stats = stats  # a Scrapy StatsCollector, or None
        self.crawler = crawler
        self.command = command
        self.sink: ArchiveSink | None = None
        self.final_stats: WriteStats | None = None
        self._key = ("sink", shared.archive_key(self.db))
        self._failed = False
        self.settings = None  # Scrapy settings, when made by from_crawler

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy.utils.misc import load_object

        settings = crawler.settings
        pipeline = cls(
            db=settings.get("NEWSARCHIVE_DB") or None,
            batch_size=settings.getint("NEWSARCHIVE_BATCH_SIZE", 200),
            flush_seconds=settings.getfloat("NEWSARCHIVE_FLUSH_SECONDS", 5.0),
            stats=crawler.stats,
            crawler=crawler,
            command=settings.get("NEWSARCHIVE_RUN_COMMAND") or f"crawl {crawler.spidercls.name} (pid {os.getpid()})",
            sink_class=load_object(settings.get("NEWSARCHIVE_SINK") or ThreadedArchiveSink),
            revisit=settings.getbool("NEWSARCHIVE_REVISIT"),
        )
        pipeline.settings = settings  # for a sink made from settings (pipelines/stream.py)
        crawler.signals.connect(pipeline.record_poll, signal=POLL_FINISHED)
        # Taken when the crawler is made, not when its spider opens: every crawler of the process
        # (`crawl --feed A --sitemap B`) then holds the one sink before the first can finish and
        # close it, so they all write one run.
        pipeline.open_spider()
        return pipeline

    def open_spider(self, spider=None) -> None:
        if self.sink is None:
            self.sink = shared.acquire(self._key, self._open_sink)
        if self.stats is not None:
            self.stats.set_value("newsarchive/run_id", self.sink.run_id)

    def _open_sink(self) -> ArchiveSink:
        from_settings = getattr(self.sink_class, "from_settings", None)
        if from_settings is not None and self.settings is not None:
            return from_settings(self.settings)
        return self.sink_class.open(self.db, self.batch_size, self.flush_seconds, self.command)

    def process_item(self, item, spider=None):
        if not isinstance(item, (CrawledPage, GoneArticle)):
            return item
        if self.sink is None:
            self.open_spider()
        if self.sink.error is not None:
            self._stop_crawl()
        if isinstance(item, GoneArticle):  # a revisit found an archived article's page gone
            self.sink.remove(item)
            return {"url": item.url, "gone": item.status}
        if item.rejection is not None:
            self.sink.reject(item.rejection)
            if self.stats is not None:
                count_drop(self.stats, drop_reason(item.rejection.reason))
            return {"url": item.raw.url, "rejected": item.rejection.reason}
        article = item.article
        if self.revisit:  # archived articles get a new version when they changed
            self.sink.revise(item.raw, article)
        else:
            self.sink.add(item.raw, article)
        if self.stats is not None:
            self.stats.inc_value("newsarchive/articles_extracted")
        return {
            "url": article.url,
            "title": article.title,
            "published": article.published,
            "source": article.source,
            "characters": len(article.text),
            "text_quality": article.text_quality,
        }

    def record_poll(self, poll: Poll) -> None:
        """A followed source's poll is complete (the POLL_FINISHED signal): recorded after its articles."""
        if self.sink is None:
            self.open_spider()
        assert self.sink is not None
        self.sink.record_poll(poll)

    async def close_spider(self, spider=None) -> WriteStats | None:
        """Flush and close the writer when this is its last user; log the crawl summary.

        The final flush runs in a thread, so the reactor stays responsive meanwhile."""
        if self.sink is None:
            return None
        sink, self.sink = self.sink, None
        final = await asyncio.to_thread(shared.release, self._key, lambda s: s.close())
        if self.stats is not None:
            LOGGER.info("%s", summary(self.stats.get_stats()))
        if final is not None:
            self.final_stats = final
            LOGGER.info(
                "archive %s: %s new articles (%s duplicates), %s already archived, %s rejected",
                self.db,
                final.archived,
                final.duplicates,
                final.skipped,
                len(final.rejections),
            )
            if self.stats is not None:
                self.stats.set_value("newsarchive/archived", final.archived)
                self.stats.set_value("newsarchive/duplicates", final.duplicates)
                for name in ("versions", "unchanged", "removed"):
                    self.stats.set_value(f"newsarchive/revisit/{name}", getattr(final, name))
        if sink.error is not None:
            LOGGER.error("the archive writer failed: %s", sink.error)
        return final

    def _stop_crawl(self) -> None:
        if self._failed:
            return
        self._failed = True
        LOGGER.error("stopping the crawl: the archive writer failed (%s)", self.sink.error if self.sink else None)
        engine = getattr(self.crawler, "engine", None)
        if engine is None:
            return
        reason = getattr(self.sink, "stop_reason", "archive_error")  # a fleet worker's sink: redis_lost
        if hasattr(engine, "close_spider_async"):  # Scrapy >= 2.14
            self._closing = asyncio.ensure_future(engine.close_spider_async(reason=reason))
        else:
            engine.close_spider(self.crawler.spider, reason)

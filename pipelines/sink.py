"""The archive writer behind one small interface, run in its own thread.

``ArchiveSink`` is what the crawl pipelines write to. ``ThreadedArchiveSink`` wraps the single
``ArchiveWriter`` in a thread so DuckDB inserts and dedup never run on Twisted's reactor;
a later scale-out issue can put a sink that forwards to one writer process behind the same
interface.
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
import time
from typing import Protocol

from archive.ingest.writer import ArchiveWriter, WriteStats
from archive.models import Article, RawDocument, Rejection
from archive.store import Archive
from pipelines import shared

LOGGER = logging.getLogger(__name__)

_STOP = object()


class ArchiveSink(Protocol):
    """Receives extracted pages; nothing is lost once ``close`` has returned.

    ``open`` is how the pipeline makes one (once per archive per process, named by the
    ``NEWSARCHIVE_SINK`` setting); ``run_id`` is the archive's run row, ``error`` the first
    write failure (the pipeline then stops the crawl).
    """

    run_id: int | None
    error: BaseException | None

    @classmethod
    def open(cls, db: str, batch_size: int, flush_seconds: float, command: str) -> ArchiveSink: ...

    def add(self, raw: RawDocument, article: Article) -> None: ...

    def reject(self, rejection: Rejection) -> None: ...

    def close(self) -> WriteStats: ...


class ThreadedArchiveSink:
    """Batches pages into ``ArchiveWriter`` transactions from a dedicated writer thread.

    A batch is flushed when it holds ``batch_size`` articles or its oldest article is
    ``flush_seconds`` old, and on ``close`` (also after Ctrl-C or an error in the crawl).
    """

    def __init__(
        self, archive: Archive, batch_size: int = 200, flush_seconds: float = 5.0, command: str = "crawl", on_close=None
    ):
        self.archive = archive
        self._on_close = on_close  # releases the shared archive connection
        self.batch_size = max(1, batch_size)
        self.flush_seconds = flush_seconds
        # The sink decides when to flush; the writer never flushes on its own.
        self.writer = ArchiveWriter(archive, batch_size=1 << 62)
        self.run_id = archive.start_run(command)
        self.error: BaseException | None = None
        self._pending: list[tuple[RawDocument, Article]] = []
        self._oldest = 0.0
        self._queue: queue.Queue = queue.Queue()
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="archive-writer", daemon=True)
        self._thread.start()
        atexit.register(self.close)  # a forced shutdown (Ctrl-C twice) skips close_spider

    @classmethod
    def open(
        cls, db: str, batch_size: int = 200, flush_seconds: float = 5.0, command: str = "crawl"
    ) -> ThreadedArchiveSink:
        """A sink on the process's shared connection to ``db``."""
        key = shared.archive_key(db)
        archive = shared.acquire(key, lambda: Archive(db))
        try:
            return cls(
                archive, batch_size, flush_seconds, command, on_close=lambda: shared.release(key, lambda a: a.close())
            )
        except BaseException:
            shared.release(key, lambda a: a.close())
            raise

    # -- called from any thread ------------------------------------------------
    def add(self, raw: RawDocument, article: Article) -> None:
        self._queue.put((raw, article))

    def reject(self, rejection: Rejection) -> None:
        self._queue.put(rejection)

    def close(self) -> WriteStats:
        """Flush what is pending, record the run and stop the thread; idempotent."""
        if not self._closed:
            self._closed = True
            atexit.unregister(self.close)
            self._queue.put(_STOP)
            self._thread.join()
            stats = self.writer.stats
            try:
                self.archive.finish_run(self.run_id, stats.read, stats.archived, stats.duplicates, stats.rejections)
            except Exception as exc:  # the archive itself failed; the crawl's own error says more
                LOGGER.error("could not record the crawl run: %s", exc)
            if self._on_close is not None:
                self._on_close()
        return self.writer.stats

    # -- writer thread -----------------------------------------------------------
    def _loop(self) -> None:
        while True:
            timeout = None
            if self._pending:
                timeout = max(0.0, self._oldest + self.flush_seconds - time.monotonic())
            try:
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                item = None
            if item is _STOP:
                break
            if isinstance(item, Rejection):
                self.writer.reject(item)
            elif item is not None:
                if not self._pending:
                    self._oldest = time.monotonic()
                self._pending.append(item)
            if self._pending and (
                len(self._pending) >= self.batch_size or time.monotonic() - self._oldest >= self.flush_seconds
            ):
                self._flush()
        self._flush()

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        if not batch:
            return
        if self.error is not None:
            LOGGER.error("archive writer failed earlier; %s articles not archived", len(batch))
            return
        started = time.monotonic()
        try:
            for raw, article in batch:
                self.writer.add(raw, article)
            self.writer.flush()
            self._record_aliases(batch)
        except Exception as exc:  # keep the crawl's shutdown path alive; the pipeline reports it
            self.error = exc
            LOGGER.error("archive write failed, %s articles lost: %s", len(batch), exc)
            return
        LOGGER.debug("archived batch of %s in %.3f s", len(batch), time.monotonic() - started)

    def _record_aliases(self, batch: list[tuple[RawDocument, Article]]) -> None:
        """Remember the URLs each page was requested and fetched under (see 0030_crawl_urls.sql)."""
        aliases: dict[str, str] = {}
        for raw, article in batch:
            for url in (raw.url, raw.hints.get("request_url"), raw.hints.get("fetched_url")):
                if url and url != article.url:
                    aliases.setdefault(url, article.url)
        if aliases:
            self.archive.con.execute(
                "INSERT OR IGNORE INTO crawl_urls SELECT unnest(?), unnest(?), now()",
                [list(aliases), list(aliases.values())],
            )

"""The archive writer behind one small interface, run in its own thread.

``ArchiveSink`` is what the crawl pipelines write to. ``ThreadedArchiveSink`` wraps the single
``ArchiveWriter`` in a thread so DuckDB inserts and dedup never run on Twisted's reactor;
a later scale-out issue can put a sink that forwards to one writer process behind the same
interface.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from archive.ingest.writer import ArchiveWriter, WriteStats
from archive.models import Article, GoneArticle, Poll, RawDocument, Rejection
from archive.store import Archive
from pipelines import shared

LOGGER = logging.getLogger(__name__)


class ArchiveSink(Protocol):
    """Receives extracted pages; nothing is lost once ``close`` has returned.

    ``open`` is how the pipeline makes one (once per archive per process, named by the
    ``NEWSARCHIVE_SINK`` setting); ``run_id`` is the archive's run row, ``error`` the first
    write failure (the pipeline then stops the crawl).
    """

    run_id: int | None

    @property
    def error(self) -> BaseException | None: ...

    @classmethod
    def open(cls, db: str, batch_size: int, flush_seconds: float, command: str) -> ArchiveSink: ...

    def add(self, raw: RawDocument, article: Article) -> None: ...

    def revise(self, raw: RawDocument, article: Article) -> None:
        """A page fetched again by a revisit: a new version if its archived article changed."""

    def remove(self, gone: GoneArticle) -> None:
        """A revisited page is gone: its archived article is marked removed."""

    def reject(self, rejection: Rejection) -> None: ...

    def record_poll(self, poll: Poll) -> None: ...

    def close(self) -> WriteStats: ...


class ThreadedArchiveSink:
    """The archive's single writer (``ArchiveWriter``, a thread of its own) as a crawl sink.

    A batch is written when it holds ``batch_size`` articles or its oldest article is
    ``flush_seconds`` old, and on ``close`` (also after a stop or an error in the crawl). A forced
    shutdown (a second signal) skips the batch not yet written: every committed batch is kept.
    """

    def __init__(
        self,
        archive: Archive,
        batch_size: int = 200,
        flush_seconds: float = 5.0,
        command: str = "crawl",
        on_close: Callable[[], object] | None = None,
    ):
        self._on_close = on_close  # releases the shared archive connection
        self.writer = ArchiveWriter(archive, command=command, batch_size=batch_size, flush_seconds=flush_seconds)
        self.run_id: int | None = self.writer.run_id
        self._closed = False

    @property
    def error(self) -> BaseException | None:
        return self.writer.error

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

    def add(self, raw: RawDocument, article: Article) -> None:
        self.writer.add(raw, article)

    def revise(self, raw: RawDocument, article: Article) -> None:
        self.writer.revise(raw, article)

    def remove(self, gone: GoneArticle) -> None:
        self.writer.remove(gone)

    def reject(self, rejection: Rejection) -> None:
        self.writer.reject(rejection)

    def record_poll(self, poll: Poll) -> None:
        self.writer.record_poll(poll)

    def close(self) -> WriteStats:
        """Flush what is pending, record the run and stop the writer; idempotent."""
        if self._closed:
            return self.writer.stats
        self._closed = True
        try:
            return self.writer.close()
        except Exception as exc:  # the write error stopped the crawl already; the pipeline reports it
            LOGGER.error("archive writer failed: %s", exc)
            return self.writer.stats
        finally:
            if self._on_close is not None:
                self._on_close()

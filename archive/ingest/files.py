"""Local files into the archive: load, skip known URLs, extract in workers, write in batches."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack

from archive.ingest.pool import ExtractorPool
from archive.ingest.writer import ArchiveWriter, WriteStats
from archive.models import RawDocument, Rejection
from archive.sources import load
from archive.store import Archive

LOGGER = logging.getLogger(__name__)

LOOKUP_CHUNK = 256  # URLs checked against the archive per query


def ingest(
    archive: Archive,
    paths: Iterable[str],
    workers: int | None = None,
    batch_size: int = 200,
    on_document: Callable[[WriteStats], None] | None = None,
    stop: threading.Event | None = None,
) -> WriteStats:
    """Archive every document under ``paths``; re-running it adds nothing.

    Setting ``stop`` (from a signal handler or another thread) ends the run early: no further
    input is read, the documents already extracted are written, the worker processes are
    stopped and the run is recorded. Running the same ingest again goes on from there.
    """
    paths = list(paths)
    writer = BackgroundWriter(archive, batch_size=batch_size)
    run_id = archive.start_run("ingest " + " ".join(paths))
    reader = archive.con.cursor()  # the writer thread owns archive.con
    pool = None
    try:
        pool = ExtractorPool(workers)
        for raw, result in pool.map(_new_documents(archive, reader, load(paths), writer), stop=stop):
            if isinstance(result, Rejection):
                writer.reject(result)
            else:
                writer.add(raw, result)
            if on_document:
                on_document(writer.stats)
    finally:
        # Also after a stop, Ctrl-C or an error, each step even if one before it fails: commit
        # what was extracted, record the run (with what was written before a failing batch),
        # and only then stop the workers, which may take a few seconds for a stuck one.
        with ExitStack() as cleanup:
            if pool is not None:
                cleanup.callback(pool.close)
            cleanup.callback(_record_run, archive, run_id, writer.stats)
            cleanup.callback(reader.close)
            cleanup.callback(writer.close)  # callbacks run last to first
    return writer.stats


def _record_run(archive: Archive, run_id: int, stats: WriteStats) -> None:
    archive.finish_run(run_id, stats.read, stats.archived, stats.duplicates, stats.rejections)


class BackgroundWriter(ArchiveWriter):
    """An ArchiveWriter that commits each batch on a thread, so extraction goes on meanwhile."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="archive-writer")
        self._writing: Future | None = None

    def flush(self) -> None:
        """Hand the pending batch to the thread, once the previous batch is committed."""
        self.join()
        if self._pending:
            batch, self._pending = self._pending, []
            self._writing = self._thread.submit(self._write, batch)

    def join(self) -> None:
        """Wait for the batch being written; re-raise its error."""
        if self._writing is not None:
            writing, self._writing = self._writing, None
            writing.result()

    def close(self) -> None:
        try:
            self.flush()
            self.join()
        finally:
            self._thread.shutdown()


def _new_documents(
    archive: Archive, reader, items: Iterator[RawDocument | Rejection], writer: ArchiveWriter
) -> Iterator[RawDocument]:
    """Documents whose URL is neither archived nor seen earlier in this run; rejections go to the writer."""
    seen: set[str] = set()
    chunk: list[RawDocument] = []

    def fresh() -> Iterator[RawDocument]:
        known = archive.known_urls((raw.url for raw in chunk), cursor=reader)
        for raw in chunk:
            if raw.url in known or raw.url in seen:
                writer.stats.read += 1
                writer.stats.skipped += 1
                continue
            seen.add(raw.url)
            yield raw
        chunk.clear()

    for item in items:
        if isinstance(item, Rejection):
            writer.reject(item)
            continue
        chunk.append(item)
        if len(chunk) >= LOOKUP_CHUNK:
            yield from fresh()
    yield from fresh()

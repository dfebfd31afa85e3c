"""Local files into the archive: load, skip known URLs, extract in workers, write in batches."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

from archive.extract import EXTRACTOR_VERSION
from archive.ingest.pool import ExtractorPool
from archive.ingest.writer import ArchiveWriter, WriteStats
from archive.models import RawDocument, Rejection
from archive.sources import load
from archive.store import Archive
from archive.store.rejections import RejectionLog

LOGGER = logging.getLogger(__name__)

LOOKUP_CHUNK = 256  # URLs checked against the archive per query


def ingest(
    archive: Archive,
    paths: Iterable[str],
    workers: int | None = None,
    batch_size: int = 200,
    on_document: Callable[[WriteStats], None] | None = None,
    retry_rejected: bool = False,
) -> WriteStats:
    """Archive every document under ``paths``; re-running it adds nothing.

    Documents an earlier run could not extract are not extracted again while they are unchanged
    (they are reported as rejected again), unless ``retry_rejected``.
    """
    paths = list(paths)
    writer = BackgroundWriter(archive, batch_size=batch_size)
    run_id = archive.start_run("ingest " + " ".join(paths))
    reader = archive.con.cursor()  # the writer thread owns archive.con
    try:
        with ExtractorPool(workers) as pool:
            for raw, result in pool.map(_new_documents(archive, reader, load(paths), writer, retry_rejected)):
                if isinstance(result, Rejection):
                    writer.reject(replace(result, digest=input_digest(raw)))
                else:
                    writer.add(raw, result)
                if on_document:
                    on_document(writer.stats)
    finally:
        # Also on Ctrl-C or an error: what was extracted is committed, the run is recorded.
        writer.close()
        reader.close()
        stats = writer.stats
        archive.finish_run(run_id, stats.read, stats.archived, stats.duplicates, stats.rejections)
    return writer.stats


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


def input_digest(raw: RawDocument) -> str:
    """What extraction sees of a document (extractor version, type, charset, hints, bytes), hashed."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (
        EXTRACTOR_VERSION,
        raw.content_type,
        raw.encoding or "",
        json.dumps(raw.hints, sort_keys=True, default=str),
    ):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(raw.body)
    return digest.hexdigest()


def _new_documents(
    archive: Archive,
    reader,
    items: Iterator[RawDocument | Rejection],
    writer: ArchiveWriter,
    retry_rejected: bool = False,
) -> Iterator[RawDocument]:
    """Documents to extract: URL neither archived nor seen earlier in this run, and not rejected before
    with the same digest (unless ``retry_rejected``). Rejections, old and new, go to the writer.
    """
    seen: set[str] = set()
    chunk: list[RawDocument] = []
    rejected_before = RejectionLog(archive.con)

    def fresh() -> Iterator[RawDocument]:
        known = archive.known_urls((raw.url for raw in chunk), cursor=reader)
        todo = []
        for raw in chunk:
            if raw.url in known or raw.url in seen:
                writer.stats.read += 1
                writer.stats.skipped += 1
                continue
            seen.add(raw.url)
            todo.append(raw)
        chunk.clear()
        if retry_rejected:
            yield from todo
            return
        keyed = [(raw, input_digest(raw)) for raw in todo]
        earlier = rejected_before.earlier(((raw.url, digest) for raw, digest in keyed), cursor=reader)
        for raw, digest in keyed:
            reason = earlier.get((raw.url, digest))
            if reason is None:
                yield raw
            else:
                writer.reject(Rejection(raw.url, reason, digest=digest, earlier=True))

    for item in items:
        if isinstance(item, Rejection):
            writer.reject(item)
            continue
        chunk.append(item)
        if len(chunk) >= LOOKUP_CHUNK:
            yield from fresh()
    yield from fresh()

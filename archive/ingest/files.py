"""Local files into the archive: load, skip known URLs, extract in workers, write in batches."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator

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
) -> WriteStats:
    """Archive every document under ``paths``; re-running it adds nothing."""
    paths = list(paths)
    writer = ArchiveWriter(archive, command="ingest " + " ".join(paths), batch_size=batch_size)
    reader = archive.cursor()  # the writer thread owns archive's own connection
    try:
        with ExtractorPool(workers) as pool:
            for raw, result in pool.map(_new_documents(reader, load(paths), writer)):
                if isinstance(result, Rejection):
                    writer.reject(result)
                else:
                    writer.add(raw, result)
                if on_document:
                    on_document(writer.stats)
    finally:
        # Also on Ctrl-C or an error: what was extracted is committed, the run is recorded.
        writer.close()
        reader.close()
    return writer.stats


def _new_documents(
    reader: Archive, items: Iterator[RawDocument | Rejection], writer: ArchiveWriter
) -> Iterator[RawDocument]:
    """Documents whose URL is neither archived nor seen earlier in this run; rejections go to the writer."""
    seen: set[str] = set()
    chunk: list[RawDocument] = []

    def fresh() -> Iterator[RawDocument]:
        known = reader.articles.known_urls(raw.url for raw in chunk)
        for raw in chunk:
            if raw.url in known or raw.url in seen:
                writer.skip()
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

"""Local files into the archive: load, skip known URLs, extract in workers, write in batches."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import replace

from archive.extract import EXTRACTOR_VERSION
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
    retry_rejected: bool = False,
    stop: threading.Event | None = None,
) -> WriteStats:
    """Archive every document under ``paths``; re-running it adds nothing.

    Documents an earlier run could not extract are not extracted again while they are unchanged
    (they are reported as rejected again), unless ``retry_rejected``. Setting ``stop`` (from a
    signal handler or another thread) ends the run early: no further input is read, the
    documents already extracted are written, the worker processes are stopped and the run is
    recorded. Running the same ingest again goes on from there.
    """
    paths = list(paths)
    writer = ArchiveWriter(archive, command="ingest " + " ".join(paths), batch_size=batch_size)
    reader = archive.cursor()  # the writer thread owns archive's own connection
    pool = None
    outcome = "failed"  # unless the loop ends
    try:
        pool = ExtractorPool(workers)
        for raw, result in pool.map(_new_documents(reader, load(paths), writer, retry_rejected), stop=stop):
            if isinstance(result, Rejection):
                writer.reject(replace(result, digest=input_digest(raw)))
            else:
                writer.add(raw, result)
            if on_document:
                on_document(writer.stats)
        outcome = "stopped" if stop is not None and stop.is_set() else "finished"
    except KeyboardInterrupt:
        outcome = "stopped"
        raise
    finally:
        # Also after a stop, Ctrl-C or an error, each step even if one before it fails: commit
        # what was extracted and record the run (the writer's close), and only then stop the
        # workers, which may take a few seconds for a stuck one.
        with ExitStack() as cleanup:
            if pool is not None:
                cleanup.callback(pool.close)
            cleanup.callback(reader.close)
            cleanup.callback(writer.close, outcome)  # callbacks run last to first
    return writer.stats


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
    reader: Archive,
    items: Iterator[RawDocument | Rejection],
    writer: ArchiveWriter,
    retry_rejected: bool = False,
) -> Iterator[RawDocument]:
    """Documents to extract: URL neither archived nor seen earlier in this run, and not rejected before
    with the same digest (unless ``retry_rejected``). Rejections, old and new, go to the writer.
    """
    seen: set[str] = set()
    chunk: list[RawDocument] = []

    def fresh() -> Iterator[RawDocument]:
        known = reader.articles.known_urls(raw.url for raw in chunk)
        todo = []
        for raw in chunk:
            if raw.url in known or raw.url in seen:
                writer.skip()
                continue
            seen.add(raw.url)
            todo.append(raw)
        chunk.clear()
        if retry_rejected:
            yield from todo
            return
        earlier = reader.rejections.earlier(raw.url for raw in todo)
        refused_before = {url for url, _ in earlier}
        for raw in todo:
            digest = input_digest(raw) if raw.url in refused_before else None
            reason = earlier.get((raw.url, digest)) if digest else None
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

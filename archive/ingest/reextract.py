"""Re-run extraction over the raw documents already archived and update articles in place.

After an upgrade of the extractor or once per-site boilerplate has been learned, the stored
raw pages are extracted again and handed to the archive writer, which writes what changed
(text, metadata) over the stored articles, one batch per transaction; at the end the duplicate
groups are placed again once, from the new texts. A document that fails to extract now is kept
as it was. A run stopped half-way leaves the groups to be placed by the next writer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from archive.ingest.pool import ExtractorPool
from archive.ingest.writer import ArchiveWriter, WriteStats
from archive.models import Rejection
from archive.store import Archive

LOGGER = logging.getLogger(__name__)

CHUNK = 200  # raw documents read and extracted per round


def reextract(
    archive: Archive,
    sources: Sequence[str] = (),
    workers: int | None = None,
    batch_size: int = 200,
    on_chunk: Callable[[WriteStats], None] | None = None,
) -> WriteStats:
    """Extract every archived raw document again (only ``sources`` when given).

    ``stats.changed`` counts articles whose text or metadata changed, ``stats.rejections``
    the documents that failed and were kept as they were.
    """
    command = "reextract" + "".join(f" --source {s}" for s in sources)
    writer = ArchiveWriter(archive, command=command, batch_size=batch_size)
    reader = archive.cursor()
    outcome = "failed"  # unless the loop ends
    try:
        ids = reader.articles.ids(sources)
        with ExtractorPool(workers) as pool:
            for start in range(0, len(ids), CHUNK):
                stored = reader.articles.raw_documents(ids[start : start + CHUNK])
                results = pool.map(item.raw for item in stored)
                for item, (_, result) in zip(stored, results):
                    if isinstance(result, Rejection):
                        writer.reject(result)
                    else:
                        writer.replace(item.article_id, result)
                if on_chunk:
                    on_chunk(writer.stats)
        writer.regroup()  # once, for every text that changed
        outcome = "finished"
    except KeyboardInterrupt:
        outcome = "stopped"
        raise
    finally:
        writer.close(outcome)
        reader.close()
    return writer.stats

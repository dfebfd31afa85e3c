"""The single archive writer: buffers extracted articles and flushes them in transactions.

Both the file loader and the crawl pipelines write through this class, so each batch is
inserted, deduplicated and committed as one unit: a crash leaves the last committed batch.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from archive.dedup import Deduplicator
from archive.extract.siteblocks import SiteBoilerplate
from archive.models import Article, RawDocument, Rejection
from archive.store import Archive

LOGGER = logging.getLogger(__name__)


@dataclass
class WriteStats:
    read: int = 0  # documents offered to the writer, archived or not
    archived: int = 0  # new rows
    duplicates: int = 0  # new rows that joined an existing group
    skipped: int = 0  # URL already archived
    rejections: list[Rejection] = field(default_factory=list)


class ArchiveWriter:
    """Batched, transactional writes to one archive; the only code that modifies articles."""

    def __init__(
        self,
        archive: Archive,
        batch_size: int = 200,
        deduplicator: Deduplicator | None = None,
        site_boilerplate: SiteBoilerplate | None = None,
    ):
        self.archive = archive
        self.site_boilerplate = site_boilerplate or SiteBoilerplate()
        self.batch_size = batch_size
        self.deduplicator = deduplicator or Deduplicator()
        self.deduplicator.check(archive)
        self.stats = WriteStats()
        self._pending: list[tuple[RawDocument, Article]] = []

    def add(self, raw: RawDocument, article: Article) -> None:
        self.stats.read += 1
        self._pending.append((raw, article))
        if len(self._pending) >= self.batch_size:
            self.flush()

    def reject(self, rejection: Rejection) -> None:
        self.stats.read += 1
        self.stats.rejections.append(rejection)
        LOGGER.warning("rejected %s", rejection)

    def flush(self) -> list[int]:
        """Insert and deduplicate the pending batch in one transaction."""
        if not self._pending:
            return []
        batch, self._pending = self._pending, []
        return self._write(batch)

    def _write(self, batch: list[tuple[RawDocument, Article]]) -> list[int]:
        con = self.archive.con
        con.execute("BEGIN TRANSACTION")
        try:
            # Keyed by the text the worker computed it from, before site boilerplate may change
            # that text: dedup reuses an input only for a stored text equal to its key.
            precomputed = {a.text: a.signature_input for _, a in batch if a.signature_input is not None}
            self.site_boilerplate.apply(con, [article for _, article in batch])  # needs the archive: main process
            new_ids = self.archive.insert(batch)
            duplicates = self.deduplicator.assign(self.archive, new_ids, precomputed)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        self.stats.archived += len(new_ids)
        self.stats.duplicates += duplicates
        self.stats.skipped += len(batch) - len(new_ids)
        LOGGER.debug("flushed %s documents: %s new, %s duplicates", len(batch), len(new_ids), duplicates)
        return new_ids

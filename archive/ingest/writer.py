"""The one archive writer: extracted articles in, one transaction per batch out.

ingest, crawl and reextract all write through ``ArchiveWriter``. Articles and rejections may
be handed in from any thread; a writer thread of its own, the only one that writes to the
archive's connection, commits them in batches. A batch is: drop URLs already archived, learn
and strip per-site boilerplate, insert articles with their raw documents, record crawl
aliases, place the new articles into duplicate groups and then into stories, all in one
transaction, so a crash or a stop leaves the archive at the last committed batch. The run row
is written when the writer opens and completed when it closes (also after an error or a stop).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from archive.dedup import Deduplicator
from archive.extract.siteblocks import SiteBoilerplate
from archive.models import Article, RawDocument, Rejection
from archive.store import Archive
from archive.store.articles import COMPARED, extracted_values
from archive.store.convert import utc
from archive.stories import StoryAssigner

LOGGER = logging.getLogger(__name__)

_FLUSH = object()  # the writer thread writes what it holds, then sets the event that follows


@dataclass
class WriteStats:
    read: int = 0  # documents offered to the writer, archived or not
    archived: int = 0  # new rows
    duplicates: int = 0  # new rows that joined an existing group
    skipped: int = 0  # URL already archived
    rejections: list[Rejection] = field(default_factory=list)
    changed: int = 0  # reextract: articles whose text or metadata changed
    text_changed: int = 0  # ... of which the text changed


class ArchiveWriter:
    """Batched, transactional writes to one archive from a thread of its own.

    ``add``/``reject``/``replace`` enqueue; ``flush`` waits until everything enqueued so far is
    committed; ``close`` flushes, records the run and stops the thread. ``flush_seconds`` bounds
    how long an article waits for its batch to fill (crawls); ``None`` waits for a full batch.
    """

    def __init__(
        self,
        archive: Archive,
        command: str = "ingest",
        batch_size: int = 200,
        flush_seconds: float | None = None,
        deduplicator: Deduplicator | None = None,
        site_boilerplate: SiteBoilerplate | None = None,
        rebuilding: bool = False,
        stories: StoryAssigner | None = None,
    ):
        self.archive = archive
        self.batch_size = max(1, batch_size)
        self.flush_seconds = flush_seconds
        self.deduplicator = deduplicator or Deduplicator()
        self.site_boilerplate = site_boilerplate or SiteBoilerplate()
        self.stories = stories or StoryAssigner()
        if not rebuilding:  # a writer opened to rebuild groups or stories accepts other parameters
            self.deduplicator.check(archive)
            self.stories.check(archive)
        self.stats = WriteStats()
        self.error: BaseException | None = None  # the first failed batch; later ones are not written
        self.run_id = archive.runs.start(command)
        # Two batches in flight at most: the one being written and the one filling up.
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=2 * self.batch_size)
        self._closed = False
        if not rebuilding and archive.dedup.regroup_pending():  # a reextract stopped before its end
            self._queue.put(("regroup",))
        self._thread = threading.Thread(target=self._loop, name="archive-writer", daemon=True)
        self._thread.start()

    # -- any thread -------------------------------------------------------------------
    def add(self, raw: RawDocument, article: Article) -> None:
        """Archive a new article (skipped if its URL is archived by then)."""
        self._queue.put(("add", raw, article))

    def replace(self, article_id: int, article: Article) -> None:
        """Write a new extraction of an archived article over it, if anything changed (reextract)."""
        self._queue.put(("replace", article_id, article))

    def reject(self, rejection: Rejection) -> None:
        self._queue.put(("reject", rejection))

    def rebuild(self) -> None:
        """Recompute every duplicate group from the stored texts, in one transaction, once what
        was handed in before is written."""
        self._queue.put(("rebuild",))
        self.flush()

    def rebuild_stories(self) -> None:
        """Assign every article to stories again from scratch, in one transaction, once what was
        handed in before is written."""
        self._queue.put(("rebuild_stories",))
        self.flush()

    def regroup(self) -> None:
        """Place the groups again after replaced texts (reextract calls it once at its end; a run
        stopped before that leaves it to the next writer that opens the archive)."""
        self._queue.put(("regroup",))
        self.flush()

    def skip(self, count: int = 1) -> None:
        """Count inputs not offered because their URL is already archived."""
        self._queue.put(("skip", count))

    def flush(self) -> WriteStats:
        """Wait until everything handed in so far is committed; re-raise a write error."""
        done = threading.Event()
        self._queue.put((_FLUSH, done))
        while not done.wait(0.2):
            if not self._thread.is_alive():
                break
        if self.error is not None:
            raise self.error
        return self.stats

    def close(self, outcome: str = "finished") -> WriteStats:
        """Flush, record the run and stop the thread; idempotent. Re-raises a write error.

        ``outcome`` is how the caller's run ended (finished, stopped, failed); a write error
        makes it failed.
        """
        if self._closed:
            return self.stats
        self._closed = True
        try:
            self.flush()
        finally:
            self._queue.put(None)
            self._thread.join()
            try:
                with self.archive.transaction():
                    s = self.stats
                    status = "failed" if self.error is not None else outcome
                    self.archive.runs.finish(self.run_id, s.read, s.archived, s.duplicates, len(s.rejections), status)
                    self.archive.rejections.record(self.run_id, s.rejections)
            except Exception as exc:  # the archive itself failed; the write error (if any) says more
                LOGGER.error("could not record the run: %s", exc)
        return self.stats

    # -- writer thread ---------------------------------------------------------------------
    def _loop(self) -> None:
        adds: list[tuple[RawDocument, Article]] = []
        replaces: list[tuple[int, Article]] = []
        oldest = 0.0
        while True:
            timeout = None
            if (adds or replaces) and self.flush_seconds is not None:
                timeout = max(0.0, oldest + self.flush_seconds - time.monotonic())
            try:
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                item = (_FLUSH, None)
            if item is None:
                break
            kind = item[0]
            if kind in ("add", "replace") and not adds and not replaces:
                oldest = time.monotonic()
            if kind == "add":
                self.stats.read += 1
                adds.append((item[1], item[2]))
            elif kind == "replace":
                self.stats.read += 1
                replaces.append((item[1], item[2]))
            elif kind == "reject":
                self.stats.read += 1
                self.stats.rejections.append(item[1])
            elif kind == "skip":
                self.stats.read += item[1]
                self.stats.skipped += item[1]
            full = len(adds) + len(replaces) >= self.batch_size
            if kind in ("rebuild", "regroup", "rebuild_stories"):
                self._write(adds, replaces)
                adds, replaces = [], []
                self._regroup(kind)
            elif kind is _FLUSH or full:
                self._write(adds, replaces)
                adds, replaces = [], []
                if kind is _FLUSH and item[1] is not None:
                    item[1].set()
        self._write(adds, replaces)

    def _write(self, adds: list[tuple[RawDocument, Article]], replaces: list[tuple[int, Article]]) -> None:
        if not adds and not replaces:
            return
        if self.error is not None:
            LOGGER.error("the archive writer failed earlier; %s documents not written", len(adds) + len(replaces))
            return
        try:
            with self.archive.transaction():
                if adds:
                    self._insert(adds)
                if replaces:
                    self._replace(replaces)
        except BaseException as exc:
            self.error = exc
            LOGGER.error("archive write failed, %s documents not written: %s", len(adds) + len(replaces), exc)

    def _regroup(self, kind: str) -> None:
        """Rebuild (signatures and groups), regroup (groups only) or rebuild the stories, in one
        transaction; groups placed again may join stories, which then merge."""
        if self.error is not None:
            return
        try:
            with self.archive.transaction():
                if kind == "rebuild":
                    self.deduplicator.rebuild(self.archive)
                    self.stories.contain_groups(self.archive)
                elif kind == "regroup":
                    self.deduplicator.regroup(self.archive)
                    self.stories.contain_groups(self.archive)
                else:
                    self.stories.rebuild(self.archive)
        except BaseException as exc:
            self.error = exc
            LOGGER.error("placing the groups or stories again failed; the archive keeps them as they were: %s", exc)

    def _insert(self, batch: list[tuple[RawDocument, Article]]) -> None:
        archive = self.archive
        unique: dict[str, tuple[RawDocument, Article]] = {}
        for raw, article in batch:
            unique.setdefault(article.url, (raw, article))
        known = archive.articles.known_urls(unique)
        fresh = [pair for url, pair in unique.items() if url not in known]
        self.stats.skipped += len(batch) - len(fresh)
        if not fresh:
            return
        # Signature input computed in the workers, keyed by the text it was computed from:
        # valid only where site boilerplate leaves that text as it is.
        precomputed = {a.text: a.signature_input for _, a in fresh if a.signature_input is not None}
        ids = archive.articles.reserve_ids(len(fresh))
        self.site_boilerplate.apply(archive, [(i, a) for i, (_, a) in zip(ids, fresh)])
        archive.articles.insert([(i, raw, a) for i, (raw, a) in zip(ids, fresh)])
        archive.crawl_urls.record(_aliases(fresh))
        self.stats.duplicates += self.deduplicator.assign(archive, ids, precomputed)
        self.stories.assign(archive, ids, {(a.title, a.text): a.story_terms for _, a in fresh if a.story_terms})
        self.stats.archived += len(ids)

    def _replace(self, batch: list[tuple[int, Article]]) -> None:
        archive = self.archive
        archive.site_blocks.forget([article_id for article_id, _ in batch])  # learned again from the new extraction
        self.site_boilerplate.apply(archive, batch)
        stored = archive.articles.extracted([article_id for article_id, _ in batch])
        changed: list[tuple[int, Article]] = []
        regroup: list[int] = []
        for article_id, article in batch:
            before = stored.get(article_id)
            if before is None:  # deleted meanwhile; nothing to replace
                continue
            differs = _changed_fields(before, article)
            if not differs and before["extractor"] == article.extractor:
                continue
            changed.append((article_id, article))
            if differs:
                self.stats.changed += 1
                self.stats.text_changed += "text" in differs
                if "text" in differs or "published" in differs:  # text joins groups; dates pick representatives
                    regroup.append(article_id)
        archive.articles.update(changed)
        self.deduplicator.reindex(archive, regroup)


def _aliases(batch: list[tuple[RawDocument, Article]]) -> dict[str, str]:
    """URLs each crawled page was requested and fetched under, when not the article's own."""
    aliases: dict[str, str] = {}
    for raw, article in batch:
        for url in (raw.url, raw.hints.get("request_url"), raw.hints.get("fetched_url")):
            if url and url != article.url:
                aliases.setdefault(url, article.url)
    return aliases


def _changed_fields(stored: dict[str, Any], article: Article) -> list[str]:
    fresh = extracted_values(article)
    return [name for name in COMPARED if _comparable(stored[name]) != _comparable(fresh[name])]


def _comparable(value: Any) -> Any:
    """Stored and fresh values compare alike (lists vs tuples, timestamps in UTC)."""
    if isinstance(value, (list, tuple)):
        return list(value) or None
    if isinstance(value, datetime):
        return utc(value)
    return value

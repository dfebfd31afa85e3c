"""The one archive writer: extracted articles in, one transaction per batch out.

ingest, crawl and reextract all write through ``ArchiveWriter``. Articles and rejections may
be handed in from any thread; a writer thread of its own, the only one that writes to the
archive's connection, commits them in batches. A batch is: drop URLs already archived, learn
and strip per-site boilerplate, insert articles with their raw documents, record crawl
aliases, place the new articles into duplicate groups and then into stories, all in one
transaction, so a crash or a stop leaves the archive at the last committed batch. When a batch
fails on something in it (not on the archive itself: disk, memory), its documents are written
again one per transaction, and a document that fails alone is refused with its reason, as a
rejection: one bad document costs the run nothing else (when every document of the batch
fails, the fault is not theirs, and the writer fails). A revisit
crawl's pages (``revise``) take reextract's path: the new text is written over the archived
article (so dedup follows the latest version and an article is never a copy of itself), the
previous capture is kept as a version (archive/history classifies the change), and the groups
are placed again once, when the writer closes. The run row is written when the writer opens
and completed when it closes (also after an error or a stop).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timezone
from typing import Any

from archive.dedup import Deduplicator
from archive.extract.siteblocks import SiteBoilerplate
from archive.history import ChangeRules, classify, word_diff
from archive.models import Article, GoneArticle, Poll, RawDocument, Rejection
from archive.store import Archive
from archive.store.articles import COMPARED, extracted_values
from archive.store.convert import utc
from archive.store.versions import NewVersion
from archive.stories import StoryAssigner

LOGGER = logging.getLogger(__name__)

NOT_WRITTEN = "not written: "  # the reason of a document that failed to write on its own
_FLUSH = object()  # the writer thread writes what it holds, then sets the event that follows
_BATCHED = ("add", "replace", "revise", "remove", "poll", "entries")  # items gathered into a batch
_NOT_DOCUMENTS = ("poll", "entries")  # go with the batch of the documents handed in before them


@dataclass
class WriteStats:
    read: int = 0  # documents offered to the writer, archived or not
    archived: int = 0  # new rows
    duplicates: int = 0  # new rows that joined an existing group
    skipped: int = 0  # URL already archived
    rejections: list[Rejection] = field(default_factory=list)
    changed: int = 0  # reextract: articles whose text or metadata changed
    text_changed: int = 0  # ... of which the text changed
    versions: int = 0  # revisits: new versions of archived articles (their text or headline changed)
    unchanged: int = 0  # revisits: pages fetched again whose text and headline had not changed
    removed: int = 0  # revisits: archived articles found gone (404, 410), now marked removed


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
        change_rules: ChangeRules | None = None,
        record_progress: bool = False,
        stories: StoryAssigner | None = None,
    ):
        self.archive = archive
        self.change_rules = change_rules or ChangeRules()
        self._reindexed = False  # texts re-signed since the groups were last placed
        self.batch_size = max(1, batch_size)
        self.flush_seconds = flush_seconds
        self.record_progress = record_progress  # counts in the run row with every batch (a killed committer)
        self.deduplicator = deduplicator or Deduplicator()
        self.site_boilerplate = site_boilerplate or SiteBoilerplate()
        self.stories = stories or StoryAssigner()
        if not rebuilding:  # a writer opened to rebuild groups or stories accepts other parameters
            self.deduplicator.check(archive)
            self.stories.check(archive)
        self.stats = WriteStats()
        self.error: BaseException | None = None  # the archive failed; later batches are not written
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

    def revise(self, raw: RawDocument, article: Article) -> None:
        """A page fetched again: a new version of its archived article if the text or headline
        changed (archived as new if its URL is not)."""
        self._queue.put(("revise", raw, article))

    def remove(self, gone: GoneArticle) -> None:
        """A revisited page is gone: its archived article gets a ``removed`` version."""
        self._queue.put(("remove", gone))

    def reject(self, rejection: Rejection) -> None:
        self._queue.put(("reject", rejection))

    def record_poll(self, poll: Poll) -> None:
        """Record a followed source's poll, in the transaction of the articles handed in before it."""
        self._queue.put(("poll", poll))

    def record_entries(self, stream: str, entry_ids: list[str]) -> None:
        """Record Redis Stream entries as committed, in the transaction of what was handed in before."""
        self._queue.put(("entries", stream, entry_ids))

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
            if self._reindexed and outcome == "finished":  # revised texts: place the groups again, once
                self.regroup()
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
        pending: dict[str, list[Any]] = {kind: [] for kind in _BATCHED}
        held = 0  # items in ``pending``
        oldest = 0.0
        while True:
            timeout = None
            if any(pending.values()) and self.flush_seconds is not None:
                timeout = max(0.0, oldest + self.flush_seconds - time.monotonic())
            try:
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                item = (_FLUSH, None)
            if item is None:
                break
            kind = item[0]
            if kind in _BATCHED:
                if not any(pending.values()):
                    oldest = time.monotonic()
                pending[kind].append(item[1:] if len(item) > 2 else item[1])
                if kind not in _NOT_DOCUMENTS:  # a poll goes with the batch of its articles; it is no document
                    self.stats.read += 1
                    held += 1
            elif kind == "reject":
                self.stats.read += 1
                self.stats.rejections.append(item[1])
            elif kind == "skip":
                self.stats.read += item[1]
                self.stats.skipped += item[1]
            if kind in ("rebuild", "regroup", "rebuild_stories") or kind is _FLUSH or held >= self.batch_size:
                self._write(pending)
                pending, held = {kind: [] for kind in _BATCHED}, 0
            if kind in ("rebuild", "regroup", "rebuild_stories"):
                self._regroup(kind)
            elif kind is _FLUSH and item[1] is not None:
                item[1].set()
        self._write(pending)

    def _write(self, pending: dict[str, list[Any]]) -> None:
        if not any(pending.values()):
            return
        count = sum(len(items) for kind, items in pending.items() if kind not in _NOT_DOCUMENTS)
        if self.error is not None:
            LOGGER.error("the archive writer failed earlier; %s documents not written", count)
            return
        before = _snapshot(self.stats)
        try:
            self._transaction(pending)
        except BaseException as exc:
            if self.archive.failed_itself(exc) or count == 0:
                self.error = exc
                LOGGER.error("archive write failed, %s documents not written: %s", count, exc)
                return
            # Something in the batch cannot be written: the batch was rolled back, so each
            # document is written again on its own and only what fails alone is refused.
            _restore(self.stats, before)
            self._one_by_one(pending)

    def _one_by_one(self, pending: dict[str, list[Any]]) -> None:
        refused: list[tuple[Rejection, BaseException]] = []
        documents = 0
        for kind in _BATCHED:
            if kind in _NOT_DOCUMENTS:
                continue
            for item in pending[kind]:
                documents += 1
                before = _snapshot(self.stats)
                try:
                    self._transaction({k: [item] if k == kind else [] for k in _BATCHED})
                except BaseException as exc:
                    _restore(self.stats, before)
                    if self.archive.failed_itself(exc):
                        self.error = exc
                        LOGGER.error("archive write failed: %s", exc)
                        return
                    refused.append((Rejection(_input_of(kind, item), f"{NOT_WRITTEN}{type(exc).__name__}: {exc}"), exc))
        if documents > 1 and len(refused) == documents:  # the fault is not in the documents
            self.error = refused[0][1]
            LOGGER.error("archive write failed, %s documents not written: %s", documents, self.error)
            return
        for rejection, _ in refused:
            LOGGER.error("%s", rejection)
            self.stats.rejections.append(rejection)
        try:  # polls, stream entries and progress of the batch
            self._transaction({k: pending[k] if k in _NOT_DOCUMENTS else [] for k in _BATCHED})
        except BaseException as exc:
            self.error = exc
            LOGGER.error("archive write failed: %s", exc)

    def _transaction(self, pending: dict[str, list[Any]]) -> None:
        with self.archive.transaction():
            if pending["add"]:
                self._insert(pending["add"])
            if pending["replace"]:
                self._replace(pending["replace"])
            if pending["revise"]:
                self._revise(pending["revise"])
            if pending["remove"]:
                self._remove(pending["remove"])
            self.archive.polls.record(self.run_id, pending["poll"])
            for stream, entry_ids in pending["entries"]:
                self.archive.stream_entries.record(stream, entry_ids, self.run_id)
            if self.record_progress:
                s = self.stats
                self.archive.runs.progress(self.run_id, s.read, s.archived, s.duplicates, len(s.rejections))

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
            self._reindexed = False
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
        ids = archive.articles.reserve_ids(len(fresh))
        inputs = [a.signature_input for _, a in fresh]  # dedup input computed in the workers, by line
        kept = self.site_boilerplate.apply(archive, [(i, a) for i, (_, a) in zip(ids, fresh)])
        for position, lines in kept.items():  # the lines site boilerplate left: their input, not the text's again
            line_input = inputs[position]
            inputs[position] = (
                line_input.keep(lines) if line_input is not None and line_input.lines > max(lines, default=-1) else None
            )
        # Keyed by the text it describes: used only for a stored text equal to it.
        precomputed = {a.text: line_input for (_, a), line_input in zip(fresh, inputs) if line_input is not None}
        archive.articles.insert([(i, raw, a) for i, (raw, a) in zip(ids, fresh)])
        archive.crawl_urls.record(_aliases(fresh))
        self.stats.duplicates += self.deduplicator.assign(archive, ids, precomputed)
        self.stories.assign(archive, ids, {(a.title, a.text): a.story_terms for _, a in fresh if a.story_terms})
        self.stats.archived += len(ids)

    def _replace(self, batch: list[tuple[int, Article]]) -> None:
        self._apply(*self._changes(batch)[:2])

    def _changes(self, batch: list[tuple[int, Article]]) -> tuple[list[tuple[int, Article]], list[int], dict[int, Any]]:
        """What a new extraction of archived articles changes: (changed, to re-sign, stored values before)."""
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
        return changed, regroup, stored

    def _apply(self, changed: list[tuple[int, Article]], regroup: list[int]) -> None:
        """Write changed articles over the stored ones; their groups are placed again at ``regroup``."""
        self.archive.articles.update(changed)
        self.deduplicator.reindex(self.archive, regroup)
        self._reindexed = self._reindexed or bool(regroup)

    def _revise(self, batch: list[tuple[RawDocument, Article]]) -> None:
        """Pages fetched again: a new version of each archived article that changed (new URLs are added)."""
        archive = self.archive
        unique: dict[str, tuple[RawDocument, Article]] = {}
        for raw, article in batch:
            unique.setdefault(article.url, (raw, article))
        ids = archive.versions.article_ids(list(unique))
        fresh = [pair for url, pair in unique.items() if url not in ids]
        if fresh:
            self._insert(fresh)
        known: dict[int, tuple[RawDocument, Article]] = {}
        for url, pair in unique.items():
            if url in ids:
                known.setdefault(ids[url], pair)
        if not known:
            return
        changed, regroup, stored = self._changes([(i, article) for i, (_, article) in known.items()])
        last = archive.versions.last(list(known))
        versions = []
        for article_id, (raw, article) in known.items():
            before = stored.get(article_id)
            if before is None:
                continue
            kind = classify(before["title"], before["text"], article.title, article.text, self.change_rules)
            if kind is None and last[article_id][1] == "removed":
                kind = "restored"
            if kind is None:
                self.stats.unchanged += 1
                continue
            diff = word_diff(before["title"], before["text"], article.title, article.text)
            versions.append(
                NewVersion(article_id, _fetched_at(raw), article.title, article.text, article.text_hash, kind,
                           diff or None, self.change_rules.fingerprint())
            )  # fmt: skip
        archive.versions.keep_first([v.article_id for v in versions])
        self._apply(changed, regroup)
        archive.versions.add(versions)
        archive.versions.replace_raw([(i, raw) for i, (raw, _) in known.items()])
        self.stats.versions += len(versions)

    def _remove(self, batch: list[GoneArticle]) -> None:
        """Archived articles whose page is gone get a ``removed`` version; their text stays."""
        archive = self.archive
        ids = archive.versions.article_ids([gone.url for gone in batch])
        by_id: dict[int, GoneArticle] = {}
        for gone in batch:
            if gone.url in ids:
                by_id.setdefault(ids[gone.url], gone)
        last = archive.versions.last(list(by_id))
        newly = [article_id for article_id in by_id if last[article_id][1] != "removed"]
        stored = archive.articles.extracted(newly)
        versions = [
            NewVersion(i, by_id[i].fetched_at, stored[i]["title"], None, stored[i]["text_hash"], "removed",
                       f"page gone: HTTP {by_id[i].status}", None)
            for i in newly if i in stored
        ]  # fmt: skip
        archive.versions.keep_first([v.article_id for v in versions])
        archive.versions.add(versions)
        self.stats.removed += len(versions)


def _snapshot(stats: WriteStats) -> WriteStats:
    return replace(stats, rejections=list(stats.rejections))


def _restore(stats: WriteStats, before: WriteStats) -> None:
    """Counts as they were before a rolled-back transaction (in place: callers hold ``stats``)."""
    for f in fields(before):
        setattr(stats, f.name, getattr(before, f.name))


def _input_of(kind: str, item: Any) -> str:
    """The URL (or archived article) a pending document is about, for its rejection."""
    if kind == "replace":
        return f"article {item[0]}"
    return item.url if kind == "remove" else item[1].url


def _fetched_at(raw: RawDocument) -> datetime:
    try:
        return datetime.fromisoformat(raw.hints["fetched_at"])
    except (KeyError, TypeError, ValueError):
        return datetime.now(timezone.utc)


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

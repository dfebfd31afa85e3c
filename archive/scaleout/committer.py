"""The committer: the one process that writes a fleet's articles into the archive.

It reads the workers' stream through a consumer group, hands each read to the one
``ArchiveWriter`` and waits for its commit, which also records the entry ids
(``stream_entries``); only then are the entries acknowledged and deleted from the stream. A
committer killed between commit and acknowledgement gets the entries again on restart (its
own pending entries, under the same consumer name) and acknowledges them without writing or
counting them twice. Entries left pending by another consumer that has been idle for
``claim_idle_ms`` are taken over with XAUTOCLAIM.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from archive.errors import ArchiveError
from archive.ingest.writer import NOT_WRITTEN, ArchiveWriter, WriteStats
from archive.models import Rejection
from archive.scaleout.entries import PoisonEntry, decode
from archive.scaleout.keys import RedisKeys
from archive.scaleout.seen import KEEP_MONTHS, SeenSet
from archive.store import Archive

LOGGER = logging.getLogger(__name__)

CONSUMER = "committer"  # one committer at a time: a restart under the same name gets its own pending entries
CLAIM_IDLE_MS = 60_000  # entries pending this long at another consumer are taken over
BLOCK_MS = 500  # how long one read waits for new entries
FLUSH_SECONDS = 2.0  # longest time a new entry waits for its batch to fill while entries keep coming


@dataclass
class CommitSummary:
    entries: int = 0  # stream entries read
    again: int = 0  # delivered again after a crash, committed before: acknowledged only
    poison: list[tuple[str, str]] = field(default_factory=list)  # (entry id, reason), moved aside
    stats: WriteStats = field(default_factory=WriteStats)

    def line(self) -> str:
        s = self.stats
        text = (
            f"commit: {self.entries} stream entries, {s.archived} articles archived ({s.duplicates} duplicates), "
            f"{s.skipped} already archived, {len(s.rejections)} rejected"
        )
        if self.again:
            text += f", {self.again} committed before (delivered again)"
        if self.poison:
            text += f", {len(self.poison)} malformed or not writable (moved to the dead-letter stream)"
        return text


class Committer:
    def __init__(
        self,
        archive: Archive,
        client: Any,
        keys: RedisKeys = RedisKeys(),
        batch_size: int = 200,
        command: str = "commit",
        consumer: str = CONSUMER,
        claim_idle_ms: int = CLAIM_IDLE_MS,
        keep_months: int = KEEP_MONTHS,
    ):
        self.archive = archive
        self.client = client
        self.keys = keys
        self.batch_size = batch_size
        self.command = command
        self.consumer = consumer
        self.claim_idle_ms = claim_idle_ms
        self.seen = SeenSet(client, keys, keep_months)
        self.summary = CommitSummary()
        self._held: list[str] = []  # entry ids handed to the writer, not yet committed
        self._held_urls: list[str] = []  # their URLs, for the seen-set after the commit
        self._written: list[str] = []  # ... of which these are recorded in stream_entries
        # Their articles' URLs -> (entry id, fields, every URL of the article for the seen-set).
        self._articles: dict[str, tuple[str, dict, list[str]]] = {}
        self._refused = 0  # writer rejections seen so far: those after it are the held batch's

    def run(
        self,
        idle_exit: float | None = None,
        stop: threading.Event | None = None,
        done: Callable[[], bool] | None = None,
    ) -> CommitSummary:
        """Commit until ``stop`` is set, nothing came for ``idle_exit`` seconds, or ``done()`` is
        true and the stream holds nothing more (the convenience form: all its workers exited)."""
        self._create_group()
        self._publish_archived()
        view = self.archive.cursor()  # this thread's reads; the writer thread owns the connection
        writer = ArchiveWriter(self.archive, command=self.command, batch_size=self.batch_size * 2, record_progress=True)
        self.summary.stats = writer.stats
        outcome = "failed"
        try:
            own_pending = True  # first the entries this consumer read before a crash, then others', then new
            idle_since = held_since = time.monotonic()
            while stop is None or not stop.is_set():
                finished = done is not None and done()  # asked before the read: what follows is all there is
                entries, new = self._read(own_pending)
                if own_pending and not entries:
                    own_pending = False
                    continue
                now = time.monotonic()
                if entries:
                    held_since = held_since if self._held else now
                    self._take(entries, writer, view)
                    idle_since = now
                # New entries wait for a fuller batch while more keep coming: one transaction per
                # read of a few entries would spend the committer's time on dedup placement.
                if self._held and (
                    not new or not entries or len(self._held) >= self.batch_size or now - held_since >= FLUSH_SECONDS
                ):
                    self._commit(writer)
                if not entries and (finished or (idle_exit is not None and now - idle_since >= idle_exit)):
                    break
            if self._held:  # stopped: what was read is committed
                self._commit(writer)
            outcome = "stopped" if stop is not None and stop.is_set() else "finished"
        finally:
            view.close()
            try:
                writer.close(outcome)
            except Exception as exc:  # reported by the caller through the summary; the entries stay pending
                if outcome != "failed":
                    raise ArchiveError(f"archive write failed: {exc}") from exc
        return self.summary

    def _create_group(self) -> None:
        import redis

        try:  # from the stream's start: entries added before the first committer ran are read too
            self.client.xgroup_create(self.keys.stream, self.keys.group, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def _publish_archived(self) -> None:
        """Put the URLs archived within the seen-set's window into it (crawls before this fleet)."""
        urls = self.archive.crawl_urls.known_since(31 * self.seen.keep_months)
        self.seen.add(urls)
        LOGGER.info("seen-set: %s archived URLs published", len(urls))

    def _read(self, own_pending: bool) -> tuple[list[tuple[bytes, dict | None]], bool]:
        """Entries to commit, and whether they are new (else delivered before: committed at once,
        since reading them again would return them again)."""
        stream, group = self.keys.stream, self.keys.group
        if own_pending:
            reply = self.client.xreadgroup(group, self.consumer, {stream: "0"}, count=self.batch_size)
            return (reply[0][1] if reply else []), False
        claimed = self.client.xautoclaim(
            stream, group, self.consumer, self.claim_idle_ms, start_id="0-0", count=self.batch_size
        )
        if claimed and claimed[1]:
            return claimed[1], False
        reply = self.client.xreadgroup(group, self.consumer, {stream: ">"}, count=self.batch_size, block=BLOCK_MS)
        return (reply[0][1] if reply else []), True

    def _take(self, entries: list[tuple[bytes, dict | None]], writer: ArchiveWriter, view: Archive) -> None:
        """Hand the entries to the writer (not yet committed)."""
        ids = [entry_id.decode() for entry_id, _ in entries]
        earlier = view.stream_entries.committed(self.keys.stream, ids)
        self._held += ids
        written, urls = self._written, self._held_urls
        for entry_id, (_, fields) in zip(ids, entries):
            self.summary.entries += 1
            if entry_id in earlier:
                self.summary.again += 1
                continue
            if not fields:  # deleted from the stream meanwhile (XAUTOCLAIM reports it empty)
                continue
            try:
                item = decode(fields)
            except PoisonEntry as exc:  # moved aside before the commit, recorded as done in it
                self._move_aside(entry_id, fields, str(exc))
                written.append(entry_id)
                continue
            written.append(entry_id)
            if isinstance(item, Rejection):
                writer.reject(item)
                continue
            raw, article = item
            writer.add(raw, article)
            candidates = (article.url, raw.url, raw.hints.get("request_url"), raw.hints.get("fetched_url"))
            aliases = [url for url in candidates if isinstance(url, str) and url]
            urls += aliases
            self._articles.setdefault(article.url, (entry_id, fields, aliases))

    def _commit(self, writer: ArchiveWriter) -> None:
        """Commit what was handed to the writer, with the entry ids; then the seen-set and the
        acknowledgements (a crash before them: the entries come again, and are known)."""
        ids, urls, written = self._held, self._held_urls, self._written
        self._held, self._held_urls, self._written = [], [], []
        writer.record_entries(self.keys.stream, written)
        try:
            writer.flush()
        except Exception as exc:
            raise ArchiveError(f"archive write failed, {len(ids)} entries left in the stream: {exc}") from exc
        # An article the writer could not write, even alone, is refused with its reason; its
        # entry was recorded as done with the batch, and is moved aside, not retried.
        refused, self._refused = writer.stats.rejections[self._refused :], len(writer.stats.rejections)
        articles, self._articles = self._articles, {}
        unwritten: set[str] = set()  # not archived: not in the seen-set either
        for rejection in refused:
            if rejection.input in articles and rejection.reason.startswith(NOT_WRITTEN):
                entry_id, fields, aliases = articles[rejection.input]
                self._move_aside(entry_id, fields, rejection.reason)
                unwritten.update(aliases)
        self.seen.add([url for url in urls if url not in unwritten])
        self._acknowledge(ids)

    def _acknowledge(self, ids: list[str]) -> None:
        """Done with these entries (after their commit): acknowledged and deleted (the stream is a transport)."""
        with self.client.pipeline(transaction=False) as pipe:
            pipe.xack(self.keys.stream, self.keys.group, *ids)
            pipe.xdel(self.keys.stream, *ids)
            pipe.execute()

    def _move_aside(self, entry_id: str, fields: dict, reason: str) -> None:
        LOGGER.error("stream entry %s moved to %s: %s", entry_id, self.keys.dead, reason)
        self.summary.poison.append((entry_id, reason))
        self.client.xadd(self.keys.dead, {**fields, b"entry_id": entry_id, b"reason": reason})

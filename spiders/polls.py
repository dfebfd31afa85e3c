"""What one poll of a followed source's feed or sitemap found, counted until its last article settles.

A poll starts with the request for the list (feed or sitemap) and owns every request that list
leads to: child sitemaps, announced feeds, article pages. Each is counted once when it is made
and once when it settles: archived or rejected (the item came back from the pipelines), known
(the archive has it, or another list of this process asked for it), failed (an HTTP error, a
timeout, not HTML). When the last one settles the poll is finished and handed on as an
``archive.models.Poll``; the archive then records it with the articles it found, so its
validators are never stored ahead of them.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timezone

from archive.models import Poll


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class PollInProgress:
    source: str
    url: str
    etag: str | None = None  # sent as If-None-Match; replaced by the answer's
    last_modified: str | None = None  # sent as If-Modified-Since; replaced by the answer's
    started_at: datetime = field(default_factory=_now)
    status: str = "ok"
    http_status: int | None = None
    entries: int = 0
    newest_entry: datetime | None = None
    known: int = 0
    archived: int = 0
    rejected: int = 0
    failed: int = 0
    short: int = 0
    lengths: list[int] = field(default_factory=list)
    pending: int = 1  # requests made for this poll and not settled yet: the list's own, to begin with

    def listed(self, published: str | None) -> None:
        """One article entry of the list (its request is made by the caller); ``published``: ISO 8601."""
        self.entries += 1
        self.pending += 1
        moment = _utc(published) if published else None
        if moment is not None and (self.newest_entry is None or moment > self.newest_entry):
            self.newest_entry = moment

    def follows(self) -> None:
        """One more list this list leads to (a child sitemap, an announced feed)."""
        self.pending += 1

    def settle(self, outcome: str, characters: int | None = None) -> bool:
        """One request of this poll is done; True when it was the last. ``short``: archived, with a short text."""
        if outcome in ("archived", "short"):
            self.archived += 1
            self.short += outcome == "short"
            self.lengths.append(characters or 0)
        elif outcome in ("rejected", "known", "failed"):
            setattr(self, outcome, getattr(self, outcome) + 1)
        self.pending -= 1
        return self.pending <= 0

    def fail(self, reason: str, http_status: int | None = None) -> None:
        """The list itself could not be read (a child sitemap or feed that fails is a drop in the crawl's stats)."""
        self.status, self.http_status = reason, http_status

    def finished(self) -> Poll:
        requested = self.archived + self.rejected + self.failed
        return Poll(
            source=self.source,
            url=self.url,
            started_at=self.started_at,
            finished_at=_now(),
            status=self.status,
            http_status=self.http_status,
            etag=self.etag,
            last_modified=self.last_modified,
            entries=self.entries,
            newest_entry=self.newest_entry,
            requested=requested,
            archived=self.archived,
            rejected=self.rejected,
            failed=self.failed,
            short=self.short,
            median_text_length=int(statistics.median(self.lengths)) if self.lengths else None,
        )


def _utc(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)

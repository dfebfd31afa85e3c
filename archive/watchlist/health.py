"""How a followed source is doing, judged from its recorded polls (oldest first).

Three warnings, each about something a person running an archive would want to hear of:
a list (feed or sitemap) that failed several polls in a row; a source gone quiet (no new
article for several times its usual gap between new articles); extraction quality that
dropped (the share of its pages rejected or archived with a very short text jumped compared
with its earlier polls: the site changed its markup).
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from archive.models import Poll


@dataclass(frozen=True)
class HealthThresholds:
    failed_polls: int = 3  # a list failing this many polls in a row is a warning
    quiet_factor: float = 3.0  # no new article for this many usual gaps is a warning
    quiet_min_gaps: int = 3  # gaps between new articles needed before "usual" means anything
    quality_recent_pages: int = 5  # the newest pages fetched that quality is judged on
    quality_jump: float = 0.3  # their bad share this much above the earlier pages' is a warning
    quality_bad_share: float = 0.5  # ... or this much when there are no earlier pages


@dataclass
class SourceHealth:
    source: str
    polls: int = 0
    last_poll: datetime | None = None
    last_success: datetime | None = None
    articles_24h: int = 0
    articles_7d: int = 0
    failure_streak: int = 0  # polls in a row, newest first, in which a list failed
    last_error: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.warnings

    def to_dict(self) -> dict[str, object]:
        values = dict(self.__dict__)
        for name in ("last_poll", "last_success"):
            values[name] = values[name].isoformat() if values[name] else None
        values["healthy"] = self.healthy
        return values


def assess(
    source: str, polls: Sequence[Poll], now: datetime, thresholds: HealthThresholds = HealthThresholds()
) -> SourceHealth:
    health = SourceHealth(source, polls=len(polls))
    if not polls:
        return health
    health.last_poll = polls[-1].started_at
    successes = [p.started_at for p in polls if p.succeeded]
    health.last_success = successes[-1] if successes else None
    health.articles_24h = sum(p.archived for p in polls if p.started_at >= now - timedelta(hours=24))
    health.articles_7d = sum(p.archived for p in polls if p.started_at >= now - timedelta(days=7))
    for url in dict.fromkeys(p.url for p in polls):
        streak, error = _failure_streak([p for p in polls if p.url == url])
        if streak > health.failure_streak:
            health.failure_streak, health.last_error = streak, error
        if streak >= thresholds.failed_polls:
            health.warnings.append(f"{url} failed {streak} polls in a row ({error})")
    quiet = _quiet(polls, now, thresholds)
    if quiet:
        health.warnings.append(quiet)
    quality = _quality(polls, thresholds)
    if quality:
        health.warnings.append(quality)
    return health


def _failure_streak(polls: Sequence[Poll]) -> tuple[int, str | None]:
    streak, error = 0, None
    for poll in reversed(polls):
        if poll.succeeded:
            break
        streak += 1
        error = error or poll.status
    return streak, error


def _quiet(polls: Sequence[Poll], now: datetime, thresholds: HealthThresholds) -> str | None:
    times = [p.finished_at for p in polls if p.archived]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    if len(gaps) < thresholds.quiet_min_gaps:
        return None
    usual = statistics.median(gaps)
    silent = (now - times[-1]).total_seconds()
    if usual > 0 and silent > thresholds.quiet_factor * usual:
        return f"quiet: no new article for {_span(silent)} (usually one every {_span(usual)})"
    return None


def _quality(polls: Sequence[Poll], thresholds: HealthThresholds) -> str | None:
    """Compare the newest pages fetched with the earlier ones, poll by poll from the newest."""
    recent_bad = recent = 0
    split = len(polls)
    for index in range(len(polls) - 1, -1, -1):
        if recent >= thresholds.quality_recent_pages:
            break
        recent += polls[index].archived + polls[index].rejected
        recent_bad += polls[index].rejected + polls[index].short
        split = index
    if recent < thresholds.quality_recent_pages:
        return None
    earlier = sum(p.archived + p.rejected for p in polls[:split])
    earlier_bad = sum(p.rejected + p.short for p in polls[:split])
    share = recent_bad / recent
    if earlier:
        before = earlier_bad / earlier
        if share - before < thresholds.quality_jump:
            return None
        return f"extraction: {share:.0%} of its newest {recent} pages rejected or very short (before: {before:.0%})"
    if share < thresholds.quality_bad_share:
        return None
    return f"extraction: {share:.0%} of its {recent} pages rejected or very short"


def _span(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}".replace(".0 ", " ")
    return f"{seconds:.0f} s"

"""Crawl counters kept in Scrapy's stats: drops by reason, and the one-line summary."""

from __future__ import annotations

import re

DROP_PREFIX = "newsarchive/dropped/"  # stats key prefix; archive/crawl.py reads the same keys
_DETAILS = re.compile(r"\s*\([^)]*\d[^)]*\)$")  # "(52 characters)", "(812345 bytes; limit ...)"


def drop_reason(reason: str) -> str:
    """A reason without per-document numbers, so equal causes are counted together."""
    return _DETAILS.sub("", reason).strip() or reason


def count_drop(stats, reason: str) -> None:
    stats.inc_value(DROP_PREFIX + reason)


def drops(stats: dict) -> dict[str, int]:
    """Drops by reason, including requests robots.txt forbade."""
    found = {key[len(DROP_PREFIX) :]: value for key, value in stats.items() if key.startswith(DROP_PREFIX)}
    if stats.get("robotstxt/forbidden"):
        found["disallowed by robots.txt"] = stats["robotstxt/forbidden"]
    return dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))


def summary(stats: dict) -> str:
    dropped = drops(stats)
    parts = [
        f"{stats.get('response_received_count', 0)} pages fetched",
        f"{stats.get('newsarchive/articles_extracted', 0)} articles extracted",
        f"{stats.get('newsarchive/skipped_known', 0)} known URLs not fetched",
    ]
    text = "crawl: " + ", ".join(parts)
    if dropped:
        text += "; dropped: " + ", ".join(f"{n} {reason}" for reason, n in dropped.items())
    return text

"""newsarchive: a deduplicating archive of news articles in DuckDB.

    import archive

    with archive.open("archive.duckdb") as a:
        for article in a.articles(unique=True, query="ceasefire"):
            print(article.title)

The names below load on first use, so that ``import archive`` (and the command's start-up,
during which a Ctrl-C must end quietly) does not pay for DuckDB and Arrow before it needs them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archive.api import (
        Group,
        NewsArchive,
        Page,
        SourceSummary,
        Stats,
        Story,
        StoryTimeline,
        SyndicationPair,
        Version,
        open,
    )
    from archive.errors import (
        ArchiveError,
        ArchiveLocked,
        ConfigMismatch,
        ExtractionError,
        InputError,
        NotFound,
        ReadOnlyArchive,
    )
    from archive.models import Article, RawDocument, Rejection
    from archive.store import Archive

_HOMES = {
    "open": "archive.api",
    "NewsArchive": "archive.api",
    "Group": "archive.api",
    "Page": "archive.api",
    "SourceSummary": "archive.api",
    "Stats": "archive.api",
    "SyndicationPair": "archive.api",
    "Version": "archive.api",
    "Story": "archive.api",
    "StoryTimeline": "archive.api",
    "NotFound": "archive.errors",
    "ReadOnlyArchive": "archive.errors",
    "Archive": "archive.store",
    "ArchiveError": "archive.errors",
    "ArchiveLocked": "archive.errors",
    "ConfigMismatch": "archive.errors",
    "ExtractionError": "archive.errors",
    "InputError": "archive.errors",
    "Article": "archive.models",
    "RawDocument": "archive.models",
    "Rejection": "archive.models",
}
__all__ = [
    "Archive",
    "ArchiveError",
    "ArchiveLocked",
    "Article",
    "ConfigMismatch",
    "ExtractionError",
    "Group",
    "InputError",
    "NewsArchive",
    "NotFound",
    "Page",
    "RawDocument",
    "ReadOnlyArchive",
    "Rejection",
    "SourceSummary",
    "Stats",
    "Story",
    "StoryTimeline",
    "SyndicationPair",
    "Version",
    "open",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'archive' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)

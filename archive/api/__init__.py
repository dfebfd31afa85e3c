"""The Python API: open an archive, read its articles, groups and sources, ingest into it.

    import archive

    with archive.open("archive.duckdb") as a:
        for article in a.articles(unique=True, source="example.com", since="2025-12-01"):
            print(article.published, article.title)
        table = a.to_arrow(query="ceasefire")

The CLI's read commands and the web view go through this module, so all three agree.
"""

from __future__ import annotations

from archive.api.newsarchive import NewsArchive, Stats, open
from archive.store.catalog import Group, Page, SourceSummary
from archive.store.storylist import Story, StoryTimeline
from archive.store.syndication import SyndicationPair
from archive.store.versions import Version

__all__ = [
    "Group", "NewsArchive", "Page", "SourceSummary", "Stats", "Story", "StoryTimeline", "SyndicationPair", "Version", "open",
]  # fmt: skip

"""The seen-URL check behind one small interface: which article URLs need no fetch.

``ArchiveSeenUrls`` asks the archive (articles.url and the crawl_urls aliases); a later
scale-out issue can share the check between crawl workers (e.g. a Redis set) behind the
same two methods.
"""

from __future__ import annotations

from typing import Iterable, Protocol


class SeenUrls(Protocol):
    def seen(self, urls: Iterable[str]) -> set[str]:
        """The subset of ``urls`` already archived."""

    def close(self) -> None: ...


class MemorySeenUrls:
    """A set in memory: for tests and crawls without an archive."""

    def __init__(self, urls: Iterable[str] = ()):
        self.urls = set(urls)

    @classmethod
    def from_crawler(cls, crawler) -> "MemorySeenUrls":
        return cls()

    def seen(self, urls: Iterable[str]) -> set[str]:
        return self.urls.intersection(urls)

    def close(self) -> None:
        pass


class ArchiveSeenUrls:
    """URLs archived as articles or recorded as crawl aliases, read from a DuckDB connection.

    Give it its own connection (``con.cursor()``) and use it from one thread at a time.
    """

    def __init__(self, con, on_close=None):
        self.con = con
        self._on_close = on_close

    @classmethod
    def from_crawler(cls, crawler) -> "ArchiveSeenUrls":
        """A cursor on the process's shared archive connection (DuckDB allows one writer)."""
        from archive.store import Archive, default_path
        from pipelines import shared

        db = crawler.settings.get("NEWSARCHIVE_DB") or default_path()
        key = shared.archive_key(db)
        archive = shared.acquire(key, lambda: Archive(db))
        return cls(archive.con.cursor(), on_close=lambda: shared.release(key, lambda a: a.close()))

    def seen(self, urls: Iterable[str]) -> set[str]:
        urls = list(dict.fromkeys(urls))
        if not urls:
            return set()
        marks = ", ".join("?" * len(urls))  # an IN list of values can use the url indexes
        rows = self.con.execute(
            f"SELECT url FROM articles WHERE url IN ({marks}) UNION SELECT url FROM crawl_urls WHERE url IN ({marks})",
            urls + urls,
        ).fetchall()
        return {row[0] for row in rows}

    def close(self) -> None:
        self.con.close()
        if self._on_close is not None:
            self._on_close()

"""The seen-URL check behind one small interface: which article URLs need no fetch.

``ArchiveSeenUrls`` asks the archive (articles.url and the crawl_urls aliases); a later
scale-out issue can share the check between crawl workers (e.g. a Redis set) behind the
same two methods.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from archive.urls import host_of


class SeenUrls(Protocol):
    def seen(self, urls: Iterable[str]) -> set[str]:
        """The subset of ``urls`` already archived."""

    def close(self) -> None: ...


class MemorySeenUrls:
    """A set in memory: for tests and crawls without an archive."""

    def __init__(self, urls: Iterable[str] = ()):
        self.urls = set(urls)

    @classmethod
    def from_crawler(cls, crawler) -> MemorySeenUrls:
        return cls()

    def seen(self, urls: Iterable[str]) -> set[str]:
        return self.urls.intersection(urls)

    def close(self) -> None:
        pass


class ArchiveSeenUrls:
    """URLs archived as articles or recorded as crawl aliases, read from a DuckDB connection.

    The archived URLs of a site are read in one query the first time the site is asked about
    and kept in memory: one DuckDB query per request cost more CPU than the crawl can spare.
    URLs archived while the crawl runs are not added (Scrapy's duplicate filter covers them).
    Give it an archive view of its own (``archive.cursor()``) and use it from one thread at a time.
    """

    def __init__(self, archive, on_close=None):
        self.archive = archive  # an Archive view of its own (archive.cursor())
        self._on_close = on_close
        self._sites: dict[str, set[str]] = {}  # site (host without www.) -> its archived URLs

    @classmethod
    def from_crawler(cls, crawler) -> ArchiveSeenUrls:
        """A cursor on the process's shared archive connection (DuckDB allows one writer)."""
        from archive.store import Archive, default_path
        from pipelines import shared

        db = crawler.settings.get("NEWSARCHIVE_DB") or default_path()
        key = shared.archive_key(db)
        archive = shared.acquire(key, lambda: Archive(db))
        return cls(archive.cursor(), on_close=lambda: shared.release(key, lambda a: a.close()))

    def seen(self, urls: Iterable[str]) -> set[str]:
        found = set()
        for url in urls:
            site = host_of(url)
            known = self._sites.get(site)
            if known is None:
                known = self._sites[site] = self._load(site)
            if url in known:
                found.add(url)
        return found

    def _load(self, site: str) -> set[str]:
        return self.archive.crawl_urls.known_of_site(site)

    def close(self) -> None:
        self.archive.close()
        if self._on_close is not None:
            self._on_close()

"""``NewsArchive``: one archive file opened for reading (the default) or for writing."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any

from archive.errors import ArchiveError, ReadOnlyArchive
from archive.models import Article, RawDocument
from archive.store import Archive
from archive.store.catalog import ArticleFilter, Group, Page, SourceSummary
from archive.store.reports import DedupStatus, Totals
from archive.store.storylist import Story, StoryTimeline
from archive.store.syndication import SyndicationPair
from archive.store.versions import Version
from archive.watchlist.health import HealthThresholds, SourceHealth, assess

if TYPE_CHECKING:
    import duckdb
    import pandas
    import pyarrow

    from archive.ingest.writer import WriteStats

DateLike = datetime | date | str | None
HEALTH_DAYS = 30  # polls judged by health(): enough for a usual gap between articles


@dataclass(frozen=True)
class Stats:
    """What ``newsarchive stats`` shows."""

    totals: Totals
    duplicates_by_kind: list[tuple[str, int]]
    per_source: list[tuple[str, int, int]]  # (source, articles, duplicates), largest first
    per_day: list[tuple[str, int, int]]  # (publication day or 'unknown', articles, duplicates), newest first
    syndication: list[SyndicationPair] = field(default_factory=list)  # who republishes whom, most copies first
    changes: list[tuple[str, int]] = field(default_factory=list)  # versions found by revisits, by change kind


def open(path: str | os.PathLike[str] | None = None, write: bool = False) -> NewsArchive:
    """Open the archive at ``path`` (default ``archive.duckdb`` or ``$NEWSARCHIVE_DB``).

    Read-only unless ``write``: many readers may share a file, but not with a writer, and a
    writer holds it alone (DuckDB's file lock). A writer creates the file if needed.
    """
    return NewsArchive(path, write=write)


class NewsArchive:
    """An open archive; use it in a ``with`` block, or ``close()`` it."""

    def __init__(
        self, path: str | os.PathLike[str] | None = None, write: bool = False, *, _store: Archive | None = None
    ):
        self._store = _store or Archive(path, read_only=not write)
        self.path = self._store.path
        self.writable = not self._store.read_only

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> NewsArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<NewsArchive {self.path!r} {'read-write' if self.writable else 'read-only'}>"

    def cursor(self) -> NewsArchive:
        """The same archive through a connection of its own, for another thread."""
        return NewsArchive(_store=self._store.cursor())

    # -- articles ----------------------------------------------------------------------
    def articles(
        self,
        unique: bool = False,
        source: str | None = None,
        since: DateLike = None,
        until: DateLike = None,
        query: str | None = None,
        *,
        order: str = "id",
        limit: int | None = None,
        offset: int = 0,
    ) -> Iterator[Article]:
        """Archived articles, read as they are consumed.

        ``unique``: one per duplicate group (its representative). ``source``: a site's host
        name (without ``www.``) or a local folder's name. ``since``/``until``: publication
        time bounds (a date, datetime or ISO 8601 text; ``until`` exclusive; articles without
        a date are left out when either is given). ``query``: full-text search over title and
        text, every word whole, ``"quoted phrases"`` in order. ``order``: ``id`` (archive
        order), ``newest`` or ``oldest`` first.
        """
        selection = self._filter(unique, source, since, until, query)
        self._check_order(order)
        return self._store.catalog.articles(selection, order=order, limit=limit, offset=offset)

    def page(
        self,
        unique: bool = False,
        source: str | None = None,
        since: DateLike = None,
        until: DateLike = None,
        query: str | None = None,
        *,
        order: str = "newest",
        limit: int = 20,
        offset: int = 0,
    ) -> Page:
        """One page of articles and how many the filters select: what a search page shows.

        With a quoted phrase whose words are everywhere, ``total`` may be an estimate
        (``exact`` False): the texts are checked for the phrase only until the page is full.
        """
        self._check_order(order)
        return self._store.catalog.page(self._filter(unique, source, since, until, query), order, limit, offset)

    def count(
        self,
        unique: bool = False,
        source: str | None = None,
        since: DateLike = None,
        until: DateLike = None,
        query: str | None = None,
    ) -> int:
        """How many articles ``articles()`` with the same filters yields."""
        return self._store.catalog.count(self._filter(unique, source, since, until, query))

    def article(self, id_or_url: int | str) -> Article:
        """One article, by id or by URL (as archived or as a crawl requested it); ``NotFound`` if none."""
        if isinstance(id_or_url, str) and id_or_url.isdigit():
            id_or_url = int(id_or_url)
        return self._store.catalog.article(id_or_url)

    def history(self, id_or_url: int | str) -> list[Version]:
        """Every version of an article (by id or URL), oldest first: version 1 is the first
        capture, later ones come from revisit crawls; each has its change kind, word diff and text."""
        article = self.article(id_or_url)
        return self._store.versions.of_article(int(article.id or 0))

    def raw(self, article_id: int) -> RawDocument:
        """The article's page or file as read or fetched (``body`` holds the bytes)."""
        return self._store.catalog.raw(article_id)

    def to_arrow(
        self,
        unique: bool = False,
        source: str | None = None,
        since: DateLike = None,
        until: DateLike = None,
        query: str | None = None,
        limit: int | None = None,
    ) -> pyarrow.Table:
        """The same articles as ``articles()`` as one Arrow table, in archive order."""
        return self._store.catalog.arrow(self._filter(unique, source, since, until, query), limit=limit)

    def to_pandas(
        self,
        unique: bool = False,
        source: str | None = None,
        since: DateLike = None,
        until: DateLike = None,
        query: str | None = None,
        limit: int | None = None,
    ) -> pandas.DataFrame:
        """The same as ``to_arrow()``, as a pandas DataFrame (needs pandas installed)."""
        try:
            import pandas  # noqa: F401
        except ImportError:
            raise ArchiveError("to_pandas needs pandas: pip install pandas") from None
        return self.to_arrow(unique, source, since, until, query, limit).to_pandas()

    # -- groups, sources, counts --------------------------------------------------------
    def groups(self, kind: str | None = None, limit: int | None = None, offset: int = 0) -> list[Group]:
        """Duplicate groups, largest first; ``kind`` (exact, near, rewrite): those with such a copy."""
        return self._store.catalog.groups(kind=kind, limit=limit, offset=offset)

    def group_count(self, kind: str | None = None) -> int:
        return self._store.catalog.group_count(kind)

    def group(self, cluster_id: int) -> Group:
        """The group whose representative has id ``cluster_id``, representative first."""
        return self._store.catalog.group(cluster_id)

    def group_of(self, id_or_url: int | str) -> Group:
        """The group an article belongs to (a group of one when it has no copies)."""
        article = self.article(id_or_url)
        return self._store.catalog.group(int(article.cluster_id or 0))

    def stories(
        self,
        since: DateLike = None,
        source: str | None = None,
        *,
        order: str = "largest",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Story]:
        """Stories (reports of one event across outlets), largest first or ``order="newest"``;
        ``since``: with a report published since then; ``source``: with a report from that source."""
        if order not in ("largest", "newest"):
            raise ArchiveError(f"order must be largest or newest, not {order!r}")
        return self._store.story_list.stories(_moment(since), source or None, order, limit, offset)

    def story(self, story_id: int) -> StoryTimeline:
        """One story and its reports, earliest first; ``NotFound`` if none (or it merged into another)."""
        return self._store.story_list.story(int(story_id))

    def copies(self, article_ids: Iterable[int]) -> dict[int, int]:
        """How many other articles share each article's duplicate group."""
        return self._store.catalog.copies(list(article_ids))

    def sources(self) -> list[SourceSummary]:
        """Each source: articles, duplicates, last archived, extraction failures; largest first."""
        return self._store.catalog.sources()

    def health(
        self, sources: Iterable[str] = (), now: datetime | None = None, thresholds: HealthThresholds | None = None
    ) -> list[SourceHealth]:
        """Health of the followed sources named (every source with a recorded poll as well), by name."""
        now = now or datetime.now(timezone.utc)
        names = sorted(set(sources) | set(self._store.polls.sources()))
        limits = thresholds or HealthThresholds()
        histories = self._store.polls.histories(names, now - timedelta(days=HEALTH_DAYS))
        return [assess(name, histories[name], now, limits) for name in names]

    def totals(self) -> Totals:
        """Articles, unique articles (one per group), copies and sources: the first line of ``stats``."""
        return self._store.reports.totals()

    def duplicates_by_kind(self) -> list[tuple[str, int]]:
        return self._store.reports.duplicates_by_kind()

    def stats(self) -> Stats:
        reports = self._store.reports
        return Stats(
            reports.totals(),
            reports.duplicates_by_kind(),
            reports.per_source(),
            reports.per_day(),
            self._store.syndication.pairs(),
            self._store.versions.change_counts(),
        )

    def syndication(self, limit: int = 20) -> list[SyndicationPair]:
        """Who republishes whom: (origin source, copying source) pairs with their copies' median lag
        and how many credit the origin; per copy, SQL on the ``syndication`` view."""
        return self._store.syndication.pairs(limit)

    def dedup_status(self) -> DedupStatus:
        return self._store.reports.dedup_status()

    # -- SQL, export, ingest -----------------------------------------------------------
    def sql(self, query: str, params: list[Any] | None = None) -> duckdb.DuckDBPyConnection:
        """Run SQL (``?`` placeholders bound from ``params``; read-only unless opened with ``write=True``).

        Read the result from what it returns: ``.fetchall()``, ``.df()``, ``.to_arrow_table()``.
        """
        return self._store.reports.query(query, params)

    def export(self, out: str, unique: bool = False) -> int:
        """Write articles to a .jsonl, .parquet or .csv file; returns how many."""
        return self._store.reports.export(out, unique=unique)

    def ingest(
        self,
        paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
        workers: int | None = None,
        batch_size: int = 200,
        retry_rejected: bool = False,
        stop: threading.Event | None = None,
        on_document: Callable[[WriteStats], None] | None = None,
    ) -> WriteStats:
        """Archive local files (as ``newsarchive ingest``); needs ``open(path, write=True)``."""
        if not self.writable:
            raise ReadOnlyArchive(f"{self.path}: opened read-only; use archive.open(path, write=True) to ingest")
        from archive.ingest.files import ingest

        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        return ingest(
            self._store,
            [os.fspath(p) for p in paths],
            workers=workers,
            batch_size=batch_size,
            retry_rejected=retry_rejected,
            stop=stop,
            on_document=on_document,
        )

    # -- helpers --------------------------------------------------------------------------
    @staticmethod
    def _check_order(order: str) -> None:
        if order not in ("id", "newest", "oldest"):
            raise ArchiveError(f"order must be id, newest or oldest, not {order!r}")

    @staticmethod
    def _filter(unique: bool, source: str | None, since: DateLike, until: DateLike, query: str | None) -> ArticleFilter:
        return ArticleFilter(
            unique=unique, source=source or None, since=_moment(since), until=_moment(until), query=query or None
        )


def _moment(value: DateLike) -> datetime | None:
    """A datetime from a date, datetime or ISO 8601 text; dates are midnight UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ArchiveError(f"{value!r}: not a date (use YYYY-MM-DD or an ISO 8601 time)") from None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(), tzinfo=timezone.utc)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)

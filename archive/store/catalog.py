"""Reading articles back: filtered listings, search hits, one article, duplicate groups, sources.

This is the read side behind the Python API (``archive.open``), the web view and the CLI's
listings: every filter they offer is an ``ArticleFilter`` turned into bound SQL here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

import duckdb
import pyarrow as pa

from archive.errors import NotFound
from archive.models import Article, RawDocument
from archive.store import rawbody
from archive.store.convert import from_json, utc
from archive.store.dedup import REPRESENTATIVE_ORDER
from archive.store.search import SearchIndex, SearchQuery

ARTICLE_COLUMNS = (
    "id", "url", "source", "origin", "title", "author", "authors", "published", "modified", "date_confidence",
    "language", "site_name", "canonical_url", "description", "image", "text", "text_hash", "cluster_id",
    "ingested_at", "provenance", "extractor", "meta", "access", "text_quality", "story_id",
)  # fmt: skip
_SELECT = ", ".join(f"a.{c}" for c in ARTICLE_COLUMNS) + ", d.kind, d.similarity"
_FROM = "articles a LEFT JOIN duplicates d ON d.article_id = a.id"
ORDERS = {"id": "a.id", "newest": "a.published DESC NULLS LAST, a.id DESC", "oldest": "a.published NULLS LAST, a.id"}
FETCH_ROWS = 500  # rows per fetch while a listing streams
PHRASE_CHUNK = 500  # candidates whose texts are checked for a phrase at first; doubled each round


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles a listing holds. ``since``/``until`` bound ``published`` (until exclusive)."""

    unique: bool = False  # one article per duplicate group: its representative
    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    query: str | None = None  # full-text search (archive/store/search.py)

    @cached_property
    def search(self) -> SearchQuery | None:
        """The query parsed (once per filter), or None without one."""
        return SearchQuery.parse(self.query) if self.query and self.query.strip() else None


@dataclass(frozen=True)
class Page:
    """One page of a listing: its articles, and how many the whole listing holds."""

    total: int
    articles: list[Article]
    exact: bool = True  # False: ``total`` is estimated (a phrase checked in part of its candidates)


@dataclass(frozen=True)
class Group:
    """A duplicate group: its representative first, then its copies."""

    cluster_id: int
    members: list[Article]


@dataclass(frozen=True)
class SourceSummary:
    source: str
    articles: int
    duplicates: int
    first_ingested: datetime | None
    last_ingested: datetime | None  # the last time an article of this source was archived
    last_published: datetime | None
    failures: int  # inputs of this source that were rejected and are not archived since
    last_failure: str | None = None  # the newest such rejection's reason
    languages: list[str] = field(default_factory=list)


class Catalog:
    """Read-only queries that return articles and what is known about them."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    # -- listings -----------------------------------------------------------------
    def _where(self, selection: ArticleFilter, phrases: bool = True) -> tuple[str, list[Any]] | None:
        """The WHERE clause and parameters; None when the filter can match nothing.

        Without ``phrases``, a query's phrases select only by their words (``page`` checks the order).
        """
        clauses: list[str] = ["TRUE"]
        params: list[Any] = []
        if selection.unique:
            clauses.append("a.id = a.cluster_id")
        if selection.source:
            clauses.append("a.source = ?")
            params.append(selection.source)
        if selection.since is not None:
            clauses.append("a.published >= ?")
            params.append(utc(selection.since))
        if selection.until is not None:
            clauses.append("a.published < ?")
            params.append(utc(selection.until))
        query = selection.search
        if query is not None:
            terms = SearchIndex(self.con).terms(query)
            if not terms:
                return None
            matching, matching_params = SearchIndex.matching(terms)
            patterns = query.phrase_patterns() if phrases else []
            if patterns:
                # Phrases are matched in the texts of the articles that hold all their words, read
                # once (MATERIALIZED): as a filter on the articles scan, the match ran on every text.
                check, check_params = _phrase_check(patterns)
                matching = f"""WITH m AS MATERIALIZED (SELECT c.id, c.title, c.text FROM articles c WHERE c.id IN ({matching}))
                               SELECT m.id FROM m WHERE {check}"""
                matching_params += check_params
            clauses.append(f"a.id IN ({matching})")
            params.extend(matching_params)
        return " AND ".join(clauses), params

    def articles(
        self, selection: ArticleFilter = ArticleFilter(), order: str = "id", limit: int | None = None, offset: int = 0
    ) -> Iterator[Article]:
        """Articles in ``order`` (``id``, ``newest`` or ``oldest``), read as they are consumed."""
        if limit is not None and not (selection.search and selection.search.phrases):
            yield from self.page(selection, order, limit, offset).articles
            return
        where = self._where(selection)
        if where is None:
            return
        sql, params = where
        cursor = self.con.cursor()  # a listing read lazily must not share its cursor with other queries
        try:
            cursor.execute(
                f"SELECT {_SELECT} FROM {_FROM} WHERE {sql} ORDER BY {ORDERS[order]} LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
            while rows := cursor.fetchmany(FETCH_ROWS):
                yield from (_article(row) for row in rows)
        finally:
            cursor.close()

    def page(
        self, selection: ArticleFilter = ArticleFilter(), order: str = "newest", limit: int = 20, offset: int = 0
    ) -> Page:
        """``limit`` articles from ``offset`` in ``order``, and how many the filter selects.

        The page is chosen over ids and dates alone, and only its rows are read whole: sorting
        every match with its text would read the texts of the whole archive. A phrase is checked
        in the texts of the candidates (the articles holding all its words) in page order, only
        until the page is full: for a phrase of words found everywhere, checking them all would
        read every text. The total is then estimated from the share of checked candidates that
        matched, and ``exact`` is False.
        """
        patterns = selection.search.phrase_patterns() if selection.search else []
        where = self._where(selection, phrases=False)
        if where is None:
            return Page(0, [])
        sql, params = where
        if not patterns:
            rows = self.con.execute(
                f"SELECT a.id, count(*) OVER () FROM articles a WHERE {sql} ORDER BY {ORDERS[order]} LIMIT ? OFFSET ?",
                [*params, limit, offset],
            ).fetchall()
            if not rows:
                return Page(self.count(selection) if offset else 0, [])
            return Page(int(rows[0][1]), self._read([int(row[0]) for row in rows]))
        candidates = [
            int(row[0])
            for row in self.con.execute(
                f"SELECT a.id FROM articles a WHERE {sql} ORDER BY {ORDERS[order]}", params
            ).fetchall()
        ]
        hits: list[int] = []
        checked, chunk = 0, PHRASE_CHUNK
        while checked < len(candidates) and len(hits) < offset + limit:
            part = candidates[checked : checked + chunk]
            checked += len(part)
            found = self._phrase_matches(part, patterns)
            hits.extend(i for i in part if i in found)
            chunk *= 2
        if checked < len(candidates):  # the page is full before every candidate was checked
            estimate = round(len(hits) / max(checked, 1) * len(candidates))
            return Page(max(estimate, len(hits)), self._read(hits[offset : offset + limit]), exact=False)
        return Page(len(hits), self._read(hits[offset : offset + limit]))

    def _phrase_matches(self, ids: Sequence[int], patterns: Sequence[str]) -> set[int]:
        """Those of ``ids`` whose title or text holds every phrase."""
        check, check_params = _phrase_check(patterns)
        rows = self.con.execute(
            f"SELECT id FROM articles WHERE id IN (SELECT unnest(?)) AND {check}", [list(ids), *check_params]
        ).fetchall()
        return {int(row[0]) for row in rows}

    def _read(self, ids: Sequence[int]) -> list[Article]:
        """Articles ``ids``, whole, in that order."""
        if not ids:
            return []
        rows = self.con.execute(f"SELECT {_SELECT} FROM {_FROM} WHERE a.id IN (SELECT unnest(?))", [list(ids)])
        found = {article.id: article for article in map(_article, rows.fetchall())}
        return [found[i] for i in ids]

    def count(self, selection: ArticleFilter = ArticleFilter()) -> int:
        where = self._where(selection)
        if where is None:
            return 0
        row = self.con.execute(f"SELECT count(*) FROM articles a WHERE {where[0]}", where[1]).fetchone()
        return int(row[0]) if row else 0

    def arrow(self, selection: ArticleFilter = ArticleFilter(), limit: int | None = None) -> pa.Table:
        """The articles as one Arrow table (columns as in ``articles``, plus ``duplicate_kind``, ``similarity``)."""
        where = self._where(selection) or ("FALSE", [])
        select = ", ".join(f"a.{c}" for c in ARTICLE_COLUMNS) + ", d.kind AS duplicate_kind, d.similarity"
        relation = self.con.sql(
            f"SELECT {select} FROM {_FROM} WHERE {where[0]} ORDER BY a.id LIMIT ?", params=[*where[1], limit]
        )
        return relation.to_arrow_table()

    # -- one article ----------------------------------------------------------------
    def article(self, key: int | str) -> Article:
        """The article with this id, or this URL (as archived, or as a crawl requested it)."""
        if isinstance(key, int):
            row = self.con.execute(f"SELECT {_SELECT} FROM {_FROM} WHERE a.id = ?", [key]).fetchone()
        else:
            row = self.con.execute(
                f"""SELECT {_SELECT} FROM {_FROM}
                    WHERE a.url = ? OR a.url = (SELECT any_value(article_url) FROM crawl_urls WHERE url = ?)""",
                [key, key],
            ).fetchone()
        if row is None:
            raise NotFound(f"no article {'with id ' if isinstance(key, int) else ''}{key}")
        return _article(row)

    def raw(self, article_id: int) -> RawDocument:
        """The page or file as it was read or fetched."""
        row = self.con.execute(
            """SELECT a.url, a.source, a.origin, r.content_type, r.encoding, r.body, r.hints, r.codec
               FROM articles a JOIN raw_documents r ON r.article_id = a.id WHERE a.id = ?""",
            [article_id],
        ).fetchone()
        if row is None:
            raise NotFound(f"no raw page for article {article_id}")
        url, source, origin, content_type, encoding, body, hints, codec = row
        return RawDocument(
            url, source, origin, rawbody.unpack(codec, bytes(body)), content_type, encoding, from_json(hints) or {}
        )

    # -- duplicate groups -------------------------------------------------------------
    def group(self, cluster_id: int) -> Group:
        """The group whose representative is ``cluster_id``; an article without copies is a group of one."""
        groups = self._groups([cluster_id])
        if not groups:
            raise NotFound(f"no duplicate group {cluster_id} (a group's id is its representative's article id)")
        return groups[0]

    def groups(self, kind: str | None = None, limit: int | None = None, offset: int = 0) -> list[Group]:
        """Groups with copies, largest first (with ``kind``: those with a copy of that kind)."""
        rows = self.con.execute(
            """
            SELECT d.duplicate_of FROM duplicates d
            GROUP BY 1 HAVING (? IS NULL OR bool_or(d.kind = ?))
            ORDER BY count(*) DESC, 1 LIMIT ? OFFSET ?
            """,
            [kind, kind, limit, offset],
        ).fetchall()
        return self._groups([int(r[0]) for r in rows])

    def group_count(self, kind: str | None = None) -> int:
        row = self.con.execute(
            "SELECT count(*) FROM (SELECT 1 FROM duplicates GROUP BY duplicate_of HAVING (? IS NULL OR bool_or(kind = ?)))",
            [kind, kind],
        ).fetchone()
        return int(row[0]) if row else 0

    def _groups(self, clusters: Sequence[int]) -> list[Group]:
        if not clusters:
            return []
        rows = self.con.execute(
            f"""SELECT {_SELECT} FROM {_FROM} WHERE a.cluster_id IN (SELECT unnest(?))
                ORDER BY a.cluster_id, a.id <> a.cluster_id, {REPRESENTATIVE_ORDER}""",
            [list(clusters)],
        ).fetchall()
        members: dict[int, list[Article]] = {c: [] for c in clusters}
        for row in rows:
            article = _article(row)
            members[int(article.cluster_id or 0)].append(article)
        return [Group(c, m) for c, m in members.items() if m]

    def copies(self, article_ids: Sequence[int]) -> dict[int, int]:
        """How many other articles share each article's group, by article id."""
        rows = self.con.execute(
            """SELECT a.id, (SELECT count(*) FROM articles b WHERE b.cluster_id = a.cluster_id) - 1
               FROM articles a WHERE a.id IN (SELECT unnest(?))""",
            [list(article_ids)],
        ).fetchall()
        return {int(i): int(n) for i, n in rows}

    # -- sources ----------------------------------------------------------------------------
    def sources(self) -> list[SourceSummary]:
        """Every source with its counts, last archived article and extraction failures, largest first."""
        rows = self.con.execute(
            r"""
            WITH failed AS (
                SELECT regexp_extract(r.input, '^https?://(?:www\.)?([^/:?#]+)', 1) AS source,
                       count(DISTINCT r.input) AS failures, arg_max(r.reason, r.run_id) AS last_reason
                FROM rejections r
                WHERE r.input NOT IN (SELECT url FROM articles)
                GROUP BY 1
            )
            SELECT a.source, count(*), count(*) FILTER (WHERE a.id <> a.cluster_id), min(a.ingested_at),
                   max(a.ingested_at), max(a.published), coalesce(any_value(f.failures), 0), any_value(f.last_reason),
                   list_sort(list_distinct(list(a.language) FILTER (WHERE a.language IS NOT NULL)))
            FROM articles a LEFT JOIN failed f ON f.source = a.source
            GROUP BY a.source ORDER BY count(*) DESC, a.source
            """
        ).fetchall()
        return [
            SourceSummary(source, int(n), int(dups), first, last, published, int(failures), reason, list(langs or []))
            for source, n, dups, first, last, published, failures, reason, langs in rows
        ]


def _phrase_check(patterns: Sequence[str]) -> tuple[str, list[str]]:
    """SQL true when an article's title or text holds every phrase, and its parameters."""
    check = " AND ".join(["(regexp_matches(coalesce(title, ''), ?) OR regexp_matches(text, ?))"] * len(patterns))
    return check, [p for pattern in patterns for p in (pattern, pattern)]


def _article(row: Sequence[Any]) -> Article:
    """An Article from a row of ``_SELECT`` (the columns are named as its fields; JSON columns as text)."""
    values = dict(zip(ARTICLE_COLUMNS, row))
    values.update(
        meta=from_json(values["meta"]) or {},
        provenance=from_json(values["provenance"]) or {},
        authors=list(values["authors"] or []),
        duplicate_kind=row[len(ARTICLE_COLUMNS)],
        similarity=row[len(ARTICLE_COLUMNS) + 1],
    )
    return Article(**values)

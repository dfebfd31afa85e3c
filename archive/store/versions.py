"""Article history (``article_versions``, the ``versions`` view) and the revisit crawl's look-ups.

Rows exist only for articles with a history: ``keep_first`` copies an article's first capture
from ``articles`` before the writer overwrites it with a newer one, ``add`` appends versions
numbered after the last. Methods that write run inside the writer's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from archive.models import RawDocument
from archive.store import rawbody
from archive.store.convert import table, to_json, utc

_NEW = pa.schema(
    [
        ("article_id", pa.int64()),
        ("fetched_at", pa.timestamp("us", tz="UTC")),
        ("title", pa.string()),
        ("text", pa.string()),
        ("text_hash", pa.string()),
        ("change", pa.string()),
        ("diff", pa.string()),
        ("rules", pa.string()),
    ]
)
_RAW = pa.schema(
    [("article_id", pa.int64()), ("content_type", pa.string()), ("encoding", pa.string())]
    + [("body", pa.binary()), ("hints", pa.string()), ("codec", pa.string())]
)


@dataclass(frozen=True)
class Version:
    """One capture of an article, as ``newsarchive history`` shows it."""

    article_id: int
    url: str
    version: int  # 1: the first capture
    fetched_at: datetime
    title: str | None
    text_hash: str | None
    change: str  # first | headline | minor | update | correction | removed | restored
    diff: str | None  # word diff from the previous version ([-removed-] {+added+}, one line a change)
    text: str | None  # None for removed

    def to_dict(self) -> dict[str, Any]:
        values = dict(self.__dict__)
        values["fetched_at"] = self.fetched_at.isoformat()
        return values


@dataclass(frozen=True)
class NewVersion:
    """A version the writer records: numbered after the article's last one."""

    article_id: int
    fetched_at: datetime
    title: str | None
    text: str | None
    text_hash: str | None
    change: str
    diff: str | None
    rules: str | None


@dataclass(frozen=True)
class RevisitTarget:
    """An archived URL (or an alias of one) and the validators of its last fetch."""

    article_url: str
    etag: str | None
    last_modified: str | None
    first_seen: datetime


class Versions:
    """The ``article_versions`` table and the ``versions`` view."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def last(self, ids: Sequence[int]) -> dict[int, tuple[int, str]]:
        """(last version number, its change) of each article; (1, 'first') for one without history."""
        rows = self.con.execute(
            """SELECT article_id, max(version), arg_max(change, version) FROM article_versions
               WHERE article_id IN (SELECT unnest(?)) GROUP BY article_id""",
            [list(ids)],
        ).fetchall()
        found = {int(article): (int(version), str(change)) for article, version, change in rows}
        return {article: found.get(article, (1, "first")) for article in ids}

    def of_article(self, article_id: int) -> list[Version]:
        rows = self.con.execute(
            """SELECT article_id, url, version, fetched_at, title, text_hash, change, diff, text
               FROM versions WHERE article_id = ? ORDER BY version""",
            [article_id],
        ).fetchall()
        return [Version(*row) for row in rows]

    def change_counts(self) -> list[tuple[str, int]]:
        """How many versions after the first there are of each change kind, most first."""
        rows = self.con.execute(
            "SELECT change, count(*) FROM article_versions WHERE version > 1 GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall()
        return [(str(change), int(n)) for change, n in rows]

    # -- writes (inside the writer's transaction) ---------------------------------
    def keep_first(self, ids: Sequence[int]) -> None:
        """Copy the stored capture of articles without history in as version 1 (before it is overwritten)."""
        self.con.execute(
            """INSERT INTO article_versions (article_id, version, fetched_at, title, text, text_hash, change)
               SELECT id, 1, ingested_at, title, text, text_hash, 'first' FROM articles
               WHERE id IN (SELECT unnest(?))
                 AND NOT EXISTS (SELECT 1 FROM article_versions v WHERE v.article_id = articles.id)""",
            [list(ids)],
        )

    def add(self, versions: Sequence[NewVersion]) -> None:
        """Append versions (at most one per article in a call), each after its article's last."""
        if not versions:
            return
        rows = [{**v.__dict__, "fetched_at": utc(v.fetched_at)} for v in versions]
        self.con.register("_new_versions", table(_NEW, rows))
        try:
            self.con.execute(
                """INSERT INTO article_versions
                   SELECT n.article_id, coalesce(l.last, 1) + 1, n.fetched_at, n.title, n.text, n.text_hash,
                          n.change, n.diff, n.rules
                   FROM _new_versions n
                   LEFT JOIN (SELECT article_id, max(version) AS last FROM article_versions GROUP BY 1) l
                          ON l.article_id = n.article_id"""
            )
        finally:
            self.con.unregister("_new_versions")

    def replace_raw(self, documents: Sequence[tuple[int, RawDocument]]) -> None:
        """The latest fetch becomes the article's raw document (reextract reads the latest version)."""
        if not documents:
            return
        rows = [
            {
                "article_id": article_id,
                "content_type": raw.content_type,
                "encoding": raw.encoding,
                # Packed here, on the writer's thread (about 1 ms a page): only revisited pages come this way.
                "body": rawbody.pack(raw.body),
                "hints": to_json(raw.hints),
                "codec": rawbody.ZSTD,
            }
            for article_id, raw in documents
        ]
        self.con.register("_new_raw", table(_RAW, rows))
        try:
            self.con.execute(
                """UPDATE raw_documents SET content_type = n.content_type, encoding = n.encoding, body = n.body,
                          hints = n.hints::JSON, codec = n.codec
                   FROM _new_raw n WHERE raw_documents.article_id = n.article_id"""
            )
        finally:
            self.con.unregister("_new_raw")

    # -- the revisit crawl's reads ---------------------------------------------------
    def article_ids(self, urls: Sequence[str]) -> dict[str, int]:
        """The archived article each URL is (its own URL, or a crawl alias of it)."""
        rows = self.con.execute(
            """SELECT url, id FROM articles WHERE url IN (SELECT unnest($urls))
               UNION ALL
               SELECT c.url, a.id FROM crawl_urls c JOIN articles a ON a.url = c.article_url
               WHERE c.url IN (SELECT unnest($urls))""",
            {"urls": list(urls)},
        ).fetchall()
        return {str(url): int(article) for url, article in rows}

    def revisit_targets(self, site: str) -> dict[str, RevisitTarget]:
        """Every archived URL of ``site`` (host without www.) and alias of one, with its validators."""
        rows = self.con.execute(
            """WITH targets AS (
                   SELECT url, url AS article_url FROM articles WHERE source = $site
                   UNION ALL
                   SELECT url, article_url FROM crawl_urls WHERE site = $site
               )
               SELECT t.url, t.article_url, r.hints->>'etag', r.hints->>'last_modified', a.ingested_at
               FROM targets t JOIN articles a ON a.url = t.article_url
               LEFT JOIN raw_documents r ON r.article_id = a.id""",
            {"site": site},
        ).fetchall()
        return {
            str(url): RevisitTarget(str(article), etag, modified, first) for url, article, etag, modified, first in rows
        }

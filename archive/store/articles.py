"""Articles and their raw documents: inserts, in-place updates after re-extraction, lookups."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import duckdb
import pyarrow as pa

from archive.models import Article, RawDocument
from archive.store import rawbody
from archive.store.convert import from_json, table, to_json, utc
from archive.store.search import SearchIndex

# Columns an extraction produces (everything of an article but its identity and group).
EXTRACTED = pa.schema(
    [
        ("text", pa.string()),
        ("text_hash", pa.string()),
        ("title", pa.string()),
        ("author", pa.string()),
        ("authors", pa.list_(pa.string())),
        ("published", pa.timestamp("us", tz="UTC")),
        ("modified", pa.timestamp("us", tz="UTC")),
        ("language", pa.string()),
        ("site_name", pa.string()),
        ("canonical_url", pa.string()),
        ("description", pa.string()),
        ("image", pa.string()),
        ("date_confidence", pa.string()),
        ("provenance", pa.string()),
        ("extractor", pa.string()),
        ("access", pa.string()),
        ("text_quality", pa.string()),
        ("meta", pa.string()),
    ]
)
_JSON_COLUMNS = {"provenance", "meta"}
_NEW = pa.schema(
    [("id", pa.int64()), ("url", pa.string()), ("source", pa.string()), ("origin", pa.string()), *EXTRACTED]
    + [("content_type", pa.string()), ("encoding", pa.string()), ("body", pa.binary()), ("hints", pa.string())]
    + [("codec", pa.string())]
)
_UPDATE = pa.schema([("id", pa.int64()), *EXTRACTED])
# Fields whose change makes an article "changed" for reextract (what a user sees).
COMPARED = (
    "text", "title", "author", "authors", "published", "modified", "language", "site_name",
    "canonical_url", "description", "image", "date_confidence", "access", "text_quality",
)  # fmt: skip


def extracted_values(article: Article) -> dict[str, Any]:
    """The EXTRACTED columns of an article, as stored."""
    return {
        "text": article.text,
        "text_hash": article.text_hash,
        "title": article.title,
        "author": article.author,
        "authors": list(article.authors) or None,
        "published": utc(article.published),
        "modified": utc(article.modified),
        "language": article.language,
        "site_name": article.site_name,
        "canonical_url": article.canonical_url,
        "description": article.description,
        "image": article.image,
        "date_confidence": article.date_confidence,
        "provenance": to_json(article.provenance),
        "extractor": article.extractor,
        "access": article.access,
        "text_quality": article.text_quality,
        "meta": to_json(article.meta),
    }


@dataclass(frozen=True)
class StoredRaw:
    """An archived article's raw document, with the article's id."""

    article_id: int
    raw: RawDocument


class Articles:
    """The ``articles`` and ``raw_documents`` tables (and the search index of what they hold)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    # -- reads -------------------------------------------------------------------
    def count(self) -> int:
        row = self.con.execute("SELECT count(*) FROM articles").fetchone()
        return int(row[0]) if row else 0

    def known_urls(self, urls: Iterable[str]) -> set[str]:
        """The subset of ``urls`` already archived."""
        wanted = list(dict.fromkeys(urls))
        if not wanted:
            return set()
        rows = self.con.execute("SELECT url FROM articles WHERE url IN (SELECT unnest(?))", [wanted]).fetchall()
        return {row[0] for row in rows}

    def ids(self, sources: Sequence[str] = ()) -> list[int]:
        """Every article id in id order (of ``sources`` only, when given)."""
        if sources:
            query, params = "SELECT id FROM articles WHERE source IN (SELECT unnest(?)) ORDER BY id", [list(sources)]
        else:
            query, params = "SELECT id FROM articles ORDER BY id", []
        return [row[0] for row in self.con.execute(query, params).fetchall()]

    def raw_documents(self, ids: Sequence[int]) -> list[StoredRaw]:
        """The raw documents of articles ``ids``, in id order."""
        rows = self.con.execute(
            """
            SELECT a.id, a.url, a.source, a.origin, r.content_type, r.encoding, r.body, r.hints, r.codec
            FROM articles a JOIN raw_documents r ON r.article_id = a.id
            WHERE a.id IN (SELECT unnest(?)) ORDER BY a.id
            """,
            [list(ids)],
        ).fetchall()
        return [
            StoredRaw(
                article_id,
                RawDocument(
                    url=url,
                    source=source,
                    origin=origin,
                    body=rawbody.unpack(codec, bytes(body)),
                    content_type=content_type,
                    encoding=encoding,
                    hints=from_json(hints) or {},
                ),
            )
            for article_id, url, source, origin, content_type, encoding, body, hints, codec in rows
        ]

    def extracted(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The stored EXTRACTED values of articles ``ids`` (JSON columns as text), by id."""
        names = ", ".join(EXTRACTED.names)
        cursor = self.con.execute(f"SELECT id, {names} FROM articles WHERE id IN (SELECT unnest(?))", [list(ids)])
        return {row[0]: dict(zip(EXTRACTED.names, row[1:])) for row in cursor.fetchall()}

    # -- writes (inside the writer's transaction) ---------------------------------
    def reserve_ids(self, n: int) -> list[int]:
        """``n`` new article ids, so that rows learned about a batch can name its articles before insert."""
        if n <= 0:
            return []
        return [row[0] for row in self.con.execute("SELECT nextval('article_id_seq') FROM range(?)", [n]).fetchall()]

    def insert(self, rows: Sequence[tuple[int, RawDocument, Article]], ingested_at: datetime | None = None) -> None:
        """Insert articles under reserved ids with their raw documents; each is its own group."""
        if not rows:
            return
        values = [
            {
                "id": article_id,
                "url": a.url,
                "source": a.source,
                "origin": a.origin,
                **extracted_values(a),
                "content_type": raw.content_type,
                "encoding": raw.encoding,
                # Packed by the extraction worker when it could be; else here, on the writer's thread.
                "body": a.raw_packed if a.raw_packed is not None else rawbody.pack(raw.body),
                "hints": to_json(raw.hints),
                "codec": rawbody.ZSTD,
            }
            for article_id, raw, a in rows
        ]
        self.con.register("_new_articles", table(_NEW, values))
        try:
            self.con.execute(
                f"""
                INSERT INTO articles (id, url, source, origin, {", ".join(EXTRACTED.names)}, cluster_id, ingested_at)
                SELECT id, url, source, origin, {_select_extracted()}, id, ? FROM _new_articles
                """,
                [utc(ingested_at or datetime.now(timezone.utc))],
            )
            self.con.execute(
                """
                INSERT INTO raw_documents (article_id, url, content_type, encoding, body, hints, codec)
                SELECT id, url, content_type, encoding, body, hints::JSON, codec FROM _new_articles
                """
            )
        finally:
            self.con.unregister("_new_articles")
        SearchIndex(self.con).add([article_id for article_id, _, _ in rows])

    def update(self, changes: Sequence[tuple[int, Article]]) -> None:
        """Write new extraction results over articles in place (reextract)."""
        if not changes:
            return
        values = [{"id": article_id, **extracted_values(article)} for article_id, article in changes]
        self.con.register("_updated_articles", table(_UPDATE, values))
        try:
            assignments = ", ".join(
                f"{name} = u.{name}{'::JSON' if name in _JSON_COLUMNS else ''}" for name in EXTRACTED.names
            )
            self.con.execute(f"UPDATE articles SET {assignments} FROM _updated_articles u WHERE articles.id = u.id")
        finally:
            self.con.unregister("_updated_articles")
        SearchIndex(self.con).replace([article_id for article_id, _ in changes])


def _select_extracted() -> str:
    return ", ".join(f"{name}::JSON" if name in _JSON_COLUMNS else name for name in EXTRACTED.names)

"""The DuckDB archive: opening, migrations, batched inserts."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

from archive.errors import ArchiveError, ArchiveLocked
from archive.models import Article, RawDocument
from archive.store import migrations
from archive.store.rejections import RejectionLog

LOGGER = logging.getLogger(__name__)

DEFAULT_PATH = "archive.duckdb"

_ARTICLE_SCHEMA = pa.schema(
    [
        ("url", pa.string()),
        ("source", pa.string()),
        ("title", pa.string()),
        ("author", pa.string()),
        ("published", pa.timestamp("us", tz="UTC")),
        ("language", pa.string()),
        ("site_name", pa.string()),
        ("canonical_url", pa.string()),
        ("description", pa.string()),
        ("text", pa.string()),
        ("text_hash", pa.string()),
        ("origin", pa.string()),
        ("meta", pa.string()),
        ("content_type", pa.string()),
        ("encoding", pa.string()),
        ("body", pa.binary()),
        ("hints", pa.string()),
        ("authors", pa.list_(pa.string())),
        ("modified", pa.timestamp("us", tz="UTC")),
        ("image", pa.string()),
        ("date_confidence", pa.string()),
        ("provenance", pa.string()),
        ("extractor", pa.string()),
    ]
)


def default_path() -> str:
    return os.environ.get("NEWSARCHIVE_DB") or DEFAULT_PATH


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _json(value) -> str | None:
    return json.dumps(value, ensure_ascii=False, default=str) if value else None


class Archive:
    """One DuckDB archive file. Writers migrate the schema on open; readers open read-only."""

    def __init__(self, path: str | os.PathLike | None = None, read_only: bool = False):
        self.path = str(path or default_path())
        self.read_only = read_only
        if read_only and self.path != ":memory:" and not Path(self.path).exists():
            raise ArchiveError(f"{self.path}: no archive here yet (run 'newsarchive ingest' first)")
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                holder = re.search(r"\(PID (\d+)\)", str(exc))
                who = f"process {holder.group(1)}" if holder else "another process"
                raise ArchiveLocked(f"{self.path}: the archive is in use by {who}; wait for it to finish") from None
            raise ArchiveError(f"{self.path}: cannot open archive ({str(exc).splitlines()[0]})") from None
        except duckdb.Error as exc:
            raise ArchiveError(f"{self.path}: not a DuckDB archive ({str(exc).splitlines()[0]})") from None
        if not read_only:
            migrations.migrate(self.con)

    def close(self) -> None:
        self.con.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction: committed when the block ends, rolled back when it raises (also on Ctrl-C)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reads -------------------------------------------------------------
    def known_urls(self, urls: Iterable[str], cursor=None) -> set[str]:
        """The subset of ``urls`` already archived (``cursor``: another thread's connection)."""
        urls = list(dict.fromkeys(urls))
        if not urls:
            return set()
        rows = (
            (cursor or self.con).execute("SELECT url FROM articles WHERE url IN (SELECT unnest(?))", [urls]).fetchall()
        )
        return {row[0] for row in rows}

    def count(self) -> int:
        return self.con.execute("SELECT count(*) FROM articles").fetchone()[0]

    # -- writes ------------------------------------------------------------
    def insert(self, pairs: Sequence[tuple[RawDocument, Article]], ingested_at: datetime | None = None) -> list[int]:
        """Insert articles and their raw documents; skip URLs already archived.

        Runs inside the caller's transaction; returns the ids of the new rows.
        """
        if not pairs:
            return []
        unique: dict[str, tuple[RawDocument, Article]] = {}
        for raw, article in pairs:
            unique.setdefault(article.url, (raw, article))
        columns: dict[str, list] = {name: [] for name in _ARTICLE_SCHEMA.names}
        for raw, a in unique.values():
            for name, value in (
                ("url", a.url),
                ("source", a.source),
                ("title", a.title),
                ("author", a.author),
                ("published", _utc(a.published)),
                ("language", a.language),
                ("site_name", a.site_name),
                ("canonical_url", a.canonical_url),
                ("description", a.description),
                ("text", a.text),
                ("text_hash", a.text_hash),
                ("origin", a.origin),
                ("meta", _json(a.meta)),
                ("content_type", raw.content_type),
                ("encoding", raw.encoding),
                ("body", raw.body),
                ("hints", _json(raw.hints)),
                ("authors", a.authors or None),
                ("modified", _utc(a.modified)),
                ("image", a.image),
                ("date_confidence", a.date_confidence),
                ("provenance", _json(a.provenance)),
                ("extractor", a.extractor),
            ):
                columns[name].append(value)
        batch = pa.table(columns, schema=_ARTICLE_SCHEMA)
        stamp = _utc(ingested_at or datetime.now(timezone.utc))
        self.con.register("_batch", batch)
        try:
            rows = self.con.execute(
                """
                INSERT INTO articles (url, source, title, author, published, language, site_name,
                                      canonical_url, description, text, text_hash, origin, meta, ingested_at,
                                      authors, modified, image, date_confidence, provenance, extractor)
                SELECT url, source, title, author, published, language, site_name, canonical_url,
                       description, text, text_hash, origin, meta::JSON, ?,
                       authors, modified, image, date_confidence, provenance::JSON, extractor
                FROM _batch WHERE url NOT IN (SELECT url FROM articles)
                RETURNING id, url
                """,
                [stamp],
            ).fetchall()
            new_ids = [row[0] for row in rows]
            if new_ids:
                self.con.execute("UPDATE articles SET cluster_id = id WHERE id IN (SELECT unnest(?))", [new_ids])
                self.con.execute(
                    """
                    INSERT INTO raw_documents (article_id, url, content_type, encoding, body, hints)
                    SELECT a.id, b.url, b.content_type, b.encoding, b.body, b.hints::JSON
                    FROM _batch b JOIN articles a USING (url)
                    WHERE a.id IN (SELECT unnest(?))
                    """,
                    [new_ids],
                )
        finally:
            self.con.unregister("_batch")
        return new_ids

    def start_run(self, command: str) -> int:
        return self.con.execute(
            "INSERT INTO runs (command, started_at) VALUES (?, now()) RETURNING id", [command]
        ).fetchone()[0]

    def finish_run(self, run_id: int, read: int, archived: int, duplicates: int, rejections: Sequence) -> None:
        self.con.execute("BEGIN TRANSACTION")
        self.con.execute(
            "UPDATE runs SET finished_at = now(), read = ?, archived = ?, duplicates = ?, rejected = ? WHERE id = ?",
            [read, archived, duplicates, len(rejections), run_id],
        )
        RejectionLog(self.con).record(run_id, rejections)
        self.con.execute("COMMIT")

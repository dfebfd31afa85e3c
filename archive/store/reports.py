"""Read-side queries behind the CLI: stats, dedup status, exports, user SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from archive.errors import ArchiveError

EXPORT_FORMATS = {".jsonl": "JSON", ".json": "JSON", ".parquet": "PARQUET", ".csv": "CSV"}
EXPORT_COLUMNS = (
    "id, url, source, title, author, authors, published, modified, date_confidence, language, site_name, "
    "canonical_url, description, image, access, text_quality, text, text_hash, cluster_id, origin, ingested_at, provenance"
)


@dataclass(frozen=True)
class Totals:
    articles: int
    groups: int  # unique articles: one per duplicate group
    duplicates: int
    sources: int
    stories: int = 0  # events: one per story (archive/stories), copies and independent reports together


@dataclass(frozen=True)
class DedupStatus:
    fingerprint: str | None  # parameters the groups were built with (None: never built)
    built_at: datetime | None
    groups: int  # groups with at least one duplicate
    duplicates: int


class Reports:
    """Queries that only read."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def query(self, sql: str, params: list[Any] | None = None) -> duckdb.DuckDBPyConnection:
        """Run a user's SQL on a cursor of its own; read the result from it (``description`` is None: no rows)."""
        cursor = self.con.cursor()
        return cursor.execute(sql, params)

    def totals(self) -> Totals:
        row = self.con.execute(
            """SELECT count(*), count(DISTINCT cluster_id), count(*) FILTER (WHERE id <> cluster_id),
                      count(DISTINCT source), count(DISTINCT story_id) FROM articles"""
        ).fetchone()
        return Totals(*(int(v or 0) for v in row)) if row else Totals(0, 0, 0, 0, 0)

    def duplicates_by_kind(self) -> list[tuple[str, int]]:
        return [
            (k, int(n))
            for k, n in self.con.execute(
                "SELECT kind, count(*) FROM duplicates GROUP BY 1 ORDER BY 2 DESC, 1"
            ).fetchall()
        ]

    def per_source(self, limit: int = 50) -> list[tuple[str, int, int]]:
        """(source, articles, duplicates), largest first."""
        return self.con.execute(
            """SELECT source, count(*), count(*) FILTER (WHERE id <> cluster_id)
               FROM articles GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?""",
            [limit],
        ).fetchall()

    def per_day(self, limit: int = 60) -> list[tuple[str, int, int]]:
        """(publication day or 'unknown', articles, duplicates), newest first."""
        return self.con.execute(
            """SELECT coalesce(strftime(published, '%Y-%m-%d'), 'unknown'), count(*), count(*) FILTER (WHERE id <> cluster_id)
               FROM articles GROUP BY 1 ORDER BY 1 DESC LIMIT ?""",
            [limit],
        ).fetchall()

    def dedup_status(self) -> DedupStatus:
        config = self.con.execute("SELECT fingerprint, built_at FROM dedup_config").fetchone()
        counts = self.con.execute("SELECT count(DISTINCT duplicate_of), count(*) FROM duplicates").fetchone()
        groups, duplicates = (int(counts[0]), int(counts[1])) if counts else (0, 0)
        return DedupStatus(config[0] if config else None, config[1] if config else None, groups, duplicates)

    def export(self, out: str, unique: bool = False) -> int:
        """Write articles (one per group with ``unique``) to ``out``; the format follows its suffix."""
        fmt = EXPORT_FORMATS.get(Path(out).suffix.lower())
        if fmt is None:
            raise ArchiveError(f"{out}: use a .jsonl, .parquet or .csv file name")
        table = "unique_articles" if unique else "articles"
        row = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()
        escaped = out.replace("'", "''")  # COPY takes no bound file name
        self.con.execute(f"COPY (SELECT {EXPORT_COLUMNS} FROM {table} ORDER BY id) TO '{escaped}' (FORMAT {fmt})")
        return int(row[0]) if row else 0

"""Read-side queries behind the CLI: stats, duplicate groups, dedup status, exports, user SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from archive.errors import ArchiveError
from archive.store.dedup import REPRESENTATIVE_ORDER

EXPORT_FORMATS = {".jsonl": "JSON", ".json": "JSON", ".parquet": "PARQUET", ".csv": "CSV"}
EXPORT_COLUMNS = (
    "id, url, source, title, author, authors, published, modified, date_confidence, language, site_name, "
    "canonical_url, description, image, text, text_hash, cluster_id, origin, ingested_at, provenance"
)


@dataclass(frozen=True)
class Totals:
    articles: int
    groups: int  # unique stories: one per duplicate group
    duplicates: int


@dataclass(frozen=True)
class DedupStatus:
    fingerprint: str | None  # parameters the groups were built with (None: never built)
    built_at: datetime | None
    groups: int  # groups with at least one duplicate
    duplicates: int


@dataclass(frozen=True)
class Member:
    id: int
    source: str
    title: str | None
    published: datetime | None
    url: str
    kind: str | None  # representative | exact | near | rewrite
    similarity: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "url": self.url,
            "kind": self.kind,
            "similarity": self.similarity,
        }


@dataclass(frozen=True)
class Group:
    cluster_id: int
    members: list[Member]  # representative first


class Reports:
    """Queries that only read."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def query(self, sql: str) -> duckdb.DuckDBPyConnection:
        """Run a user's SQL; the result is read from the returned cursor."""
        return self.con.execute(sql)

    def totals(self) -> Totals:
        row = self.con.execute(
            "SELECT count(*), count(DISTINCT cluster_id), count(*) FILTER (WHERE id <> cluster_id) FROM articles"
        ).fetchone()
        return Totals(*(int(v or 0) for v in row)) if row else Totals(0, 0, 0)

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

    def largest_groups(self, limit: int = 20) -> list[tuple[int, int, str, str]]:
        """(group id, members, kinds, representative's title or opening words), largest first."""
        return self.con.execute(
            """
            SELECT a.cluster_id, count(*) AS members, coalesce(string_agg(DISTINCT d.kind, ', ' ORDER BY d.kind), ''),
                   any_value(coalesce(r.title, left(r.text, 70) || '…'))
            FROM articles a JOIN articles r ON r.id = a.cluster_id
            LEFT JOIN duplicates d ON d.article_id = a.id
            GROUP BY a.cluster_id HAVING count(*) > 1
            ORDER BY members DESC, a.cluster_id LIMIT ?
            """,
            [limit],
        ).fetchall()

    def groups(self, kind: str | None = None, article: int | None = None, limit: int | None = None) -> list[Group]:
        """Duplicate groups, largest first (or the group of ``article``), members in representative order."""
        if article is not None:
            row = self.con.execute("SELECT cluster_id FROM articles WHERE id = ?", [article]).fetchone()
            if row is None:
                raise ArchiveError(f"no article with id {article}")
            clusters = [int(row[0])]
        else:
            clusters = [
                int(r[0])
                for r in self.con.execute(
                    """
                    SELECT a.cluster_id FROM articles a LEFT JOIN duplicates d ON d.article_id = a.id
                    GROUP BY a.cluster_id HAVING count(*) > 1 AND (? IS NULL OR bool_or(d.kind = ?))
                    ORDER BY count(*) DESC, a.cluster_id LIMIT ?
                    """,
                    [kind, kind, limit or None],
                ).fetchall()
            ]
        if not clusters:
            return []
        rows = self.con.execute(
            f"""
            SELECT a.cluster_id, a.id, a.source, a.title, a.published, a.url,
                   coalesce(d.kind, CASE WHEN a.id = a.cluster_id THEN 'representative' END), d.similarity
            FROM articles a LEFT JOIN duplicates d ON d.article_id = a.id
            WHERE a.cluster_id IN (SELECT unnest(?))
            ORDER BY a.cluster_id, a.id <> a.cluster_id, {REPRESENTATIVE_ORDER}
            """,
            [clusters],
        ).fetchall()
        members: dict[int, list[Member]] = {c: [] for c in clusters}
        for cluster, *fields in rows:
            members[cluster].append(Member(*fields))
        return [Group(c, m) for c, m in members.items()]

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

"""Duplicate groups. Exact stage: articles whose normalised text hashes alike form one group.

Groups are recorded in ``duplicates`` and ``articles.cluster_id``; nothing is deleted.
The representative is the earliest published article, then the earliest ingested.
"""

from __future__ import annotations

import logging
from typing import Sequence

LOGGER = logging.getLogger(__name__)

# Order that picks a group's representative: earliest published, then earliest ingested.
REPRESENTATIVE_ORDER = "published ASC NULLS LAST, ingested_at ASC, id ASC"


class Deduplicator:
    """Assigns new articles to duplicate groups inside the writer's transaction."""

    def check(self, con) -> None:
        """Refuse an archive built with other parameters (the exact stage has none)."""

    def assign(self, con, new_ids: Sequence[int]) -> int:
        """Group ``new_ids`` with their exact copies; return how many of them are duplicates."""
        if not new_ids:
            return 0
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _exact_groups AS
            WITH hashes AS (SELECT DISTINCT text_hash FROM articles WHERE id IN (SELECT unnest(?))),
                 members AS (SELECT a.id, a.text_hash, a.published, a.ingested_at FROM articles a JOIN hashes USING (text_hash))
            SELECT id, first_value(id) OVER (PARTITION BY text_hash ORDER BY {REPRESENTATIVE_ORDER}) AS rep
            FROM members
            """,
            [list(new_ids)],
        )
        con.execute("DELETE FROM duplicates WHERE article_id IN (SELECT id FROM _exact_groups)")
        con.execute(
            "INSERT INTO duplicates SELECT id, rep, 'exact', 1.0 FROM _exact_groups WHERE id <> rep"
        )
        con.execute(
            "UPDATE articles SET cluster_id = g.rep FROM _exact_groups g WHERE articles.id = g.id AND articles.cluster_id IS DISTINCT FROM g.rep"
        )
        dups = con.execute(
            "SELECT count(*) FROM _exact_groups WHERE id <> rep AND id IN (SELECT unnest(?))", [list(new_ids)]
        ).fetchone()[0]
        con.execute("DROP TABLE _exact_groups")
        return dups

    def rebuild(self, con) -> int:
        """Recompute every group from scratch; return the number of duplicates."""
        con.execute("DELETE FROM duplicates")
        con.execute("UPDATE articles SET cluster_id = id")
        ids = [row[0] for row in con.execute("SELECT id FROM articles ORDER BY id").fetchall()]
        return self.assign(con, ids)

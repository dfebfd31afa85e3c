"""Story tables: articles.story_id, the term postings, document frequencies, merges, parameters.

Every piece of story SQL lives here; archive.stories computes and decides, this module reads
and writes. Write methods run inside the caller's transaction and never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

CONFIG_NAME = "stories"
POSTING_SCHEMA = pa.schema([("key", pa.int64()), ("article_id", pa.int64()), ("weight", pa.float32())])
DF_SCHEMA = pa.schema([("term", pa.uint32()), ("df", pa.int32())])
ASSIGN_SCHEMA = pa.schema([("article_id", pa.int64()), ("story_id", pa.int64())])
# An article's moment on the story timeline: when it was published, else when it was archived.
MOMENT = "epoch(coalesce(a.published, a.ingested_at))"


@dataclass(frozen=True)
class StoryInput:
    """What story assignment reads of a new article."""

    article_id: int
    title: str | None
    text: str
    moment: float  # seconds since the epoch: published, else ingested
    cluster_id: int  # its duplicate group


@dataclass(frozen=True)
class StoredPostings:
    """Postings of archived reports, column by column (one row per posting)."""

    position: np.ndarray  # of the posting's key in the keys asked for
    article_id: np.ndarray
    weight: np.ndarray
    story_id: np.ndarray  # the article's story as it stands
    moment: np.ndarray  # the article's moment (seconds since the epoch)


class StoryTables:
    """Typed reads and writes of the story tables on one DuckDB connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def _with(self, name: str, table: pa.Table, sql: str, params: object = None) -> list[tuple[Any, ...]]:
        """Run ``sql`` with an Arrow table visible as ``name``; its rows."""
        self.con.register(name, table)
        try:
            return self.con.execute(sql, params).fetchall()
        finally:
            self.con.unregister(name)

    def _count(self, sql: str) -> int:
        return int(self.con.execute(sql).fetchall()[0][0])

    # -- parameters ------------------------------------------------------------
    def fingerprint(self) -> str | None:
        rows = self.con.execute("SELECT fingerprint FROM story_config WHERE name = ?", [CONFIG_NAME]).fetchall()
        return str(rows[0][0]) if rows else None

    def record_config(self, fingerprint: str, params_json: str) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO story_config (name, fingerprint, params, built_at) VALUES (?, ?, ?, now())",
            [CONFIG_NAME, fingerprint, params_json],
        )

    # -- reads for assignment ------------------------------------------------------
    def inputs(self, ids: Sequence[int]) -> list[StoryInput]:
        """Headline, text, moment and duplicate group of articles, in id order."""
        rows = self.con.execute(
            f"""SELECT a.id, a.title, a.text, {MOMENT}, a.cluster_id FROM articles a
                WHERE a.id IN (SELECT unnest(?)) ORDER BY a.id""",
            [list(ids)],
        ).fetchall()
        return [StoryInput(int(i), title, str(text), float(m), int(c)) for i, title, text, m, c in rows]

    def assigned_count(self) -> int:
        return self._count("SELECT count(*) FROM articles WHERE story_id IS NOT NULL")

    def story_count(self) -> int:
        return self._count("SELECT count(DISTINCT story_id) FROM articles")

    def document_frequencies(self, terms: Sequence[int]) -> dict[int, int]:
        table = pa.table({"term": pa.array(terms, pa.uint32())})
        rows = self._with("_story_terms", table, "SELECT d.term, d.df FROM _story_terms t JOIN story_df d USING (term)")
        return {int(term): int(df) for term, df in rows}

    def postings(self, keys: np.ndarray, start: float, end: float, first_id: int = 0) -> StoredPostings:
        """Every posting under one of ``keys`` (sorted, distinct) of an article with a story, an id
        from ``first_id`` on, and a moment in [start, end]. Articles are stored in id order, so
        ``first_id`` also bounds what is read. The scoring, a sparse matrix product, is archive.stories'."""
        self.con.register("_story_keys", pa.table({"position": np.arange(len(keys), dtype=np.int64), "key": keys}))
        try:
            found = self.con.execute(
                f"""SELECT k.position, p.article_id, p.weight, a.story_id, {MOMENT} AS moment
                    FROM _story_keys k JOIN story_postings p USING (key) JOIN articles a ON a.id = p.article_id
                    WHERE p.article_id >= ? AND a.id >= ? AND a.story_id IS NOT NULL AND {MOMENT} BETWEEN ? AND ?""",
                [first_id, first_id, start, end],
            ).fetchnumpy()
        finally:
            self.con.unregister("_story_keys")
        return StoredPostings(
            np.asarray(found["position"], dtype=np.int64),
            np.asarray(found["article_id"], dtype=np.int64),
            np.asarray(found["weight"], dtype=np.float64),
            np.asarray(found["story_id"], dtype=np.int64),
            np.asarray(found["moment"], dtype=np.float64),
        )

    def members_between(
        self, stories: Sequence[int], start: float, end: float, first_id: int = 0
    ) -> list[tuple[int, int, float]]:
        """(story, article, moment) of the stories' members with an id from ``first_id`` on whose
        moment lies in [start, end]."""
        if not stories:
            return []
        rows = self.con.execute(
            f"""SELECT a.story_id, a.id, {MOMENT} AS m FROM articles a
                WHERE a.id >= ? AND a.story_id IN (SELECT unnest(?)) AND {MOMENT} BETWEEN ? AND ?""",
            [first_id, list(stories), start, end],
        ).fetchall()
        return [(int(s), int(i), float(m)) for s, i, m in rows]

    def group_stories(self, clusters: Sequence[int]) -> dict[int, set[int]]:
        """The stories that members of these duplicate groups already belong to."""
        if not clusters:
            return {}
        rows = self.con.execute(
            """SELECT DISTINCT cluster_id, story_id FROM articles
               WHERE cluster_id IN (SELECT unnest(?)) AND story_id IS NOT NULL""",
            [list(clusters)],
        ).fetchall()
        found: dict[int, set[int]] = {}
        for cluster, story in rows:
            found.setdefault(int(cluster), set()).add(int(story))
        return found

    def split_groups(self) -> list[list[int]]:
        """The stories of each duplicate group whose members are in more than one story."""
        rows = self.con.execute(
            """SELECT list(DISTINCT story_id ORDER BY story_id) FROM articles WHERE story_id IS NOT NULL
               GROUP BY cluster_id HAVING count(DISTINCT story_id) > 1"""
        ).fetchall()
        return [[int(s) for s in row[0]] for row in rows]

    # -- writes ----------------------------------------------------------------------
    def write(self, assigned: pa.Table, postings: pa.Table, frequencies: pa.Table) -> None:
        """Set new articles' stories, add their postings and their terms' document frequencies."""
        self._with(
            "_story_assigned",
            assigned,
            """UPDATE articles SET story_id = s.story_id FROM _story_assigned s WHERE articles.id = s.article_id""",
        )
        self._with("_story_postings", postings, "INSERT INTO story_postings SELECT * FROM _story_postings")
        self._with(
            "_story_df",
            frequencies,
            """INSERT INTO story_df SELECT * FROM _story_df
               ON CONFLICT (term) DO UPDATE SET df = story_df.df + excluded.df""",
        )

    def merge(self, merges: Sequence[tuple[int, int, int | None]]) -> None:
        """(story, into, article): move every member of ``story`` into the older ``into``, recorded."""
        if not merges:
            return
        self.con.executemany(
            "INSERT INTO story_merges (story_id, merged_into, article_id, merged_at) VALUES (?, ?, ?, now())",
            [list(m) for m in merges],
        )
        into = {story: target for story, target, _ in merges}
        table = pa.table({"story_id": list(into), "merged_into": list(into.values())})
        self._with(
            "_story_moves",
            table,
            "UPDATE articles SET story_id = m.merged_into FROM _story_moves m WHERE articles.story_id = m.story_id",
        )

    def clear(self) -> None:
        """No stories, postings or frequencies: they are about to be assigned from scratch."""
        self.con.execute("DELETE FROM story_postings")
        self.con.execute("DELETE FROM story_df")
        self.con.execute("DELETE FROM story_merges")
        self.con.execute("UPDATE articles SET story_id = NULL WHERE story_id IS NOT NULL")

"""Duplicate groups: exact copies, near copies and rewrites, found at ingest against the whole archive.

Groups are recorded in ``duplicates`` and ``articles.cluster_id``; nothing is deleted.
The representative is the earliest published article, then the earliest ingested.
Stages: MinHash LSH candidates from DuckDB (index.py), a verifier that reads both
texts (verify.py), and placement into groups (grouping.py). See docs/dedup.md.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Mapping, Sequence

import pyarrow as pa

from archive.dedup.config import DedupConfig
from archive.dedup.features import TextFeatures, text_features
from archive.dedup.grouping import Grouper, Placement
from archive.dedup.index import SignatureIndex
from archive.dedup.verify import Verifier
from archive.errors import ConfigMismatch
from archive.store import Archive

LOGGER = logging.getLogger(__name__)

# Order that picks a group's representative: earliest published, then earliest ingested.
REPRESENTATIVE_ORDER = "published ASC NULLS LAST, ingested_at ASC, id ASC"
CONFIG_NAME = "minhash"
REBUILD_BATCH = 1000  # articles indexed and placed per step of a rebuild
FEATURE_CACHE = 2048  # verifier features kept between batches (~20 KB each)


class Deduplicator:
    """Assigns articles to duplicate groups inside the caller's transaction (never commits)."""

    def __init__(self, config: DedupConfig | None = None):
        self.config = config or DedupConfig()
        self.index = SignatureIndex(self.config)
        self.verifier = Verifier(self.config)
        self.last: Placement | None = None  # the latest batch's placement, for benchmarks
        # Verifier features of recently compared articles: copies of a story arrive close
        # together, so the same earlier articles are read again and again. Bounded.
        self._recent: OrderedDict[int, TextFeatures] = OrderedDict()

    # -- parameters ----------------------------------------------------------
    def check(self, archive: Archive) -> None:
        """Refuse an archive whose groups were built with other parameters."""
        con = archive.con
        row = con.execute("SELECT fingerprint FROM dedup_config WHERE name = ?", [CONFIG_NAME]).fetchone()
        if row is None:
            if con.execute("SELECT count(*) FROM articles").fetchone()[0]:
                raise ConfigMismatch("this archive has no MinHash index yet; run 'newsarchive dedup --rebuild' once")
            return
        if row[0] != self.config.fingerprint:
            raise ConfigMismatch(
                f"this archive was deduplicated with other parameters (fingerprint {row[0]}, "
                f"these are {self.config.fingerprint}); run 'newsarchive dedup --rebuild' to recompute its groups"
            )

    def _record_config(self, con) -> None:
        con.execute(
            "INSERT OR REPLACE INTO dedup_config VALUES (?, ?, ?, now())",
            [CONFIG_NAME, self.config.fingerprint, self.config.to_json()],
        )

    # -- public operations -----------------------------------------------------
    def assign(self, archive: Archive, new_ids: Sequence[int], precomputed: Mapping[str, tuple] | None = None) -> int:
        """Index and group ``new_ids``; return how many of them joined a group.

        ``precomputed`` maps a text to its (shingle_size, shingles, anchors) signature input,
        computed where the text was extracted; texts not in it are tokenised here.
        """
        con = archive.con
        if not new_ids:
            return 0
        if con.execute("SELECT count(*) FROM dedup_config").fetchone()[0] == 0:
            self._record_config(con)
        rows = self._texts(con, new_ids)
        self.index.add(con, rows, precomputed)
        return len(self._place(con, sorted(new_ids), rows).joined)

    def rebuild(self, archive: Archive) -> int:
        """Recompute every signature and group from scratch; return the number of duplicates."""
        con = archive.con
        for table in ("dedup_signatures", "dedup_bands", "dedup_lines", "dedup_edges", "duplicates"):
            con.execute(f"DELETE FROM {table}")
        con.execute("UPDATE articles SET cluster_id = id")
        self._recent.clear()
        self._record_config(con)
        ids = [row[0] for row in con.execute("SELECT id FROM articles ORDER BY id").fetchall()]
        for start in range(0, len(ids), REBUILD_BATCH):
            chunk = ids[start : start + REBUILD_BATCH]
            rows = self._texts(con, chunk)
            self.index.add(con, rows)
            self._place(con, chunk, rows)
        return con.execute("SELECT count(*) FROM duplicates").fetchone()[0]

    def refresh(self, archive: Archive, ids: Sequence[int]) -> int:
        """Re-evaluate articles whose text changed: re-index them and re-place their groups.

        Members of their former groups are placed again too, since a changed text may have
        been what held them together. Returns how many re-placed articles joined a group.
        """
        con = archive.con
        if not ids:
            return 0
        members = [
            row[0]
            for row in con.execute(
                """SELECT id FROM articles WHERE cluster_id IN (SELECT cluster_id FROM articles WHERE id IN (SELECT unnest(?)))
                   OR id IN (SELECT unnest(?)) ORDER BY id""",
                [list(ids), list(ids)],
            ).fetchall()
        ]
        self.index.remove(con, ids)
        for article in ids:
            self._recent.pop(article, None)
        ids = sorted(ids)
        for start in range(0, len(ids), REBUILD_BATCH):
            self.index.add(con, self._texts(con, ids[start : start + REBUILD_BATCH]))
        con.execute(
            "DELETE FROM dedup_edges WHERE article_id IN (SELECT unnest(?)) OR other_id IN (SELECT unnest(?))",
            [members, members],
        )
        con.execute("DELETE FROM duplicates WHERE article_id IN (SELECT unnest(?))", [members])
        con.execute("UPDATE articles SET cluster_id = id WHERE id IN (SELECT unnest(?))", [members])
        joined = 0
        for start in range(0, len(members), REBUILD_BATCH):
            joined += len(self._place(con, members[start : start + REBUILD_BATCH], []).joined)
        return joined

    # -- internals --------------------------------------------------------------
    @staticmethod
    def _texts(con, ids: Sequence[int]) -> list[tuple[int, str, str]]:
        """(id, source, text) of articles, by id."""
        return con.execute(
            "SELECT id, source, text FROM articles WHERE id IN (SELECT unnest(?)) ORDER BY id", [list(ids)]
        ).fetchall()

    def _place(self, con, pending: list[int], rows: Sequence[tuple[int, str, str]]) -> Placement:
        """Find candidates of ``pending`` (``rows``: those of them already read), verify, group, write."""
        candidates = self.index.candidates(con, pending)
        others = sorted(set(candidates.right.tolist()) - set(pending))
        cluster_of = (
            dict(con.execute("SELECT id, cluster_id FROM articles WHERE id IN (SELECT unnest(?))", [others]).fetchall())
            if others
            else {}
        )
        # Texts are read and cleaned of boilerplate only for articles that have candidates.
        involved = set(candidates.left.tolist()) | set(candidates.right.tolist())
        features = {a: self._recent[a] for a in involved if a in self._recent}
        known = {row[0]: row for row in rows}
        missing = sorted(involved - features.keys())
        read = [known[a] for a in missing if a in known]
        unread = [a for a in missing if a not in known]
        read += self._texts(con, unread) if unread else []
        texts = dict(zip((row[0] for row in read), self.index.content(con, read)))

        def features_of(article: int) -> TextFeatures:
            if article not in features:
                features[article] = text_features(texts[article], self.config.shingle_size)
            self._remember(article, features[article])
            return features[article]

        placement = Grouper(self.config, lambda a, b: self.verifier.verify(features_of(a), features_of(b))).place(
            pending, candidates, cluster_of
        )
        self._write(con, pending, placement)
        self.last = placement
        return placement

    def _remember(self, article: int, features: TextFeatures) -> None:
        self._recent[article] = features
        self._recent.move_to_end(article)
        while len(self._recent) > FEATURE_CACHE:
            self._recent.popitem(last=False)

    def _write(self, con, pending: list[int], placement: Placement) -> None:
        """Store edges, re-point merged groups, pick representatives and rewrite their duplicates rows."""
        if placement.edges:
            edges = placement.edges
            con.register(
                "_dedup_new_edges",
                pa.table(
                    {
                        "article_id": pa.array([e.article_id for e in edges], type=pa.int64()),
                        "other_id": pa.array([e.other_id for e in edges], type=pa.int64()),
                        "kind": pa.array([e.kind for e in edges], type=pa.string()),
                        "similarity": pa.array([float(e.similarity) for e in edges], type=pa.float64()),
                    }
                ),
            )
            try:
                con.execute("INSERT INTO dedup_edges SELECT * FROM _dedup_new_edges")
            finally:
                con.unregister("_dedup_new_edges")
        # Every article of a touched group, with the group it belongs to now.
        touched = set(placement.root_of) | set(placement.root_of.values()) | set(placement.group_of_new.values())
        con.register(
            "_dedup_moves",
            pa.table(
                {
                    "cluster": pa.array(list(placement.root_of) + list(placement.group_of_new), type=pa.int64()),
                    "kind": pa.array(["cluster"] * len(placement.root_of) + ["article"] * len(placement.group_of_new)),
                    "target": pa.array(
                        list(placement.root_of.values()) + list(placement.group_of_new.values()), type=pa.int64()
                    ),
                }
            ),
        )
        try:
            con.execute(
                f"""
                CREATE OR REPLACE TEMP TABLE _dedup_groups AS
                WITH members AS (
                    SELECT a.id, a.published, a.ingested_at,
                           coalesce(ma.target, mc.target, a.cluster_id) AS grp
                    FROM articles a
                    LEFT JOIN _dedup_moves ma ON ma.kind = 'article' AND ma.cluster = a.id
                    LEFT JOIN _dedup_moves mc ON mc.kind = 'cluster' AND mc.cluster = a.cluster_id
                    WHERE a.cluster_id IN (SELECT unnest($touched)) OR a.id IN (SELECT unnest($pending))
                )
                SELECT id, first_value(id) OVER (PARTITION BY grp ORDER BY {REPRESENTATIVE_ORDER}) AS rep
                FROM members
                """,
                {"touched": sorted(touched), "pending": pending},
            )
        finally:
            con.unregister("_dedup_moves")
        con.execute(
            "UPDATE articles SET cluster_id = g.rep FROM _dedup_groups g WHERE articles.id = g.id AND articles.cluster_id IS DISTINCT FROM g.rep"
        )
        con.execute("DELETE FROM duplicates WHERE article_id IN (SELECT id FROM _dedup_groups)")
        # Each member's kind: its edge with the representative if verified, else its strongest edge in the group.
        con.execute(
            """
            INSERT INTO duplicates
            WITH edges AS (
                SELECT article_id AS a, other_id AS b, kind, similarity FROM dedup_edges
                WHERE article_id IN (SELECT id FROM _dedup_groups) OR other_id IN (SELECT id FROM _dedup_groups)
                UNION ALL
                SELECT other_id, article_id, kind, similarity FROM dedup_edges
                WHERE article_id IN (SELECT id FROM _dedup_groups) OR other_id IN (SELECT id FROM _dedup_groups)
            ), ranked AS (
                SELECT g.id, g.rep, e.kind, e.similarity,
                       row_number() OVER (PARTITION BY g.id ORDER BY (e.b = g.rep) DESC,
                           CASE e.kind WHEN 'exact' THEN 3 WHEN 'near' THEN 2 ELSE 1 END DESC, e.similarity DESC) AS n
                FROM _dedup_groups g JOIN edges e ON e.a = g.id
                JOIN articles o ON o.id = e.b AND o.cluster_id = g.rep
                WHERE g.id <> g.rep
            )
            SELECT id, rep, kind, similarity FROM ranked WHERE n = 1
            """
        )
        con.execute("DROP TABLE _dedup_groups")

"""Dedup tables: signatures, LSH band keys, verified edges, groups (duplicates, cluster_id), parameters.

Every piece of dedup SQL lives here; archive.dedup computes and decides, this module reads
and writes. Methods run inside the caller's transaction and never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from archive.store.bandruns import BandRuns

# Order that picks a group's representative: earliest published, then earliest ingested.
REPRESENTATIVE_ORDER = "published ASC NULLS LAST, ingested_at ASC, id ASC"
CONFIG_NAME = "minhash"
RUN_ARTICLES = 50_000  # articles per band run written at once (~5.6 million rows)

SIGNATURE_SCHEMA = pa.schema(
    [
        ("article_id", pa.int64()),
        ("n_shingles", pa.int32()),
        ("n_anchors", pa.int32()),
        ("signature", pa.binary()),
        ("anchor_signature", pa.binary()),
        ("shingles", pa.binary()),
        ("stems", pa.binary()),
        ("sentence_sizes", pa.binary()),
    ]
)
BAND_SCHEMA = pa.schema([("band_key", pa.int64()), ("article_id", pa.int64())])
EDGE_SCHEMA = pa.schema(
    [("article_id", pa.int64()), ("other_id", pa.int64()), ("kind", pa.string()), ("similarity", pa.float64())]
)
MOVE_SCHEMA = pa.schema([("cluster", pa.int64()), ("kind", pa.string()), ("target", pa.int64())])


def _fixed_width(column: pa.ChunkedArray) -> np.ndarray:
    """Equal-length uint32 blobs of an Arrow column as one matrix, without a Python loop."""
    array = column.combine_chunks()
    if len(array) == 0:
        return np.zeros((0, 0), dtype=np.uint32)
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[array.offset : array.offset + len(array) + 1]
    data = np.frombuffer(array.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return data.view(np.uint32).reshape(len(array), -1)


class StoredSignatures:
    """Signatures of some articles, rows sorted by article id."""

    def __init__(self, ids: np.ndarray, sizes: np.ndarray, signatures: np.ndarray, anchor_signatures: np.ndarray):
        self.ids = ids
        self.sizes = sizes
        self.signatures = signatures
        self.anchor_signatures = anchor_signatures

    def rows(self, ids: np.ndarray) -> np.ndarray:
        """Row of each article id (all must be present)."""
        return np.searchsorted(self.ids, ids)


class DedupTables:
    """Typed reads and writes of the dedup tables on one DuckDB connection; ``band_dir``: where
    the sorted runs of band keys are kept (None: joined in SQL only, as for an in-memory archive)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, band_dir: Path | None = None):
        self.con = con
        self.band_runs = BandRuns(band_dir)

    def _register(self, name: str, table: pa.Table, sql: str) -> None:
        """Run ``sql`` with an Arrow table visible as ``name``."""
        self.con.register(name, table)
        try:
            self.con.execute(sql)
        finally:
            self.con.unregister(name)

    # -- parameters ------------------------------------------------------------
    def fingerprint(self) -> str | None:
        row = self.con.execute("SELECT fingerprint FROM dedup_config WHERE name = ?", [CONFIG_NAME]).fetchone()
        return None if row is None else str(row[0])

    def record_config(self, fingerprint: str, params_json: str) -> None:
        self.con.execute(
            """INSERT OR REPLACE INTO dedup_config (name, fingerprint, params, built_at, regroup_pending)
               VALUES (?, ?, ?, now(), false)""",
            [CONFIG_NAME, fingerprint, params_json],
        )

    def regroup_pending(self) -> bool:
        row = self.con.execute("SELECT regroup_pending FROM dedup_config WHERE name = ?", [CONFIG_NAME]).fetchone()
        return bool(row and row[0])

    def set_regroup_pending(self, pending: bool) -> None:
        self.con.execute("UPDATE dedup_config SET regroup_pending = ? WHERE name = ?", [pending, CONFIG_NAME])

    # -- articles ----------------------------------------------------------------
    def texts(self, ids: Sequence[int]) -> dict[int, str]:
        """Stored text of articles, by id."""
        rows = self.con.execute("SELECT id, text FROM articles WHERE id IN (SELECT unnest(?))", [list(ids)]).fetchall()
        return {int(article): str(text) for article, text in rows}

    def clusters(self, ids: Sequence[int]) -> dict[int, int]:
        """Current cluster id of articles."""
        if not ids:
            return {}
        rows = self.con.execute(
            "SELECT id, cluster_id FROM articles WHERE id IN (SELECT unnest(?))", [list(ids)]
        ).fetchall()
        return {int(article): int(cluster) for article, cluster in rows}

    def group_sizes(self, clusters: Sequence[int]) -> dict[int, int]:
        """Member count of groups, by cluster id."""
        if not clusters:
            return {}
        rows = self.con.execute(
            "SELECT cluster_id, count(*) FROM articles WHERE cluster_id IN (SELECT unnest(?)) GROUP BY cluster_id",
            [list(clusters)],
        ).fetchall()
        return {int(cluster): int(n) for cluster, n in rows}

    # -- signatures and band keys --------------------------------------------------
    def insert_signatures(self, signatures: pa.Table, bands: pa.Table) -> None:
        self._register(
            "_dedup_signatures",
            signatures,
            f"INSERT INTO dedup_signatures ({', '.join(SIGNATURE_SCHEMA.names)}) SELECT * FROM _dedup_signatures",
        )
        self._register("_dedup_bands", bands, "INSERT INTO dedup_bands SELECT * FROM _dedup_bands")

    def remove_signatures(self, ids: Sequence[int]) -> None:
        self.con.execute("DELETE FROM dedup_signatures WHERE article_id IN (SELECT unnest(?))", [list(ids)])
        self.con.execute("DELETE FROM dedup_bands WHERE article_id IN (SELECT unnest(?))", [list(ids)])
        self._renew_band_token()

    def _band_token(self) -> str:
        row = self.con.execute("SELECT token FROM dedup_band_token").fetchall()
        return str(row[0][0])

    def _renew_band_token(self) -> None:
        """Band keys were deleted: the runs beside the archive no longer match it."""
        self.con.execute("UPDATE dedup_band_token SET token = CAST(uuid() AS VARCHAR)")

    def _band_runs_through(self, before: int) -> None:
        """Write the committed tail (band rows of articles below ``before``, the lowest id being
        placed) as runs once it is long enough; a long one (runs rebuilt on a large archive) in
        ranges of RUN_ARTICLES articles, so that memory stays bounded."""
        runs = self.band_runs
        if runs.directory is None or before - 1 <= runs.covered:
            return
        count = self.con.execute(
            "SELECT count(*) FROM dedup_bands WHERE article_id > ? AND article_id < ?", [runs.covered, before]
        ).fetchall()[0][0]
        if count < runs.tail_rows:
            return
        while runs.covered < before - 1:
            upto = min(before - 1, runs.covered + RUN_ARTICLES)
            tail = self.con.execute(
                "SELECT band_key, article_id FROM dedup_bands WHERE article_id > ? AND article_id <= ?",
                [runs.covered, upto],
            ).fetchnumpy()
            runs.add_run(np.asarray(tail["band_key"]), np.asarray(tail["article_id"]), covered=upto)

    def earlier_pairs(self, ids: Sequence[int], bands: pa.Table | None = None) -> tuple[np.ndarray, ...]:
        """(left, right, exact) for every article ``right`` placed before ``left`` in ``ids`` that shares
        a band key or the normalised text with it. ``bands``: the band keys of ``ids`` when at hand.

        Keys of articles in the band runs are found by binary search (archive/store/bandruns.py);
        only the tail written since the last run is joined in SQL, so the cost per article does
        not grow with the archive."""
        runs = self.band_runs
        runs.sync(self._band_token())
        if ids:
            self._band_runs_through(min(ids))
        if bands is None:
            bands = self.con.sql(
                "SELECT band_key, article_id FROM dedup_bands WHERE article_id IN (SELECT unnest(?))",
                params=[list(ids)],
            ).to_arrow_table()
        run_left, run_right = runs.lookup(
            bands["band_key"].to_numpy().astype(np.int64), bands["article_id"].to_numpy().astype(np.int64)
        )
        earlier = run_right < run_left
        from_runs = pa.table({"l": run_left[earlier], "r": run_right[earlier]})
        self.con.register("_dedup_mine", bands)
        self.con.register("_dedup_from_runs", from_runs)
        try:
            pairs = self.con.execute(
                """
                WITH banded AS (SELECT DISTINCT m.article_id AS l, b.article_id AS r
                                FROM _dedup_mine m JOIN dedup_bands b USING (band_key)
                                WHERE b.article_id > $covered AND b.article_id < $highest
                                      AND b.article_id < m.article_id
                                UNION SELECT l, r FROM _dedup_from_runs),
                     same_text AS (SELECT a.id AS l, b.id AS r FROM articles a JOIN articles b USING (text_hash)
                                   WHERE a.id IN (SELECT unnest($ids)) AND b.id < a.id)
                SELECT l, r, bool_or(exact) AS exact FROM (SELECT l, r, false AS exact FROM banded
                                              UNION ALL SELECT l, r, true FROM same_text)
                GROUP BY l, r ORDER BY l, r
                """,
                {"ids": list(ids), "covered": runs.covered, "highest": max(ids, default=0)},
            ).fetchnumpy()
        finally:
            self.con.unregister("_dedup_mine")
            self.con.unregister("_dedup_from_runs")
        return (
            np.asarray(pairs["l"], dtype=np.int64),
            np.asarray(pairs["r"], dtype=np.int64),
            np.asarray(pairs["exact"], dtype=bool),
        )

    def signatures(self, ids: Sequence[int]) -> StoredSignatures:
        table = self.con.sql(
            """SELECT article_id, n_shingles, signature, anchor_signature FROM dedup_signatures
               WHERE article_id IN (SELECT unnest(?)) ORDER BY article_id""",
            params=[list(ids)],
        ).to_arrow_table()
        return StoredSignatures(
            table["article_id"].to_numpy(),
            table["n_shingles"].to_numpy().astype(np.float64),
            _fixed_width(table["signature"]),
            _fixed_width(table["anchor_signature"]),
        )

    def shingle_sets(self, ids: Sequence[int]) -> dict[int, np.ndarray]:
        """Stored sorted distinct uint32 shingle hashes of articles."""
        rows = self.con.execute(
            "SELECT article_id, shingles FROM dedup_signatures WHERE article_id IN (SELECT unnest(?))", [list(ids)]
        ).fetchall()
        return {int(article): np.frombuffer(blob, dtype=np.uint32) for article, blob in rows}

    def verifier_inputs(self, ids: Sequence[int]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """Stored (stem hashes, sentence sizes) of articles that have them (signed since migration 0013)."""
        if not ids:
            return {}
        rows = self.con.execute(
            """SELECT article_id, stems, sentence_sizes FROM dedup_signatures
               WHERE article_id IN (SELECT unnest(?)) AND stems IS NOT NULL""",
            [list(ids)],
        ).fetchall()
        return {
            int(article): (np.frombuffer(stems, dtype=np.uint32), np.frombuffer(sizes, dtype=np.uint32))
            for article, stems, sizes in rows
        }

    # -- groups ---------------------------------------------------------------------
    def clear_signatures(self) -> None:
        self.con.execute("DELETE FROM dedup_signatures")
        self.con.execute("DELETE FROM dedup_bands")
        self._renew_band_token()

    def clear_groups(self) -> None:
        """Every article a singleton again, without edges: groups are about to be placed from scratch."""
        self.con.execute("DELETE FROM dedup_edges")
        self.con.execute("DELETE FROM duplicates")
        self.con.execute("UPDATE articles SET cluster_id = id WHERE cluster_id IS DISTINCT FROM id")

    def duplicate_count(self) -> int:
        row = self.con.execute("SELECT count(*) FROM duplicates").fetchone()
        return int(row[0]) if row else 0

    def write_groups(self, pending: Sequence[int], edges: pa.Table, moves: pa.Table, touched: Sequence[int]) -> None:
        """Store edges, re-point merged groups, pick representatives and rewrite their duplicates rows.

        ``moves``: (cluster, 'cluster', target) re-points a whole group, (article, 'article', target)
        one placed article; ``touched``: every cluster id involved.
        """
        if edges.num_rows:
            self._register("_dedup_new_edges", edges, "INSERT INTO dedup_edges SELECT * FROM _dedup_new_edges")
        self.con.register("_dedup_moves", moves)
        try:
            self.con.execute(
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
                {"touched": list(touched), "pending": list(pending)},
            )
        finally:
            self.con.unregister("_dedup_moves")
        self.con.execute(
            """UPDATE articles SET cluster_id = g.rep FROM _dedup_groups g
               WHERE articles.id = g.id AND articles.cluster_id IS DISTINCT FROM g.rep"""
        )
        self.con.execute("DELETE FROM duplicates WHERE article_id IN (SELECT id FROM _dedup_groups)")
        # Each member's kind: its edge with the representative if verified, else its strongest edge in the group.
        self.con.execute(
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
                           CASE e.kind WHEN 'exact' THEN 3 WHEN 'near' THEN 2 ELSE 1 END DESC, e.similarity DESC,
                           e.b ASC) AS n
                FROM _dedup_groups g JOIN edges e ON e.a = g.id
                JOIN articles o ON o.id = e.b AND o.cluster_id = g.rep
                WHERE g.id <> g.rep
            )
            SELECT id, rep, kind, similarity FROM ranked WHERE n = 1
            """
        )
        self.con.execute("DROP TABLE _dedup_groups")

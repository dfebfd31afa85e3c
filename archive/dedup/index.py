"""Persistent MinHash LSH index in DuckDB: signatures and band keys, candidate lookup by join.

No index lives in memory: each batch writes its rows inside the writer's transaction and
finds candidates in the whole archive with one band-key join (only the keys of the batch
just added are kept, to spare a scan). Pairs are then filtered on stored data (MinHash
estimates, shingle sets, anchor estimates) before any text is read.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from archive.dedup.config import DedupConfig
from archive.dedup.features import line_hashes, signature_input, strip_lines
from archive.dedup.minhash import MinHasher, band_keys, containment_from_jaccard, empty_rows, estimate_jaccard

LOGGER = logging.getLogger(__name__)

TEXT_CHANNEL, ANCHOR_CHANNEL = 0, 1


@dataclass
class Candidates:
    """Candidate pairs (left is the article asked about) that are worth reading."""

    left: np.ndarray
    right: np.ndarray
    containment: np.ndarray  # shingle containment in the smaller text (whole texts, boilerplate included)
    exact: np.ndarray  # same normalised text (text_hash)


def _fixed_width(column: pa.ChunkedArray) -> np.ndarray:
    """Equal-length uint32 blobs of an Arrow column as one matrix, without a Python loop."""
    array = column.combine_chunks()
    if len(array) == 0:
        return np.zeros((0, 0), dtype=np.uint32)
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[array.offset : array.offset + len(array) + 1]
    data = np.frombuffer(array.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return data.view(np.uint32).reshape(len(array), -1)


class SignatureIndex:
    """Computes, stores and queries signatures and band keys of articles."""

    def __init__(self, config: DedupConfig):
        self.config = config
        self.text_hasher = MinHasher(config.num_perm, config.seed)
        self.anchor_hasher = MinHasher(config.anchor_perm, config.seed + 1)
        self._added: pa.Table | None = None  # band keys of the last batch added

    def _signature_input(self, text: str, precomputed: Mapping[str, tuple] | None) -> tuple[np.ndarray, np.ndarray]:
        found = precomputed.get(text) if precomputed else None
        if found is not None and found[0] == self.config.shingle_size:
            return found[1], found[2]
        return signature_input(text, self.config.shingle_size)

    def add(self, con, rows: Sequence[tuple[int, str, str]], precomputed: Mapping[str, tuple] | None = None) -> None:
        """Index (id, source, text) rows: their lines, signatures and band keys.

        ``precomputed``: text -> (shingle_size, shingles, anchors), used when the size matches.
        """
        if not rows:
            return
        ids = np.array([row[0] for row in rows], dtype=np.int64)
        lines = [sorted(set(line_hashes(text, self.config.boilerplate_words)) - {None}) for _, _, text in rows]
        con.register(
            "_dedup_lines",
            pa.table(
                {
                    "source": pa.array([row[1] for row, found in zip(rows, lines) for _ in found], type=pa.string()),
                    "line_hash": pa.array([h for found in lines for h in found], type=pa.int64()),
                    "article_id": pa.array([row[0] for row, found in zip(rows, lines) for _ in found], type=pa.int64()),
                }
            ),
        )
        try:
            con.execute("INSERT INTO dedup_lines SELECT * FROM _dedup_lines")
        finally:
            con.unregister("_dedup_lines")
        # Signatures see the whole text: what counts as boilerplate changes as the archive
        # grows, so it is only decided when texts are compared.
        inputs = [self._signature_input(text, precomputed) for _, _, text in rows]
        shingle_sets, anchors = [i[0] for i in inputs], [i[1] for i in inputs]
        signatures = self.text_hasher.signatures(shingle_sets)
        anchor_signatures = self.anchor_hasher.signatures(anchors)
        con.register(
            "_dedup_signatures",
            pa.table(
                {
                    "article_id": ids,
                    "n_shingles": np.array([len(x) for x in shingle_sets], dtype=np.int32),
                    "n_anchors": np.array([len(a) for a in anchors], dtype=np.int32),
                    "signature": pa.array([row.tobytes() for row in signatures], type=pa.binary()),
                    "anchor_signature": pa.array([row.tobytes() for row in anchor_signatures], type=pa.binary()),
                    # High 32 bits of each shingle hash, sorted: exact containment of candidate pairs.
                    "shingles": pa.array(
                        [np.unique((x >> np.uint64(32)).astype(np.uint32)).tobytes() for x in shingle_sets],
                        type=pa.binary(),
                    ),
                }
            ),
        )
        keys, owners = [], []
        for sigs, bands, rows_per_band, channel in (
            (signatures, self.config.bands, self.config.rows, TEXT_CHANNEL),
            (anchor_signatures, self.config.anchor_bands, self.config.anchor_rows, ANCHOR_CHANNEL),
        ):
            usable = ~empty_rows(sigs)  # an empty text would share every band with every other one
            channel_keys = band_keys(sigs[usable], bands, rows_per_band, channel)
            keys.append(channel_keys.ravel())
            owners.append(np.repeat(ids[usable], bands))
        self._added = pa.table({"band_key": np.concatenate(keys), "article_id": np.concatenate(owners)})
        con.register("_dedup_bands", self._added)
        try:
            con.execute("INSERT INTO dedup_signatures SELECT * FROM _dedup_signatures")
            con.execute("INSERT INTO dedup_bands SELECT * FROM _dedup_bands")
        finally:
            con.unregister("_dedup_signatures")
            con.unregister("_dedup_bands")

    def content(self, con, rows: Sequence[tuple[int, str, str]]) -> list[str]:
        """Texts of (id, source, text) rows without their source's boilerplate lines."""
        per_row = [(row[1], line_hashes(row[2], self.config.boilerplate_words)) for row in rows]
        keys = {(source, h) for source, found in per_row for h in found if h is not None}
        if not keys:
            return [row[2] for row in rows]
        con.register(
            "_dedup_probe",
            pa.table({"source": [k[0] for k in keys], "line_hash": pa.array([k[1] for k in keys], type=pa.int64())}),
        )
        try:
            # Repeated inside one source but not syndicated to others: story paragraphs that
            # an outlet ran several times are usually on other sites too; its footer is not.
            frequent = con.execute(
                """WITH counts AS (SELECT line_hash, source, count(*) AS n FROM dedup_lines
                                   WHERE line_hash IN (SELECT line_hash FROM _dedup_probe) GROUP BY ALL),
                        totals AS (SELECT line_hash, sum(n) AS n FROM counts GROUP BY ALL)
                   SELECT p.source, p.line_hash FROM _dedup_probe p
                   JOIN counts own ON own.line_hash = p.line_hash AND own.source = p.source
                   JOIN totals t ON t.line_hash = p.line_hash
                   WHERE own.n >= ? AND t.n - own.n < ?""",
                [self.config.boilerplate_articles, self.config.boilerplate_elsewhere],
            ).fetchall()
        finally:
            con.unregister("_dedup_probe")
        by_source: dict[str, set[int]] = {}
        for source, h in frequent:
            by_source.setdefault(source, set()).add(h)
        # strip_lines returns the very same object when nothing is stripped.
        return [strip_lines(row[2], by_source.get(row[1], set())) for row in rows]

    @staticmethod
    def _exact_containment(con, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Shingle containment in the smaller set, from the stored shingle sets."""
        ids = np.unique(np.concatenate([left, right])).tolist()
        rows = con.execute(
            "SELECT article_id, shingles FROM dedup_signatures WHERE article_id IN (SELECT unnest(?))", [ids]
        ).fetchall()
        sets = {article: np.frombuffer(blob, dtype=np.uint32) for article, blob in rows}
        out = np.empty(len(left))
        for i, (a, b) in enumerate(zip(left.tolist(), right.tolist())):
            sa, sb = sets[a], sets[b]
            out[i] = len(np.intersect1d(sa, sb, assume_unique=True)) / max(1, min(len(sa), len(sb)))
        return out

    def remove(self, con, ids: Sequence[int]) -> None:
        self._added = None
        con.execute("DELETE FROM dedup_lines WHERE article_id IN (SELECT unnest(?))", [list(ids)])
        con.execute("DELETE FROM dedup_signatures WHERE article_id IN (SELECT unnest(?))", [list(ids)])
        con.execute("DELETE FROM dedup_bands WHERE article_id IN (SELECT unnest(?))", [list(ids)])

    def candidates(self, con, ids: Sequence[int]) -> Candidates:
        """Articles sharing a band key or the normalised text with any of ``ids``, prefiltered by estimate."""
        # The band keys of a batch just added are at hand: no scan of dedup_bands to find them.
        fresh = self._added is not None and set(ids) <= set(self._added["article_id"].to_pylist())
        mine = (
            "SELECT band_key, article_id FROM _dedup_mine"
            if fresh
            else ("SELECT band_key, article_id FROM dedup_bands WHERE article_id IN (SELECT unnest($ids))")
        )
        if fresh:
            con.register("_dedup_mine", self._added)
        try:
            pairs = con.execute(
                f"""
                WITH mine AS ({mine}),
                     banded AS (SELECT DISTINCT m.article_id AS l, b.article_id AS r
                                FROM mine m JOIN dedup_bands b USING (band_key) WHERE b.article_id <> m.article_id),
                     same_text AS (SELECT a.id AS l, b.id AS r FROM articles a JOIN articles b USING (text_hash)
                                   WHERE a.id IN (SELECT unnest($ids)) AND b.id <> a.id)
                SELECT l, r, bool_or(exact) AS exact FROM (SELECT l, r, false AS exact FROM banded
                                              UNION ALL SELECT l, r, true FROM same_text)
                GROUP BY l, r
                """,
                {"ids": list(ids)},
            ).fetchnumpy()
        finally:
            if fresh:
                con.unregister("_dedup_mine")
        left, right, exact = pairs["l"].astype(np.int64), pairs["r"].astype(np.int64), pairs["exact"].astype(bool)
        if len(left) == 0:
            return Candidates(left, right, np.zeros(0), exact)
        involved = np.unique(np.concatenate([left, right]))
        stored = con.sql(
            """SELECT article_id, n_shingles, signature, anchor_signature FROM dedup_signatures
               WHERE article_id IN (SELECT unnest(?)) ORDER BY article_id""",
            params=[involved.tolist()],
        ).to_arrow_table()
        stored_ids = stored["article_id"].to_numpy()
        sizes = stored["n_shingles"].to_numpy().astype(np.float64)
        sigs, anchor_sigs = _fixed_width(stored["signature"]), _fixed_width(stored["anchor_signature"])
        li, ri = np.searchsorted(stored_ids, left), np.searchsorted(stored_ids, right)
        containment = containment_from_jaccard(estimate_jaccard(sigs[li], sigs[ri]), sizes[li], sizes[ri])
        anchors = estimate_jaccard(anchor_sigs[li], anchor_sigs[ri])
        # The estimate is coarse (±0.05 at 128 values): pairs it passes are checked on the
        # stored shingle sets, which is cheaper by far than reading and comparing the texts.
        passed = np.flatnonzero(~exact & (containment >= self.config.prefilter_containment))
        containment[np.setdiff1d(np.arange(len(left)), passed)] = 0.0
        if len(passed):
            containment[passed] = self._exact_containment(con, left[passed], right[passed])
        # Under the near threshold only a rewrite is possible, and a rewrite keeps the names and
        # figures of its source: same-topic stories that share wording but not anchors are dropped
        # here, before their texts are read.
        near = containment >= self.config.near_containment
        rewrite = (containment >= self.config.rewrite_containment) & (anchors >= self.config.rewrite_anchors)
        keep = exact | near | rewrite
        # At most max_candidates per article, exact copies and the best estimates first: in a
        # large archive a busy topic offers hundreds of weak candidates, and a group needs one.
        order = np.lexsort((-containment, ~exact, left))
        ranked = order[keep[order]]
        first = np.r_[True, left[ranked][1:] != left[ranked][:-1]]
        starts = np.maximum.accumulate(np.where(first, np.arange(len(ranked)), 0))
        capped = np.zeros_like(keep)
        capped[ranked[np.arange(len(ranked)) - starts < self.config.max_candidates]] = True
        keep = capped
        LOGGER.debug("%s candidate pairs, %s after the containment prefilter", len(left), int(keep.sum()))
        return Candidates(left[keep], right[keep], containment[keep], exact[keep])

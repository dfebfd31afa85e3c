"""Persistent MinHash LSH index: datasketch signatures and band keys stored in the archive.

No index lives in memory: each batch writes its rows inside the writer's transaction and
finds candidates in the whole archive with one band-key join (the keys of the batch just
added are passed along, to spare a scan). An article's candidates are only articles placed
before it, so its list is the same whatever the batch boundaries. Pairs are then filtered on
stored data (MinHash estimates, shingle sets, anchor estimates) before any text is read.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from archive.dedup.config import DedupConfig
from archive.dedup.features import LineInput, Signed, run_starts, sentence_sizes
from archive.dedup.features import line_input as line_input_of
from archive.dedup.minhash import Signer, band_keys, containment_from_jaccard, empty_rows, estimate_jaccard
from archive.store.dedup import BAND_SCHEMA, SIGNATURE_SCHEMA, DedupTables

LOGGER = logging.getLogger(__name__)

TEXT_CHANNEL, ANCHOR_CHANNEL, PARAGRAPH_CHANNEL = 0, 1, 2
# text -> its LineInput, computed where the text was extracted.
Precomputed = Mapping[str, LineInput]


@dataclass
class Candidates:
    """Candidate pairs (left is the article asked about, right was placed before it) worth reading."""

    left: np.ndarray
    right: np.ndarray
    containment: np.ndarray  # shingle containment in the smaller text
    exact: np.ndarray  # same normalised text (text_hash)


class InputSigner:
    """MinHash sets and signatures of LineInputs. Extraction workers sign each text they extract,
    so that the writer's single core does not; the writer signs only what they could not (a
    text site boilerplate shortened, an input from elsewhere)."""

    def __init__(self, config: DedupConfig):
        self.config = config
        self.signers = (
            Signer(config.num_perm, config.seed),
            Signer(config.anchor_perm, config.seed + 1),
            Signer(config.paragraph_perm, config.seed + 2),
        )

    def prepare(self) -> None:
        """Import datasketch and draw every signer's permutations now, not at the first text."""
        for signer in self.signers:
            signer.prepare()

    def sign(self, line_input: LineInput) -> LineInput:
        """The input with its ``signed`` part."""
        return dataclasses.replace(line_input, signed=self.signed([line_input])[0])

    def signed(self, inputs: Sequence[LineInput]) -> list[Signed]:
        """Each input's Signed: the one it carries when made with these parameters, else computed
        here (all the missing ones in one pass per signature)."""
        fingerprint = self.config.fingerprint
        found = [i.signed if i.signed is not None and i.signed.fingerprint == fingerprint else None for i in inputs]
        missing = [n for n, signed in enumerate(found) if signed is None]
        if missing:
            sets = [inputs[n].sets(self.config.shingle_size) for n in missing]
            rows = [signer.signatures([s[c] for s in sets]) for c, signer in enumerate(self.signers)]
            for k, n in enumerate(missing):
                found[n] = Signed(fingerprint, sets[k], (rows[0][k], rows[1][k], rows[2][k]))
        return [signed for signed in found if signed is not None]


class SignatureIndex:
    """Computes, stores and queries signatures and band keys of articles."""

    def __init__(self, config: DedupConfig):
        self.config = config
        self.signer = InputSigner(config)
        self._added: pa.Table | None = None  # band keys of the last batch added ...
        self._added_ids: set[int] = set()  # ... and its articles

    def inputs(self, texts: Mapping[int, str], precomputed: Precomputed | None = None) -> dict[int, LineInput]:
        """The LineInput of each text, from ``precomputed`` where it was computed from that very text."""
        found = {}
        for article, text in texts.items():
            line_input = precomputed.get(text) if precomputed else None
            found[article] = line_input if line_input is not None else line_input_of(text)
        return found

    def add(self, tables: DedupTables, texts: Mapping[int, str], precomputed: Precomputed | None = None) -> None:
        """Index the stored texts of articles (id -> text): signatures, verifier features and band keys."""
        if not texts:
            return
        ids = np.array(sorted(texts), dtype=np.int64)
        by_id = self.inputs(texts, precomputed)
        inputs = [by_id[int(article)] for article in ids]
        signed = self.signer.signed(inputs)
        shingle_sets, anchors = [s.sets[0] for s in signed], [s.sets[1] for s in signed]
        signatures, anchor_signatures, paragraph_signatures = (
            np.stack([s.signatures[c] for s in signed]) for c in range(3)
        )
        stored = pa.table(
            {
                "article_id": ids,
                "n_shingles": np.array([len(x) for x in shingle_sets], dtype=np.int32),
                "n_anchors": np.array([len(a) for a in anchors], dtype=np.int32),
                "signature": pa.array([row.tobytes() for row in signatures], type=pa.binary()),
                "anchor_signature": pa.array([row.tobytes() for row in anchor_signatures], type=pa.binary()),
                # The signature's input itself (sorted uint32): exact containment of candidate pairs.
                "shingles": pa.array([x.astype(np.uint32).tobytes() for x in shingle_sets], type=pa.binary()),
                # The verifier's features: no candidate's text is read or tokenised again.
                "stems": pa.array([i.stems.tobytes() for i in inputs], type=pa.binary()),
                "sentence_sizes": pa.array(
                    [sentence_sizes(i.sentence_of).astype(np.uint32).tobytes() for i in inputs], type=pa.binary()
                ),
            },
            schema=SIGNATURE_SCHEMA,
        )
        keys, owners = [], []
        for sigs, (bands, rows_per_band), channel in (
            (signatures, self.config.bands_rows, TEXT_CHANNEL),
            (anchor_signatures, self.config.anchor_bands_rows, ANCHOR_CHANNEL),
            (paragraph_signatures, self.config.paragraph_bands_rows, PARAGRAPH_CHANNEL),
        ):
            usable = ~empty_rows(sigs)  # an empty text would share every band with every other one
            keys.append(band_keys(sigs[usable], bands, rows_per_band, channel).ravel())
            owners.append(np.repeat(ids[usable], bands))
        self._added_ids = {int(article) for article in ids}
        self._added = pa.table(
            {"band_key": np.concatenate(keys), "article_id": np.concatenate(owners)}, schema=BAND_SCHEMA
        )
        tables.insert_signatures(stored, self._added)

    def remove(self, tables: DedupTables, ids: Sequence[int]) -> None:
        self._added, self._added_ids = None, set()
        tables.remove_signatures(ids)

    @staticmethod
    def _exact_containment(tables: DedupTables, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Shingle containment in the smaller set, from the stored shingle sets."""
        sets = tables.shingle_sets(np.unique(np.concatenate([left, right])).tolist())
        out = np.empty(len(left))
        for i, (a, b) in enumerate(zip(left.tolist(), right.tolist(), strict=True)):
            sa, sb = sets[a], sets[b]
            out[i] = len(np.intersect1d(sa, sb, assume_unique=True)) / max(1, min(len(sa), len(sb)))
        return out

    def candidates(self, tables: DedupTables, ids: Sequence[int]) -> Candidates:
        """Earlier articles sharing a band key or the normalised text with any of ``ids``, prefiltered."""
        fresh = self._added is not None and set(ids) == self._added_ids
        left, right, exact = tables.earlier_pairs(ids, self._added if fresh else None)
        if len(left) == 0:
            return Candidates(left, right, np.zeros(0), exact)
        stored = tables.signatures(np.unique(np.concatenate([left, right])).tolist())
        signed = np.isin(left, stored.ids) & np.isin(right, stored.ids)  # keys of articles since re-signed
        left, right, exact = left[signed], right[signed], exact[signed]
        li, ri = stored.rows(left), stored.rows(right)
        sigs, anchor_sigs = stored.signatures, stored.anchor_signatures
        containment = containment_from_jaccard(estimate_jaccard(sigs[li], sigs[ri]), stored.sizes[li], stored.sizes[ri])
        anchors = estimate_jaccard(anchor_sigs[li], anchor_sigs[ri])
        # The estimate is coarse (±0.05 at 192 values): pairs it passes are checked on the
        # stored shingle sets, which is cheaper by far than reading and comparing the texts.
        passed = np.flatnonzero(~exact & (containment >= self.config.prefilter_containment))
        containment[np.setdiff1d(np.arange(len(left)), passed)] = 0.0
        if len(passed):
            containment[passed] = self._exact_containment(tables, left[passed], right[passed])
        # Under the near threshold only a rewrite is possible, and a rewrite keeps the names and
        # figures of its source: same-topic stories that share wording but not anchors are dropped
        # here, before their texts are read.
        near = containment >= self.config.near_containment
        rewrite = (containment >= self.config.rewrite_containment) & (anchors >= self.config.rewrite_anchors)
        keep = exact | near | rewrite
        # At most max_candidates per article, exact copies and the best estimates first, ties by
        # the earlier article: in a large archive a busy topic offers hundreds of weak candidates,
        # and a group needs one. Only earlier articles are in the list, so the cap is batch-free.
        order = np.lexsort((right, -containment, ~exact, left))
        ranked = order[keep[order]]
        first = run_starts(left[ranked])
        starts = np.maximum.accumulate(np.where(first, np.arange(len(ranked)), 0))
        capped = np.zeros_like(keep)
        capped[ranked[np.arange(len(ranked)) - starts < self.config.max_candidates]] = True
        LOGGER.debug("%s candidate pairs, %s after the containment prefilter", len(left), int(capped.sum()))
        return Candidates(left[capped], right[capped], containment[capped], exact[capped])

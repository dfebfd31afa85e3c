"""Second stage: decide whether a candidate pair is a near copy, a rewrite, or not a copy.

MinHash finds candidates; this reads both texts. A near copy shares most of the shorter
text's shingles (containment, so truncated copies qualify). A rewrite rewords nearly every
sentence, so it shares few shingles, but it follows its source sentence by sentence: most
sentences of the shorter text align, in order, with a sentence of the other that shares
its content stems. Independent reports of one event share names and vocabulary, not that
sentence-by-sentence order, and digests or follow-ups cover only a small part of a story.
Only their first few sentences line up: a lead says who, what, when and where in that order
whoever writes it, so a rewrite must align more sentences than a lead holds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from archive.dedup.config import DedupConfig
from archive.dedup.features import TextFeatures

VERBATIM = 0.95  # sentence Dice from which two sentences count as the same, not reworded


@dataclass(frozen=True)
class Verdict:
    kind: str  # near | rewrite
    similarity: float  # near: containment of the shorter text; rewrite: aligned sentence share


def shingle_overlap(a: TextFeatures, b: TextFeatures) -> tuple[float, float]:
    """(Jaccard, containment in the smaller set) of two shingle sets."""
    if len(a.shingles) == 0 or len(b.shingles) == 0:
        return 0.0, 0.0
    inter = len(np.intersect1d(a.shingles, b.shingles, assume_unique=True))
    return inter / (len(a.shingles) + len(b.shingles) - inter), inter / min(len(a.shingles), len(b.shingles))


def _sentence_vocab(f: TextFeatures, ids: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (sentence, stem id) pairs of one text, as two arrays sorted by stem id."""
    keys = np.unique(f.sentence_of * size + ids)
    sentence, stem = keys // size, keys % size
    order = np.argsort(stem, kind="stable")
    return sentence[order], stem[order]


def sentence_similarity(a: TextFeatures, b: TextFeatures) -> np.ndarray:
    """Dice coefficient of the stem sets of every sentence pair (rows: a, columns: b).

    Sparse counting with numpy (no BLAS: small products pay more for its threads than they save).
    """
    vocab, ids = np.unique(np.concatenate([a.stem_hashes, b.stem_hashes]), return_inverse=True)
    size = max(1, len(vocab))
    a_sentence, a_stem = _sentence_vocab(a, ids[: len(a.stem_hashes)], size)
    b_sentence, b_stem = _sentence_vocab(b, ids[len(a.stem_hashes) :], size)
    lo = np.searchsorted(b_stem, a_stem, side="left")
    counts = np.searchsorted(b_stem, a_stem, side="right") - lo
    # Every (sentence of a, sentence of b) pair that shares a stem, once per shared stem.
    rows = np.repeat(a_sentence, counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(lo, counts)
    shared = np.bincount(rows * b.n_sentences + b_sentence[offsets], minlength=a.n_sentences * b.n_sentences)
    shared = shared.reshape(a.n_sentences, b.n_sentences)
    left = np.bincount(a_sentence, minlength=a.n_sentences)
    right = np.bincount(b_sentence, minlength=b.n_sentences)
    return 2.0 * shared / (left[:, None] + right[None, :])


def ordered_alignment(similar: np.ndarray) -> int:
    """Most sentence pairs that can be matched one-to-one without crossing (LCS on a boolean grid)."""
    rows, cols = similar.shape
    previous = np.zeros(cols + 1, dtype=np.int32)
    for i in range(rows):
        # dp[i][j] = max(dp[i-1][j], dp[i][j-1], dp[i-1][j-1] + match): a running max over the row.
        candidate = previous.copy()
        candidate[1:] = np.maximum(previous[1:], previous[:-1] + similar[i])
        previous = np.maximum.accumulate(candidate)
    return int(previous[-1])


class Verifier:
    """Applies the thresholds of a DedupConfig to one pair of texts."""

    def __init__(self, config: DedupConfig):
        self.config = config

    def alignment(self, a: TextFeatures, b: TextFeatures) -> tuple[int, float, float]:
        """Sentences of the shorter text aligned in order with the other's: (count, share, reworded share).

        Reworded pairs are similar but not the same sentence. Boilerplate shared by two
        unrelated articles (cookie notice, sign-up box) aligns too, but only verbatim.
        """
        if not a.n_sentences or not b.n_sentences:
            return 0, 0.0, 0.0
        similarity = sentence_similarity(a, b)
        similar = similarity >= self.config.sentence_similarity
        shorter = min(a.n_sentences, b.n_sentences)
        aligned = ordered_alignment(similar.astype(np.int32))
        reworded = ordered_alignment((similar & (similarity < VERBATIM)).astype(np.int32))
        return aligned, aligned / shorter, reworded / shorter

    def verify(self, a: TextFeatures, b: TextFeatures) -> Verdict | None:
        if min(len(a.shingles), len(b.shingles)) < self.config.min_shingles:
            return None
        _, containment = shingle_overlap(a, b)
        if containment >= self.config.near_containment:
            return Verdict("near", round(containment, 4))
        if containment < self.config.rewrite_containment:
            return None
        count, aligned, reworded = self.alignment(a, b)
        c = self.config
        if count >= c.rewrite_sentences and aligned >= c.rewrite_alignment and reworded >= c.rewrite_reworded:
            return Verdict("rewrite", round(aligned, 4))
        return None

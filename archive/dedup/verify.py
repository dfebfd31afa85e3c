"""Second stage: decide whether a candidate pair is a near copy, a rewrite, or not a copy.

MinHash finds candidates; this reads both texts. A near copy shares most of the shorter
text's shingles (containment, so truncated copies qualify). A rewrite rewords nearly every
sentence, so it shares few shingles, but it follows its source sentence by sentence: most
sentences of the shorter text align, in order, with a sentence of the other that shares
its content stems. Independent reports of one event share names and vocabulary, not that
sentence-by-sentence order, and digests or follow-ups cover only a small part of a story.
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


def sentence_similarity(a: TextFeatures, b: TextFeatures) -> np.ndarray:
    """Dice coefficient of the stem sets of every sentence pair (rows: a, columns: b)."""
    vocab: dict[str, int] = {}
    for sentence in a.sentence_stems + b.sentence_stems:
        for stem in sentence:
            vocab.setdefault(stem, len(vocab))

    def incidence(sents: tuple[frozenset[str], ...]) -> np.ndarray:
        matrix = np.zeros((len(sents), len(vocab)), dtype=np.float32)
        for i, sentence in enumerate(sents):
            matrix[i, [vocab[s] for s in sentence]] = 1.0
        return matrix

    left, right = incidence(a.sentence_stems), incidence(b.sentence_stems)
    shared = left @ right.T
    return 2.0 * shared / (left.sum(axis=1)[:, None] + right.sum(axis=1)[None, :])


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

    def alignment(self, a: TextFeatures, b: TextFeatures) -> tuple[float, float]:
        """Shares of the shorter text's sentences aligned in order with the other's: (all, reworded).

        Reworded pairs are similar but not the same sentence. Boilerplate shared by two
        unrelated articles (cookie notice, sign-up box) aligns too, but only verbatim.
        """
        if not a.sentence_stems or not b.sentence_stems:
            return 0.0, 0.0
        similarity = sentence_similarity(a, b)
        similar = similarity >= self.config.sentence_similarity
        shorter = min(len(a.sentence_stems), len(b.sentence_stems))
        aligned = ordered_alignment(similar.astype(np.int32)) / shorter
        reworded = ordered_alignment((similar & (similarity < VERBATIM)).astype(np.int32)) / shorter
        return aligned, reworded

    def verify(self, a: TextFeatures, b: TextFeatures) -> Verdict | None:
        if min(len(a.shingles), len(b.shingles)) < self.config.min_shingles:
            return None
        _, containment = shingle_overlap(a, b)
        if containment >= self.config.near_containment:
            return Verdict("near", round(containment, 4))
        if containment < self.config.rewrite_containment:
            return None
        aligned, reworded = self.alignment(a, b)
        if aligned >= self.config.rewrite_alignment and reworded >= self.config.rewrite_reworded:
            return Verdict("rewrite", round(aligned, 4))
        return None

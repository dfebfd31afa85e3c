"""Dedup parameters: one frozen config whose fingerprint is stored in the archive."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from functools import cached_property

from archive.dedup.minhash import lsh_parameters

# Bump when signatures or band keys are computed differently with the same parameters.
ALGORITHM_VERSION = 3  # 3: datasketch MinHash (affine32) over 32-bit hashes; no compare-time line stripping


@dataclass(frozen=True)
class DedupConfig:
    """Parameters of candidate search (MinHash LSH) and verification.

    Defaults were chosen on the synthetic dev split and the seed articles
    (see docs/dedup.md and docs/BENCHMARKS.md).
    """

    shingle_size: int = 2  # content-word stem n-grams (stop words dropped, Snowball stems)
    num_perm: int = 192  # MinHash permutations of the shingle signature
    lsh_threshold: float = 0.2  # Jaccard for which datasketch picks bands x rows of the shingle signature (64x3)
    anchor_perm: int = 128  # MinHash permutations over anchors (names, numbers)
    anchor_lsh_threshold: float = 0.35  # ... of the anchor signature (32x4): rewrites keep names and numbers
    paragraph_perm: int = 16  # MinHash permutations over whole-paragraph hashes
    paragraph_lsh_threshold: float = 0.05  # ... one value per band (16x1): one shared paragraph suffices
    seed: int = 1  # seed of the hash permutations
    prefilter_containment: float = 0.1  # MinHash-estimated containment below which a candidate is dropped
    max_candidates: int = 16  # candidates read per article, best estimates first: bounds the cost per article
    min_shingles: int = 8  # shorter texts are only grouped when exact: a few shared words prove nothing
    near_containment: float = 0.45  # shared shingles / shingles of the shorter text, for `near`
    sentence_similarity: float = 0.4  # Dice of two sentences' stem sets to count them aligned
    rewrite_alignment: float = 0.5  # in-order aligned sentences / sentences of the shorter, for `rewrite`
    rewrite_reworded: float = 0.25  # ... of which this share must be reworded, not verbatim, sentences
    rewrite_sentences: int = 4  # ... and at least this many sentences: independent leads of one event align on 3
    rewrite_containment: float = 0.15  # a rewrite must also share this much wording ...
    rewrite_anchors: float = 0.25  # ... and this share of anchors (names, figures; MinHash estimate)
    strong_similarity: float = 0.8  # an edge this strong may merge two existing groups
    absorb_similarity: float = 0.5  # an edge this strong pulls a group of one into the article's group

    @property
    def bands_rows(self) -> tuple[int, int]:
        """LSH bands x rows of the shingle signature, as datasketch's MinHashLSH chooses them."""
        return lsh_parameters(self.lsh_threshold, self.num_perm)

    @property
    def anchor_bands_rows(self) -> tuple[int, int]:
        return lsh_parameters(self.anchor_lsh_threshold, self.anchor_perm)

    @property
    def paragraph_bands_rows(self) -> tuple[int, int]:
        return lsh_parameters(self.paragraph_lsh_threshold, self.paragraph_perm)

    @cached_property  # asked for every signed text; the parameters are frozen
    def fingerprint(self) -> str:
        """Short hash of every parameter and the algorithm version."""
        return hashlib.sha1(self.to_json().encode("utf-8")).hexdigest()[:16]

    def to_json(self) -> str:
        """Every parameter, the derived LSH shapes and the algorithm version (stored in dedup_config)."""
        return json.dumps(
            {
                "version": ALGORITHM_VERSION,
                **asdict(self),
                "bands_rows": self.bands_rows,
                "anchor_bands_rows": self.anchor_bands_rows,
                "paragraph_bands_rows": self.paragraph_bands_rows,
            },
            sort_keys=True,
        )

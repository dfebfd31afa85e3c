"""Dedup parameters: one frozen config whose fingerprint is stored in the archive."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

# Bump when signatures or band keys are computed differently with the same parameters.
ALGORITHM_VERSION = 2


@dataclass(frozen=True)
class DedupConfig:
    """Parameters of candidate search (MinHash LSH) and verification.

    Defaults were chosen on the synthetic dev split and the seed articles
    (see docs/dedup.md and docs/BENCHMARKS.md).
    """

    shingle_size: int = 2  # content-word stem n-grams (stop words dropped, Snowball stems)
    num_perm: int = 192  # MinHash permutations of the shingle signature
    bands: int = 64  # LSH bands over the shingle signature ...
    rows: int = 3  # ... of this many rows each: candidates from Jaccard ~0.25 up (r=2 drowns in chance pairs at scale)
    anchor_perm: int = 128  # MinHash permutations over anchors (names, numbers)
    anchor_bands: int = 32  # LSH bands over the anchor signature ...
    anchor_rows: int = 4  # ... rows each: rewrites keep names and numbers (Jaccard ~0.5), same-topic stories fewer
    seed: int = 1  # seed of the hash permutations
    boilerplate_articles: int = 3  # a line in this many articles of one source is its boilerplate ...
    boilerplate_elsewhere: int = 2  # ... unless this many articles of other sources have it too
    boilerplate_words: int = 30  # only lines this short can be boilerplate (story paragraphs are longer)
    prefilter_containment: float = 0.1  # MinHash-estimated containment below which a candidate is dropped
    max_candidates: int = 16  # candidates read per article, best estimates first: bounds the cost per article
    min_shingles: int = 8  # shorter texts are only grouped when exact: a few shared words prove nothing
    near_containment: float = 0.5  # shared shingles / shingles of the shorter text, for `near`
    sentence_similarity: float = 0.4  # Dice of two sentences' stem sets to count them aligned
    rewrite_alignment: float = 0.5  # in-order aligned sentences / sentences of the shorter, for `rewrite`
    rewrite_reworded: float = 0.25  # ... of which this share must be reworded, not verbatim, sentences
    rewrite_containment: float = 0.15  # a rewrite must also share this much wording ...
    rewrite_anchors: float = 0.25  # ... and this share of anchors (names, figures; MinHash estimate)
    strong_similarity: float = 0.8  # an edge this strong may merge two existing groups

    @property
    def fingerprint(self) -> str:
        """Short hash of every parameter and the algorithm version."""
        payload = json.dumps({"version": ALGORITHM_VERSION, **asdict(self)}, sort_keys=True)
        return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:16]

    def to_json(self) -> str:
        return json.dumps({"version": ALGORITHM_VERSION, **asdict(self)}, sort_keys=True)

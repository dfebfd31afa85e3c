"""Story parameters: one frozen config whose fingerprint is stored in the archive."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

# Bump when terms or similarities are computed differently with the same parameters.
ALGORITHM_VERSION = 1


@dataclass(frozen=True)
class StoriesConfig:
    """Parameters of story assignment.

    Chosen on the dev split of the AllSides story set and the seed articles (docs/stories.md,
    docs/BENCHMARKS.md).
    """

    window_days: float = 2.0  # an article may join a story with a report at most this far away in time
    window_reports: int = 50_000  # ... among the articles archived just before it: bounds a crowded window's work
    decay_per_day: float = 1.0  # similarity is scaled by exp(-decay * days to the story's nearest report)
    threshold: float = 0.12  # mean cosine with the story's reports in the window, to join it
    lead_chars: int = 1000  # the headline and this much of the text say what happened
    title_weight: float = 2.0  # a headline word counts this much more than a word of the lead
    max_terms: int = 80  # heaviest terms of a new article compared (its unit vector)
    indexed_terms: int = 20  # heaviest terms of an archived article it is compared by (its postings)

    @property
    def fingerprint(self) -> str:
        """Short hash of every parameter and the algorithm version."""
        return hashlib.sha1(self.to_json().encode("utf-8")).hexdigest()[:16]

    def to_json(self) -> str:
        return json.dumps({"version": ALGORITHM_VERSION, **asdict(self)}, sort_keys=True)

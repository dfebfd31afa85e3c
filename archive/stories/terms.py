"""Story terms: the weighted content stems that say what an article reports.

A pure function of the headline and the text. Only the headline and the lead count: reports
of one event share their who, what and where up front, and differ further down. Function
words, reporting verbs and calendar words are dropped (every report of every day has them).
Weights are sublinear term frequencies; the archive's document frequencies turn them into
TF-IDF when the article is assigned (archive/stories/assign.py).
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections import Counter

import Stemmer

from archive.textnorm import STOP_WORDS

# Words that say how or when something was reported, not what happened.
REPORTING_WORDS = frozenset(
    """told tell tells say says said saying report reports reported reporting according statement
    news week weeks day days year years month months time times today yesterday tomorrow monday
    tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december new like just get got make made many people may
    since last first back going still well even ago around amid""".split()
)
DROPPED = STOP_WORDS | REPORTING_WORDS
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STEMMER = Stemmer.Stemmer("english")


def term_hash(stem: str) -> int:
    """Stable unsigned 32-bit hash of a stem (crc32: equal across processes and runs)."""
    return zlib.crc32(stem.encode("utf-8"))


def _stems(text: str) -> list[str]:
    words = _WORD.findall(unicodedata.normalize("NFKC", text).lower())
    stems: list[str] = _STEMMER.stemWords([w for w in words if w not in DROPPED and (len(w) > 1 or w.isdigit())])
    return stems


def term_weights(title: str | None, text: str, lead_chars: int, title_weight: float) -> dict[int, float]:
    """Term hash -> sublinear frequency over the headline (each word counted ``title_weight``
    times) and the first ``lead_chars`` characters of the text."""
    counts: dict[str, float] = dict(Counter(_stems(text[:lead_chars])))
    for stem in _stems(title or ""):
        counts[stem] = counts.get(stem, 0.0) + title_weight
    weights: dict[int, float] = {}
    for stem, count in counts.items():
        term = term_hash(stem)
        weights[term] = weights.get(term, 0.0) + 1.0 + math.log(count)
    return weights

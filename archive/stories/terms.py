"""Story terms: the weighted content stems that say what an article reports.

A pure function of the title and the text. Words of the headline and the lead count most
(reports of one event share their who, what and where up front, and differ further down);
capitalised words inside a sentence (people, places, organisations) and numbers count more
than common words. Weights are term frequencies; the archive's document frequencies turn
them into TF-IDF at assignment time (archive/stories/__init__.py).
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections import Counter

import Stemmer

from archive.textnorm import STOP_WORDS

# Words that say how something was reported, not what happened; and calendar words, which
# every report of every day shares.
REPORTING_WORDS = frozenset(
    """told tell tells say says said saying report reports reported reporting according statement
    news week weeks day days year years month months time times today yesterday tomorrow monday
    tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december new like just get got make made many people may
    since last first back going still well even ago around amid""".split()
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”‘’()\[\]\n]\s*)$")
_STEMMER = Stemmer.Stemmer("english")


def _tokens(text: str) -> list[tuple[str, bool]]:
    """(lower-cased word, is a name or number) for every content word."""
    found: list[tuple[str, bool]] = []
    for match in _WORD.finditer(text):
        word = match.group()
        lower = word.lower()
        if lower in STOP_WORDS or lower in REPORTING_WORDS or (len(lower) < 2 and not lower.isdigit()):
            continue
        name = word.isdigit() or (
            word[0].isupper() and not _SENTENCE_START.search(text[max(0, match.start() - 3) : match.start()])
        )
        found.append((lower, name))
    return found


def term_hash(stem: str) -> int:
    """Stable unsigned 32-bit hash of a stem (crc32: equal across processes and runs)."""
    return zlib.crc32(stem.encode("utf-8"))


def term_weights(
    title: str | None, text: str, lead_chars: int, title_weight: float, name_weight: float
) -> dict[int, float]:
    """Term hash -> sublinear weighted frequency over the headline and the lead of the text."""
    folded_title = unicodedata.normalize("NFKC", title or "")
    lead = unicodedata.normalize("NFKC", text[:lead_chars])
    weights: Counter[int] = Counter()
    for part, factor in ((folded_title, title_weight), (lead, 1.0)):
        tokens = _tokens(part)
        stems = _STEMMER.stemWords([word for word, _ in tokens])
        for stem, (_, name) in zip(stems, tokens):
            weights[term_hash(stem)] += factor * (name_weight if name else 1.0)
    return {term: 1.0 + math.log(count) if count >= 1 else count for term, count in weights.items()}

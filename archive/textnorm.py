"""Text normalisation shared by hashing and dedup."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Function words: they carry style, not content (dedup drops them before shingling, stories
# before weighting terms). English only; other languages keep theirs.
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either few for from
    further had has have having he her here hers herself him himself his how however i if in into is it
    its itself just me might more most much must my myself no nor not now of off on once only or other
    our ours ourselves out over own per same she should so some such than that the their theirs them
    themselves then there these they this those through thus to too under until up upon very via was we
    were what when where which while who whom whose why will with within without would yet you your yours
    yourself said says say told tells according mr mrs ms dr also one two""".split()
)

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalize(text: str) -> str:
    """NFKC, lower case, every run of non-word characters folded to one space."""
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def text_hash(text: str) -> str:
    """Hash of the normalised text: equal for copies that differ only in case, punctuation or spacing."""
    return hashlib.sha1(normalize(text).encode("utf-8")).hexdigest()

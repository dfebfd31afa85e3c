"""Text normalisation shared by hashing and dedup."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalize(text: str) -> str:
    """NFKC, lower case, every run of non-word characters folded to one space."""
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def text_hash(text: str) -> str:
    """Hash of the normalised text: equal for copies that differ only in case, punctuation or spacing."""
    return hashlib.sha1(normalize(text).encode("utf-8")).hexdigest()

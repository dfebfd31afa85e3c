"""The language of an article's text, identified offline with py3langid (langid.py's model, shipped in the package).

Why a detector at all: plain-text and JSONL inputs declare nothing, and many pages declare a
site-wide ``lang`` that is wrong for the article (an English template around a German story).
The detector reads the text's opening (``SAMPLE_CHARS``: enough for a sure answer, and the
cost grows with the length). Its model takes about a second to load, so it is loaded once per
process before the first document (``archive.extract.prepare``; the extraction workers'
forkserver loads it before forking them).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

# 800, not 1500 (2026-12-03): a third of the detection time per article, the same language on all
# 1,048 pages of the extraction sets through ingest (only 7 recorded probabilities moved by 0.01-0.04).
SAMPLE_CHARS = 800
SURE = 0.9  # probability above which the text overrules a page's declared language
MIN_CHARS = 120  # shorter texts are too little to overrule a declaration


@lru_cache(maxsize=1)
def identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    shipped = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    # The model ships as float16; numpy has no fast float16 product, so each text's scores cost
    # a fifth more than with the same values as float32 (the same answers: float16 widens
    # exactly). Built again around the widened table, so the float16 one is freed.
    return LanguageIdentifier(
        shipped.nb_ptc.astype(np.float32),
        shipped.nb_pc,
        shipped.nb_classes,
        shipped.tk_nextmove,
        shipped.tk_output,
        norm_probs=True,
        tk_row=shipped.tk_row,
    )


def detect(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of the text's language."""
    code, probability = identifier().classify(text[:SAMPLE_CHARS])
    return str(code), float(probability)


def choose(declared: str | None, declared_source: str | None, text: str) -> tuple[str | None, str | None]:
    """The article's language and where it came from: the declaration, unless the text surely says otherwise."""
    declared = (declared or "").replace("_", "-").split("-")[0].strip().lower() or None
    if not text.strip() or (declared and len(text) < MIN_CHARS):
        return declared, declared_source  # too short to overrule the declaration: no need to detect
    detected, probability = detect(text)
    if not declared:
        return detected, f"text ({probability:.2f})"
    if detected == declared or probability < SURE:
        return declared, declared_source
    return detected, f"text ({probability:.2f}; the page declared {declared})"

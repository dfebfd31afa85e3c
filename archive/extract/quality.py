"""How much of an article an extracted text holds: ``full``, ``short`` or ``fragments``.

A page with little text (a brief, a live-blog stub, a teaser), or whose text is mostly list
items, table cells and short lines (old table layouts, fact boxes, photo galleries), is still
archived with the text it has, marked, so that users can filter it; only a page with no prose
at all (no line of a few words) is rejected as having no article text.
"""

from __future__ import annotations

from archive.extract.boilerplate import is_sentence, words

SHORT_CHARS = 500  # a text under this many characters is "short"
PROSE_SHARE = 0.5  # a text whose sentences hold less than this share of it is "fragments"
MIN_PROSE_WORDS = 5  # a line with fewer words is no prose (a label, a menu entry, a date)


def has_prose(text: str) -> bool:
    """Any line of a few words: what a page must have to count as an article."""
    return any(len(words(line)) >= MIN_PROSE_WORDS for line in text.splitlines())


def text_quality(text: str) -> str:
    if len(text) < SHORT_CHARS:
        return "short"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    prose = sum(
        len(line) for line in lines if not line.startswith("- ") and len(words(line)) >= 8 and is_sentence(line)
    )
    return "full" if prose >= PROSE_SHARE * len(text) else "fragments"

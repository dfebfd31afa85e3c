"""How much of an article an extracted text holds: ``full``, ``short`` or ``fragments``.

A page with little text (a brief, a live-blog stub, a teaser), or whose text is mostly list
items, table cells and short lines (old table layouts, fact boxes, photo galleries), is still
archived with the text it has, marked, so that users can filter it; only a page with no prose
at all (no line of a few words) is rejected as having no article text.
"""

from __future__ import annotations

import re

from archive.extract.boilerplate import words

SHORT_CHARS = 500  # a text under this many characters is "short"
PROSE_SHARE = 0.5  # a text whose running lines hold less than this share of it is "fragments"
MIN_PROSE_WORDS = 5  # a page without a line of this many words has no article text (labels, menus, dates)
PROSE_LINE_WORDS = 8  # a line of this many words, not a list item or table row, is running text
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")  # kana, CJK ideographs, Hangul


def has_prose(text: str) -> bool:
    """Any line of a few words: what a page must have to count as an article."""
    return any(_words(line) >= MIN_PROSE_WORDS for line in text.splitlines())


def text_quality(text: str) -> str:
    if len(text) < SHORT_CHARS:
        return "short"
    prose = sum(_prose_chars(line.strip()) for line in text.splitlines())
    return "full" if prose >= PROSE_SHARE * len(text) else "fragments"


def _prose_chars(line: str) -> int:
    """Characters of running text in a line: not a list item; in a table row, the cells long
    enough to be a sentence (old pages lay whole articles out in table cells), whatever their
    punctuation (quotes, citations and hard-wrapped lines end in many ways)."""
    if line.startswith("- "):
        return 0
    cells = line.split("|") if line.count("|") >= 2 else [line]
    return sum(len(cell) for cell in cells if _words(cell) >= PROSE_LINE_WORDS)


def _words(text: str) -> float:
    """Words, counting Chinese and Japanese characters (written without spaces) as half a word each."""
    return len(words(text)) + (0 if text.isascii() else len(_CJK.findall(text)) / 2)  # ASCII has no CJK

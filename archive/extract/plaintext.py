"""Plain article text to a structured document: headline, paragraphs, headings and lists.

Lines become blocks so the boilerplate rules that run on HTML apply to text files too.
"""

from __future__ import annotations

import re

from archive.extract.boilerplate import Block, is_headline_like, words

_LIST_ITEM = re.compile(r"^\s*(?:[-*•·▪–]|\d{1,2}[.)])\s+")


def looks_like_headline(line: str) -> bool:
    """A short line without sentence-ending punctuation."""
    return 3 <= len(line.split()) <= 25 and not line.endswith((".", ":", ";", ",")) and len(line) <= 200


def headline(text: str) -> str | None:
    """The first line when the file starts with a headline (no leading blank line)."""
    if text.startswith(("\n", "\r")):
        return None
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if looks_like_headline(first) else None


def to_blocks(text: str, skip_first: bool = False) -> list[Block]:
    """One block per non-blank line; runs of bullet lines form one list."""
    blocks: list[Block] = []
    group, in_list, skipped = 0, False, not skip_first
    for line in text.splitlines():
        line = line.strip()
        if not line:
            in_list = False
            continue
        if not skipped:
            skipped = True
            continue
        item = _LIST_ITEM.match(line)
        if item:
            if not in_list:
                group += 1
                in_list = True
            blocks.append(Block("item", line[item.end() :], group))
            continue
        in_list = False
        n = len(words(line))
        short_heading = n <= 6 and not line.endswith((".", "!", "?"))
        kind = "head" if short_heading or (n <= 12 and is_headline_like(line, 2, n)) else "p"
        blocks.append(Block(kind, line))
    return blocks

"""Word-level diffs between two captures of an article, in a compact readable notation.

Each changed stretch is one line: a few words of context, ``[-removed words-]`` and
``{+added words+}``, as ``wdiff`` prints them. A headline change comes first, on a line of its
own (``headline: [-old-] {+new+}``). difflib (standard library) does the matching; only the
rendering is written here.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

CONTEXT_WORDS = 6  # words shown before and after each change
MAX_HUNKS = 50  # a rewrite of the whole article is not worth a thousand lines
_WORD = re.compile(r"\S+")
# The markers, for renderers that colour them (the CLI, the web page).
MARK = re.compile(r"\[-(?P<removed>.*?)-\]|\{\+(?P<added>.*?)\+\}", re.S)


@dataclass(frozen=True)
class WordChanges:
    """How many words a change touched, and the opcodes difflib found."""

    removed: int
    added: int
    opcodes: Sequence[tuple[str, int, int, int, int]]

    @property
    def changed(self) -> int:
        return max(self.removed, self.added)


def words(text: str | None) -> list[str]:
    return _WORD.findall(text or "")


def compare(before: Sequence[str], after: Sequence[str]) -> WordChanges:
    """difflib's opcodes between two word lists (no junk heuristic: news words repeat)."""
    opcodes = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    removed = sum(i2 - i1 for tag, i1, i2, _, _ in opcodes if tag in ("replace", "delete"))
    added = sum(j2 - j1 for tag, _, _, j1, j2 in opcodes if tag in ("replace", "insert"))
    return WordChanges(removed, added, opcodes)


def _hunk(before: Sequence[str], after: Sequence[str], tag: str, i1: int, i2: int, j1: int, j2: int) -> str:
    parts = []
    if i1 > CONTEXT_WORDS:
        parts.append("…")
    parts += before[max(0, i1 - CONTEXT_WORDS) : i1]
    if tag in ("replace", "delete"):
        parts.append("[-" + " ".join(before[i1:i2]) + "-]")
    if tag in ("replace", "insert"):
        parts.append("{+" + " ".join(after[j1:j2]) + "+}")
    parts += before[i2 : i2 + CONTEXT_WORDS]
    if i2 + CONTEXT_WORDS < len(before):
        parts.append("…")
    return " ".join(parts)


def text_diff(before: str | None, after: str | None) -> list[str]:
    """One line per changed stretch of the text (empty when the words are the same)."""
    old, new = words(before), words(after)
    changes = compare(old, new)
    hunks = [_hunk(old, new, *op) for op in changes.opcodes if op[0] != "equal"]
    if len(hunks) > MAX_HUNKS:
        hunks = hunks[:MAX_HUNKS] + [f"… and {len(hunks) - MAX_HUNKS} more changes"]
    return hunks


def marked(line: str) -> list[tuple[str, str]]:
    """A stored diff line as (kind, text) runs, kind '' (context), 'removed' or 'added': for the
    CLI's colours and the web page's <del>/<ins>."""
    runs: list[tuple[str, str]] = []
    end = 0
    for match in MARK.finditer(line):
        if match.start() > end:
            runs.append(("", line[end : match.start()]))
        kind = "removed" if match.group("removed") is not None else "added"
        runs.append((kind, match.group(kind)))
        end = match.end()
    if end < len(line):
        runs.append(("", line[end:]))
    return runs


def word_diff(
    title_before: str | None, text_before: str | None, title_after: str | None, text_after: str | None
) -> str:
    """The stored diff of a version: the headline change (if any), then the text's changes."""
    lines = []
    if (title_before or "") != (title_after or ""):
        lines.append(f"headline: [-{title_before or ''}-] {{+{title_after or ''}+}}")
    lines += text_diff(text_before, text_after)
    return "\n".join(lines)

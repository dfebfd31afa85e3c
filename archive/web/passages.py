"""Which words of a text to highlight: passages shared with other copies, or the words searched for.

Both return paragraphs as lists of ``Segment``s (a piece of the text, and whether it is marked),
so that templates escape every piece and add only the ``<mark>`` around it. Written here rather
than taken from ``difflib``: a group can hold many copies, and a word is shared when a run of
``SHINGLE`` words around it occurs in any other copy, which a set lookup per word answers in
linear time (pairwise ``SequenceMatcher`` is quadratic per pair).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

SHINGLE = 5  # words in a row that make a passage "shared" (fewer would mark common phrases)
SNIPPET_CHARS = 240
_WORD = re.compile(r"[^\W_]+")  # letters and digits, as the search index splits words


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "marked": self.marked}


Paragraph = list[Segment]


def _words(paragraph: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(paragraph)]


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def _segments(paragraph: str, spans: Sequence[tuple[int, int]]) -> Paragraph:
    """The paragraph cut at marked spans (sorted, merged where they touch or only spacing parts them)."""
    out: Paragraph = []
    pos = 0
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and not paragraph[merged[-1][1] : start].strip(" ,;:-–—'\"“”‘’"):
            merged[-1][1] = end
        else:
            merged.append([start, end])
    for start, end in merged:
        if start > pos:
            out.append(Segment(paragraph[pos:start]))
        out.append(Segment(paragraph[start:end], marked=True))
        pos = end
    if pos < len(paragraph):
        out.append(Segment(paragraph[pos:]))
    return out


def shared_passages(texts: Sequence[str]) -> list[tuple[list[Paragraph], float]]:
    """For each text: its paragraphs with the passages it shares with another text marked, and the share of its words marked."""
    tokenised = [[(p, _words(p)) for p in _paragraphs(t)] for t in texts]
    owners: dict[tuple[str, ...], set[int]] = {}
    for index, paragraphs in enumerate(tokenised):
        words = [w for _, ws in paragraphs for _, _, w in ws]
        for i in range(len(words) - SHINGLE + 1):
            owners.setdefault(tuple(words[i : i + SHINGLE]), set()).add(index)
    results = []
    for paragraphs in tokenised:
        flat = [(pi, start, end, w) for pi, (_, ws) in enumerate(paragraphs) for start, end, w in ws]
        marked = [False] * len(flat)
        for i in range(len(flat) - SHINGLE + 1):
            if len(owners[tuple(w for *_, w in flat[i : i + SHINGLE])]) > 1:
                for j in range(i, i + SHINGLE):
                    marked[j] = True
        spans: list[list[tuple[int, int]]] = [[] for _ in paragraphs]
        for (pi, start, end, _), is_marked in zip(flat, marked):
            if is_marked:
                spans[pi].append((start, end))
        rendered = [_segments(p, s) for (p, _), s in zip(paragraphs, spans)]
        results.append((rendered, sum(marked) / len(marked) if marked else 0.0))
    return results


def highlighted(text: str, words: Sequence[str]) -> list[Paragraph]:
    """The text's paragraphs with the given words (whole, any case) marked."""
    wanted = {w.lower() for w in words}
    out = []
    for paragraph in _paragraphs(text):
        spans = [(start, end) for start, end, w in _words(paragraph) if w in wanted]
        out.append(_segments(paragraph, spans) if spans else [Segment(paragraph)])
    return out


def snippet(text: str, words: Sequence[str], chars: int = SNIPPET_CHARS) -> Paragraph:
    """A piece of the text around its densest run of the given words (its opening when none occurs), words marked."""
    flat = " ".join(_paragraphs(text))
    wanted = {w.lower() for w in words}
    hits = [(start, end) for start, end, w in _words(flat) if w in wanted]
    if hits:
        counts = Counter(start // chars for start, _ in hits)
        window = max(counts, key=lambda k: (counts[k], -k))
        begin = max(0, window * chars - chars // 4)
    else:
        begin = 0
    begin = flat.rfind(" ", 0, begin) + 1 if begin else 0
    end = flat.find(" ", begin + chars)
    end = len(flat) if end == -1 else end
    piece = flat[begin:end]
    spans = [(s - begin, e - begin) for s, e in hits if s >= begin and e <= end]
    segments = _segments(piece, spans)
    if begin > 0:
        segments.insert(0, Segment("… "))
    if end < len(flat):
        segments.append(Segment(" …"))
    return segments


def query_words(query: str) -> list[str]:
    """The words of a search query, as the highlighter matches them."""
    return [w for _, _, w in _words(query)]

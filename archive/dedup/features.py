"""Text features for dedup: content-word stems, shingle hashes, sentences.

Pure functions of one text, so signatures and the verifier see the same tokens.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import Stemmer

from archive.textnorm import STOP_WORDS

ANCHOR_LINE_WORDS = 8  # anchors come from lines at least this long
PARAGRAPH_STEMS = 10  # paragraphs with fewer content stems are not keys (bylines, sign-up lines, captions)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Sentence ends: terminal punctuation (optionally closed by a quote) before a capital, or a line break.
_END_IN_LINE = r"(?:(?<=[.!?])|(?<=[.!?][\"'”’»)]))\s+(?=[\"'“‘«(]?[A-Z0-9À-Ý])"
_SENTENCE_END = re.compile(_END_IN_LINE + r"|\n+")
# A number anywhere, or a capitalised word after a character that does not end a sentence.
# The word's first letter is matched as A-Z or any non-ASCII letter (its case is checked after):
# lower-case ASCII words, most of a text, are skipped by the expression, not in Python.
_ANCHOR = re.compile(r"\b(\d[^\W_]*)|(?<=[^\s.!?:\"'“”‘’])[ \t]+[\"'“‘(]?((?:[A-Z]|(?=[^\x00-\x7f])[^\W\d_])[^\W_]*)")
# A word, or (as "") a sentence end inside a line.
_WORD_OR_END = re.compile(r"([^\W_]+)|" + _END_IN_LINE, re.UNICODE)
_LINE_END = "\n"  # in the list of a text's words and sentence ends, where a line ends
_STEMMER = Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-cased word tokens after NFKC (the same folding as textnorm.normalize)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower())


def sentences(text: str) -> list[str]:
    """Sentences (or lines) of a text, without empty ones."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def token_hashes(tokens: list[str]) -> np.ndarray:
    """Stable 32-bit hashes of tokens (crc32: fast, and equal across processes and runs)."""
    return np.fromiter((zlib.crc32(t.encode("utf-8")) for t in tokens), dtype=np.uint64, count=len(tokens))


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads combined token hashes over 64 bits."""
    return _xorshift_multiply(x.astype(np.uint64, copy=True), 30, 0xBF58476D1CE4E5B9, 27, 0x94D049BB133111EB, 31)


def fmix32(x: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser: datasketch's pre-mix of every input value (scheme affine32)."""
    return _xorshift_multiply(x.astype(np.uint32, copy=True), 16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)


def _xorshift_multiply(x: np.ndarray, s1: int, m1: int, s2: int, m2: int, s3: int) -> np.ndarray:
    """The finaliser both hashes share, in place, in the array's own unsigned width."""
    kind = x.dtype.type
    with np.errstate(over="ignore"):
        x ^= x >> kind(s1)
        x *= kind(m1)
        x ^= x >> kind(s2)
        x *= kind(m2)
        x ^= x >> kind(s3)
    return x


def shingle_hashes(tokens: list[str], size: int) -> np.ndarray:
    """Distinct 64-bit hashes of the token n-grams of ``size`` (the whole text if shorter)."""
    return _ngram_hashes(token_hashes(tokens), size)


def anchors(text: str) -> set[str]:
    """Numbers, and capitalised words that do not start a sentence, lower-cased.

    A rewrite rewords sentences but keeps names, places and figures, so anchors find
    rewrites whose wording MinHash over shingles no longer sees.
    """
    return _anchor_set(unicodedata.normalize("NFKC", text))


def _anchor_set(folded: str) -> set[str]:
    # Only lines of running text: menus, bylines and sign-up lines repeat the same names everywhere.
    prose = "\n".join(line for line in folded.splitlines() if len(line.split()) >= ANCHOR_LINE_WORDS)
    found = [number or word for number, word in _ANCHOR.findall(prose) if number or word[0].isupper()]
    return {t for t in _lower(found) if t not in STOP_WORDS}


def _lower(tokens: list[str]) -> list[str]:
    """Lower-case many tokens with one C call."""
    return "\x00".join(tokens).lower().split("\x00") if tokens else []


def anchor_hashes(text: str) -> np.ndarray:
    """Distinct 64-bit hashes of a text's anchors."""
    found = anchors(text)
    return distinct(mix64(token_hashes(sorted(found)))) if found else np.zeros(0, dtype=np.uint64)


@dataclass(frozen=True)
class TextFeatures:
    """What the verifier compares: the shingle set, and each sentence's stems (as hashes)."""

    shingles: np.ndarray  # sorted distinct shingle hashes
    stem_hashes: np.ndarray  # hash of every content stem, in text order
    sentence_of: np.ndarray  # index of the (non-empty) sentence each stem belongs to
    n_sentences: int


def high32(hashes: np.ndarray) -> np.ndarray:
    """Sorted distinct high 32 bits of 64-bit hashes: datasketch's affine32 MinHash takes 32-bit input."""
    return distinct((hashes >> np.uint64(32)).astype(np.uint32))


def distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values: what ``np.unique`` returns, in half its time on a text's few hundred
    hashes (numpy 2's ``unique`` builds a hash table first)."""
    ordered = np.sort(values)
    out: np.ndarray = ordered[run_starts(ordered)]
    return out


def run_starts(values: np.ndarray) -> np.ndarray:
    """True where a value differs from the one before it (and at the first)."""
    first = np.empty(len(values), dtype=bool)
    first[:1] = True
    np.not_equal(values[1:], values[:-1], out=first[1:])
    return first


def offsets(counts: np.ndarray) -> np.ndarray:
    """0 and the running totals of ``counts`` (int64): where each part starts, and the end.
    (``np.r_[0, np.cumsum(counts)]`` costs ten microseconds more, on every text.)"""
    out = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=out[1:])
    return out


class _CrcCache(dict[str, int]):
    """crc32 of tokens, remembered: news vocabulary repeats, and one dict lookup per token (through
    ``map``) is several times cheaper than encoding and hashing it again. Cleared when large."""

    LIMIT = 400_000

    def __missing__(self, token: str) -> int:
        if len(self) >= self.LIMIT:
            self.clear()
        value = self[token] = zlib.crc32(token.encode("utf-8"))
        return value


_CRC = _CrcCache()


def _crc32s(tokens: list[str]) -> np.ndarray:
    """token_hashes, as uint32, through the cache."""
    return np.array(list(map(_CRC.__getitem__, tokens)), dtype=np.uint32)


def _ngram_hashes(h: np.ndarray, size: int) -> np.ndarray:
    """Distinct 64-bit hashes of the n-grams of ``size`` over token hashes (all of them if fewer)."""
    h = h.astype(np.uint64)
    if len(h) == 0:
        return h
    size = min(size, len(h))
    acc = np.zeros(len(h) - size + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(size):
            acc = mix64(acc * np.uint64(0x100000001B3) + h[k : len(h) - size + 1 + k])
    return distinct(acc)


@dataclass(frozen=True)
class Signed:
    """A text's MinHash sets and signatures, under the dedup parameters named by ``fingerprint``."""

    fingerprint: str
    sets: tuple[np.ndarray, np.ndarray, np.ndarray]  # shingles, anchors, paragraph keys (LineInput.sets)
    signatures: tuple[np.ndarray, np.ndarray, np.ndarray]  # one uint32 row for each set


@dataclass(frozen=True)
class LineInput:
    """Everything dedup needs of a text, line by line: the MinHash input and the verifier's features.

    Computed once where the text is extracted (a worker process). Site boilerplate then drops
    whole lines on the writer, and ``keep`` gives the input of the stored text without reading
    it again: stems, sentences, anchors and paragraphs never span lines.
    """

    stems: np.ndarray  # uint32 crc32 of every content stem, in text order
    sentence_of: np.ndarray  # int32 sentence number of each stem (numbered over the whole text)
    line_starts: np.ndarray  # int64, one per line and one more: where each line's stems start
    anchors: np.ndarray  # uint32 anchor hashes (high bits) of each line, concatenated
    anchor_starts: np.ndarray  # int64, as line_starts, into anchors
    paragraphs: np.ndarray  # int64 paragraph key of each line, -1 for a line too short to be one
    # Its MinHash sets and signatures, when the worker computed them too (archive.dedup.index.InputSigner).
    signed: Signed | None = None

    @property
    def lines(self) -> int:
        return len(self.paragraphs)

    def keep(self, lines: np.ndarray) -> LineInput:
        """The input of the text made of only these lines (indices, in order)."""
        lines = np.asarray(lines, dtype=np.int64)

        def kept(starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            """Positions of the kept lines' values, and where each kept line starts among them."""
            counts = starts[lines + 1] - starts[lines]
            kept_starts = offsets(counts)
            return np.repeat(starts[lines] - kept_starts[:-1], counts) + np.arange(kept_starts[-1]), kept_starts

        stem_index, line_starts = kept(self.line_starts)  # stems and their sentence numbers alike
        stems, sentence_of = self.stems[stem_index], self.sentence_of[stem_index]
        anchor_index, anchor_starts = kept(self.anchor_starts)
        anchors = self.anchors[anchor_index]
        return LineInput(stems, sentence_of, line_starts, anchors, anchor_starts, self.paragraphs[lines])

    def sets(self, shingle_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """MinHash input: shingle, anchor and paragraph hash sets (sorted distinct uint32)."""
        paragraphs = self.paragraphs[self.paragraphs >= 0].astype(np.uint32)
        return high32(_ngram_hashes(self.stems, shingle_size)), distinct(self.anchors), distinct(paragraphs)

    def features(self, shingle_size: int) -> TextFeatures:
        """What the verifier compares."""
        return verifier_features(self.stems, sentence_sizes(self.sentence_of), shingle_size)

    def arrays(self) -> tuple[np.ndarray, ...]:
        """Its arrays, in field order (what ``from_arrays`` takes back)."""
        return tuple(getattr(self, name) for name in LINE_INPUT_DTYPES)

    @classmethod
    def from_arrays(cls, arrays: Sequence[np.ndarray]) -> LineInput:
        stems, sentence_of, line_starts, anchors, anchor_starts, paragraphs = (
            np.asarray(a, dtype=t) for a, t in zip(arrays, LINE_INPUT_DTYPES.values(), strict=True)
        )
        return cls(stems, sentence_of, line_starts, anchors, anchor_starts, paragraphs)


LINE_INPUT_DTYPES = {
    "stems": np.uint32,
    "sentence_of": np.int32,
    "line_starts": np.int64,
    "anchors": np.uint32,
    "anchor_starts": np.int64,
    "paragraphs": np.int64,
}


def sentence_sizes(sentence_of: np.ndarray) -> np.ndarray:
    """Stems of each sentence that has any, in order (uint16 is enough for a sentence)."""
    firsts = np.flatnonzero(run_starts(sentence_of))  # sentence numbers only grow
    return np.diff(np.append(firsts, len(sentence_of)))


def verifier_features(stems: np.ndarray, sizes: np.ndarray, shingle_size: int) -> TextFeatures:
    """TextFeatures from stem hashes and sentence sizes (as stored beside the signature)."""
    stem_hashes = np.asarray(stems).astype(np.uint64)
    return TextFeatures(
        shingles=_ngram_hashes(stem_hashes, shingle_size),
        stem_hashes=stem_hashes,
        sentence_of=np.repeat(np.arange(len(sizes)), sizes),
        n_sentences=len(sizes),
    )


def line_input(text: str) -> LineInput:
    """Stems, sentences, anchors and paragraph keys of each line of ``text`` (lines as ``str.splitlines``)."""
    folded = unicodedata.normalize("NFKC", text)
    lines = folded.splitlines()
    if len(lines) != len(text.splitlines()):  # folding made or joined lines: fold line by line
        lines = [unicodedata.normalize("NFKC", line) for line in text.splitlines()]
    # One scan per line finds its words and its sentence ends ("" in the list) at once; the
    # tokens of the whole text are then lower-cased in one call and sorted into sentences and
    # lines in one loop. Sentences are numbered by those with content words (only their sizes
    # are kept).
    marked: list[str] = []
    anchor_found: list[list[str]] = []
    for line in lines:
        marked.extend(_WORD_OR_END.findall(line))
        marked.append(_LINE_END)
        if len(line.split()) >= ANCHOR_LINE_WORDS:  # only lines of running text: see _anchor_set
            found = [number or word for number, word in _ANCHOR.findall(line) if number or word[0].isupper()]
            anchor_found.append(sorted({t for t in _lower(found) if t not in STOP_WORDS}))
        else:
            anchor_found.append([])
    content: list[str] = []  # content tokens of the whole text, in order
    sizes: list[int] = []  # content tokens of each sentence that has any
    line_ends: list[int] = []  # content tokens up to the end of each line
    open_size, stop = 0, STOP_WORDS
    for token in _lower(marked):
        if token and token != _LINE_END:
            if token not in stop and (len(token) > 1 or token.isdigit()):
                content.append(token)
                open_size += 1
            continue
        if open_size:
            sizes.append(open_size)
            open_size = 0
        if token:
            line_ends.append(len(content))
    # One stemmer call for the whole text.
    stems: list[str] = _STEMMER.stemWords(content)
    sentence_of = np.repeat(np.arange(len(sizes), dtype=np.int32), np.array(sizes, dtype=np.int64))
    line_starts = np.array([0, *line_ends], dtype=np.int64)
    paragraphs = np.full(len(lines), -1, dtype=np.int64)
    bounds = line_starts.tolist()
    for i in np.flatnonzero(np.diff(line_starts) >= PARAGRAPH_STEMS).tolist():
        paragraphs[i] = zlib.crc32(" ".join(stems[bounds[i] : bounds[i + 1]]).encode("utf-8"))
    anchor_counts = np.array([len(found) for found in anchor_found], dtype=np.int64)
    flat = [t for found in anchor_found for t in found]
    anchor_hashes = (mix64(_crc32s(flat).astype(np.uint64)) >> np.uint64(32)).astype(np.uint32)
    return LineInput(
        stems=_crc32s(stems),
        sentence_of=sentence_of,
        line_starts=line_starts,
        anchors=anchor_hashes,
        anchor_starts=offsets(anchor_counts),
        paragraphs=paragraphs,
    )


def signature_input(text: str, shingle_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shingle, anchor and paragraph hash sets (sorted distinct uint32) of a whole text: its MinHash input."""
    return line_input(text).sets(shingle_size)


def text_features(text: str, shingle_size: int) -> TextFeatures:
    """Verifier features: shingles and the stems of each sentence."""
    return line_input(text).features(shingle_size)

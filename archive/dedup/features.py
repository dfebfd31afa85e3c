"""Text features for dedup: content-word stems, shingle hashes, sentences.

Pure functions of one text, so signatures and the verifier see the same tokens.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass

import numpy as np
import Stemmer

from archive.textnorm import STOP_WORDS

ANCHOR_LINE_WORDS = 8  # anchors come from lines at least this long
PARAGRAPH_STEMS = 10  # paragraphs with fewer content stems are not keys (bylines, sign-up lines, captions)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Sentence ends: terminal punctuation (optionally closed by a quote) before a capital, or a line break.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’»)]))\s+(?=[\"'“‘«(]?[A-Z0-9À-Ý])|\n+")
# A number anywhere, or a capitalised word after a character that does not end a sentence.
_ANCHOR = re.compile(r"\b(\d[^\W_]*)|(?<=[^\s.!?:\"'“”‘’])[ \t]+[\"'“‘(]?([^\W\d_][^\W_]*)")
_STEMMER = Stemmer.Stemmer("english")
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def words(text: str) -> list[str]:
    """Lower-cased word tokens after NFKC (the same folding as textnorm.normalize)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower())


def _stems(tokens: list[str]) -> list[str]:
    stems: list[str] = _STEMMER.stemWords([w for w in tokens if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())])
    return stems


def content_stems(text: str) -> list[str]:
    """Stems of the content words, in text order."""
    return _stems(words(text))


def sentences(text: str) -> list[str]:
    """Sentences (or lines) of a text, without empty ones."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def token_hashes(tokens: list[str]) -> np.ndarray:
    """Stable 32-bit hashes of tokens (crc32: fast, and equal across processes and runs)."""
    return np.fromiter((zlib.crc32(t.encode("utf-8")) for t in tokens), dtype=np.uint64, count=len(tokens))


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads combined token hashes over 64 bits."""
    x = x.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return x


def shingle_hashes(tokens: list[str], size: int) -> np.ndarray:
    """Distinct 64-bit hashes of the token n-grams of ``size`` (the whole text if shorter)."""
    h = token_hashes(tokens)
    if len(h) == 0:
        return h
    if len(h) < size:
        size = len(h)
    acc = np.zeros(len(h) - size + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(size):
            acc = mix64(acc * np.uint64(0x100000001B3) + h[k : len(h) - size + 1 + k])
    return np.unique(acc)


def _sentence_tokens(text: str) -> list[list[str]]:
    """Word tokens (case kept) of each sentence."""
    return [_WORD.findall(s) for s in sentences(unicodedata.normalize("NFKC", text))]


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
    return np.unique(mix64(token_hashes(sorted(found)))) if found else np.zeros(0, dtype=np.uint64)


@dataclass(frozen=True)
class TextFeatures:
    """What the verifier compares: the shingle set, and each sentence's stems (as hashes)."""

    shingles: np.ndarray  # sorted distinct shingle hashes
    stem_hashes: np.ndarray  # hash of every content stem, in text order
    sentence_of: np.ndarray  # index of the (non-empty) sentence each stem belongs to
    n_sentences: int


def high32(hashes: np.ndarray) -> np.ndarray:
    """Sorted distinct high 32 bits of 64-bit hashes: datasketch's affine32 MinHash takes 32-bit input."""
    out: np.ndarray = np.unique((hashes >> np.uint64(32)).astype(np.uint32))
    return out


def paragraph_hashes(text: str) -> np.ndarray:
    """Sorted distinct 32-bit hashes of the content stems of each paragraph (line) long enough to be prose.

    A copy that keeps whole paragraphs (abridged, trimmed, a page with its navigation, another
    extractor's output) shares some verbatim while its shingle Jaccard stays low.
    """
    return _paragraph_keys([content_stems(line) for line in text.splitlines()])


def _paragraph_keys(stems_per_line: list[list[str]]) -> np.ndarray:
    found = [zlib.crc32(" ".join(stems).encode("utf-8")) for stems in stems_per_line if len(stems) >= PARAGRAPH_STEMS]
    return np.unique(np.array(found, dtype=np.uint32))


def signature_input(text: str, shingle_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shingle, anchor and paragraph hash sets (sorted distinct uint32) of a whole text: its MinHash input."""
    folded = unicodedata.normalize("NFKC", text)
    # One stemmer call for the whole text; lines are kept apart only for the paragraph keys.
    kept = [
        [t for t in _lower(_WORD.findall(line)) if t not in STOP_WORDS and (len(t) > 1 or t.isdigit())]
        for line in folded.splitlines()
    ]
    stems: list[str] = _STEMMER.stemWords([t for tokens in kept for t in tokens])
    per_line, start = [], 0
    for tokens in kept:
        per_line.append(stems[start : start + len(tokens)])
        start += len(tokens)
    found = _anchor_set(folded)
    anchor_set = mix64(token_hashes(sorted(found))) if found else np.zeros(0, dtype=np.uint64)
    return high32(shingle_hashes(stems, shingle_size)), high32(anchor_set), _paragraph_keys(per_line)


def text_features(text: str, shingle_size: int) -> TextFeatures:
    """Verifier features: shingles and the stems of each sentence, with one stemmer call."""
    per_sentence = [_lower(tokens) for tokens in _sentence_tokens(text)]
    kept = [[t for t in tokens if t not in STOP_WORDS and (len(t) > 1 or t.isdigit())] for tokens in per_sentence]
    counts = np.array([len(tokens) for tokens in kept if tokens], dtype=np.int64)
    stems = _STEMMER.stemWords([t for tokens in kept for t in tokens])
    return TextFeatures(
        shingles=shingle_hashes(stems, shingle_size),
        stem_hashes=token_hashes(stems),
        sentence_of=np.repeat(np.arange(len(counts)), counts),
        n_sentences=len(counts),
    )

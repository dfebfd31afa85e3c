"""Decoded pages before parsing: stray control characters dropped, binary refused, the parser's work bounded.

Trafilatura's time grows with the number of elements, not bytes: a page of 400,000 tiny
elements (5 MB) took 111 s, a real 1.6 MB news page 0.2 s. A real page over a few MB is mostly
what carries no article text: inline scripts and JSON app state, styles, SVG icons, base64
images, comments. Those go before parsing (trafilatura drops them after parsing anyway); JSON-LD
stays (metadata, articleBody). What is left is bounded by element count, so junk is refused in
well under a second instead of using up the time budget.
"""

from __future__ import annotations

import re

from archive.errors import ExtractionError

MAX_ELEMENTS = 30_000  # the largest of 867 real pages (extraction-dev) has 10,112 elements
MAX_CHARS = 2_000_000  # the largest of them has 1,630,594 characters, 448,860 without scripts and styles
BINARY_CONTROL_SHARE = 0.01  # text has next to no control characters; decoded binary has 10 % and more

# C0 controls that XML cannot hold (lxml refuses or truncates at them); tab and newlines stay.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Leftmost match wins, so a script inside a comment (or a comment inside a script) goes whole.
_NO_TEXT = re.compile(
    r"<!--.*?-->|<(script|style|svg)\b([^>]*)>.*?</\1\s*>",
    re.I | re.S,
)
_BASE64 = re.compile(r"data:[\w.+-]+/[\w.+-]+;base64,[\w+/=%\s]{64,}", re.I)
_OPEN_TAG = re.compile(r"<[A-Za-z]")


def drop_controls(text: str) -> str:
    """``text`` without stray control characters; ExtractionError when there are so many it is binary."""
    strays = len(_CONTROLS.findall(text, 0, 1 << 20))
    if not strays:
        return text
    if strays > BINARY_CONTROL_SHARE * min(len(text), 1 << 20):
        raise ExtractionError("binary content, not text")
    return _CONTROLS.sub("", text)


def slim(html: str) -> str:
    """The page without scripts (JSON-LD kept), styles, SVG, comments and base64-inlined data."""
    html = _NO_TEXT.sub(_keep_jsonld, html)
    return _BASE64.sub("data:,", html)


def _keep_jsonld(match: re.Match[str]) -> str:
    if match.group(1) and match.group(1).lower() == "script" and "ld+json" in match.group(2).lower():
        return match.group(0)
    return ""


def bounded(html: str, max_elements: int = MAX_ELEMENTS) -> str:
    """The page as the parser should get it: as it is within the limits, else slimmed.

    ExtractionError when even the slimmed page is larger or has more elements than any article
    page: the parse and trafilatura's passes over it are what takes the time.
    """
    if len(html) <= MAX_CHARS and _elements(html) <= max_elements:
        return html  # scripts can hold dates htmldate finds: pages within the limits stay whole
    html = slim(html)
    if len(html) > MAX_CHARS:
        raise ExtractionError(
            f"page too large for an article ({len(html):,} characters without scripts and styles; limit {MAX_CHARS:,})"
        )
    count = _elements(html)
    if count > max_elements:
        raise ExtractionError(
            f"too many HTML elements for an article page ({count:,} without scripts and styles; limit {max_elements:,})"
        )
    return html


def _elements(html: str) -> int:
    return len(_OPEN_TAG.findall(html))

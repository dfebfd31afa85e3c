"""Article extraction: raw HTML or plain text in, clean text and metadata out.

``extract`` is a pure function of a ``RawDocument`` so it can run in worker processes.
HTML goes through trafilatura (comments off); plain text is first turned into a small
structured HTML document (headline, paragraphs, lists) so the same boilerplate removal applies.
"""

from __future__ import annotations

import html as html_lib
import logging
import re
from datetime import datetime, timezone

import trafilatura
from trafilatura.settings import use_config

from archive.errors import ExtractionError
from archive.models import Article, RawDocument
from archive.textnorm import text_hash

LOGGER = logging.getLogger(__name__)

MIN_TEXT_CHARS = 100  # shorter bodies are navigation pages, errors or stubs, not articles

_CONFIG = use_config()
_CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # the worker enforces its own time budget
_LIST_ITEM = re.compile(r"^\s*(?:[-*•·▪–]|\d{1,2}[.)])\s+")


def decode(body: bytes, declared: str | None = None) -> str:
    """Bytes to text: the declared charset when it decodes, else trafilatura's detection."""
    if declared:
        try:
            return body.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    return trafilatura.utils.decode_file(body)


def text_to_html(text: str) -> str:
    """Plain article text to a minimal HTML document: first line a headline, lists kept as lists."""
    parts: list[str] = []
    in_list = False
    lines = text.splitlines()
    for number, line in enumerate(lines):
        line = line.strip()
        if not line:
            if in_list:
                parts.append("</ul>")
                in_list = False
            continue
        item = _LIST_ITEM.match(line)
        if item:
            if not in_list:
                parts.append("<ul>")
                in_list = True
            parts.append(f"<li>{html_lib.escape(line[item.end():])}</li>")
            continue
        if in_list:
            parts.append("</ul>")
            in_list = False
        tag = "h1" if number == 0 and looks_like_headline(line) else "p"
        parts.append(f"<{tag}>{html_lib.escape(line)}</{tag}>")
    if in_list:
        parts.append("</ul>")
    return "<html><body><article>" + "\n".join(parts) + "</article></body></html>"


def looks_like_headline(line: str) -> bool:
    """A short line without sentence-ending punctuation."""
    words = line.split()
    return 3 <= len(words) <= 25 and not line.endswith((".", ":", ";", ",")) and len(line) <= 200


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def extract(raw: RawDocument) -> Article:
    """Extract one article; raise ExtractionError when there is none."""
    text = decode(raw.body, raw.encoding)
    if "\x00" in text:
        raise ExtractionError("binary content, not text")
    is_plain = raw.content_type == "text/plain"
    title_line = None
    if is_plain:
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        title_line = first if looks_like_headline(first) and not text.startswith(("\n", "\r")) else None
        document = text_to_html(text)
    else:
        document = text
    result = trafilatura.bare_extraction(
        document,
        url=None if raw.url.startswith("file:") else raw.url,
        with_metadata=not is_plain,
        include_comments=False,
        favor_precision=True,
        config=_CONFIG,
    )
    body = (result.text if result else "") or ""
    if is_plain and title_line and body.startswith(title_line):
        body = body[len(title_line):].lstrip()
    if len(body) < MIN_TEXT_CHARS:
        raise ExtractionError("no article text found" if not body else f"article text too short ({len(body)} characters)")
    hints = raw.hints
    return Article(
        url=raw.url,
        source=raw.source,
        origin=raw.origin,
        text=body,
        title=hints.get("title") or title_line or (result.title if result else None),
        author=hints.get("author") or (result.author if result else None),
        published=_parse_date(hints.get("published")) or _parse_date(result.date if result else None),
        language=result.language if result else None,
        site_name=result.sitename if result else None,
        canonical_url=(result.url if result and result.url != raw.url else None),
        description=result.description if result else None,
        text_hash=text_hash(body),
    )

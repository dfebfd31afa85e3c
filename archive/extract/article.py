"""Article extraction: raw HTML or plain text in, clean text and metadata with provenance out.

``extract`` is a pure function of a ``RawDocument`` so it can run in worker processes.
HTML: trafilatura (fast precision pass, comments off; its fallback comparison and then its
default mode as second opinions when that pass finds next to nothing), the generic boilerplate
rules of ``archive.extract.boilerplate``, then JSON-LD ``articleBody`` when the page confirms it holds more. Plain text: lines become a structured
document (headline, paragraphs, lists) and go through the same rules.
"""

from __future__ import annotations

import codecs
import html as html_lib
import logging
import re
from collections import Counter
from collections.abc import Container
from typing import Any, cast

import trafilatura
from lxml import etree
from trafilatura.settings import Document, use_config
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from archive.errors import ExtractionError
from archive.extract import oldmarkup, paywall, plaintext
from archive.extract.boilerplate import Block, clean_blocks, kept_text, normalise_link_text, words
from archive.extract.chunks import recover_chunks, recover_embeds
from archive.extract.language import choose
from archive.extract.metadata import Metadata, gather, jsonld_objects
from archive.extract.quality import has_prose, text_quality
from archive.extract.rawhtml import bounded, drop_controls
from archive.models import Article, RawDocument
from archive.textnorm import text_hash

LOGGER = logging.getLogger(__name__)

EXTRACTOR_VERSION = f"6+trafilatura-{trafilatura.__version__}"  # bump when output changes; stored per article
MIN_TEXT_CHARS = 100  # a JSON-LD articleBody shorter than this is a teaser, not the body
SHORT_TEXT_CHARS = 500  # a first pass this short gets second opinions (fallbacks, then default mode)

_CONFIG = use_config()
_CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # the worker enforces its own time budget
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)


def decode(body: bytes, declared: str | None = None) -> tuple[str, str]:
    """Bytes to text and how the charset was chosen.

    Valid UTF-8 is UTF-8 whatever a header or meta tag claims. Otherwise a declared charset
    (HTTP header, then <meta>) is used only when charset detection agrees it is plausible,
    since pages often declare one charset and are written in another.
    """
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    meta = _META_CHARSET.search(body[:4096])
    claims = [c for c in (declared, meta.group(1).decode("ascii", "replace") if meta else None) if c]
    sample = body if len(body) < 20000 else body[:10000] + body[-10000:]
    best = from_bytes(sample).best()
    detected = _decode_as(body, best.encoding, lenient=True) if best else None
    plausible = {_browser_codec(name) for name in best.could_be_from_charset} if best else set()
    for claim in claims:
        decoded = _decode_as(body, claim)
        if decoded is None:
            continue  # a charset Python does not know, or bytes that are not in it
        text, codec = decoded
        if detected is None or text == detected[0] or codec in plausible:
            return text, "declared"  # the declaration and the bytes agree
    if detected is not None:
        return detected[0], "detected"
    return body.decode("utf-8", errors="replace"), "replaced"


# Browsers (WHATWG Encoding) read pages labelled ISO-8859-1 or US-ASCII as windows-1252, and
# pages so labelled use its curly quotes and dashes (0x80-0x9F), which Latin-1 makes control characters.
_BROWSER_CODEC = {"iso8859-1": "cp1252", "ascii": "cp1252"}


def _codec(name: str) -> str | None:
    """One name per codec, compared as such: "latin-1", "ISO_8859-1" and "iso-8859-1" are all iso8859-1."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _browser_codec(name: str) -> str | None:
    codec = _codec(name)
    return _BROWSER_CODEC.get(codec, codec) if codec else None


def _decode_as(body: bytes, charset: str, lenient: bool = False) -> tuple[str, str] | None:
    """``body`` in ``charset`` read as browsers do, and the codec used; None when it cannot be.

    ``lenient``: bytes the charset lacks become U+FFFD instead of failing.
    """
    codec = _codec(charset)
    if codec is None:
        return None
    for name in dict.fromkeys((_BROWSER_CODEC.get(codec, codec), codec)):
        try:
            return body.decode(name), name
        except UnicodeDecodeError:
            continue
    return (body.decode(codec, errors="replace"), codec) if lenient else None


def extract(raw: RawDocument) -> Article:
    """Extract one article; raise ExtractionError when there is none."""
    text, charset_source = decode(raw.body, raw.encoding)
    text = drop_controls(text)
    if raw.content_type == "text/plain":
        body, md, removed, text_source = _extract_plain(raw, text)
    else:
        body, md, removed, text_source = _extract_html(raw, text)
    if not has_prose(body):
        raise ExtractionError("no article text found")
    v, provenance = md.values, dict(md.provenance, text=text_source, encoding=charset_source)
    page = text if raw.content_type != "text/plain" else None
    access, provenance["access"] = paywall.access(v.get("access"), provenance.get("access"), body, page)
    language, language_source = choose(v.get("language"), provenance.get("language"), body)
    if language_source:
        provenance["language"] = language_source
    meta: dict[str, Any] = {"removed_blocks": dict(removed)} if removed else {}
    if md.rejected:
        meta["rejected"] = md.rejected
    authors = v.get("authors") or []
    return Article(
        url=raw.url,
        source=raw.source,
        origin=raw.origin,
        text=body,
        title=v.get("title"),
        author="; ".join(authors) or None,
        authors=authors,
        published=v.get("published"),
        modified=v.get("modified"),
        language=language,
        access=access,
        text_quality=text_quality(body),
        site_name=v.get("site_name"),
        canonical_url=v.get("canonical_url") if v.get("canonical_url") != raw.url else None,
        description=v.get("description"),
        image=v.get("image"),
        date_confidence=v.get("date_confidence"),
        provenance=provenance,
        extractor=EXTRACTOR_VERSION,
        text_hash=text_hash(body),
        meta=meta,
    )


def _extract_plain(raw: RawDocument, text: str) -> tuple[str, Metadata, Counter, str]:
    title_line = plaintext.headline(text)
    blocks = clean_blocks(plaintext.to_blocks(text, skip_first=title_line is not None))
    md = gather(raw.url, raw.hints, first_line=title_line)
    return kept_text(blocks), md, Counter(b.removed for b in blocks if b.removed and b.removed != "empty"), "text"


def _extract_html(raw: RawDocument, text: str) -> tuple[str, Metadata, Counter, str]:
    tree = load_html(bounded(text))
    if tree is None:
        raise ExtractionError("not an HTML document")
    tree = oldmarkup.normalise(tree)
    link_texts = LinkTexts(tree)
    url = None if raw.url.startswith("file:") else raw.url
    # Precision mode without trafilatura's readability/jusText comparison: as good on news pages
    # and a third faster. Pages where it finds next to nothing get second opinions.
    document = _trafilatura(tree, url, favor_precision=True, fast=True)
    text_source = "trafilatura"
    for label, favor_precision, factor in (("trafilatura-fallbacks", True, 1.2), ("trafilatura-default", False, 3)):
        found = len((document.text if document else None) or "")
        if found >= SHORT_TEXT_CHARS:
            break
        second = _trafilatura(tree, url, favor_precision=favor_precision, fast=False)
        if second is not None and len(second.text or "") > factor * found:
            document, text_source = second, label
    if document is not None and document.body is not None:
        if recover_chunks(tree, document.body):
            text_source += "+chunks"
        if recover_embeds(tree, document.body):
            text_source += "+embeds"
    jsonld = jsonld_objects(tree)  # read once, for the metadata and for the articleBody
    md = gather(raw.url, raw.hints, tree, jsonld=jsonld)
    body, removed = "", Counter[str]()
    if document is not None and document.body is not None:
        blocks = _body_blocks(document.body)
        clean_blocks(blocks, md.title_candidates, link_texts)
        for block in blocks:
            if block.removed:
                if block.removed != "empty":
                    removed[block.removed] += 1
                element = cast(etree._Element, block.ref)
                parent = element.getparent()
                if parent is not None:
                    parent.remove(element)
        body = xmltotxt(document.body, False).strip()
    ld_body = _jsonld_body(tree, body, jsonld)
    if ld_body:  # structured data carries boilerplate too ("Read more: ...")
        blocks = clean_blocks(plaintext.to_blocks(ld_body), md.title_candidates)
        body, text_source = kept_text(blocks), "jsonld"
    return body, md, removed, text_source


def _trafilatura(tree: etree._Element, url: str | None, favor_precision: bool, fast: bool) -> Document | None:
    """trafilatura's body (no metadata: ours is gathered apart, with provenance), comments off."""
    document = trafilatura.bare_extraction(
        tree, url=url, favor_precision=favor_precision, fast=fast, include_comments=False, with_metadata=False,
        config=_CONFIG,
    )  # fmt: skip
    return document if isinstance(document, Document) else None


class LinkTexts(Container[str]):
    """The page's link texts, normalised, collected on first use (many pages never ask)."""

    def __init__(self, tree: etree._Element):
        self._tree = tree
        self._texts: set[str] | None = None

    def __contains__(self, text: object) -> bool:
        if self._texts is None:
            self._texts = {normalise_link_text(a.text_content()) for a in self._tree.iter("a")}
        return text in self._texts


def _body_blocks(body) -> list[Block]:
    """Top-level blocks of trafilatura's output tree; list items one block each."""
    blocks: list[Block] = []
    group = 0
    for element in body:
        if element.tag == "list":
            group += 1
            blocks.extend(Block("item", " ".join(item.itertext()), group, ref=item) for item in element.iter("item"))
        else:
            kind = {"head": "head", "p": "p"}.get(element.tag, "other")
            heading = re.fullmatch(r"h([1-6])", element.get("rend") or "")
            level = int(heading.group(1)) if heading else 0
            blocks.append(Block(kind, " ".join(element.itertext()), ref=element, level=level))
    return blocks


def _shingles(text: str, n: int = 4) -> Counter:
    tokens = words(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(max(0, len(tokens) - n + 1)))


def _jsonld_body(tree, extracted: str, jsonld: list[dict]) -> str | None:
    """JSON-LD ``articleBody`` when it is the page's own text and holds more than the extraction.

    Structured data is often a teaser, a truncated copy or another article's body; it is used
    only when (1) nearly all of it appears in the visible page, (2) it contains most of what
    trafilatura extracted, and (3) it is longer, i.e. trafilatura missed paragraphs.
    """
    found = [o.get("articleBody") for o in jsonld]
    candidates = [c for c in found if isinstance(c, str) and len(c) >= MIN_TEXT_CHARS]
    if not candidates:
        return None
    body = max(candidates, key=len)
    if "<" in body:
        body = re.sub(r"<(br|/p|/div|/h\d|/li)\b[^>]*>", "\n", body, flags=re.I)
        body = re.sub(r"<[^>]+>", " ", body)
    body = html_lib.unescape(body)
    body = "\n".join(" ".join(line.split()) for line in body.splitlines() if line.strip())
    if len(body) < 1.02 * len(extracted):  # not longer: nothing to gain
        return None
    ld = _shingles(body)
    page = _shingles(" ".join(tree.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]")))
    on_page = sum((ld & page).values()) / max(1, sum(ld.values()))
    mine = _shingles(extracted)
    covered = sum((mine & ld).values()) / max(1, sum(mine.values())) if mine else 1.0
    if on_page < 0.9 or covered < 0.8:
        LOGGER.debug("JSON-LD articleBody rejected: %.2f on the page, covers %.2f of the extraction", on_page, covered)
        return None
    return body

"""Parts of the article body the extractor left out: sibling chunks and embedded posts.

Many sites cut a long article into several containers of the same kind (``<div class="body
chunk">`` x 4) with ads or newsletter boxes between them; trafilatura then often keeps only the
first chunk. When the extracted paragraphs sit in one such container and its siblings of the
same tag and class hold more prose, their paragraphs are added in document order. Siblings only
(same parent), and never past a new ``<h1>``: a next article on an infinite-scroll page lives
in its own container, not beside the first chunk.

Embedded social posts (tweets, Instagram posts quoted in the story) are part of what the
article says; trafilatura often drops them. Those inside the article's container come back
after the paragraph that precedes them.
"""

from __future__ import annotations

from lxml import etree

from archive.extract.boilerplate import is_sentence, words

_EMBEDS = (
    './/blockquote[contains(@class, "twitter-tweet") or contains(@class, "instagram-media")'
    ' or contains(@class, "tiktok-embed") or contains(@class, "bluesky-embed") or contains(@class, "mastodon-embed")]'
)
_FIND_EMBEDS = etree.XPath(_EMBEDS)
MAX_LEVELS = 4  # how far above the paragraph's container to look for the chunk element
_PROSE_WORDS = 15


def _norm(text: str) -> str:
    return " ".join(text.split())


def _prose(element) -> list[str]:
    """Paragraph texts of running prose inside ``element``, in document order."""
    found = []
    for p in element.iter("p"):
        if any(a.tag in ("aside", "figure", "figcaption", "blockquote", "nav", "footer") for a in p.iterancestors()):
            continue
        text = _norm(p.text_content())
        if len(words(text)) >= _PROSE_WORDS and is_sentence(text):
            found.append(text)
    return found


def _chunk_siblings(paragraph):
    """The chunk holding ``paragraph`` and its siblings of the same tag and class (first level that has some)."""
    element = paragraph
    for _ in range(MAX_LEVELS):
        parent = element.getparent()
        if parent is None:
            return None, []
        label = element.get("class")
        if label:
            same = [s for s in parent if s is not element and s.tag == element.tag and s.get("class") == label]
            if same:
                return element, same
        element = parent
    return None, []


def recover_chunks(tree, body) -> int:
    """Add to trafilatura's ``body`` the prose of sibling chunks it missed; return paragraphs added."""
    extracted = [_norm(" ".join(el.itertext())) for el in body if el.tag == "p"]
    extracted_set = set(extracted)
    anchor = next((t for t in extracted if len(words(t)) >= _PROSE_WORDS), None)
    if anchor is None:
        return 0
    paragraph = next((p for p in tree.iter("p") if _norm(p.text_content()) == anchor), None)
    if paragraph is None:
        return 0
    chunk, siblings = _chunk_siblings(paragraph)
    if chunk is None:
        return 0
    missing: list[str] = []
    for sibling in siblings:
        if sibling.getparent() is not chunk.getparent():
            continue
        if next(sibling.iter("h1"), None) is not None:
            break  # another article starts here
        missing.extend(t for t in _prose(sibling) if t not in extracted_set)
    if not missing:
        return 0
    # insert after the last extracted paragraph that the first chunk holds (or at the end)
    in_chunk = set(_prose(chunk))
    position = max(
        (i for i, el in enumerate(body) if el.tag == "p" and _norm(" ".join(el.itertext())) in in_chunk),
        default=len(body) - 1,
    )
    missing = list(dict.fromkeys(missing))
    for offset, text in enumerate(missing):
        element = etree.Element("p")
        element.text = text
        body.insert(position + 1 + offset, element)
    return len(missing)


def _grams(text: str, n: int = 3) -> set[tuple[str, ...]]:
    tokens = words(text.lower())
    return {tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1))}


def _embed_lines(quote) -> list[str]:
    """The post's paragraphs, then its attribution line ("— Name (@handle) date")."""
    lines = [_norm(p.text_content()) for p in quote.iter("p")]
    rest = [quote.text or ""]
    for child in quote:
        if child.tag != "p":
            rest.append(child.text_content())
        rest.append(child.tail or "")
    return [line for line in lines + [_norm(" ".join(rest))] if line]


def recover_embeds(tree, body) -> int:
    """Add embedded posts of the article's container that ``body`` lacks; return posts added."""
    if not _FIND_EMBEDS(tree):
        return 0  # most pages embed no post: spare reading the text of every paragraph
    position_of = {_norm(" ".join(el.itertext())): i for i, el in enumerate(body) if el.tag == "p"}
    anchors = [p for p in tree.iter("p") if _norm(p.text_content()) in position_of]
    if len(anchors) < 2:
        return 0
    first, last = anchors[0], anchors[-1]
    container = next((a for a in first.iterancestors() if last in a.iterdescendants()), None)
    if container is None:
        return 0
    quotes = set(_FIND_EMBEDS(container))
    if not quotes:
        return 0
    have = _grams(" ".join(" ".join(el.itertext()) for el in body))
    added, inserted = 0, 0
    anchor_set = set(anchors)
    previous = -1
    for element in container.iter():
        if element in anchor_set:
            previous = position_of[_norm(element.text_content())]
        elif element in quotes:
            lines = _embed_lines(element)
            post = _grams(" ".join(lines))
            if not post or len(post & have) >= 0.5 * len(post):
                continue  # already extracted, perhaps formatted differently
            for offset, line in enumerate(lines):
                quote = etree.Element("quote")
                quote.text = line
                body.insert(previous + 1 + inserted + offset, quote)
            inserted += len(lines)
            added += 1
    return added

"""Generic boilerplate rules over the blocks of an extracted article (HTML or plain text).

trafilatura keeps some page furniture that single-page heuristics cannot tell from prose:
the headline repeated at the top, datelines, UI labels ("Select Language:"), calls to action
("Sign up for our newsletter"), and lists of other articles' headlines under a short heading
("Latest news", "Related", "Don't miss"). Each rule here looks only at the shape and wording
of a block, never at a site, so it holds for news text in general.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from dataclasses import dataclass, field

# Kinds: head (heading), p (paragraph), item (list item; ``group`` numbers the list), other.


@dataclass
class Block:
    kind: str
    text: str
    group: int = -1  # list id for items
    removed: str | None = None  # reason, once a rule drops the block
    ref: object = None  # the XML element behind the block, for HTML
    level: int = 0  # heading level (1 for h1), when known
    # ``words(text)`` counted once: every rule asks for it, some several times per block
    _words: int | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def word_count(self) -> int:
        if self._words is None:
            self._words = len(words(self.text))
        return self._words


_WORD = re.compile(r"\w+", re.UNICODE)
_TERMINAL = (".", "!", "?", "…", '"', "”", "’", "»", ")", ";")
_MONTHS = (
    r"jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?"
    r"|januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre"
    r"|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
    r"|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|dezembro"
)
_DATE = re.compile(
    rf"\b(\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|({_MONTHS})\.?\s+\d{{1,2}}\b|\d{{1,2}}\.?\s+(de\s+)?({_MONTHS})\b"
    r"|\d{1,2}:\d{2}\s*([ap]\.?m\.?)?|\b\d+\s+(minutes?|hours?|days?)\s+ago)",
    re.IGNORECASE,
)
_DATELINE_WORDS = re.compile(
    r"\b(updated|published|posted|publicado|veröffentlicht|aktualisiert|publié|mis à jour|last modified|by)\b",
    re.IGNORECASE,
)
# Whole-block interface labels: menus, sharing, language pickers.
_UI_LABEL = re.compile(
    r"^(select (your )?language|language|languages|menu|main menu|search|share( this( article| story| page)?)?|print|email|"
    r"sign in|log in|login|register|subscribe|skip to (main )?content|advertisement|advertising|sponsored( content)?|"
    r"comments?|\d+ comments?|tags?|topics|related( articles| stories| content| posts)?|back to top|next( article| story)?|"
    r"previous( article| story)?|close|toggle navigation|follow us|share on \w+|tweet|whatsapp|facebook|twitter|linkedin|"
    r"thank you|order reprints|reprints|print article|print this (page|article)|[\w' ]{0,30}newsletter)\s*[:|.!]?$",
    re.IGNORECASE,
)
# Messages of page widgets (sharing, reprints, error boxes) that end up in the text.
_WIDGET_MESSAGE = re.compile(
    r"^(an error (has )?occurred|please try again( later)?|this (article|story) has been sent to|"
    r"this copy is for your personal,? non-commercial use|you have \d+ (free )?articles? left|"
    r"already a (subscriber|member)\?)",
    re.IGNORECASE,
)
# Lead-ins of cross-links: "Read more: ...", "Related: ...", "SEE MORE: ...".
_CROSS_LINK = re.compile(
    r"^(read more|read also|also read|also on [\w.]+|related|related article|see more|see also|more|more from [\w .]+|don'?t miss|"
    r"recommended|most read|watch|listen|download|itunes|spotify|latest)\s*[:|>»]",
    re.IGNORECASE,
)
# Short headings that introduce lists of other articles.
_LIST_HEADING = re.compile(
    r"^(latest( news| stories| articles)?|related( news| articles| stories| posts| coverage)?|more (news|stories|on this|from)\b.*|"
    r"read (more|next|also)|see (more|also)|also (read|on)\b.*|don'?t miss|you (may|might) (also )?like|recommended( for you)?|"
    r"most (read|popular|viewed)|trending( now)?|popular( now)?|top stories|in other news|editor'?s picks?|what to read next|"
    r"further reading|news feed)\s*:?$",
    re.IGNORECASE,
)
_IMPERATIVE = re.compile(
    r"^(sign up|subscribe|follow|click|download|listen|watch|join|like us|share|tell us|send us|start your day|"
    r"become a (member|subscriber)|get (access|the|our)|get\b.{0,60}\bdelivered)\b",
    re.IGNORECASE,
)
_CTA_OBJECT = re.compile(
    r"(\b(newsletters?|podcasts?|inbox|letterbox|twitter|facebook|instagram|youtube|subscriptions?|click here|"
    r"app store|google play|what you think|here)\b|@\w+)",
    re.IGNORECASE,
)
_CONTACT = re.compile(
    r"\b((e-?mail|write to)\s+(\w+\s){1,3}at\s+\S+@\S+|follow\s+(\w+\s){0,3}on\s+(twitter|facebook|instagram)|follow (him|her|them|us) @\w+)",
    re.IGNORECASE,
)
# A notice, not a story about copyright: the sign, "Copyright (c)/2024 ...", "Copyright Name 2024".
_COPYRIGHT = re.compile(
    r"(©|^copyright\b.{0,40}\b(19|20)\d{2}\b|\bcopyright\s*(\(c\)|\d{4})|\ball rights reserved\b)", re.IGNORECASE
)
_LIKED = re.compile(r"(did you )?(like|enjoy(ed)?|love) this (story|article|post|video)\?", re.IGNORECASE)
_SIGN_UP = re.compile(r"\b(sign up|subscribe)\b.{0,80}\b(newsletter|today|free|inbox|here|now)\b", re.IGNORECASE)
_SHORTCODE = re.compile(r"\[(/[a-z_]+|[a-z_]+\s[^\]]*=[^\]]*)\]", re.IGNORECASE)  # WordPress [tag a=b]..[/tag]
_SECTION_TAG = re.compile(r"\[[A-Z][A-Z ]{2,20}\]\s*\|?\s*$")  # "headline [VIDEO]", "[INSIGHT]|"


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def is_sentence(text: str) -> bool:
    """Ends like prose does."""
    return text.rstrip().endswith(_TERMINAL)


def is_headline_like(text: str, min_words: int = 4, n: int | None = None) -> bool:
    """A title of some other article: 4-25 words, no sentence ending, no colon at the end
    (``n``: the text's word count, when known)."""
    n = len(words(text)) if n is None else n
    stripped = text.rstrip()
    if _SECTION_TAG.search(stripped):
        return n >= 2
    return min_words <= n <= 25 and len(stripped) <= 200 and not stripped.endswith(_TERMINAL + (":", ","))


def is_title_case(text: str) -> bool:
    """Most words capitalised, as in English headline style."""
    ws = [w for w in words(text) if w.isalpha() and len(w) > 3]
    return len(ws) >= 2 and sum(w[0].isupper() for w in ws) >= 0.7 * len(ws)


def is_substantial(block: Block) -> bool:
    """A paragraph of running prose."""
    return block.kind in ("p", "other") and block.word_count >= 15 and is_sentence(block.text)


def _norm(text: str) -> str:
    return " ".join(w.lower() for w in words(text))


def _is_dateline(text: str, n: int) -> bool:
    """ "Published 5 March 2024, 10:00", "Updated at 1:23 p.m.": a date, few words, not a sentence."""
    if n > 20 or not _DATE.search(text):
        return False
    return n <= 8 or (_DATELINE_WORDS.search(text) is not None and not is_sentence(text))


def is_call_to_action(text: str, n: int | None = None) -> bool:
    """A prompt to sign up, follow or share, a contact line, a copyright notice (``n``: the
    text's word count, when known)."""
    n = len(words(text)) if n is None else n
    if n > 60:
        return False
    # Most blocks are prose that no rule matches, and the searches below scan the whole block.
    # An ASCII block lacking every rule's literal cannot match it (in ASCII, case-insensitive
    # matching is lower-casing; other scripts have letters such as the long s that match "s"),
    # so those searches are skipped for it.
    low = text.lower() if text.isascii() else None
    if _SHORTCODE.search(text) and len(_SHORTCODE.sub("", text).split()) <= 8:
        return True
    if n <= 40 and (low is None or "@" in low or "follow" in low) and _CONTACT.search(text):
        return True
    if n <= 12 and (low is None or "copyright" in low or "all rights" in low) and _COPYRIGHT.search(text):
        return True
    if _IMPERATIVE.match(text) and _CTA_OBJECT.search(text):
        return True
    if _LIKED.match(text):
        return True
    return (low is None or "sign up" in low or "subscribe" in low) and _SIGN_UP.search(text) is not None


def clean_blocks(
    blocks: list[Block], titles: Iterable[str | None] = (), link_texts: Container[str] | None = None
) -> list[Block]:
    """Mark boilerplate blocks (``removed`` = reason); return the blocks.

    ``link_texts`` are the normalised texts of the page's links (HTML only): a headline that is
    a whole link points to another article.
    """
    body = [i for i, b in enumerate(blocks) if is_substantial(b)]
    first_body = body[0] if body else len(blocks)
    last_body = body[-1] if body else -1
    norm_titles = {_norm(t) for t in titles if t}
    for i, block in enumerate(blocks):
        text = block.text.strip()
        n = block.word_count  # stripping removes no word
        leading, trailing = i < first_body, i > last_body
        if not text or n == 0:
            block.removed = "empty"
        elif leading and _norm(text) in norm_titles:
            block.removed = "title"
        elif _UI_LABEL.match(text) or (leading and n <= 3 and text.endswith(":")):
            block.removed = "ui-label"
        elif leading and _is_dateline(text, n):
            block.removed = "dateline"
        elif _WIDGET_MESSAGE.match(text):
            block.removed = "widget-message"
        elif trailing and block.kind == "head" and block.level == 1:
            block.removed = "next-article"  # an article has one h1, its title; a later one starts another
        elif is_call_to_action(text, n):
            block.removed = "call-to-action"
        elif (_CROSS_LINK.match(text) and not is_sentence(text.split(":", 1)[-1])) or _SECTION_TAG.search(text):
            block.removed = "cross-link"
    is_link = (lambda b: _norm(b.text) in link_texts) if link_texts is not None else (lambda b: False)
    _mark_headline_lists(blocks, last_body, is_link, link_texts is not None)
    _mark_trailing_headlines(blocks, is_link, link_texts is not None)
    return blocks


def normalise_link_text(text: str) -> str:
    return _norm(text)


def _mark_headline_lists(blocks: list[Block], last_body: int, is_link, has_links: bool) -> None:
    """Lists of other articles' headlines, with the short heading or cross-link that introduces them."""
    i = 0
    while i < len(blocks):
        j = i
        if blocks[i].kind == "item":
            while j < len(blocks) and blocks[j].kind == "item" and blocks[j].group == blocks[i].group:
                j += 1
        else:  # a run of short unpunctuated lines acts as a list too
            while j < len(blocks) and blocks[j].kind != "item" and _headline_like(blocks[j], 5):
                j += 1
        run = blocks[i:j]
        if len(run) >= 2:
            heading = blocks[i - 1] if i > 0 else None
            introduced = heading is not None and (
                _LIST_HEADING.match(heading.text.strip()) is not None or heading.removed == "cross-link"
            )
            headlines = [b for b in run if _headline_like(b)]
            share = len(headlines) / len(run)
            after_body = i > last_body
            title_case = sum(is_title_case(b.text) for b in run) >= 0.6 * len(run)
            links = sum(is_link(b) for b in run) >= 0.6 * len(run)
            if share >= 0.8 and (
                introduced or (after_body and (links or (not has_links and title_case and len(run) >= 3)))
            ):
                for b in run:
                    b.removed = b.removed or "headline-list"
                if heading is not None and (introduced or _heads_a_list(heading)):
                    heading.removed = heading.removed or "headline-list"
        i = max(j, i + 1)


def _heads_a_list(block: Block) -> bool:
    """A heading over nothing but a list of other articles, in any language: a short heading
    element, or a short line that is no sentence ("Neueste Nachrichten", "Últimas noticias")."""
    n = block.word_count
    if block.kind == "head":
        return n <= 6
    return block.kind in ("p", "other") and n <= 4 and not is_sentence(block.text)


def _mark_trailing_headlines(blocks: list[Block], is_link, html: bool) -> None:
    """After the last prose paragraph, linked headlines (or, in plain text, a run of three
    title-case headline-like lines) are a list of other articles."""
    kept = [b for b in blocks if not b.removed]
    run: list[Block] = []
    for block in reversed(kept):
        if is_substantial(block) or not _headline_like(block, 5):
            break
        run.append(block)
    if html:
        run = run if sum(is_link(b) for b in run) >= 0.6 * len(run) else []
        if run and len(run) >= 2 and len(kept) > len(run) + 1:
            heading = kept[-len(run) - 1]
            if heading.kind == "head" and heading.word_count <= 6:
                run.append(heading)  # the heading over nothing but links
    elif len(run) < 3 or sum(is_title_case(b.text) for b in run) < 0.6 * len(run):
        run = []
    if run and len(run) < len(kept):
        for b in run:
            b.removed = "trailing-headlines"


def _headline_like(block: Block, min_words: int = 4) -> bool:
    return is_headline_like(block.text, min_words, block.word_count)


def kept_text(blocks: list[Block]) -> str:
    """Plain text of the blocks that remain, one block per line, list items as ``- item``."""
    lines = []
    for b in blocks:
        if b.removed:
            continue
        lines.append(f"- {b.text.strip()}" if b.kind == "item" else b.text.strip())
    return "\n".join(lines)

"""Which kind of change a new capture of an article is: headline, minor, update or correction.

A correction is told by structure: a paragraph that was not there before and opens with a
correction marker ("Correction:", "Clarification:", "Editor's note:", "Berichtigung:",
"Corrección:", "Rectificatif :", ...) or with the formula newsrooms append ("This article was
amended on ...", "An earlier version of this story ..."), in the languages below; or a headline
that gained such a prefix (wire services' "CORRECTED-"). Otherwise the paragraphs are aligned
(difflib): a paragraph added, removed or rewritten is an ``update``; edits of a few words inside
paragraphs are ``minor``; a new headline over such edits is ``headline``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import asdict, dataclass

from archive.history.worddiff import compare, words
from archive.textnorm import normalize

KINDS = ("first", "headline", "minor", "update", "correction", "removed", "restored")

# Notice headings, by language: en, de, es, fr, it, pt, nl. Followed by ':', '.', or a dash.
_HEADINGS = (
    r"corrections?|clarifications?|editor[’']?s note|note to readers|correction appended"
    r"|berichtigung|korrektur|richtigstellung|anmerkung der redaktion|hinweis der redaktion"
    r"|correcci[oó]n|fe de erratas|aclaraci[oó]n|nota del editor|nota de la redacci[oó]n"
    r"|rectificatif|erratum|pr[ée]cision|note de la r[ée]daction|correctif"
    r"|rettifica|errata corrige|precisazione|nota della redazione"
    r"|corre[cç][aã]o|errata|nota da reda[cç][aã]o|esclarecimento"
    r"|correctie|rectificatie|noot van de redactie|verbetering"
)
# Sentences that say the piece itself was corrected.
_FORMULAS = (
    r"this (?:article|story|report|piece|headline|post) (?:was|has been) (?:amended|corrected|changed|updated) (?:on|to)"
    r"|an earlier version of this (?:article|story|report|piece|headline)"
    r"|in einer (?:früheren|frueheren|vorherigen) (?:version|fassung) dieses (?:artikels|beitrags|textes)"
    r"|dieser (?:artikel|beitrag) wurde (?:am .{0,30} )?(?:korrigiert|berichtigt)"
    r"|una versi[oó]n anterior de (?:este art[ií]culo|esta noticia|esta nota)"
    r"|une (?:pr[ée]c[ée]dente|premi[eè]re) version de cet article"
    r"|una versione precedente di questo articolo"
    r"|uma vers[aã]o anterior des(?:te|ta) (?:artigo|reportagem|not[ií]cia)"
    r"|een eerdere versie van dit artikel"
)
NOTICE = re.compile(rf"^\W{{0,3}}(?:(?:{_HEADINGS})\s*[:.\-–—]|(?:{_FORMULAS}))", re.I)
CORRECTED_HEADLINE = re.compile(
    r"^\W{0,3}(?:corrected|correction|clarification|berichtigt|korrigiert|corregido|rectifi[ée]|rettificato)\b", re.I
)


@dataclass(frozen=True)
class ChangeRules:
    """Thresholds of the classification; their fingerprint is stored with each version."""

    minor_words: int = 4  # at most this many words changed is minor, whatever the article's length ...
    minor_share: float = 0.03  # ... or at most this share of its words
    same_paragraph: float = 0.5  # aligned paragraphs at least this similar (words) are the same one, edited

    def fingerprint(self) -> str:
        return hashlib.sha1(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:12]


def paragraphs(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def new_notices(before: str | None, after: str | None) -> list[str]:
    """Paragraphs of ``after`` that are correction notices and were not in ``before``."""
    seen = {normalize(p) for p in paragraphs(before)}
    return [p for p in paragraphs(after) if NOTICE.match(p) and normalize(p) not in seen]


def restructured(before: list[str], after: list[str], rules: ChangeRules) -> bool:
    """Whether a paragraph was added, removed or rewritten (not just edited)."""
    old, new = [normalize(p) for p in before], [normalize(p) for p in after]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag in ("insert", "delete") or (tag == "replace" and i2 - i1 != j2 - j1):
            return True
        if tag == "replace":
            for a, b in zip(old[i1:i2], new[j1:j2]):
                if difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio() < rules.same_paragraph:
                    return True
    return False


def classify(
    title_before: str | None,
    text_before: str | None,
    title_after: str | None,
    text_after: str | None,
    rules: ChangeRules | None = None,
) -> str | None:
    """The kind of change from the previous capture to this one; None when nothing changed."""
    rules = rules or ChangeRules()
    title_changed = (title_before or "").strip() != (title_after or "").strip()
    text_changed = (text_before or "") != (text_after or "")
    if not title_changed and not text_changed:
        return None
    if new_notices(text_before, text_after):
        return "correction"
    if (
        title_changed
        and CORRECTED_HEADLINE.match(title_after or "")
        and not CORRECTED_HEADLINE.match(title_before or "")
    ):
        return "correction"
    if not text_changed:
        return "headline"
    old = words(text_before)
    changed = compare(old, words(text_after)).changed
    small = changed <= max(rules.minor_words, rules.minor_share * len(old))
    if not small or restructured(paragraphs(text_before), paragraphs(text_after), rules):
        return "update"
    return "headline" if title_changed else "minor"

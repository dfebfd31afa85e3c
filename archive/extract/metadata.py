"""Article metadata from several pieces of evidence, each value tagged with where it came from.

Evidence, strongest first: hints (jsonl fields, feeds, sitemaps), JSON-LD, OpenGraph/meta tags,
the page's byline and title (trafilatura), the URL, the first line of a text file. Every value is
sanity-checked (dates between 1990 and tomorrow, modified not before published, authors that
are names) and the date gets a confidence: high (two sources agree), medium (one structured
source), low (a heuristic or a conflict), none.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any
from urllib.parse import urljoin, urlsplit

from archive.extract.boilerplate import is_sentence
from archive.extract.dates import date_fields

LOGGER = logging.getLogger(__name__)

ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "blogposting",
    "report",
    "scholarlyarticle",
    "techarticle",
    "liveblogposting",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "socialmediaposting",
    "webpage",
}
# Desks, roles, wire agencies and web furniture: credits, not a person's name.
_NOT_A_NAME = re.compile(
    r"(https?:|www\.|@|\d|\b(staff|editors?|team|admin|news(room)?|desk|agency|press|contributors?|writer|reporter|"
    r"correspondent|columnist|photographer|bureau|media|reuters|associated|afp|dpa|xinhua|tass|bloomberg|upi)\b|"
    r"\w\.(com|org|net|co|uk|de|fr|it|es|ru|in)\b)",
    re.I,
)
_BY = re.compile(
    r"^\s*((analysis|opinion|commentary|review|story|text|words|reporting|written|photos?)\s+)?(by|von|par|por|di|de)\s+",
    re.I,
)
_LABEL = re.compile(r"^[^\W\d_]+(\s[^\W\d_]+)?\s*:\s*")  # "Text: ", "Words by: ", "Текст: "
_WEEKDAY = re.compile(
    r"\s*(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|updated)\b.*$", re.I
)


@dataclass
class Metadata:
    """Field values and, for each, the evidence it came from."""

    values: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)  # "field=value (source): reason"
    title_candidates: set[str] = field(default_factory=set)  # every headline the page states

    def offer(self, name: str, value: Any, source: str) -> None:
        """Keep the first sane value offered for ``name``."""
        if name in self.values or value in (None, "", []):
            return
        self.values[name] = value
        self.provenance[name] = source


# -- page evidence ---------------------------------------------------------
# Containers whose names are not the article's: sidebars, teasers, footers, comment threads.
_ASIDE = re.compile(
    r"sidebar|aside|related|recommend|widget|promo|teaser|footer|comment|newsletter|popular|trending|most-read", re.I
)
MAX_BYLINES = 20  # byline candidates looked at, in document order


def _byline_candidates(tree) -> Iterator[Any]:
    """Elements marked as an author's, in document order: rel or itemprop "author", a class that
    names a byline or an author (not a list of authors), an id with "byline".

    The same elements as the XPath ``//*[@rel="author" or @itemprop="author" or contains(@class,
    "byline") or contains(@class, "author-name") or contains(@class, "author") and
    not(contains(@class, "authors-list")) or contains(@id, "byline")]``, found lazily: the
    caller stops at the first good byline, and libxml2's XPath took twice as long on whole pages.
    """
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        label = element.get("class") or ""
        if (
            "byline" in label
            or "author-name" in label
            or ("author" in label and "authors-list" not in label)
            or element.get("rel") == "author"
            or element.get("itemprop") == "author"
            or "byline" in (element.get("id") or "")
        ):
            yield element


def html_title(tree, site_name: str | None = None) -> str | None:
    """The single <h1>, else <title> without a " | Site name" suffix."""
    h1 = [h.text_content().strip() for h in tree.iter("h1") if h.text_content().strip()]
    if len(h1) == 1 and len(h1[0].split()) >= 2:
        return " ".join(h1[0].split())
    title = tree.find(".//title")
    text = " ".join((title.text_content() if title is not None else "").split())
    parts = re.split(r"\s+[|–—-]\s+(?=[^|–—-]+$)", text)
    is_site = site_name is not None and parts[-1].lower() == site_name.lower()
    if len(parts) == 2 and (is_site or (len(parts[1].split()) <= 5 and len(parts[1]) < len(parts[0]))):
        return parts[0]  # "Headline | Site name"; "Biden - Trump debate" stays whole
    return text or None


def _in_aside(element) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in ("aside", "nav", "footer"):
            return True
        label = f"{ancestor.get('class', '')} {ancestor.get('id', '')}"
        if _ASIDE.search(label):
            return True
    return False


def byline(tree) -> list[str]:
    """Author names from the page's byline, ignoring sidebars, teasers, footers and comments."""
    for element in islice(_byline_candidates(tree), MAX_BYLINES):
        if element.tag in ("meta", "link", "body", "html", "article") or _in_aside(element):
            continue
        text = " ".join(element.text_content().split())
        if len(text.split()) > 16 or is_sentence(text):
            continue  # a sentence that mentions an author, not a byline
        pieces = split_authors(text)
        names = [name for name in map(clean_author, pieces) if name]
        if len(names) < len(pieces):
            continue  # part of it is not a name: a phrase, not a byline
        if names:
            return names
    return []


def jsonld_objects(tree) -> list[dict]:
    """Article-like JSON-LD objects of the page (also inside @graph and lists)."""
    found: list[dict] = []
    for script in tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'):
        try:
            data = json.loads(script.text or "")
        except (ValueError, TypeError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                kinds = item.get("@type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                if any(isinstance(k, str) and k.lower() in ARTICLE_TYPES for k in kinds):
                    found.append(item)
                stack.extend(
                    v
                    for k, v in item.items()
                    if k in ("@graph", "mainEntity", "mainEntityOfPage") and isinstance(v, (list, dict))
                )
    # an Article beats a WebPage
    found.sort(key=lambda o: str(o.get("@type")).lower() == "webpage")
    return found


def meta_tags(tree) -> dict[str, str]:
    """<meta property|name|itemprop=... content=...>, first value per lower-cased key."""
    tags: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = meta.get("content")
        if key and content and content.strip():
            tags.setdefault(key.strip().lower(), content.strip())
    return tags


def _names(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _first_url(value) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _first_url(value.get("url") or value.get("contentUrl"))
    if isinstance(value, list) and value:
        return _first_url(value[0])
    return None


def _absolute(page_url: str, link: str | None) -> str | None:
    """An http(s) URL, resolving relative links against the page's own URL."""
    link = (link or "").strip()
    if not link:
        return None
    if not link.startswith(("http://", "https://")) and (page_url or "").startswith(("http://", "https://")):
        link = urljoin(page_url, link)
    return link if link.startswith(("http://", "https://")) else None


def _overlaps(text: str, other: str) -> bool:
    """At least half of the words of ``text`` occur in ``other``."""
    mine, theirs = set(re.findall(r"\w+", text.lower())), set(re.findall(r"\w+", other.lower()))
    return bool(mine) and len(mine & theirs) >= 0.5 * len(mine)


def clean_author(name: str, site_name: str | None = None, host: str | None = None) -> str | None:
    """A person's name, or None for sentences, URLs, handles, desks, outlets and the site's own name."""
    name = _BY.sub("", _LABEL.sub("", re.sub(r"\s+", " ", name or "").strip())).strip(" ,;|-")
    name = re.sub(
        r"(?<=[a-z])(?=(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)", " ", name
    )  # glued dates
    name = _WEEKDAY.sub("", name).strip(" ,;|-")
    name = re.split(r"(?<=[a-z]{2})\.\s+", name)[0]  # "Ann Lee. Outlet Name" (but "Trevor J. Mitchell")
    parts = name.split()
    if not name or len(name) > 60 or len(parts) > 5 or _NOT_A_NAME.search(name):
        return None
    if name.endswith((".", "!", "?")) and not re.search(r"\b[A-Z]\.$", name):
        return None
    if not name[0].isupper() or any(len(w) > 3 and not w[0].isupper() for w in parts):
        return None  # "defense ministries": names capitalise every part but particles (van, de, bin)
    if parts and parts[0].lower() in ("the", "a", "an", "our", "your"):
        return None  # "The Water Coolest": a publication, not a person
    if len(parts) == 1 and name.isascii():
        return None  # "Reuters", "Editorial", "RT": outlets and labels; people have two names or more
    if re.search(r"\s[-–|/]\s", name):
        return None  # "Desk - Department"
    squashed = re.sub(r"\W", "", name.lower())
    if site_name and squashed == re.sub(r"\W", "", site_name.lower()):
        return None
    labels = [
        label
        for label in (host or "").lower().split(".")
        if len(label) >= 3 and label not in ("www", "com", "org", "net")
    ]
    words = [re.sub(r"\W", "", w.lower()) for w in parts]
    runs = {"".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
    if runs.intersection(labels):
        # "Business Insider" on businessinsider.com, "Sky News" on news.sky.com: whole words of the
        # name spell a label of the host. Shared letters are not enough ("Skyler Brown" on sky.com).
        return None
    return name


def split_authors(value: str) -> list[str]:
    """ "Ann Lee and Bo Kim", "Ann Lee; Bo Kim" -> names."""
    return [p for p in re.split(r"\s*(?:;|,|\band\b|&|\|)\s*", value if isinstance(value, str) else "") if p]


def hint_kind(hints: dict) -> str:
    """Where hints came from: the crawler marks feed and sitemap entries with their URL."""
    if hints.get("source_kind"):
        return str(hints["source_kind"])
    return "feed" if hints.get("feed") else "sitemap" if hints.get("sitemap") else "hint"


def gather(
    raw_url: str, hints: dict, tree=None, first_line: str | None = None, jsonld: list[dict] | None = None
) -> Metadata:
    """Collect every field from the evidence in order of strength (``tree``: the parsed HTML page;
    ``jsonld``: its ``jsonld_objects``, when the caller has them already)."""
    md = Metadata()
    hint_source = hint_kind(hints)
    host = urlsplit(raw_url).hostname if raw_url.startswith(("http://", "https://")) else None
    if jsonld is None:
        jsonld = jsonld_objects(tree) if tree is not None else []
    meta = meta_tags(tree) if tree is not None else {}
    ld = jsonld[0] if jsonld else {}

    md.offer("site_name", meta.get("og:site_name"), "opengraph")
    md.offer("site_name", next(iter(_names(ld.get("publisher"))), None), "jsonld")
    md.offer("site_name", meta.get("application-name"), "meta")
    site = md.values.get("site_name")

    md.offer("title", hints.get("title") if isinstance(hints.get("title"), str) else None, hint_source)
    page_title = html_title(tree, site) if tree is not None else None
    headline = ld.get("headline") if isinstance(ld.get("headline"), str) else None
    if headline and page_title and not _overlaps(headline, page_title + " " + meta.get("og:title", "")):
        md.rejected.append(f"title={headline!r} (jsonld): not the page's headline")
        headline = None
    md.title_candidates = {t for t in (headline, page_title, meta.get("og:title"), hints.get("title")) if t}
    md.offer("title", headline, "jsonld")
    md.offer("title", meta.get("og:title"), "opengraph")
    md.offer("title", page_title, "html-title")
    md.offer("title", first_line, "first-line")

    for source, candidates in (  # lazily: the byline search is the costly one and rarely needed
        (hint_source, lambda: [n for v in _names(hints.get("author")) for n in split_authors(v)]),
        ("jsonld", lambda: [n for v in _names(ld.get("author")) for n in split_authors(v)]),
        (
            "meta",
            lambda: split_authors(meta.get("author") or meta.get("article:author") or meta.get("dc.creator") or ""),
        ),
        ("byline", lambda: byline(tree) if tree is not None else []),
    ):
        names, bad = [], []
        for candidate in candidates():
            name = clean_author(candidate, site, host)
            if name:
                names.append(name)
            else:
                bad.append(candidate)
        names = list(dict.fromkeys(names))
        md.rejected.extend(f"author={b!r} ({source}): not a name" for b in bad[:3])
        if names:
            md.offer("authors", names, source)
            break

    date_fields(md, raw_url, hints, hint_source, ld, meta, tree)

    lang = tree.get("lang") if tree is not None else None
    md.offer("language", (lang or "").split("-")[0].lower() or None, "html-lang")
    md.offer("language", (meta.get("og:locale") or "").split("_")[0].lower() or None, "opengraph")
    md.offer("language", ld.get("inLanguage") if isinstance(ld.get("inLanguage"), str) else None, "jsonld")
    # What a news sitemap or the sources file says of the outlet's language: weaker than the page's own.
    for key in ("news:language", "language"):
        value = hints.get(key)
        md.offer(
            "language", value.split("-")[0].lower() if isinstance(value, str) and value.strip() else None, hint_source
        )

    canonical = tree.xpath('//link[@rel="canonical"]/@href') if tree is not None else []
    md.offer("canonical_url", _absolute(raw_url, canonical[0] if canonical else None), "link-canonical")
    md.offer("canonical_url", _absolute(raw_url, meta.get("og:url")), "opengraph")

    md.offer("description", meta.get("og:description"), "opengraph")
    md.offer("description", meta.get("description"), "meta")
    md.offer("description", ld.get("description") if isinstance(ld.get("description"), str) else None, "jsonld")

    md.offer("image", _absolute(raw_url, meta.get("og:image")), "opengraph")
    md.offer("image", _absolute(raw_url, _first_url(ld.get("image"))), "jsonld")
    md.offer("image", _absolute(raw_url, meta.get("twitter:image")), "meta")

    free = next((o["isAccessibleForFree"] for o in jsonld if "isAccessibleForFree" in o), None)
    if free is not None:
        md.offer("access", "free" if str(free).strip().lower() in ("true", "1", "yes") else "restricted", "jsonld")
    tier = (meta.get("article:content_tier") or "").strip().lower()
    md.offer("access", {"free": "free", "locked": "restricted", "metered": "restricted"}.get(tier), "meta")
    return md

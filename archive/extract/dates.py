"""Dates of an article: parsing, sanity rules (1990 .. tomorrow, modified not before published)
and a confidence from how many independent sources agree.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archive.extract.metadata import Metadata

EARLIEST = datetime(1990, 1, 1, tzinfo=timezone.utc)  # no news web page is older
STRUCTURED = {"hint", "feed", "sitemap", "jsonld", "meta", "opengraph"}  # sources that state a date explicitly
URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|\b)")


def parse_date(value) -> datetime | None:
    """ISO-8601 and its common variants; naive values are taken as UTC."""
    parsed: datetime | None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        text = value.strip().replace("Z", "+00:00")
        text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)  # +0100 -> +01:00
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            parsed = _loose_date(text)
            if parsed is None:
                return None
    else:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


# Zone abbreviations common in news pages (dateutil knows only UTC/GMT by itself).
_ZONES = {
    name: hours * 3600
    for name, hours in {
        "EST": -5,
        "EDT": -4,
        "CST": -6,
        "CDT": -5,
        "MST": -7,
        "MDT": -6,
        "PST": -8,
        "PDT": -7,
        "BST": 1,
        "CET": 1,
        "CEST": 2,
        "EET": 2,
        "EEST": 3,
        "MSK": 3,
        "IST": 5.5,
        "JST": 9,
        "AEST": 10,
        "AEDT": 11,
    }.items()
}


def _loose_date(text: str) -> datetime | None:
    """Dates written for people ("November 19, 2019, 07:47 PM EST"); unknown zones are ignored."""
    import warnings

    from dateutil import parser as date_parser

    if not re.search(r"\b(19|20)\d{2}\b", text):
        return None  # a year must be written out; "5 May" alone would default to this year
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return date_parser.parse(text, fuzzy=False, tzinfos=_ZONES)
    except (ValueError, OverflowError, TypeError):
        return None


# <meta> names, properties and itemprops of a last-modified date (article:modified_time, og:updated_time,
# lastmod, dateModified, http-equiv last-modified, ...).
_MODIFIED_META = re.compile(r"modif|updated|lastmod|last-mod|revision", re.I)


def _htmldate(tree, url: str) -> str | None:
    """htmldate's original date, from the page's published evidence only.

    Asked for the original date, htmldate still answers with a modified-date <meta> when the
    head has no published one, before it looks at the body's published evidence (<time>,
    "Published 14 August"). Those tags are taken out of the tree while it looks (their dates are
    the modified date's evidence, read separately) and put back after.
    """
    from htmldate import find_date

    hidden = []
    for meta in tree.iter("meta"):
        key = meta.get("name") or meta.get("property") or meta.get("itemprop") or meta.get("http-equiv") or ""
        if _MODIFIED_META.search(key) and meta.getparent() is not None:
            hidden.append((meta.getparent(), meta.getparent().index(meta), meta))
    for parent, _, meta in hidden:
        parent.remove(meta)
    try:
        return find_date(
            tree, extensive_search=False, original_date=True, url=url or None, outputformat="%Y-%m-%dT%H:%M:%S%z"
        )
    except Exception:  # htmldate raises on odd pages; the date is optional evidence
        return None
    finally:
        for parent, index, meta in reversed(hidden):
            parent.insert(index, meta)


def _sane_dates(md: Metadata, candidates: list[tuple[str, object]], now: datetime) -> list[tuple[str, datetime]]:
    """The candidates' parsed dates within 1990 .. tomorrow; the others are recorded as rejected."""
    sane: list[tuple[str, datetime]] = []
    for source, value in candidates:
        parsed = parse_date(value)
        if value and parsed is None:
            md.rejected.append(f"published={value!r} ({source}): not a date")
        elif parsed is not None and not (EARLIEST <= parsed <= now + timedelta(days=1)):
            md.rejected.append(f"published={value!r} ({source}): {'in the future' if parsed > now else 'before 1990'}")
        elif parsed is not None:
            sane.append((source, parsed))
    return sane


def _agreement(sane: list[tuple[str, datetime]]) -> tuple[set[str], list[str]]:
    """The sources that agree with the first (best) date, and the strong ones that contradict it."""
    best = sane[0][1]
    agreeing = {
        s
        for s, d in sane[1:]
        if (abs((d - best).total_seconds()) < 36 * 3600 and s != "htmldate")
        or (s == "htmldate" and d.date() == best.date())
    }
    conflicting = [s for s, d in sane[1:] if abs((d - best).total_seconds()) >= 36 * 3600 and s in STRUCTURED | {"url"}]
    return agreeing, conflicting


def _needs_htmldate(sane: list[tuple[str, datetime]]) -> bool:
    """Whether htmldate's date could change the published date or its confidence, given the others."""
    if not sane:
        return True  # it may be the only date
    agreeing, conflicting = _agreement(sane)
    # A conflict makes the confidence low whatever htmldate says; an agreeing source other than
    # htmldate already decides between high and the rest; only a lone structured date can be
    # raised to high by htmldate's agreement.
    return not conflicting and not agreeing and sane[0][0] in STRUCTURED


def date_fields(md: Metadata, raw_url: str, hints: dict, hint_source: str, ld: dict, meta: dict, tree) -> None:
    """Published and modified dates with sanity checks and a confidence."""
    now = datetime.now(timezone.utc)
    url_match = URL_DATE.search(raw_url or "")
    candidates = [
        (hint_source, hints.get("published")),
        ("jsonld", ld.get("datePublished") or ld.get("dateCreated")),
        (
            "meta",
            meta.get("article:published_time")
            or meta.get("og:published_time")
            or meta.get("datepublished")
            or meta.get("pubdate")
            or meta.get("publishdate")
            or meta.get("date")
            or meta.get("dc.date")
            or meta.get("dc.date.issued"),
        ),
        ("url", "-".join(url_match.groups()) if url_match else None),
    ]
    sane = _sane_dates(md, candidates, now)
    # htmldate (a tenth of a page's extraction time) is asked only when its answer can change
    # the outcome: it is the weakest evidence, counted only as the published date when nothing
    # else has one, or as the agreement that makes a lone structured date "high". Its dates lie
    # within 1995 .. today by its own checks, so it never adds a rejection either.
    if tree is not None and _needs_htmldate(sane):
        sane += _sane_dates(md, [("htmldate", _htmldate(tree, raw_url))], now)
    if sane:
        source, best = sane[0]
        md.offer("published", best, source)
        agreeing, conflicting = _agreement(sane)
        if conflicting:
            md.values["date_confidence"] = "low"
        elif agreeing and (source in STRUCTURED or agreeing & (STRUCTURED | {"url"})):
            md.values["date_confidence"] = "high"
        else:
            md.values["date_confidence"] = "medium" if source in STRUCTURED else "low"
    else:
        md.values["date_confidence"] = "none"

    hint_modified = hints.get("modified") or hints.get("lastmod")
    modified_value = (
        ld.get("dateModified")
        or meta.get("article:modified_time")
        or meta.get("og:updated_time")
        or meta.get("datemodified")
        or hint_modified
    )
    modified = parse_date(modified_value)
    published = md.values.get("published")
    if modified is not None and not (EARLIEST <= modified <= now + timedelta(days=1)):
        md.rejected.append(f"modified={modified_value!r}: outside 1990..today")
    elif modified is not None and published is not None and modified < published - timedelta(minutes=1):
        md.rejected.append(f"modified={modified_value!r}: before the published date")
    elif modified is not None:
        source = "jsonld" if ld.get("dateModified") else ("meta" if modified_value != hint_modified else hint_source)
        md.offer("modified", modified, source)

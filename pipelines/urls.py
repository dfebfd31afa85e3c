"""URL clean-up for crawled pages: tracking parameters off, canonical URL preferred on the same site."""

from __future__ import annotations

from urllib.parse import urldefrag, urlsplit

from courlan import normalize_url

from archive.urls import host_of

WEB_SCHEMES = ("http", "https")


def clean_url(url: str) -> str:
    """The URL with tracking parameters (utm_*, fbclid, gclid, ...) and the fragment removed.

    courlan's tracker list does the work; the host is lower-cased, the path left as is.
    """
    try:
        cleaned = normalize_url(url, strict=False)
    except ValueError:
        cleaned = url
    return urldefrag(cleaned)[0]


def is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in WEB_SCHEMES and bool(parts.hostname)


def article_url(fetched_url: str, canonical: str | None) -> str:
    """The URL an article is stored under: its canonical URL when that is on the same site.

    A canonical URL on another site (a syndicated copy pointing at the original) is kept as
    metadata only, so the copy stays a row of its own and dedup groups it with the original.
    """
    fetched = clean_url(fetched_url)
    if canonical and is_web_url(canonical) and host_of(canonical) == host_of(fetched):
        return clean_url(canonical)
    return fetched

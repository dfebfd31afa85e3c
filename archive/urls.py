"""What every stage agrees a URL's site is."""

from __future__ import annotations

from urllib.parse import urlsplit


def host_of(url: str) -> str:
    """The site of a URL: its lower-case host name without ``www.`` ("" when there is none)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # an invalid IPv6 literal or port
        return ""
    return host.removeprefix("www.")

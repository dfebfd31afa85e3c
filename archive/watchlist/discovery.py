"""Finding an outlet's feeds and sitemaps in pages the crawler fetched, and reading what a list holds.

Feed links in a home page are found by trafilatura's ``feeds.determine_feed`` (the
``<link rel="alternate">`` links, else links that look like feeds); ``Sitemap:`` lines of
robots.txt by Scrapy's ``sitemap_urls_from_robots``. Fetching is left to the crawler:
trafilatura's own fetching refuses loopback and private addresses. ``read_list`` says what a
fetched feed or sitemap is, how many entries it lists and the newest date among them; it is
the one thing here written by hand, as neither library reports it without fetching.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree

# Where news sites commonly put their news sitemap and feed when robots.txt and the home page
# do not say (Google News sitemaps first: they list the last two days' articles).
COMMON_SITEMAPS = ("/news-sitemap.xml", "/sitemap_news.xml", "/sitemap-news.xml", "/sitemaps/news.xml", "/sitemap.xml")
COMMON_FEEDS = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml")
_NEWS_NS = b"google.com/schemas/sitemap-news"


@dataclass
class ListSummary:
    kind: str | None  # feed | sitemap | news sitemap | sitemap index, or None: not a list
    entries: int = 0  # articles (feed items, sitemap URLs) or child sitemaps (an index)
    newest: datetime | None = None
    children: list[str] = field(default_factory=list)  # an index's sitemaps


def feeds_in_page(html: str, url: str) -> list[str]:
    """Feed URLs a page announces, absolute, on the page's own site first."""
    from trafilatura.feeds import FeedParameters, determine_feed

    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}"
    return determine_feed(html, FeedParameters(base, parts.hostname or "", url))


def sitemaps_in_robots(body: bytes, url: str) -> list[str]:
    from scrapy.utils.sitemap import sitemap_urls_from_robots

    return list(dict.fromkeys(sitemap_urls_from_robots(body, base_url=url)))


def candidates(home: str) -> tuple[list[str], list[str]]:
    """(feeds, sitemaps) at the common paths of ``home``'s site."""
    return [urljoin(home, p) for p in COMMON_FEEDS], [urljoin(home, p) for p in COMMON_SITEMAPS]


def read_list(body: bytes) -> ListSummary:
    """What a fetched feed or sitemap (also gzipped) lists."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError, zlib.error):
            return ListSummary(None)
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=True)
    try:
        root = etree.fromstring(body, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return ListSummary(None)
    if root is None:
        return ListSummary(None)
    kind = etree.QName(root).localname.lower()
    if kind == "sitemapindex":
        children = [loc.strip() for loc in root.xpath("//*[local-name()='loc']/text()")]
        return ListSummary("sitemap index", len(children), _newest(root, "lastmod"), children)
    if kind == "urlset":
        news = _NEWS_NS in body[:4096] or bool(root.xpath("//*[local-name()='news']"))
        entries = len(root.xpath("/*/*[local-name()='url']"))
        dates = _newest(root, "publication_date", "lastmod")
        return ListSummary("news sitemap" if news else "sitemap", entries, dates)
    if kind in ("rss", "feed", "rdf"):
        items = root.xpath("//*[local-name()='item' or local-name()='entry']")
        return ListSummary("feed", len(items), _newest(root, "pubDate", "published", "updated", "date"))
    return ListSummary(None)


def _newest(root, *names: str) -> datetime | None:
    test = " or ".join(f"local-name()='{name}'" for name in names)
    newest = None
    for text in root.xpath(f"//*[{test}]/text()"):
        date = list_date(text)
        if date is not None and (newest is None or date > newest):
            newest = date
    return newest


def list_date(text: str | None) -> datetime | None:
    """A feed or sitemap date (RFC 822 or W3C / ISO 8601), aware (UTC when it names no zone), or None."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)

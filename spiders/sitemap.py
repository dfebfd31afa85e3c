"""``sitemap``: sitemap indexes, child sitemaps (also .xml.gz) and Google News sitemaps.

    scrapy crawl sitemap -a url=https://www.example-news.com/news-sitemap.xml
    scrapy crawl sitemap -a url=https://www.example-news.com/      # Sitemap: lines of robots.txt
    scrapy crawl sitemap -a url=... -a since=2024-06-01            # skip older entries

Google News fields (news:title, news:publication_date, news:name, news:language, news:keywords)
are kept as hints, which Scrapy's own SitemapSpider drops.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from urllib.parse import urlsplit

import scrapy
from lxml import etree
from scrapy.http import XmlResponse
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots

from spiders.base import ArticleSpider, iso_date

NEWS_FIELDS = ("title", "publication_date", "keywords", "language", "name")
YIELD_EVERY = 200  # sitemap entries handed to Scrapy per reactor turn


def _parse_xml(body: bytes):
    """The document root, or None; entities are not resolved (no XXE), recovery on."""
    parser = etree.XMLParser(recover=True, remove_comments=True, resolve_entities=False, huge_tree=True)
    try:
        return etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError:
        return None


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element) -> dict[str, object]:
    return {_local(child.tag): child for child in element}


def _text(element) -> str | None:
    return element.text.strip() if element is not None and element.text and element.text.strip() else None


class SitemapSpider(ArticleSpider):
    name = "sitemap"

    def __init__(self, *args, since: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.since = iso_date(since) if since else None

    async def start(self):
        for url in self.given_urls:
            path = urlsplit(url).path
            if path in ("", "/") or path.endswith("/robots.txt"):
                robots = url if path.endswith("robots.txt") else url.rstrip("/") + "/robots.txt"
                yield scrapy.Request(robots, callback=self.parse_robots, errback=self.on_error, dont_filter=True)
            else:
                yield self.sitemap_request(url, dont_filter=True)

    def sitemap_request(self, url: str, **kwargs) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error, **kwargs)

    def parse_robots(self, response):
        urls = list(sitemap_urls_from_robots(response.body, base_url=response.url))
        if not urls:  # the conventional place when robots.txt names none
            urls = [response.urljoin("/sitemap.xml")]
        for url in urls:
            yield self.sitemap_request(url)

    async def parse_sitemap(self, response):
        """Sitemaps can list 50,000 URLs: the XML is parsed in a thread and the entries are
        handed to Scrapy in slices, so the reactor keeps serving downloads meanwhile."""
        body = self.sitemap_body(response)
        if body and self.refuses_entities(body, response.url):
            return
        root = await asyncio.to_thread(_parse_xml, body) if body else None
        kind = _local(root.tag) if root is not None else ""
        if kind == "sitemapindex":
            entries = self.parse_index(root, response)
        elif kind == "urlset":
            entries = self.parse_urlset(root, response)
        else:
            self.count_drop("not a sitemap", response.url)
            return
        for number, request in enumerate(entries, 1):
            yield request
            if number % YIELD_EVERY == 0:
                await asyncio.sleep(0)

    def parse_index(self, root, response):
        for entry in root:
            fields = _children(entry)
            loc = _text(fields.get("loc"))
            if loc and not self.too_old(_text(fields.get("lastmod"))):
                yield self.sitemap_request(response.urljoin(loc))

    def parse_urlset(self, root, response):
        for entry in root:
            fields = _children(entry)
            loc = _text(fields.get("loc"))
            if not loc:
                continue
            hints = {"sitemap": response.url, "lastmod": iso_date(_text(fields.get("lastmod")))}
            news = fields.get("news")
            if news is not None:
                found = {name: _text(el) for name, el in _children(news).items()}
                publication = news.find("{*}publication")
                if publication is not None:
                    found.update({name: _text(el) for name, el in _children(publication).items()})
                hints.update({f"news:{name}": found.get(name) for name in NEWS_FIELDS})
                hints["title"] = found.get("title")
                hints["published"] = iso_date(found.get("publication_date"))
            if self.too_old(hints.get("published") or hints.get("lastmod")):
                continue
            request = self.article_request(response.urljoin(loc), hints)
            if request is not None:
                yield request

    def too_old(self, date: str | None) -> bool:
        date = iso_date(date)
        return bool(self.since and date and datetime.fromisoformat(date) < datetime.fromisoformat(self.since))

    def sitemap_body(self, response) -> bytes | None:
        """The XML of a sitemap response, gunzipped when it is a .gz file."""
        if isinstance(response, XmlResponse):
            return response.body
        if response.body[:2] == b"\x1f\x8b":
            try:
                return gunzip(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except (OSError, ValueError):
                return None
        if response.body.lstrip()[:100].lower().startswith((b"<?xml", b"<urlset", b"<sitemapindex")):
            return response.body
        return None

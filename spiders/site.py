"""``site``: follows links on one host from a start page, to a depth, archiving article pages.

    scrapy crawl site -a url=https://www.example-news.com/ -a depth=2

Article pages are told from home, section and tag pages by their metadata (JSON-LD
NewsArticle and kin, og:type=article), else by their URL (dates, long slugs, numeric ids).
Links are followed from every page up to ``depth``; other hosts are never requested.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import scrapy
from scrapy.http import TextResponse
from scrapy.linkextractors import LinkExtractor

from archive.urls import host_of
from spiders.base import ArticleSpider

ARTICLE_TYPES = {
    "Article",
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "AskPublicNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "Report",
}
LISTING_TYPES = {"CollectionPage", "ItemList", "SearchResultsPage", "ProfilePage"}
_LISTING_PATH = re.compile(
    r"/(tags?|topics?|category|categories|section|sections|author|authors|page|archive|search)(/|$)", re.I
)
_DATED_PATH = re.compile(r"/(19|20)\d\d[/-](0?[1-9]|1[0-2])([/-]|$)")
_NUMERIC_ID = re.compile(r"\d{5,}")
_LONG_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){3,}", re.I)


def jsonld_types(response: TextResponse) -> set[str]:
    """Every schema.org @type in the page's JSON-LD blocks (including @graph members)."""
    found: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            kind = node.get("@type")
            found.update([kind] if isinstance(kind, str) else [k for k in kind or [] if isinstance(k, str)])
            walk(node.get("@graph"))

    for block in response.xpath("//script[@type='application/ld+json']/text()").getall():
        try:
            walk(json.loads(block))
        except ValueError:
            continue
    return found


def page_kind(response: TextResponse) -> str:
    """'article' or 'listing' (home, section, tag and author pages)."""
    types = jsonld_types(response)
    if types & ARTICLE_TYPES:
        return "article"
    og_type = (response.xpath("//meta[@property='og:type']/@content").get() or "").strip().lower()
    if og_type == "article":
        return "article"
    if types & LISTING_TYPES:
        return "listing"
    return "article" if url_looks_like_article(response.url) else "listing"


def url_looks_like_article(url: str) -> bool:
    path = urlsplit(url).path
    if path in ("", "/") or _LISTING_PATH.search(path):
        return False
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return bool(_DATED_PATH.search(path) or _NUMERIC_ID.search(last) or _LONG_SLUG.fullmatch(last.split(".")[0]))


class SiteSpider(ArticleSpider):
    name = "site"

    def __init__(self, *args, depth=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.depth = None if depth in (None, "") else int(depth)
        self.hosts = {urlsplit(url).netloc.lower() for url in self.given_urls}
        # Scrapy's OffsiteMiddleware then also stops redirects to other sites.
        self.allowed_domains = sorted({host_of(url) for url in self.given_urls} - {""})
        self.links = LinkExtractor(unique=True)

    async def start(self):
        if self.depth is None:
            self.depth = self.settings.getint("NEWSARCHIVE_SITE_DEPTH", 2)
        for url in self.given_urls:
            yield scrapy.Request(url, callback=self.parse_page, errback=self.on_error, dont_filter=True)

    def parse_page(self, response):
        if not isinstance(response, TextResponse):
            self.count_drop("not HTML", response.url)
            return
        depth = response.meta.get("depth", 0)
        if depth == 0:  # a start page that redirected (example.com -> www.example.com) brings its host along
            self.hosts.add(urlsplit(response.url).netloc.lower())
        if page_kind(response) == "article":
            document = self.raw_document(response)
            if document is not None:
                yield document
        if depth >= self.depth:
            return
        for link in self.links.extract_links(response):
            if urlsplit(link.url).netloc.lower() not in self.hosts:
                continue
            request = self.article_request(link.url, callback=self.parse_page)
            if request is not None:
                yield request

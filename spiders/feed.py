"""``feed``: RSS and Atom feeds; each item is followed to its full article page.

    scrapy crawl feed -a url=https://www.theguardian.com/world/rss

The feed's title, date and author are kept as hints (the teaser text is not the article).
Given an HTML page instead of a feed, the feeds it announces (<link rel=alternate>) are read.
"""

from __future__ import annotations

import scrapy
from parsel import Selector

from spiders.base import ArticleSpider, iso_date

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
FEED_ROOTS = (b"<rss", b"<feed", b"<rdf:rdf", b"<rdf")


class FeedSpider(ArticleSpider):
    name = "feed"

    async def start(self):
        for url in self.given_urls:
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.on_error, dont_filter=True)

    def parse_feed(self, response):
        head = response.body[:4096].lower()
        if not any(root in head for root in FEED_ROOTS):
            yield from self.announced_feeds(response)
            return
        if self.refuses_entities(response.body, response.url):
            return
        selector = Selector(body=response.body, type="xml", huge_tree=True)
        selector.remove_namespaces()
        entries = selector.xpath("//item | //entry")
        self.logger.info("feed %s: %s items", response.url, len(entries))
        for entry in entries:
            link = self.entry_link(entry)
            if not link:
                self.count_drop("feed item without a link")
                continue
            hints = {
                "title": " ".join(entry.xpath("title//text()").getall()).strip() or None,
                "published": iso_date(self.entry_date(entry)),
                "author": (entry.xpath("creator/text() | author/name/text()").get() or "").strip() or None,
                "feed": response.url,
            }
            request = self.article_request(response.urljoin(link), hints)
            if request is not None:
                yield request

    @staticmethod
    def entry_date(entry: Selector) -> str | None:
        """The publication date: RSS pubDate, Atom published, Dublin Core date; Atom's updated
        (a modification date) only when the entry states none of those, wherever it stands."""
        for field in ("pubDate", "published", "date", "updated"):
            value = entry.xpath(f"{field}/text()").get()
            if value and value.strip():
                return value
        return None

    @staticmethod
    def entry_link(entry: Selector) -> str | None:
        """Atom: the alternate link; RSS: <link>, else a permalink <guid>."""
        link = entry.xpath("link[@rel='alternate']/@href | link[not(@rel)]/@href").get()
        link = link or (entry.xpath("link/text()").get() or "").strip()
        if not link:
            guid = entry.xpath("guid[not(@isPermaLink='false')]/text()").get() or ""
            link = guid.strip() if guid.strip().startswith(("http://", "https://")) else ""
        return link or None

    def announced_feeds(self, response):
        if not hasattr(response, "xpath"):
            self.count_drop("not a feed", response.url)
            return
        links = [
            response.urljoin(href)
            for href in response.xpath("//link[@rel='alternate'][@href]")
            .xpath("self::*[" + " or ".join(f"@type='{t}'" for t in FEED_TYPES) + "]/@href")
            .getall()
        ]
        if not links:
            self.count_drop("not a feed", response.url)
        for link in dict.fromkeys(links):
            yield scrapy.Request(link, callback=self.parse_feed, errback=self.on_error)

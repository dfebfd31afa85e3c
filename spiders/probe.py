"""``discover`` and ``check``: fetch an outlet's pages or lists once and report, archiving nothing.

    scrapy crawl discover -a url=https://www.example-news.com/
    scrapy crawl check -a lists="https://www.example-news.com/rss.xml https://..."

``discover`` reads the home page's announced feeds and robots.txt's ``Sitemap:`` lines, tries
the common feed and news-sitemap paths, and yields one item per list that answered with a real
feed or sitemap. ``check`` yields one item per list: status, kind, entries, newest date. Both
yield plain dicts (``newsarchive sources add`` and ``sources check`` collect them); the
archive's pipelines let them pass.
"""

from __future__ import annotations

import scrapy

from archive.watchlist.discovery import candidates, feeds_in_page, read_list, sitemaps_in_robots
from spiders.base import ArticleSpider, failure_reason

_KIND = "newsarchive_kind"  # meta: what the request was made for (home, robots, feed, sitemap)


class CheckSpider(ArticleSpider):
    """One fetch of each list; an index's child sitemaps are not followed (their count is reported)."""

    name = "check"

    def __init__(self, lists=None, **kwargs):
        super().__init__(urls=lists, **kwargs)

    async def start(self):
        for url in self.given_urls:
            yield self.list_request(url)

    def list_request(self, url: str, kind: str | None = None, **kwargs) -> scrapy.Request:
        return scrapy.Request(
            url, callback=self.parse_list, errback=self.list_failed, meta={_KIND: kind}, dont_filter=True, **kwargs
        )

    def parse_list(self, response):
        summary = read_list(response.body)
        yield {
            "url": response.request.url if response.request else response.url,
            "status": f"HTTP {response.status}" if summary.kind else "not a feed or sitemap",
            "kind": summary.kind,
            "entries": summary.entries,
            "newest": summary.newest.isoformat() if summary.newest else None,
        }

    def list_failed(self, failure):
        self.on_error(failure)
        yield {
            "url": failure.request.url,
            "status": failure_reason(failure),
            "kind": None,
            "entries": 0,
            "newest": None,
        }


class DiscoverSpider(CheckSpider):
    """The lists an outlet publishes, found from its home page."""

    name = "discover"

    def __init__(self, url=None, **kwargs):
        super().__init__(lists=url, **kwargs)
        self.tried: set[str] = set()

    async def start(self):
        for home in self.given_urls:
            yield scrapy.Request(home, callback=self.parse_home, errback=self.home_failed, dont_filter=True)
            robots = home.split("/", 3)[:3]
            yield scrapy.Request("/".join(robots) + "/robots.txt", callback=self.parse_robots_txt, dont_filter=True)

    def parse_home(self, response):
        yield {"home": response.url, "status": f"HTTP {response.status}", "site_name": _site_name(response)}
        announced = feeds_in_page(response.text, response.url) if hasattr(response, "text") else []
        common_feeds, common_sitemaps = candidates(response.url)
        for url in announced or common_feeds:
            yield from self.try_list(url, "feed")
        for url in common_sitemaps:
            yield from self.try_list(url, "sitemap")

    def parse_robots_txt(self, response):
        for url in sitemaps_in_robots(response.body, response.url):
            yield from self.try_list(url, "sitemap")

    def try_list(self, url: str, kind: str):
        if url not in self.tried:
            self.tried.add(url)
            yield self.list_request(url, kind)

    def parse_list(self, response):
        summary = read_list(response.body)
        if summary.kind is None:
            return
        yield {"list": response.request.url if response.request else response.url, "kind": summary.kind}

    def list_failed(self, failure):
        self.on_error(failure)  # a common path that is not there is no news
        return []

    def home_failed(self, failure):
        for item in CheckSpider.list_failed(self, failure):
            yield {"home": item["url"], "status": item["status"]}


def _site_name(response) -> str | None:
    if not hasattr(response, "xpath"):
        return None
    name = response.xpath("//meta[@property='og:site_name']/@content").get()
    return name.strip() if name and name.strip() else None

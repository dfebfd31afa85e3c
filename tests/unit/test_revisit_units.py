"""The revisit crawl's pieces without a server: conditional requests, --revisit-within, 304/404 answers."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from archive.models import GoneArticle
from archive.store.versions import RevisitTarget
from spiders.revisit import RevisitMiddleware
from spiders.urls import UrlsSpider

NOW = datetime.now(timezone.utc)
ARTICLE = "https://news.example/2026/11/20/tram.html"


class Targets:
    """A revisit store in memory: an article first archived ten days ago."""

    def __init__(self):
        self.target = RevisitTarget(ARTICLE, '"abc"', "Sat, 21 Nov 2026 12:00:00 GMT", NOW - timedelta(days=10))

    def targets(self, urls):
        return {url: self.target for url in urls if url == ARTICLE}

    def close(self):
        pass


def fetch(middleware: RevisitMiddleware, url: str) -> Request:
    request = Request(url, meta={"article": True})
    asyncio.run(middleware.process_request(request))
    return request


def test_an_archived_article_is_requested_with_its_validators():
    middleware = RevisitMiddleware(Targets())
    try:
        request = fetch(middleware, ARTICLE)
        assert request.headers["If-None-Match"] == b'"abc"'
        assert request.headers["If-Modified-Since"] == b"Sat, 21 Nov 2026 12:00:00 GMT"
        assert request.meta["revisit"] == ARTICLE
        fresh = fetch(middleware, "https://news.example/2026/11/21/new.html")  # not archived: a plain request
        assert "If-None-Match" not in fresh.headers and "revisit" not in fresh.meta
    finally:
        middleware.close()


def test_revisit_within_skips_articles_first_archived_earlier():
    middleware = RevisitMiddleware(Targets(), within_days=3)
    try:
        with pytest.raises(IgnoreRequest):
            fetch(middleware, ARTICLE)
    finally:
        middleware.close()
    middleware = RevisitMiddleware(Targets(), within_days=30)
    try:
        assert fetch(middleware, ARTICLE).meta["revisit"] == ARTICLE
    finally:
        middleware.close()


def failure(status: int) -> Failure:
    request = Request(ARTICLE, meta={"article": True, "revisit": ARTICLE})
    response = Response(ARTICLE, status=status, request=request)
    try:
        raise HttpError(response, "not handled")
    except HttpError:
        result = Failure()
    result.request = request
    return result


def test_a_304_is_unchanged_and_a_404_or_410_marks_the_article_gone():
    crawler = get_crawler(UrlsSpider)
    spider = UrlsSpider.from_crawler(crawler, url=ARTICLE)
    assert spider.on_error(failure(304)) is None
    for status in (404, 410):
        [gone] = spider.on_error(failure(status))
        assert isinstance(gone, GoneArticle) and gone.url == ARTICLE and gone.status == status
    stats = crawler.stats.get_stats()
    assert stats["newsarchive/revisit/304"] == 1 and stats["newsarchive/revisit/404"] == 1
    assert not any(key.startswith("newsarchive/dropped/") for key in stats)


def test_a_304_lowers_the_autothrottle_delay_as_a_200_does():
    from scrapy.core.downloader import Slot

    from spiders.throttle import SiteDelayAutoThrottle

    crawler = get_crawler(settings_dict={"AUTOTHROTTLE_ENABLED": True, "DOWNLOAD_DELAY": 0})
    throttle = SiteDelayAutoThrottle(crawler)
    throttle.mindelay, throttle.maxdelay = 0.0, 60.0
    for status, lowered in ((304, True), (200, True), (404, False)):
        slot = Slot(concurrency=4, delay=1.0, jitter=0)
        throttle._adjust_delay(slot, 0.01, Response(ARTICLE, status=status))
        assert (slot.delay < 1.0) is lowered, status

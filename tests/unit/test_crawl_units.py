"""Crawl components on their own: URL clean-up, page kinds, feed and sitemap parsing, backoff."""

from __future__ import annotations

import asyncio

from crawl_site import TRAM, ZURICH, article_page, listing_page, syndicated_page
from scrapy.http import HtmlResponse, Request, Response, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from pipelines.stats import drop_reason
from pipelines.urls import article_url, clean_url
from spiders.base import declares_entities, iso_date
from spiders.feed import FeedSpider
from spiders.retry import BackoffRetryMiddleware
from spiders.site import page_kind, url_looks_like_article
from spiders.sitemap import SitemapSpider

BASE = "https://news.example.org"


def collect(agen) -> list:
    async def run():
        return [item async for item in agen]

    return asyncio.run(run())


def html(url: str, text: str, charset: str = "utf-8") -> HtmlResponse:
    return HtmlResponse(url, body=text.encode(charset), headers={"Content-Type": f"text/html; charset={charset}"})


def test_clean_url_strips_tracking_parameters_only():
    url = "https://News.example.org/world/story-123?utm_source=rss&utm_medium=feed&id=7&fbclid=x1&gclid=y#comments"
    assert clean_url(url) == "https://news.example.org/world/story-123?id=7"


def test_article_url_prefers_a_same_site_canonical():
    assert article_url(BASE + "/amp/story?utm_source=x", BASE + "/story") == BASE + "/story"
    assert article_url("https://www.example.org/a", "https://example.org/a") == "https://example.org/a"
    # A syndicated copy pointing at another site keeps its own URL (and stays a row of its own).
    assert (
        article_url("https://partner.example.com/wire/story", BASE + "/story")
        == "https://partner.example.com/wire/story"
    )


def test_iso_date_reads_feed_and_sitemap_dates():
    assert iso_date("Thu, 20 Nov 2026 07:30:00 GMT") == "2026-11-20T07:30:00+00:00"
    assert iso_date("2026-11-16T09:00:00+01:00") == "2026-11-16T09:00:00+01:00"
    assert iso_date("2026-11-16") == "2026-11-16T00:00:00+00:00"
    assert iso_date("yesterday") is None


def test_page_kind_tells_articles_from_listings():
    assert page_kind(html(BASE + TRAM.path, article_page(TRAM, BASE))) == "article"
    assert page_kind(html(BASE + "/world/", listing_page("World", [TRAM.path]))) == "listing"
    # No metadata at all: the URL decides.
    assert page_kind(html(BASE + "/partners/wire/tram-line-harbour-copy.html", syndicated_page(BASE))) == "article"
    assert not url_looks_like_article(BASE + "/tag/tram-line-harbour-news/")
    assert url_looks_like_article(BASE + "/politics/article-20261120-0042")
    assert not url_looks_like_article(BASE + "/sport/")


def test_feed_spider_reads_atom_entries_with_their_dates():
    spider = FeedSpider.from_crawler(get_crawler(FeedSpider), url=BASE + "/atom.xml")
    atom = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
    <entry><title>First story</title><link rel="alternate" href="/2026/11/20/first-story.html?utm_source=atom"/>
    <updated>2026-11-22T10:00:00Z</updated><published>2026-11-20T08:00:00Z</published>
    <author><name>A. Writer</name></author></entry>
    <entry><title>No link</title></entry></feed>"""
    response = XmlResponse(BASE + "/atom.xml", body=atom.encode(), headers={"Content-Type": "application/atom+xml"})
    requests = list(spider.parse_feed(response))
    assert [r.url for r in requests] == [BASE + "/2026/11/20/first-story.html"]
    hints = requests[0].meta["hints"]
    assert hints["title"] == "First story" and hints["author"] == "A. Writer"
    assert hints["published"] == "2026-11-20T08:00:00+00:00"  # not the <updated> that comes first
    assert spider.crawler.stats.get_value("newsarchive/dropped/feed item without a link") == 1


def test_feed_spider_finds_the_feeds_a_page_announces():
    spider = FeedSpider.from_crawler(get_crawler(FeedSpider), url=BASE + "/world/")
    page = listing_page("World", [TRAM.path]).replace(
        "</head>",
        '<link rel="alternate" type="application/rss+xml" href="/world/rss.xml"><link rel="alternate" hreflang="de" href="/de/"></head>',
    )
    assert [r.url for r in spider.parse_feed(html(BASE + "/world/", page))] == [BASE + "/world/rss.xml"]
    assert list(spider.parse_feed(html(BASE + "/about/", listing_page("About", [])))) == []
    assert spider.crawler.stats.get_value("newsarchive/dropped/not a feed") == 1


def test_sitemap_spider_keeps_google_news_fields_and_filters_by_date():
    spider = SitemapSpider.from_crawler(get_crawler(SitemapSpider), url=BASE + "/news.xml", since="2026-11-01")
    body = f"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
      <url><loc>{BASE}/a.html</loc><news:news><news:publication><news:name>Example News</news:name>
        <news:language>de</news:language></news:publication><news:publication_date>2026-11-16T09:00:00+01:00</news:publication_date>
        <news:title>Schulessen für alle</news:title><news:keywords>Schule, Essen</news:keywords></news:news></url>
      <url><loc>{BASE}/old.html</loc><lastmod>2025-01-01</lastmod></url></urlset>"""
    requests = collect(spider.parse_sitemap(XmlResponse(BASE + "/news.xml", body=body.encode())))
    assert [r.url for r in requests] == [BASE + "/a.html"]
    hints = requests[0].meta["hints"]
    assert hints["title"] == "Schulessen für alle" and hints["news:keywords"] == "Schule, Essen"
    assert hints["news:name"] == "Example News" and hints["news:language"] == "de"
    assert hints["published"] == "2026-11-16T09:00:00+01:00"
    index = f"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>{BASE}/s1.xml.gz</loc></sitemap></sitemapindex>"""
    assert [r.url for r in collect(spider.parse_sitemap(XmlResponse(BASE + "/index.xml", body=index.encode())))] == [
        BASE + "/s1.xml.gz"
    ]


def test_non_html_responses_are_dropped_and_counted():
    spider = FeedSpider.from_crawler(get_crawler(FeedSpider), url=BASE + "/rss")
    pdf = Response(
        BASE + "/report.pdf",
        body=b"%PDF-1.4",
        headers={"Content-Type": "application/pdf"},
        request=Request(BASE + "/report.pdf"),
    )
    assert spider.raw_document(pdf) is None
    assert spider.crawler.stats.get_value("newsarchive/dropped/not HTML (application/pdf)") == 1


def test_raw_document_keeps_the_declared_charset():
    spider = FeedSpider.from_crawler(get_crawler(FeedSpider), url=BASE + "/rss")
    page = article_page(ZURICH, BASE)
    response = html(BASE + ZURICH.path + "?utm_source=x", page, "iso-8859-1")
    response.request = Request(response.url)
    document = spider.raw_document(response)
    assert document.url == BASE + ZURICH.path and document.source == "news.example.org" and document.origin == "crawl"
    assert document.encoding == "iso-8859-1" and document.body == page.encode("iso-8859-1")


def test_backoff_doubles_and_honours_retry_after():
    crawler = get_crawler(
        settings_dict={"NEWSARCHIVE_RETRY_BACKOFF": 1.0, "NEWSARCHIVE_RETRY_BACKOFF_MAX": 30, "RETRY_TIMES": 5}
    )
    crawler.spider = crawler._create_spider("test")
    middleware = BackoffRetryMiddleware.from_crawler(crawler)
    request = Request(BASE + "/a")
    delays = []
    for _ in range(3):
        request = middleware.process_response(request, TextResponse(request.url, status=503, body=b""))
        delays.append(request.meta["newsarchive_retry_delay"])
    assert delays == [1.0, 2.0, 4.0]
    slow = middleware.process_response(
        request, TextResponse(request.url, status=429, headers={"Retry-After": "20"}, body=b"")
    )
    assert slow.meta["newsarchive_retry_delay"] == 20.0


def test_drop_reasons_lose_per_document_numbers():
    assert drop_reason("article text too short (52 characters)") == "article text too short"
    assert drop_reason("HTTP 404") == "HTTP 404"


def test_only_xml_that_declares_entities_in_its_prolog_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><rss>&b;</rss>'
    netscape = b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "rss-0.91.dtd"><rss/>'
    # An article about XML may quote a declaration inside the feed: that is text, not a declaration.
    quoted = b"<rss><item><description><![CDATA[Write <!ENTITY x 'y'> in the DTD]]></description></item></rss>"
    assert declares_entities(bomb)
    assert not declares_entities(netscape) and not declares_entities(quoted)

"""What every newsarchive spider shares: article requests, RawDocuments, drops counted by reason."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

import scrapy
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)

from archive.models import GoneArticle, RawDocument
from archive.urls import host_of
from archive.watchlist.discovery import list_date
from pipelines.stats import count_drop
from pipelines.urls import clean_url, is_web_url

LOGGER = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
REVISIT_STATUSES = (304, 404, 410)  # answers to a revisit: not modified, or gone
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)


def url_args(
    url: str | None = None, urls: str | Iterable[str] | None = None, urls_file: str | Iterable[str] | None = None
) -> list[str]:
    """URLs from spider arguments: ``url``, ``urls`` (a list, or a string split on white space
    and commas) and ``urls_file`` (paths; one URL a line, blank lines and # comments skipped)."""
    found: list[str] = []
    for value in (url, urls):
        if isinstance(value, str):
            found += value.replace(",", " ").split()
        elif value:
            found += [u.strip() for u in value if u and u.strip()]
    for path in [urls_file] if isinstance(urls_file, str) else urls_file or []:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
        found += [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return list(dict.fromkeys(found))


def iso_date(value: str | None) -> str | None:
    """A feed or sitemap date (RFC 822 or W3C/ISO 8601) as ISO 8601, or None."""
    parsed = list_date(value)
    return parsed.isoformat() if parsed else None


def mime_type(response: Response) -> str:
    return (response.headers.get("Content-Type") or b"").decode("latin-1").split(";")[0].strip().lower()


def declared_charset(response: TextResponse) -> str:
    """The charset the server declared, as declared (Scrapy reports ISO-8859-1 as cp1252);
    else what Scrapy found in the page (<meta charset>, BOM) or guessed."""
    content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
    match = _CHARSET.search(content_type)
    return match.group(1).lower() if match else response.encoding


class ArticleSpider(scrapy.Spider):
    """Base class (no ``name``, so Scrapy does not list it): requests for article pages and
    the RawDocument built from each response."""

    def __init__(self, url=None, urls=None, urls_file=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.given_urls = url_args(url, urls, urls_file)

    def refuses_entities(self, body: bytes, url: str) -> bool:
        """Whether a feed or sitemap is refused for declaring XML entities (counted as a drop)."""
        if declares_entities(body):
            self.count_drop("XML with entity declarations (refused)", url)
            return True
        return False

    def count_drop(self, reason: str, url: str | None = None) -> None:
        count_drop(self.crawler.stats, reason)
        if url:
            self.logger.info("dropped %s: %s", url, reason)

    def article_request(self, url: str, hints: dict | None = None, callback=None, **kwargs) -> scrapy.Request | None:
        """A request for a page expected to hold one article; None (counted) for a bad URL."""
        url = clean_url(url.strip())
        if not is_web_url(url):
            self.count_drop("invalid URL", url)
            return None
        meta = {"article": True, "hints": {k: v for k, v in (hints or {}).items() if v}}
        meta.update(kwargs.pop("meta", {}))
        return scrapy.Request(url, callback=callback or self.parse_article, errback=self.on_error, meta=meta, **kwargs)

    def parse_article(self, response: Response):
        document = self.raw_document(response)
        if document is not None:
            yield document

    def raw_document(self, response: Response) -> RawDocument | None:
        """The response as a RawDocument; non-HTML responses are dropped and counted."""
        mime = mime_type(response)
        if not isinstance(response, TextResponse) or (mime and mime not in HTML_TYPES):
            self.count_drop(f"not HTML ({mime or 'binary'})", response.url)
            return None
        first_url = (
            response.meta.get("redirect_urls") or [response.request.url if response.request else response.url]
        )[0]
        hints = dict(response.meta.get("hints") or {})
        hints.update(
            fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            fetched_url=response.url,
            request_url=first_url,
            status=response.status,
        )
        # Validators for a later revisit's conditional request (spiders/revisit.py).
        for key, header in (("etag", b"ETag"), ("last_modified", b"Last-Modified")):
            value = response.headers.get(header)
            if value:
                hints[key] = value.decode("latin-1")
        url = clean_url(response.url)
        return RawDocument(
            url=url,
            source=host_of(url),
            origin="crawl",
            body=response.body,
            content_type=mime or "text/html",
            encoding=declared_charset(response),
            hints=hints,
        )

    def on_error(self, failure) -> list[GoneArticle] | None:
        """Count a failed request by reason (robots.txt and known URLs are counted where decided).

        On a revisit (``meta["revisit"]``, spiders/revisit.py) a 304 means the archived article is
        unchanged, and a 404 or 410 that it is gone: the item returned marks it removed."""
        if failure.check(IgnoreRequest) and not failure.check(HttpError) and not _too_large(failure):
            return None
        request = failure.request
        revisit = request.meta.get("revisit")
        if revisit and failure.check(HttpError) and failure.value.response.status in REVISIT_STATUSES:
            status = failure.value.response.status
            self.crawler.stats.inc_value(f"newsarchive/revisit/{status}")
            if status == 304:
                return None
            return [GoneArticle(revisit, status, datetime.now(timezone.utc))]
        self.count_drop(failure_reason(failure), request.url)
        return None


_ROOT_START = re.compile(rb"<[A-Za-z_]")  # the root element's start tag: the prolog ends there


def declares_entities(body: bytes) -> bool:
    """Whether an XML document declares entities in its prolog (``<!ENTITY`` in a DOCTYPE).

    No feed or sitemap needs them, and they are how XML bombs (billion laughs) and external
    entity attacks are built: such a document is refused whole, as defusedxml does, rather than
    parsed with its entities left out."""
    start = _ROOT_START.search(body)
    return b"<!ENTITY" in (body[: start.start()] if start else body)


def _too_large(failure) -> bool:
    """A response Scrapy dropped while inflating it (a gzip bomb): its message is all that says so."""
    return bool(failure.check(IgnoreRequest)) and "DOWNLOAD_MAXSIZE" in str(failure.value)


def failure_reason(failure) -> str:
    """Why a request failed, in a few words: "HTTP 500", "timed out", "disallowed by robots.txt"."""
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status}"
    if failure.check(DNSLookupError):
        return "DNS lookup failed"
    if failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
        return "timed out"
    if failure.check(ConnectionRefusedError, DownloadConnectionRefusedError):
        return "connection refused"
    if failure.check(DownloadCancelledError) or _too_large(failure):  # by Content-Length, or inflated
        return "larger than DOWNLOAD_MAXSIZE"
    if failure.check(ConnectionLost, ResponseDataLossError, DownloadFailedError):
        return "connection lost"
    if failure.check(IgnoreRequest) and "robots" in str(failure.value).lower():
        return "disallowed by robots.txt"
    return f"fetch failed ({type(failure.value).__name__})"

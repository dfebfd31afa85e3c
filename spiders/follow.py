"""``follow``: polls the sources of a watch-list (sources.toml) at their intervals, for as long as it runs.

    newsarchive follow                  # what users run; it builds the arguments below
    scrapy crawl follow -a sources=sources.toml [-a once=1]

Each source's feeds and sitemaps are fetched with the validators of its last recorded poll
(If-None-Match, If-Modified-Since): an unchanged list costs one 304. The articles a list names
go through the same requests, skip-known check, extraction and writer as ``crawl``. Polls are
started by a timer on the reactor and downloaded by Scrapy's own scheduler, so per-host delays,
concurrency and robots.txt hold across sources. A poll is recorded (spiders/polls.py) once every
article it led to has settled; one cut short by a stop is not, and is made again on restart.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import task

from archive.store import Archive, default_path
from archive.watchlist import SourcesFile
from pipelines import shared
from pipelines.store import POLL_FINISHED
from spiders.base import failure_reason
from spiders.feed import FEED_ROOTS, FeedSpider
from spiders.polls import PollInProgress
from spiders.sitemap import SitemapSpider

TICK_SECONDS = 0.5  # how often due sources are looked for
MAX_AGAIN = 3  # polls an article that failed on a passing fault (5xx, 429, timeout) is tried again with
_POLL = "newsarchive_poll"  # meta: the PollInProgress a request belongs to
_AGAIN = "newsarchive_again"  # meta: how many polls this article request was made again with
_SITEMAP_ROOTS = (b"<urlset", b"<sitemapindex")


class FollowSpider(FeedSpider, SitemapSpider):
    name = "follow"

    def __init__(self, sources: str | None = None, once: str | bool = False, **kwargs):
        super().__init__(**kwargs)
        self.sources = SourcesFile(sources).load() if sources else []
        self.once = once not in (False, "", "0", "false", "no")
        self.next_poll: dict[str, float] = {}  # source name -> time.monotonic() when due
        self.active: dict[str, list[PollInProgress]] = {}  # source name -> its polls in progress
        self.validators: dict[tuple[str, str], tuple[str | None, str | None]] = {}
        self.ticker: task.LoopingCall | None = None
        self.retry: dict[str, list[scrapy.Request]] = {}  # source name -> article requests to make again
        self.languages = {source.name: source.language for source in self.sources}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(spider.on_item_lost, signal=signals.item_dropped)
        crawler.signals.connect(spider.on_item_lost, signal=signals.item_error)
        crawler.signals.connect(spider.on_request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
        return spider

    async def start(self):
        self.load_state()
        if not self.once:  # --once polls what is due now, and nothing later
            self.ticker = task.LoopingCall(self.start_due_polls)
            self.ticker.start(TICK_SECONDS, now=False)
        for request in self.due_requests():
            yield request

    def load_state(self) -> None:
        """Validators and due times from the archive's recorded polls: a restart goes on from there."""
        db = self.settings.get("NEWSARCHIVE_DB") or default_path()
        key = shared.archive_key(db)
        archive = shared.acquire(key, lambda: Archive(db))
        try:
            view = archive.cursor()
            last = view.polls.last_polls()
            view.close()
        finally:
            shared.release(key, lambda a: a.close())
        now_wall, now = time.time(), time.monotonic()
        for source in self.sources:
            polls = [last[(source.name, url)] for url in source.lists if (source.name, url) in last]
            for poll in polls:
                self.validators[(source.name, poll.url)] = (poll.etag, poll.last_modified)
            if polls and len(polls) == len(source.lists):  # a list added since is due at once
                age = now_wall - min(p.started_at.timestamp() for p in polls)
                self.next_poll[source.name] = now + max(0.0, source.interval - age)

    # -- starting polls -------------------------------------------------------------------
    def due_requests(self) -> list[scrapy.Request]:
        now = time.monotonic()
        requests = []
        for source in self.sources:
            if not source.lists or source.name in self.active or self.next_poll.get(source.name, 0.0) > now:
                continue
            self.next_poll[source.name] = now + source.interval
            self.active[source.name] = []
            for url in source.lists:
                etag, modified = self.validators.get((source.name, url), (None, None))
                poll = PollInProgress(source.name, url, etag, modified)
                self.active[source.name].append(poll)
                requests.append(self.list_request(url, poll, top=True))
            requests += [self.again(self.active[source.name][0], r) for r in self.retry.pop(source.name, [])]
        return requests

    def again(self, poll: PollInProgress, request: scrapy.Request) -> scrapy.Request:
        """An article request that failed on a passing fault, made again with the source's next poll;
        it keeps the skip-known check's claim (this process asked for the URL already). Its poll
        kept no validators, so after a restart the list is read in full and names it again."""
        poll.listed(None)
        meta = {k: v for k, v in request.meta.items() if k not in ("retry_times", "download_slot")}
        meta[_POLL], meta[_AGAIN] = poll, meta.get(_AGAIN, 0) + 1
        return request.replace(meta=meta, dont_filter=True)

    def start_due_polls(self) -> None:
        for request in self.due_requests():
            self.crawler.engine.crawl(request)

    def list_request(self, url: str, poll: PollInProgress, top: bool) -> scrapy.Request:
        """A feed or sitemap request of ``poll``; the list polled itself (``top``) is asked conditionally."""
        headers = {}
        if top and poll.etag:
            headers["If-None-Match"] = poll.etag
        if top and poll.last_modified:
            headers["If-Modified-Since"] = poll.last_modified
        meta = {_POLL: poll, "top": top, "handle_httpstatus_list": [304] if top else []}
        return scrapy.Request(
            url, callback=self.parse_list, errback=self.on_error, headers=headers, meta=meta, dont_filter=True
        )

    def on_idle(self, spider=None) -> None:
        """Nothing is in flight: a poll still open has lost track of a request, and is recorded as it is."""
        for polls in list(self.active.values()):
            for poll in list(polls):
                self.logger.warning(
                    "poll of %s (%s): %s requests not accounted for", poll.source, poll.url, poll.pending
                )
                poll.pending = 1
                self.settle(poll, "lost")
        if not self.once:
            raise DontCloseSpider

    def on_closed(self, spider=None, reason=None) -> None:
        if self.ticker is not None and self.ticker.running:
            self.ticker.stop()

    # -- reading lists ----------------------------------------------------------------------
    async def parse_list(self, response):
        poll: PollInProgress = response.meta[_POLL]
        top = response.meta.get("top")
        if top:
            poll.http_status = response.status
            if response.status == 304:
                poll.status = "not modified"
                self.settle(poll, "list")
                return
            poll.etag = _header(response, "ETag")
            poll.last_modified = _header(response, "Last-Modified")
        head = response.body[:4096].lstrip().lower()
        produced = 0
        if urlsplit(response.url).path.endswith("/robots.txt"):
            for request in self.parse_robots(response):
                produced += 1
                yield self.owned(poll, request)
        elif response.body[:2] == b"\x1f\x8b" or any(root in head for root in _SITEMAP_ROOTS):
            async for request in self.parse_sitemap(response):
                produced += 1
                yield self.owned(poll, request)
        else:  # a feed, or a page that announces feeds
            feed = any(root in head for root in FEED_ROOTS)
            for request in self.parse_feed(response):
                produced += 1
                yield self.owned(poll, request)
            if top and not feed and not produced:
                poll.fail("not a feed or sitemap", response.status)
        self.settle(poll, "list")

    def owned(self, poll: PollInProgress, request: scrapy.Request) -> scrapy.Request:
        """A request the list led to, counted in its poll."""
        if request.meta.get("article"):
            hints = request.meta.setdefault("hints", {})
            hints["source_entry"] = poll.source
            if self.languages.get(poll.source):
                hints.setdefault("language", self.languages[poll.source])
            poll.listed(hints.get("published") or hints.get("lastmod"))
            request.meta[_POLL] = poll
            return request
        poll.follows()
        return self.list_request(request.url, poll, top=False)

    # -- settling --------------------------------------------------------------------------
    def parse_article(self, response):
        document = self.raw_document(response)
        if document is not None:
            yield document
        elif _POLL in response.meta:  # not HTML
            self.settle(response.meta[_POLL], "failed")

    def on_item_scraped(self, item, response=None, spider=None) -> None:
        poll = response.meta.get(_POLL) if response is not None else None
        if poll is not None and isinstance(item, dict):
            outcome = (
                "rejected" if "rejected" in item else "short" if item.get("text_quality") == "short" else "archived"
            )
            self.settle(poll, outcome, item.get("characters"))

    def on_item_lost(self, item=None, response=None, spider=None, **kwargs) -> None:
        poll = response.meta.get(_POLL) if response is not None else None
        if poll is not None:
            self.settle(poll, "failed")

    def on_request_dropped(self, request, spider=None) -> None:
        if _POLL in request.meta:  # the duplicate filter: another list of this run asked for it
            self.settle(request.meta[_POLL], "known")

    def on_error(self, failure) -> None:
        super().on_error(failure)
        request = failure.request
        poll = request.meta.get(_POLL)
        if poll is None:
            return
        if request.meta.get("article"):
            known = failure.check(IgnoreRequest) and not failure.check(HttpError) and "robots" not in str(failure.value)
            if not known and _passing(failure):
                # Not behind a 304 either: a list is asked in full again until what it listed is archived.
                poll.etag = poll.last_modified = None
                if request.meta.get(_AGAIN, 0) < MAX_AGAIN:
                    self.retry.setdefault(poll.source, []).append(request)
            self.settle(poll, "known" if known else "failed")
            return
        if request.meta.get("top"):
            status = failure.value.response.status if failure.check(HttpError) else None
            poll.fail(failure_reason(failure), status)
        self.settle(poll, "list")

    def settle(self, poll: PollInProgress, outcome: str, characters: int | None = None) -> None:
        """Count one settled request; a poll whose last one settles is recorded."""
        if not poll.settle(outcome, characters):
            return
        polls = self.active.get(poll.source, [])
        if poll not in polls:
            return
        polls.remove(poll)
        self.validators[(poll.source, poll.url)] = (poll.etag, poll.last_modified)
        self.crawler.signals.send_catch_log(POLL_FINISHED, poll=poll.finished())
        if not polls:
            del self.active[poll.source]


def _header(response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1").strip() if value else None


def _passing(failure) -> bool:
    """A fault that may be gone by the next poll: a server error, too many requests, the network."""
    if failure.check(HttpError):
        return failure.value.response.status >= 500 or failure.value.response.status == 429
    return not failure.check(IgnoreRequest)

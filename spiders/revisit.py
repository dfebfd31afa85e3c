"""Downloader middleware of a revisit crawl: archived articles are fetched again, conditionally.

Enabled by ``NEWSARCHIVE_REVISIT`` (``newsarchive crawl --revisit``) in place of
``SkipKnownUrlsMiddleware``, with the same claim on each article URL (one request per URL per
process). A request for an archived URL, or an alias of one, carries the validators of its last
fetch (``If-None-Match`` from its ETag, ``If-Modified-Since`` from its Last-Modified) and
``meta["revisit"]`` naming the article: a 304 costs no body, a 404 or 410 marks the article
removed (spiders/base.py), a 200 goes to extraction and the writer keeps a version if it changed.
Articles first archived before ``NEWSARCHIVE_REVISIT_WITHIN_DAYS`` days ago are skipped as known.

Scrapy's HttpCacheMiddleware is not used: its RFC 2616 policy revalidates against responses in
its own cache folder, which would keep a second copy of every page beside the archive; here the
validators come from the archive's raw documents, so any archive can be revisited as it is.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import load_object

from spiders.skip_known import SkipKnownUrlsMiddleware

REVISITED = "newsarchive/revisited"  # stats key: conditional requests for archived articles


class RevisitMiddleware(SkipKnownUrlsMiddleware):
    def __init__(self, store, stats=None, within_days: float = 0.0):
        super().__init__(store, stats)
        self.store = store  # pipelines.revisit.ArchiveRevisitTargets
        # Archived before this: not revisited (None: every archived article is).
        self.cutoff = datetime.now(timezone.utc) - timedelta(days=within_days) if within_days > 0 else None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("NEWSARCHIVE_REVISIT"):
            raise NotConfigured
        store = load_object(settings.get("NEWSARCHIVE_REVISIT_TARGETS")).from_crawler(crawler)
        return cls.connected(crawler, store, within_days=settings.getfloat("NEWSARCHIVE_REVISIT_WITHIN_DAYS", 0.0))

    def lookup(self, urls: set[str]):
        return self.store.targets(urls)

    def on_known(self, request, known) -> None:
        target = known.get(request.url) or next(iter(known.values()))
        if self.cutoff is not None and target.first_seen < self.cutoff:
            self._skip(request)
        if target.etag:
            request.headers["If-None-Match"] = target.etag
        if target.last_modified:
            request.headers["If-Modified-Since"] = target.last_modified
        request.meta["revisit"] = target.article_url
        if self.stats is not None:
            self.stats.inc_value(REVISITED)

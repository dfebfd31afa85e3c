"""Run the Scrapy spiders in this process, by name, with the project's settings.

The spiders and pipelines are found through Scrapy's settings (``spiders.settings``), never
imported here: archive/ stays a library that knows nothing of Scrapy components.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from archive.errors import ArchiveError
from archive.store import Archive

LOGGER = logging.getLogger(__name__)

SETTINGS_MODULE = "spiders.settings"
SPIDERS = ("feed", "sitemap", "site", "urls", "follow")
PROBES = ("discover", "check")  # fetch and report, archive nothing
DROP_PREFIX = "newsarchive/dropped/"  # written by pipelines/stats.py
STOP_POLL_SECONDS = 0.1  # how often the reactor looks at a stop request


@dataclass
class CrawlJob:
    spider: str  # feed | sitemap | site | urls
    arguments: dict[str, Any] = field(default_factory=dict)  # spider arguments, as `scrapy crawl -a`


@dataclass(frozen=True)
class Revisit:
    """Fetch archived articles again (conditional GET), keeping a version of each that changed.

    ``within_days``: only articles first archived in the last so many days (None: all).
    """

    within_days: float | None = None

    def settings(self) -> dict[str, object]:
        return {"NEWSARCHIVE_REVISIT": True, "NEWSARCHIVE_REVISIT_WITHIN_DAYS": self.within_days or 0.0}


@dataclass
class CrawlSummary:
    pages_fetched: int = 0
    articles_extracted: int = 0
    archived: int = 0
    duplicates: int = 0
    skipped_known: int = 0  # article URLs already archived, not fetched
    drops: dict[str, int] = field(default_factory=dict)  # reason -> count
    rejections: list[tuple[str, str]] = field(default_factory=list)  # (url, reason) from extraction
    finish_reasons: list[str] = field(default_factory=list)
    max_stall_ms: float = 0.0  # longest reactor stall once responses arrive (heartbeat)
    max_busy_ms: float = 0.0  # most CPU time the reactor thread used between two heartbeats
    startup_stall_ms: float = 0.0  # longest stall before the first response (Scrapy start-up)
    stalls_over_100ms: int = 0
    revisited: int = 0  # archived articles requested again (conditionally) by a revisit
    not_modified: int = 0  # ... answered 304: no body downloaded
    versions: int = 0  # ... that changed: a new version each
    unchanged: int = 0  # ... fetched, text and headline as archived
    removed: int = 0  # ... gone (404, 410): marked removed

    @property
    def finished(self) -> bool:
        return bool(self.finish_reasons) and all(reason == "finished" for reason in self.finish_reasons)

    def line(self, command: str = "crawl") -> str:
        text = (
            f"{command}: {self.pages_fetched} pages fetched, {self.archived} articles archived "
            f"({self.duplicates} duplicates), {self.skipped_known} already archived and not fetched"
        )
        if self.revisited:
            text += (
                f"; revisited {self.revisited}: {self.versions} new versions, {self.removed} removed, "
                f"{self.unchanged + self.not_modified} unchanged ({self.not_modified} not modified, HTTP 304)"
            )
        if self.drops:
            text += "; dropped: " + ", ".join(f"{n} {reason}" for reason, n in self.drops.items())
        return text


def project_settings(
    db: str,
    overrides: dict[str, str] | None = None,
    warc_dir: str | None = None,
    command: str | None = None,
    revisit: Revisit | None = None,
):
    """The project's Scrapy settings with the archive path and ``-s`` style overrides applied."""
    from scrapy.settings import Settings

    # The settings module by name, not through $SCRAPY_SETTINGS_MODULE: a library call leaves
    # the process environment alone.
    settings = Settings()
    settings.setmodule(SETTINGS_MODULE, priority="project")
    settings.set("NEWSARCHIVE_DB", str(db), priority="cmdline")
    if warc_dir:
        settings.set("NEWSARCHIVE_WARC_DIR", str(warc_dir), priority="cmdline")
    if command:
        settings.set("NEWSARCHIVE_RUN_COMMAND", command, priority="cmdline")
    for name, value in (revisit.settings() if revisit else {}).items():
        settings.set(name, value, priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(
    db: str,
    jobs: Iterable[CrawlJob],
    overrides: dict[str, str] | None = None,
    warc_dir: str | None = None,
    command: str = "crawl",
    stop: threading.Event | None = None,
    revisit: Revisit | None = None,
    worker: bool = False,
) -> CrawlSummary:
    """Run the jobs' spiders together until all finish.

    ``worker``: a crawl worker of a Redis fleet (its settings in ``overrides``): the archive is
    not opened, and the summary counts what was sent (``articles_extracted``), not archived.

    Without ``stop`` Scrapy handles SIGINT and SIGTERM itself. With it the caller owns the
    signals: once ``stop`` is set the spiders stop gracefully (no new requests; what was
    fetched is extracted and archived, the run recorded), as after Scrapy's first Ctrl-C.
    ``revisit``: archived articles the spiders reach are fetched again (see ``Revisit``).
    """
    from scrapy.crawler import CrawlerProcess

    jobs = list(jobs)
    for job in jobs:
        if job.spider not in SPIDERS:
            raise ArchiveError(f"{job.spider}: no such spider; choose one of {', '.join(SPIDERS)}")
    # Open the archive once up front: migrations are applied, and an archive held by another
    # process is reported as one line before Scrapy starts.
    if not worker:
        Archive(db).close()
    settings = project_settings(db, overrides, warc_dir, command, revisit)
    process = CrawlerProcess(settings)
    crawlers = []
    for job in jobs:
        crawler = process.create_crawler(job.spider)
        process.crawl(crawler, **job.arguments)
        crawlers.append(crawler)
    if stop is None:
        process.start()
    else:
        _stop_when_set(process, stop)
        process.start(install_signal_handlers=False)
    return summarize(None if worker else db, [crawler.stats.get_stats() for crawler in crawlers])


def run_probe(spider: str, arguments: dict[str, Any], overrides: dict[str, str] | None = None) -> list[dict]:
    """Run one of the PROBES spiders with the project's settings and return the items it yields.

    Nothing is archived and the archive is not opened: the pipelines and the skip-known check
    are off."""
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    if spider not in PROBES:
        raise ArchiveError(f"{spider}: no such probe; choose one of {', '.join(PROBES)}")
    settings = project_settings(":memory:", overrides)
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    settings.set("NEWSARCHIVE_SKIP_KNOWN", False, priority="cmdline")
    items: list[dict] = []
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider)
    crawler.signals.connect(lambda item, **_: items.append(dict(item)), signal=signals.item_scraped, weak=False)
    process.crawl(crawler, **arguments)
    process.start()
    return items


def _stop_when_set(process, stop: threading.Event) -> None:
    """Stop ``process``'s crawlers gracefully once ``stop`` is set (checked from the reactor),
    then the reactor, as Scrapy's own first-signal handler does: a crawler still starting up
    ignores the stop, and would otherwise crawl on with the reactor left running after it."""
    from twisted.internet import reactor, task

    def stop_reactor(_) -> None:
        if reactor.running:
            reactor.stop()  # type: ignore[misc]  # mypy misreads twisted's installed-reactor stub

    def check() -> None:
        if stop.is_set():
            watch.stop()
            process.stop().addBoth(stop_reactor)

    watch = task.LoopingCall(check)
    reactor.callWhenRunning(watch.start, STOP_POLL_SECONDS)


def summarize(db: str | None, all_stats: list[dict]) -> CrawlSummary:
    """Add up the crawlers' stats; archived rows and rejections come from the recorded run."""
    summary = CrawlSummary()
    run_ids = set()
    for stats in all_stats:
        summary.pages_fetched += stats.get("response_received_count", 0)
        summary.articles_extracted += stats.get("newsarchive/articles_extracted", 0)
        summary.skipped_known += stats.get("newsarchive/skipped_known", 0)
        summary.max_stall_ms = max(summary.max_stall_ms, stats.get("newsarchive/reactor_max_stall_ms", 0.0))
        summary.max_busy_ms = max(summary.max_busy_ms, stats.get("newsarchive/reactor_max_busy_ms", 0.0))
        summary.startup_stall_ms = max(summary.startup_stall_ms, stats.get("newsarchive/reactor_startup_stall_ms", 0.0))
        summary.stalls_over_100ms += stats.get("newsarchive/reactor_stalls_over_100ms", 0)
        summary.revisited += stats.get("newsarchive/revisited", 0)
        summary.not_modified += stats.get("newsarchive/revisit/304", 0)
        summary.versions += stats.get("newsarchive/revisit/versions", 0)
        summary.unchanged += stats.get("newsarchive/revisit/unchanged", 0)
        summary.removed += stats.get("newsarchive/revisit/removed", 0)
        summary.finish_reasons.append(stats.get("finish_reason", "not started"))
        drops = {key[len(DROP_PREFIX) :]: n for key, n in stats.items() if key.startswith(DROP_PREFIX)}
        if stats.get("robotstxt/forbidden"):
            drops["disallowed by robots.txt"] = stats["robotstxt/forbidden"]
        for reason, n in drops.items():
            summary.drops[reason] = summary.drops.get(reason, 0) + n
        if stats.get("newsarchive/run_id"):
            run_ids.add(stats["newsarchive/run_id"])
    summary.drops = dict(sorted(summary.drops.items(), key=lambda kv: (-kv[1], kv[0])))
    if run_ids and db is not None:
        # Scrapy's reason for a crawl stopped by a signal; its writer recorded the run as finished.
        stopped = "shutdown" in summary.finish_reasons
        try:
            archive = Archive(db, read_only=not stopped)
        except ArchiveError as exc:  # another process took the archive meanwhile
            LOGGER.warning("cannot read the crawl's results: %s", exc)
            return summary
        with archive:
            if stopped:
                with archive.transaction():
                    archive.runs.mark(sorted(run_ids), "stopped")
            totals = archive.runs.totals(sorted(run_ids))
        summary.archived, summary.duplicates = totals.archived, totals.duplicates
        summary.rejections = [(r.input, r.reason) for r in totals.rejections]
    return summary

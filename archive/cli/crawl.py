"""``newsarchive crawl``: run the Scrapy spiders into the archive from the command line."""

from __future__ import annotations

import logging
import shlex
import sys
from urllib.parse import urlsplit

import click

REJECTIONS_SHOWN = 20  # longer lists are in the archive's rejections table


def _web_urls(ctx, param, values):
    for value in values:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise click.BadParameter(f"{value}: not an http(s) URL", ctx=ctx, param=param)
    return values


def scrapy_settings(ctx, param, values) -> dict[str, str]:
    found = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{value}: expected NAME=VALUE", ctx=ctx, param=param)
        found[name.strip()] = setting
    return found


@click.command()
@click.option(
    "--feed",
    "feeds",
    multiple=True,
    callback=_web_urls,
    metavar="URL",
    help="RSS or Atom feed (or a page that announces one).",
)
@click.option(
    "--sitemap",
    "sitemaps",
    multiple=True,
    callback=_web_urls,
    metavar="URL",
    help="Sitemap, sitemap index, Google News sitemap, or a site root (reads robots.txt).",
)
@click.option("--url", "urls", multiple=True, callback=_web_urls, metavar="URL", help="One article URL.")
@click.option(
    "--urls-file",
    "urls_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="File of article URLs, one a line.",
)
@click.option(
    "--site",
    "sites",
    multiple=True,
    callback=_web_urls,
    metavar="URL",
    help="Start page; follows links on the same host.",
)
@click.option("--depth", type=click.IntRange(min=0), default=None, help="Link depth for --site  [default: 2].")
@click.option("--since", metavar="DATE", help="Sitemaps: skip entries published or modified before DATE (ISO 8601).")
@click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    callback=scrapy_settings,
    metavar="NAME=VALUE",
    help="Override a Scrapy or NEWSARCHIVE_* setting, as `scrapy crawl -s`.",
)
@click.option(
    "--warc",
    "warc_dir",
    type=click.Path(file_okay=False),
    help="Also write fetched responses as WARC files into this folder.",
)
@click.option(
    "-w",
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Extraction processes (default: CPU count); with --redis, crawl worker processes to start with the committer.",
)
@click.option(
    "--redis",
    "redis_url",
    metavar="URL",
    help="Run as a crawl worker of the fleet on this Redis (redis://HOST:PORT/DB): see `commit`.",
)
@click.option(
    "--idle-exit",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="With --redis: exit after this long with an empty shared frontier  [default: wait for work; 5 with --workers].",
)
@click.option(
    "--revisit",
    is_flag=True,
    help="Fetch archived articles again (conditional GET); keep a version of each that changed or is gone.",
)
@click.option(
    "--revisit-within",
    "revisit_within",
    type=click.FloatRange(min=0, min_open=True),
    metavar="DAYS",
    help="With --revisit: only articles first archived in the last DAYS days.",
)
@click.pass_context
def crawl(
    ctx,
    feeds,
    sitemaps,
    urls,
    urls_files,
    sites,
    depth,
    since,
    overrides,
    warc_dir,
    workers,
    redis_url,
    idle_exit,
    revisit,
    revisit_within,
):
    """Crawl news sites into the archive: feeds, sitemaps, article URLs or whole sites.

    Each source option can be repeated; all run together in one process, politely
    (robots.txt, AutoThrottle, per-site concurrency limits, retries with backoff).
    Article URLs already in the archive are not fetched again, unless --revisit: then they
    are, conditionally, and a changed article gets a new version (see `newsarchive history`). SIGINT (Ctrl-C) or SIGTERM
    stops the crawl gracefully: no new requests, what was fetched is archived and the run
    recorded; the status is then 130 or 143. A second signal quits at once.

    \b
    Example:
        newsarchive crawl --feed https://feeds.bbci.co.uk/news/world/rss.xml
        newsarchive crawl --sitemap https://www.theguardian.com/sitemaps/news.xml --warc warc/
        newsarchive crawl --site https://apnews.com/ --depth 1 -s CLOSESPIDER_PAGECOUNT=200
        newsarchive crawl --urls-file links.txt -s DOWNLOAD_DELAY=2
        newsarchive crawl --feed https://feeds.bbci.co.uk/news/world/rss.xml --revisit --revisit-within 3
        newsarchive crawl --site https://apnews.com/ --redis redis://10.0.0.5:6379/0 --idle-exit 60
        newsarchive crawl --sitemap https://apnews.com/ --redis redis://127.0.0.1:6379/0 --workers 2

    With --redis the process is one crawl worker of a fleet: any number of them, on any machines,
    share one frontier in Redis and send what they extract to the one `newsarchive commit`.
    With --redis and --workers N it starts N workers here and commits what they send, until
    the crawl is done.
    """
    from archive.ingest.crawl import CrawlJob, Revisit

    jobs = []
    if feeds:
        jobs.append(CrawlJob("feed", {"urls": list(feeds)}))
    if sitemaps:
        jobs.append(CrawlJob("sitemap", {"urls": list(sitemaps), "since": since}))
    if sites:
        jobs.append(CrawlJob("site", {"urls": list(sites), "depth": depth}))
    if urls or urls_files:
        jobs.append(CrawlJob("urls", {"urls": list(urls), "urls_file": list(urls_files)}))
    if not jobs:
        raise click.UsageError("give at least one of --feed, --sitemap, --url, --urls-file, --site")
    if idle_exit is not None and not redis_url:
        raise click.UsageError("--idle-exit needs --redis")
    if revisit_within is not None and not revisit:
        raise click.UsageError("--revisit-within needs --revisit")
    if redis_url:
        from archive.cli.fleet import run_fleet, run_worker

        if revisit:
            raise click.UsageError("--revisit does not work with --redis yet: revisit from one process")
        if workers:
            run_fleet(ctx, _worker_args(ctx), redis_url, workers, idle_exit)
        else:
            run_worker(ctx, jobs, overrides, warc_dir, redis_url, idle_exit)
        return
    run_spiders(ctx, jobs, overrides, warc_dir, workers, revisit=Revisit(revisit_within) if revisit else None)


def _worker_args(ctx) -> list[str]:
    """This command's source options, for the workers it starts (without --workers and --redis)."""
    args: list[str] = []
    for param in ctx.command.params:
        value = ctx.params.get(param.name)
        if param.name in ("workers", "redis_url", "idle_exit") or value is None or value is False or value in ((), {}):
            continue
        flag = param.opts[-1]
        if param.name == "overrides":
            for name, setting in value.items():
                args += [flag, f"{name}={setting}"]
        elif isinstance(value, tuple):
            for item in value:
                args += [flag, str(item)]
        else:
            args += [flag, str(value)]
    return args


def scrapy_logging(overrides: dict[str, str]) -> None:
    """Scrapy's log at the level -v asks for: Scrapy installs its own root handler at LOG_LEVEL."""
    if "LOG_LEVEL" not in overrides:
        overrides["LOG_LEVEL"] = "INFO" if logging.getLogger().getEffectiveLevel() <= logging.INFO else "WARNING"
    for handler in list(logging.root.handlers):
        logging.root.removeHandler(handler)


def run_spiders(ctx, jobs, overrides: dict[str, str], warc_dir: str | None, workers: int | None, revisit=None) -> None:
    """Run crawl jobs as ``crawl`` does: signals, the rejected pages, the summary line, the exit status.
    ``revisit``: an ``archive.ingest.crawl.Revisit``, to fetch archived articles again."""
    from archive.cli.stops import StopSignals
    from archive.ingest.crawl import run_crawl

    if workers:
        overrides.setdefault("NEWSARCHIVE_WORKERS", str(workers))
    scrapy_logging(overrides)
    command = " ".join(shlex.quote(arg) for arg in ["newsarchive", *sys.argv[1:]])[:1000]
    with StopSignals("stopping: no new requests; archiving what was fetched") as stops:
        summary = run_crawl(
            ctx.obj["db"],
            jobs,
            overrides,
            warc_dir,
            command,
            stop=stops.requested,
            revisit=revisit,
        )
    for url, reason in summary.rejections[:REJECTIONS_SHOWN]:
        click.echo(f"rejected: {url}: {reason}", err=True)
    if len(summary.rejections) > REJECTIONS_SHOWN:
        click.echo(f"... and {len(summary.rejections) - REJECTIONS_SHOWN} more (see the rejections table)", err=True)
    click.echo(summary.line(ctx.info_name))
    if stops.signum is not None:
        click.echo(f"stopped by {stops.name}: run the same command to go on", err=True)
        ctx.exit(stops.exit_code)
    if not summary.finished:
        click.echo(f"crawl stopped early: {', '.join(sorted(set(summary.finish_reasons)))}", err=True)
    ctx.exit(0 if summary.finished else 1)

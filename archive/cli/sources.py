"""``newsarchive sources`` (the watch-list in sources.toml, and its health) and ``newsarchive follow``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from archive.api import NewsArchive
from archive.cli.crawl import run_spiders, scrapy_logging, scrapy_settings
from archive.urls import host_of
from archive.watchlist.config import Source, SourcesFile, download_slots, parse_interval

_SOURCES_OPTION = click.option(
    "--sources",
    "sources_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="The sources file  [default: sources.toml beside the archive].",
)


def _file(ctx, sources_path: str | None) -> SourcesFile:
    return SourcesFile(sources_path or ctx.obj.get("sources") or SourcesFile.beside(ctx.obj["db"]))


def _interval(ctx, param, value):
    try:
        return parse_interval(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


@click.group()
@_SOURCES_OPTION
@click.pass_context
def sources(ctx, sources_path):
    """The outlets the archive follows (sources.toml): add, list, check, remove, and their health.

    \b
    Example:
        newsarchive sources add https://www.theguardian.com/ --name guardian
        newsarchive sources status
    """
    ctx.obj["sources"] = sources_path


@sources.command("add")
@click.argument("url")
@click.option("--name", help="The source's name  [default: its host].")
@click.option("--interval", callback=_interval, default="15m", show_default=True, help="Time between polls.")
@click.option("-s", "--set", "overrides", multiple=True, callback=scrapy_settings, metavar="NAME=VALUE")
@click.pass_context
def add(ctx, url, name, interval, overrides):
    """Find URL's feeds and sitemaps (home page, robots.txt, common paths) and add it.

    \b
    Example:
        newsarchive sources add https://www.theguardian.com/ --name guardian --interval 10m
    """
    from archive.ingest.crawl import run_probe

    if not url.startswith(("http://", "https://")):
        raise click.BadParameter(f"{url}: not an http(s) URL", param_hint="URL")
    file = _file(ctx, None)
    name = name or host_of(url)
    if any(s.name == name for s in file.load()):  # before fetching anything
        raise click.ClickException(f"{file.path}: a source named {name!r} is there already")
    scrapy_logging(overrides)
    found = run_probe("discover", {"url": url}, overrides)
    home = next((item for item in found if "home" in item), {"home": url, "status": "not fetched"})
    lists = [item for item in found if "list" in item]
    feeds = [item["list"] for item in lists if item["kind"] == "feed"]
    order = {"news sitemap": 0, "sitemap index": 1, "sitemap": 2}
    sitemaps = [
        item["list"] for item in sorted(lists, key=lambda i: order.get(i["kind"], 3)) if "sitemap" in item["kind"]
    ]
    click.echo(f"{url}: {home['status']}" + (f" ({home['site_name']})" if home.get("site_name") else ""))
    for item in lists:
        click.echo(f"  {item['kind']}: {item['list']}")
    if not lists:
        raise click.ClickException(f"{url}: found no feed or sitemap; add them to {file.path} by hand")
    file.add(Source(name=name, home=url, feeds=tuple(feeds), sitemaps=tuple(sitemaps), interval=interval))
    click.echo(f"added {name} to {file.path}: {len(feeds)} feeds, {len(sitemaps)} sitemaps")


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def list_(ctx, as_json):
    """The sources in the file.

    \b
    Example:
        newsarchive sources list
    """
    file = _file(ctx, None)
    followed = file.load()
    if not followed and not as_json:
        click.echo(f"{file.path}: no sources yet (add one with 'newsarchive sources add URL')", err=True)
    for source in followed:
        if as_json:
            click.echo(json.dumps(source.as_dict()))
        else:
            interval = source.to_table()["interval"]
            click.echo(
                f"{source.name}\t{source.home}\tevery {interval}\t{len(source.feeds)} feeds, {len(source.sitemaps)} sitemaps"
            )


@sources.command()
@click.argument("name")
@click.pass_context
def remove(ctx, name):
    """Stop following NAME (its articles and poll history stay in the archive).

    \b
    Example:
        newsarchive sources remove guardian
    """
    file = _file(ctx, None)
    file.remove(name)
    click.echo(f"removed {name} from {file.path}")


@sources.command()
@click.argument("names", nargs=-1)
@click.option("-s", "--set", "overrides", multiple=True, callback=scrapy_settings, metavar="NAME=VALUE")
@click.pass_context
def check(ctx, names, overrides):
    """Fetch each feed and sitemap once and report it, archiving nothing; exit 1 if one fails.

    \b
    Example:
        newsarchive sources check guardian
    """
    from archive.ingest.crawl import run_probe

    file = _file(ctx, None)
    chosen = [file.get(name) for name in names] if names else file.load()
    owners = {url: source.name for source in chosen for url in source.lists}
    if not owners:
        raise click.ClickException(f"{file.path}: no feed or sitemap to check")
    scrapy_logging(overrides)
    results = {item["url"]: item for item in run_probe("check", {"lists": list(owners)}, overrides)}
    failed = False
    for url, name in owners.items():
        item = results.get(url, {"status": "no answer", "kind": None, "entries": 0, "newest": None})
        ok = item["kind"] is not None
        failed |= not ok
        detail = f"{item['kind']}, {item['entries']} entries, newest {item['newest'] or 'undated'}" if ok else "FAILED"
        click.echo(f"{name}\t{url}\t{item['status']}\t{detail}")
    ctx.exit(1 if failed else 0)


@sources.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per source.")
@click.pass_context
def status(ctx, as_json):
    """Health of each source from its polls; exit 1 when any source has a warning.

    Shows the last successful poll, articles archived in the last 24 hours and 7 days, the
    failure streak, and warnings: a feed or sitemap failing polls in a row, a source gone quiet,
    extraction quality dropping.

    \b
    Example:
        newsarchive sources status
    """
    file = _file(ctx, None)
    names = [source.name for source in file.load()]
    with NewsArchive(ctx.obj["db"]) as archive:
        report = archive.health(names)
    if not report and not as_json:
        click.echo(f"{file.path}: no sources followed, and no poll recorded in {ctx.obj['db']}", err=True)
    for health in report:
        if as_json:
            click.echo(json.dumps(health.to_dict()))
            continue
        last = health.last_success.strftime("%Y-%m-%d %H:%M") if health.last_success else "never"
        state = "ok" if health.healthy else "WARNING"
        click.echo(
            f"{health.source}\t{state}\tlast success {last}\t{health.articles_24h} in 24 h, {health.articles_7d} in 7 d"
            f"\t{health.failure_streak} failed polls in a row" + ("" if health.polls else "\tnot polled yet")
        )
        for warning in health.warnings:
            click.echo(f"  warning: {warning}")
    ctx.exit(0 if all(h.healthy for h in report) else 1)


@click.command()
@_SOURCES_OPTION
@click.option("--once", is_flag=True, help="Poll every source that is due once, then exit (for cron, systemd timers).")
@click.option("-s", "--set", "overrides", multiple=True, callback=scrapy_settings, metavar="NAME=VALUE")
@click.option(
    "-w", "--workers", type=click.IntRange(min=1), default=None, help="Extraction processes (default: CPU count)."
)
@click.pass_context
def follow(ctx, sources_path, once, overrides, workers):
    """Poll the sources' feeds and sitemaps at their intervals and archive new articles, until stopped.

    Unchanged lists cost one conditional request (304). A restart goes on from the polls
    recorded in the archive. SIGINT or SIGTERM stops it as it stops a crawl.

    \b
    Example:
        newsarchive follow
        newsarchive follow --once --sources /etc/newsarchive/sources.toml
    """
    from archive.ingest.crawl import CrawlJob

    file = _file(ctx, sources_path)
    followed = file.load()
    if not followed:
        raise click.ClickException(f"{file.path}: no sources to follow (add one with 'newsarchive sources add URL')")
    slots = download_slots(followed)
    if slots and "DOWNLOAD_SLOTS" not in overrides:
        overrides["DOWNLOAD_SLOTS"] = json.dumps(slots)
    job = CrawlJob("follow", {"sources": str(Path(file.path).resolve()), "once": once})
    run_spiders(ctx, [job], overrides, None, workers)

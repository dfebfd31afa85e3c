"""``newsarchive commit`` and the ``crawl --redis`` forms: a worker, or N workers and the committer."""

from __future__ import annotations

import shlex
import sys
from contextlib import contextmanager

import click

from archive.errors import ArchiveError


def redis_or_exit(url: str):
    """A client on ``url``, or one line naming it and exit status 2."""
    from archive.scaleout import RedisUnreachable, connect

    try:
        return connect(url)
    except RedisUnreachable as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)


@contextmanager
def redis_lost(url: str):
    """A connection lost for longer than the client's retries: one line, what is committed stays."""
    import redis

    try:
        yield
    except redis.RedisError as exc:
        raise ArchiveError(
            f"{url}: Redis lost ({exc}); everything committed is kept, unacknowledged entries come again"
        ) from None


@click.command()
@click.option("--redis", "redis_url", required=True, metavar="URL", help="The fleet's Redis, redis://HOST:PORT/DB.")
@click.option(
    "--idle-exit",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="Exit after this long with nothing to read  [default: run until stopped].",
)
@click.option(
    "--batch-size", type=click.IntRange(min=1), default=200, show_default=True, help="Entries per transaction."
)
@click.pass_context
def commit(ctx, redis_url, idle_exit, batch_size):
    """Write what crawl workers (crawl --redis URL) send into the archive: the fleet's one writer.

    Reads the workers' Redis Stream through a consumer group, deduplicates against the whole
    archive, writes each batch in one transaction and acknowledges its entries only after the
    commit; restarted after a crash, it writes each entry exactly once. Archived URLs go into
    the fleet's seen-set, so workers do not fetch them again. SIGINT or SIGTERM stops it after
    the batch being written.

    \b
    Example:
        newsarchive commit --redis redis://127.0.0.1:6379/0 --idle-exit 30
        newsarchive --db /data/archive.duckdb commit --redis redis://10.0.0.5:6379/0
    """
    from archive.cli.stops import StopSignals
    from archive.scaleout.committer import Committer
    from archive.store import Archive

    client = redis_or_exit(redis_url)
    command = " ".join(shlex.quote(arg) for arg in ["newsarchive", *sys.argv[1:]])[:1000]
    stops = StopSignals("stopping after the batch being written")
    with stops, Archive(ctx.obj["db"]) as archive, redis_lost(redis_url):
        summary = Committer(archive, client, batch_size=batch_size, command=command).run(idle_exit, stops.requested)
    for entry_id, reason in summary.poison:
        click.echo(f"moved aside: stream entry {entry_id}: {reason}", err=True)
    click.echo(summary.line())
    if stops.signum is not None:
        ctx.exit(stops.exit_code)


def run_worker(ctx, jobs, overrides: dict, warc_dir, redis_url: str, idle_exit: float | None) -> None:
    """One crawl worker of the fleet on ``redis_url``: fetch and extract, send to the stream."""
    from archive.cli.crawl import scrapy_logging
    from archive.cli.stops import StopSignals
    from archive.ingest.crawl import run_crawl
    from archive.scaleout.worker import worker_settings

    redis_or_exit(redis_url).close()
    settings = {**worker_settings(redis_url, idle_exit), **overrides}
    scrapy_logging(settings)
    command = " ".join(shlex.quote(arg) for arg in ["newsarchive", *sys.argv[1:]])[:1000]
    with StopSignals("stopping: no new requests; sending what was fetched") as stops:
        summary = run_crawl(ctx.obj["db"], jobs, settings, warc_dir, command, stop=stops.requested, worker=True)
    text = (
        f"crawl worker: {summary.pages_fetched} pages fetched, {summary.articles_extracted} articles sent to "
        f"{redis_url}, {summary.skipped_known} already archived and not fetched"
    )
    if summary.drops:
        text += "; dropped: " + ", ".join(f"{n} {reason}" for reason, n in summary.drops.items())
    click.echo(text)
    if stops.signum is not None:
        ctx.exit(stops.exit_code)
    if not summary.finished:
        click.echo(f"worker stopped early: {', '.join(sorted(set(summary.finish_reasons)))}", err=True)
    ctx.exit(0 if summary.finished else 1)


def run_fleet(ctx, worker_args: list[str], redis_url: str, workers: int, idle_exit: float | None) -> None:
    """``crawl ... --redis URL --workers N``: N workers and the committer here, until the crawl is done."""
    from archive.cli.stops import StopSignals
    from archive.scaleout.fleet import LocalFleet

    redis_or_exit(redis_url).close()
    command = " ".join(shlex.quote(arg) for arg in ["newsarchive", *sys.argv[1:]])[:1000]
    fleet = LocalFleet(ctx.obj["db"], redis_url, worker_args, workers, idle_exit, command=command)
    with StopSignals("stopping the workers; committing what they sent") as stops, redis_lost(redis_url):
        result = fleet.run(stops.requested)
    for entry_id, reason in result.commit.poison:
        click.echo(f"moved aside: stream entry {entry_id}: {reason}", err=True)
    for n, line in enumerate(result.worker_lines, 1):
        if line:
            click.echo(f"worker {n}: {line}")
    click.echo(result.commit.line().replace("commit:", "crawl:", 1))
    failed = [status for status in result.worker_status if status != 0]
    if stops.signum is not None:
        ctx.exit(stops.exit_code)
    if failed:
        click.echo(f"{len(failed)} of {workers} workers stopped early (exit status {failed[0]})", err=True)
    ctx.exit(1 if failed else 0)

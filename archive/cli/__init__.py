"""The ``newsarchive`` command: a thin wrapper over the library that turns its errors into one-line messages."""

from __future__ import annotations

import csv
import json
import logging
import sys
from pathlib import Path

import click
import duckdb

from archive.api import NewsArchive
from archive.errors import ArchiveError
from archive.store import default_path, writer_memory_limit
from archive.store.reports import EXPORT_FORMATS

LOGGER = logging.getLogger(__name__)


class ArchiveGroup(click.Group):
    """Click group that reports library errors as ``Error: ...`` with exit code 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ArchiveError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)
        except duckdb.OutOfMemoryException as exc:
            click.echo(
                f"Error: {str(exc).splitlines()[0]}; what was committed is kept. A command that writes uses at most "
                f"$NEWSARCHIVE_MEMORY_LIMIT ({writer_memory_limit()}): raise it, e.g. NEWSARCHIVE_MEMORY_LIMIT=4GB",
                err=True,
            )
            ctx.exit(1)
        except duckdb.Error as exc:
            click.echo(f"Error: {str(exc).splitlines()[0]}", err=True)
            ctx.exit(1)


@click.group(cls=ArchiveGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    default=default_path,
    show_default="archive.duckdb, or $NEWSARCHIVE_DB",
    help="Archive file.",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="newsarchive")
@click.pass_context
def cli(ctx, db, verbose):
    """Scrape, extract and deduplicate news articles into a DuckDB archive.

    \b
    Example:
        newsarchive ingest seeds/
        newsarchive sql "SELECT source, title FROM articles"
    """
    level = [logging.ERROR, logging.INFO, logging.DEBUG][min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = {"db": db}


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "-w", "--workers", type=click.IntRange(min=1), default=None, help="Extraction processes (default: CPU count)."
)
@click.option(
    "--batch-size", type=click.IntRange(min=1), default=200, show_default=True, help="Articles per transaction."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no duplicate listing.")
@click.option(
    "--retry-rejected",
    is_flag=True,
    help="Extract again documents an earlier run rejected (by default they are skipped while unchanged).",
)
@click.pass_context
def ingest(ctx, paths, workers, batch_size, quiet, retry_rejected):
    """Archive local files: .txt, .html/.htm, .warc/.warc.gz, .jsonl (each also gzipped).

    PATHS are files, folders (read recursively) or globs. Exit status 0 when every
    input was archived or already there, 1 when some were rejected. SIGINT (Ctrl-C) or
    SIGTERM stops the run: what is already extracted is written, the run is recorded and
    the status is 130 or 143; the same command then goes on. A second signal quits at once.

    \b
    Example:
        newsarchive ingest seeds/ 'crawls/**/*.warc.gz' extra.jsonl
    """
    from archive.cli.stops import StopSignals

    # Signals are handled from the start: a Ctrl-C while trafilatura imports or the worker
    # pool starts takes the same way out as one in the middle of the run.
    with StopSignals() as stops:
        from archive.cli.report import duplicate_groups_table, progress_bar, summary_line

        with NewsArchive(ctx.obj["db"], write=True) as archive:
            with progress_bar(enabled=not quiet) as update:
                stats = archive.ingest(
                    paths,
                    workers=workers,
                    batch_size=batch_size,
                    on_document=update,
                    retry_rejected=retry_rejected,
                    stop=stops.requested,
                )
            for rejection in stats.rejections:
                click.echo(f"rejected: {rejection}", err=True)
            click.echo(summary_line(stats))
            if stops.signum is not None:
                click.echo(
                    f"stopped by {stops.name}: the archive holds {archive.count()} articles; "
                    "run the same command to go on",
                    err=True,
                )
                ctx.exit(stops.exit_code)
            if not quiet:
                duplicate_groups_table(archive)
    ctx.exit(1 if stats.rejections else 0)


@cli.command()
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_context
def sql(ctx, query, fmt):
    """Run a read-only SQL query against the archive.

    \b
    Example:
        newsarchive sql "SELECT source, count(*) FROM articles GROUP BY 1"
        newsarchive sql "SELECT url, title FROM unique_articles" --format json
    """
    with NewsArchive(ctx.obj["db"]) as archive:
        result = archive.sql(query)
        if result.description is None:
            return
        columns = [column[0] for column in result.description]
        if fmt == "table":
            from archive.cli.report import rows_table

            rows_table(columns, result)
            return
        rows = result.fetchall()
        if fmt == "json":
            for row in rows:
                click.echo(json.dumps(dict(zip(columns, row)), ensure_ascii=False, default=str))
        else:
            writer = csv.writer(sys.stdout)
            writer.writerow(columns)
            writer.writerows(rows)


@cli.command()
@click.pass_context
def stats(ctx):
    """Articles per source and per day, and the share of duplicates.

    \b
    Example:
        newsarchive stats
    """
    from archive.cli.report import print_stats

    with NewsArchive(ctx.obj["db"]) as archive:
        print_stats(archive.stats())


@cli.command()
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--unique", is_flag=True, help="One article per duplicate group (its representative).")
@click.pass_context
def export(ctx, out, unique):
    """Write articles to OUT.jsonl, OUT.parquet or OUT.csv (format from the suffix).

    \b
    Example:
        newsarchive export clean.jsonl --unique
    """
    if Path(out).suffix.lower() not in EXPORT_FORMATS:
        raise click.BadParameter(f"{out}: use a .jsonl, .parquet or .csv file name", param_hint="OUT")
    Path(out).absolute().parent.mkdir(parents=True, exist_ok=True)
    with NewsArchive(ctx.obj["db"]) as archive:
        count = archive.export(out, unique=unique)
    click.echo(f"wrote {count} articles to {out}")


# Commands kept in their own modules register here, before main() can run.
from archive.cli.crawl import crawl  # noqa: E402
from archive.cli.dedup import dedup, dups  # noqa: E402
from archive.cli.fleet import commit  # noqa: E402
from archive.cli.history import history  # noqa: E402
from archive.cli.reextract import reextract  # noqa: E402
from archive.cli.serve import serve  # noqa: E402
from archive.cli.sources import follow, sources  # noqa: E402
from archive.cli.stories import stories  # noqa: E402

for _command in (crawl, commit, dups, dedup, history, reextract, serve, sources, follow, stories):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="newsarchive")


if __name__ == "__main__":
    main()

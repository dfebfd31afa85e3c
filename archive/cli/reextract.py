"""``newsarchive reextract``: extract the archived raw documents again and update articles in place."""

from __future__ import annotations

import click

from archive.store import Archive


@click.command()
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="HOST",
    help="Only articles of this source (host name, or folder for local files); repeatable.",
)
@click.option(
    "-w", "--workers", type=click.IntRange(min=1), default=None, help="Extraction processes (default: CPU count)."
)
@click.pass_context
def reextract(ctx, sources, workers):
    """Re-run extraction on the raw pages already in the archive.

    Updates text, metadata and duplicate groups in place, one batch per transaction
    (a re-run after a stop goes on), and reports how many articles changed. Use it after an upgrade, or once enough pages
    of a site are archived for its repeated boilerplate blocks to be learned.

    \b
    Example:
        newsarchive reextract
        newsarchive reextract --source example.com
    """
    from archive.ingest.reextract import reextract as run_reextract

    with Archive(ctx.obj["db"]) as archive:
        stats = run_reextract(archive, sources=sources, workers=workers)
    for failure in stats.rejections:
        click.echo(f"kept as it was: {failure}", err=True)
    with Archive(ctx.obj["db"], read_only=True) as archive:
        duplicates = archive.reports.totals().duplicates
    click.echo(
        f"re-extracted {stats.read - len(stats.rejections)} articles: {stats.changed} changed "
        f"({stats.text_changed} with new text), {len(stats.rejections)} failed and kept; "
        f"{duplicates} duplicates after regrouping"
    )

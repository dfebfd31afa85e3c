"""Terminal output for the CLI: progress, summaries, tables (rich)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from archive.api import NewsArchive, Stats
from archive.ingest.writer import WriteStats

MAX_TABLE_ROWS = 200  # longer query results are cut in table format; use --format csv for all


def _console() -> Console:
    return Console(soft_wrap=False)


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[Callable[[WriteStats], None]]:
    """A live counter on a terminal; a no-op elsewhere."""
    if not enabled or not sys.stderr.isatty():
        yield lambda stats: None
        return
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = progress.add_task("reading")
    with progress:

        def update(stats: WriteStats) -> None:
            progress.update(
                task, description=f"read {stats.read}  archived {stats.archived}  rejected {len(stats.rejections)}"
            )

        yield update


def summary_line(stats: WriteStats) -> str:
    earlier = sum(1 for r in stats.rejections if r.earlier)
    again = f" ({earlier} unchanged since an earlier run, not extracted again: --retry-rejected)" if earlier else ""
    return (
        f"read {stats.read}, archived {stats.archived} new, {stats.duplicates} of them duplicates, "
        f"{stats.skipped} already archived, rejected {len(stats.rejections)}{again}"
    )


def duplicate_groups_table(archive: NewsArchive, limit: int = 20) -> None:
    """Print the largest duplicate groups, or say there are none."""
    groups = archive.groups(limit=limit)
    console = _console()
    if not groups:
        console.print("no duplicate groups")
        return
    table = Table(title="duplicate groups")
    for column in ("group", "members", "kinds", "representative (title or opening words)"):
        table.add_column(column)
    for group in groups:
        first = group.members[0]
        kinds = ", ".join(sorted({m.duplicate_kind for m in group.members if m.duplicate_kind}))
        table.add_row(str(group.cluster_id), str(len(group.members)), kinds, first.title or first.text[:70] + "…")
    console.print(table)


def rows_table(columns: list[str], result) -> None:
    """Print a query result (a DuckDB cursor) as a table of at most MAX_TABLE_ROWS rows."""
    rows = result.fetchmany(MAX_TABLE_ROWS + 1)
    table = Table(*columns, show_lines=False)
    for row in rows[:MAX_TABLE_ROWS]:
        table.add_row(*("" if value is None else _short(value) for value in row))
    console = _console()
    console.print(table)
    if len(rows) > MAX_TABLE_ROWS:
        console.print(f"(first {MAX_TABLE_ROWS} rows; use --format csv or json for all)")


def _short(value, width: int = 120) -> str:
    text = str(value).replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def print_stats(stats: Stats) -> None:
    console = _console()
    totals = stats.totals
    share = totals.duplicates / totals.articles if totals.articles else 0.0
    console.print(
        f"{totals.articles} articles, {totals.groups} unique, {totals.duplicates} duplicates ({share:.1%}); "
        f"{totals.stories} {'story' if totals.stories == 1 else 'stories'}"
    )
    by_kind = stats.duplicates_by_kind
    if by_kind:
        console.print("duplicates by kind: " + ", ".join(f"{kind} {n}" for kind, n in by_kind))
    if stats.changes:
        console.print("changes found by revisits: " + ", ".join(f"{kind} {n}" for kind, n in stats.changes))
    _print_rows(console, "articles per source", ("source", "articles", "duplicates"), stats.per_source)
    _print_rows(console, "articles per day (published)", ("day", "articles", "duplicates"), stats.per_day)
    if stats.syndication:
        rows = [
            (p.origin_source, p.source, p.copies, "" if p.median_lag_hours is None else f"{p.median_lag_hours:.1f}",
             f"{p.credited}/{p.copies}")
            for p in stats.syndication
        ]  # fmt: skip
        header = ("origin", "republished by", "copies", "median lag (h)", "credited")
        _print_rows(console, "syndication: who republishes whom", header, rows)


def _print_rows(console: Console, title: str, header: tuple, rows: list) -> None:
    table = Table(*header, title=title)
    for row in rows:
        table.add_row(*(str(v) for v in row))
    console.print(table)

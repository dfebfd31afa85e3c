"""Polls of followed sources (``source_polls``): validators for the next poll, history to judge health on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import duckdb

from archive.models import Poll
from archive.store.convert import utc

_COLUMNS = (
    "source", "url", "started_at", "finished_at", "status", "http_status", "etag", "last_modified", "entries",
    "newest_entry", "requested", "archived", "rejected", "failed", "short", "median_text_length",
)  # fmt: skip
_TIMES = {"started_at", "finished_at", "newest_entry"}


class SourcePolls:
    """The ``source_polls`` table."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def record(self, run_id: int | None, polls: Sequence[Poll]) -> None:
        if not polls:
            return
        names = ", ".join(("run_id", *_COLUMNS))
        marks = ", ".join("?" * (len(_COLUMNS) + 1))
        self.con.executemany(
            f"INSERT INTO source_polls ({names}) VALUES ({marks})",
            [[run_id, *(utc(getattr(p, n)) if n in _TIMES else getattr(p, n) for n in _COLUMNS)] for p in polls],
        )

    def last_polls(self) -> dict[tuple[str, str], Poll]:
        """The newest poll of each (source, URL): when it was and its validators.

        A poll answered 304 keeps the validators of the poll before it (it repeated them)."""
        rows = self.con.execute(
            f"""SELECT {", ".join(_COLUMNS)} FROM source_polls
                QUALIFY row_number() OVER (PARTITION BY source, url ORDER BY started_at DESC, id DESC) = 1"""
        ).fetchall()
        return {(row[0], row[1]): _poll(row) for row in rows}

    def history(self, source: str, since: datetime | None = None) -> list[Poll]:
        """The source's polls, oldest first (from ``since`` when given)."""
        rows = self.con.execute(
            f"""SELECT {", ".join(_COLUMNS)} FROM source_polls
                WHERE source = ? AND (?::TIMESTAMPTZ IS NULL OR started_at >= ?::TIMESTAMPTZ)
                ORDER BY started_at, id""",
            [source, since, since],
        ).fetchall()
        return [_poll(row) for row in rows]

    def sources(self) -> list[str]:
        """Every source with a recorded poll, also those since removed from the sources file."""
        return [row[0] for row in self.con.execute("SELECT DISTINCT source FROM source_polls ORDER BY 1").fetchall()]


def _poll(row: Sequence[object]) -> Poll:
    return Poll(**dict(zip(_COLUMNS, row, strict=True)))  # type: ignore[arg-type]

"""Polls of followed sources (``source_polls``): validators for the next poll, history to judge health on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import duckdb
import pyarrow as pa

from archive.models import Poll
from archive.store.convert import table, utc

_COLUMNS = (
    "source", "url", "started_at", "finished_at", "status", "http_status", "etag", "last_modified", "entries",
    "newest_entry", "requested", "archived", "rejected", "failed", "short", "median_text_length",
)  # fmt: skip
_TIME = pa.timestamp("us", tz="UTC")
_NEW = pa.schema(
    [("run_id", pa.int64()), ("source", pa.string()), ("url", pa.string()), ("started_at", _TIME)]
    + [("finished_at", _TIME), ("status", pa.string()), ("http_status", pa.int32()), ("etag", pa.string())]
    + [("last_modified", pa.string()), ("entries", pa.int32()), ("newest_entry", _TIME)]
    + [(name, pa.int32()) for name in ("requested", "archived", "rejected", "failed", "short", "median_text_length")]
)


class SourcePolls:
    """The ``source_polls`` table."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def record(self, run_id: int | None, polls: Sequence[Poll]) -> None:
        if not polls:
            return
        rows = [
            {"run_id": run_id, **{name: getattr(p, name) for name in _COLUMNS}}
            | {name: utc(getattr(p, name)) for name in ("started_at", "finished_at", "newest_entry")}
            for p in polls
        ]
        names = ", ".join(_NEW.names)
        self.con.register("_new_polls", table(_NEW, rows))
        try:
            self.con.execute(f"INSERT INTO source_polls ({names}) SELECT {names} FROM _new_polls")
        finally:
            self.con.unregister("_new_polls")

    def last_polls(self) -> dict[tuple[str, str], Poll]:
        """The newest poll of each (source, URL): when it was and its validators.

        A poll answered 304 keeps the validators of the poll before it (it repeated them)."""
        rows = self.con.execute(
            f"""SELECT {", ".join(_COLUMNS)} FROM source_polls
                QUALIFY row_number() OVER (PARTITION BY source, url ORDER BY started_at DESC, id DESC) = 1"""
        ).fetchall()
        return {(row[0], row[1]): _poll(row) for row in rows}

    def histories(self, sources: Iterable[str], since: datetime | None = None) -> dict[str, list[Poll]]:
        """Each source's polls, oldest first (from ``since`` when given), in one query."""
        names = list(sources)
        found: dict[str, list[Poll]] = {name: [] for name in names}
        rows = self.con.execute(
            f"""SELECT {", ".join(_COLUMNS)} FROM source_polls
                WHERE list_contains(?, source) AND (?::TIMESTAMPTZ IS NULL OR started_at >= ?::TIMESTAMPTZ)
                ORDER BY source, started_at, id""",
            [names, since, since],
        ).fetchall()
        for row in rows:
            found[row[0]].append(_poll(row))
        return found

    def sources(self) -> list[str]:
        """Every source with a recorded poll, also those since removed from the sources file."""
        return [row[0] for row in self.con.execute("SELECT DISTINCT source FROM source_polls ORDER BY 1").fetchall()]


def _poll(row: Sequence[object]) -> Poll:
    return Poll(**dict(zip(_COLUMNS, row, strict=True)))  # type: ignore[arg-type]

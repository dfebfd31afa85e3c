"""Stream entries already committed (``stream_entries``): exactly-once writes from Redis."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

KEEP_DAYS = 7  # an entry pending longer than this is not expected to come back


class StreamEntries:
    """The ``stream_entries`` table."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def record(self, stream: str, entry_ids: Iterable[str], run_id: int) -> None:
        ids = list(entry_ids)
        if not ids:
            return
        self.con.execute("INSERT OR IGNORE INTO stream_entries SELECT ?, unnest(?), ?, now()", [stream, ids, run_id])
        self.con.execute(
            f"DELETE FROM stream_entries WHERE committed_at < now() - INTERVAL {KEEP_DAYS} DAY AND stream = ?", [stream]
        )

    def committed(self, stream: str, entry_ids: Iterable[str]) -> set[str]:
        """The subset of ``entry_ids`` written by an earlier batch."""
        ids = list(entry_ids)
        if not ids:
            return set()
        rows = self.con.execute(
            "SELECT entry_id FROM stream_entries WHERE stream = ? AND entry_id IN (SELECT unnest(?))", [stream, ids]
        ).fetchall()
        return {row[0] for row in rows}

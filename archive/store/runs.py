"""Runs (ingest, crawl, reextract) and the inputs each rejected."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from archive.models import Rejection


@dataclass(frozen=True)
class RunTotals:
    archived: int
    duplicates: int
    rejections: list[Rejection]


class Runs:
    """The ``runs`` and ``rejections`` tables."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def start(self, command: str) -> int:
        row = self.con.execute(
            "INSERT INTO runs (command, started_at) VALUES (?, now()) RETURNING id", [command[:2000]]
        ).fetchone()
        assert row is not None
        return int(row[0])

    def finish(self, run_id: int, read: int, archived: int, duplicates: int, rejected: int, status: str) -> None:
        """Record how a run ended and its counts (its rejections go to ``RejectionLog.record``)."""
        self.con.execute(
            """UPDATE runs SET finished_at = now(), read = ?, archived = ?, duplicates = ?, rejected = ?, status = ?
               WHERE id = ?""",
            [read, archived, duplicates, rejected, status, run_id],
        )

    def progress(self, run_id: int, read: int, archived: int, duplicates: int, rejected: int) -> None:
        """The counts so far of a run still going (its status stays NULL until ``finish``)."""
        self.con.execute(
            "UPDATE runs SET read = ?, archived = ?, duplicates = ?, rejected = ? WHERE id = ?",
            [read, archived, duplicates, rejected, run_id],
        )

    def mark(self, run_ids: Sequence[int], status: str) -> None:
        """Set how finished runs ended, once their caller knows better (a crawl stopped by a signal)."""
        self.con.execute("UPDATE runs SET status = ? WHERE id IN (SELECT unnest(?))", [status, list(run_ids)])

    def totals(self, run_ids: Sequence[int]) -> RunTotals:
        """Archived and duplicate counts and rejections of several runs together."""
        ids = list(run_ids)
        row = self.con.execute(
            "SELECT sum(archived), sum(duplicates) FROM runs WHERE id IN (SELECT unnest(?))", [ids]
        ).fetchone()
        rejected = self.con.execute(
            "SELECT input, reason FROM rejections WHERE run_id IN (SELECT unnest(?)) ORDER BY run_id, input", [ids]
        ).fetchall()
        archived, duplicates = (int(row[0] or 0), int(row[1] or 0)) if row else (0, 0)
        return RunTotals(archived, duplicates, [Rejection(i, r) for i, r in rejected])

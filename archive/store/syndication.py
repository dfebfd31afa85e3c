"""Syndication lineage read back from the ``syndication`` view: who republishes whom, how fast."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class SyndicationPair:
    """Copies of one origin outlet's stories found at another source."""

    origin_source: str
    source: str
    copies: int
    median_lag_hours: float | None
    credited: int  # copies that name the origin's outlet or a news agency


class SyndicationReport:
    """Reads of the ``syndication`` view (defined in migration 0061)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def pairs(self, limit: int = 20) -> list[SyndicationPair]:
        """(origin source, copying source) pairs, most copies first."""
        rows = self.con.execute(
            """SELECT origin_source, source, count(*), median(lag_hours), count(*) FILTER (WHERE credited)
               FROM syndication GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT ?""",
            [limit],
        ).fetchall()
        return [
            SyndicationPair(str(origin), str(source), int(n), None if lag is None else float(lag), int(credited))
            for origin, source, n, lag, credited in rows
        ]

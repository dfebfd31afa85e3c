"""The rejections table: what each run could not archive and why, and which inputs not to extract again."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import duckdb
import pyarrow as pa

from archive.models import Rejection

_SCHEMA = pa.schema([("run_id", pa.int64()), ("input", pa.string()), ("reason", pa.string()), ("digest", pa.string())])


class RejectionLog:
    """Rejections of every run, with the digest of the rejected document where extraction refused it."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def record(self, run_id: int, rejections: Sequence[Rejection]) -> None:
        """Add a run's rejections (inside the caller's transaction)."""
        if not rejections:
            return
        batch = pa.table(
            {
                "run_id": [run_id] * len(rejections),
                "input": [r.input for r in rejections],
                "reason": [r.reason for r in rejections],
                "digest": [r.digest for r in rejections],
            },
            schema=_SCHEMA,
        )
        self.con.register("_rejections", batch)
        try:
            self.con.execute(
                "INSERT INTO rejections (run_id, input, reason, digest) SELECT run_id, input, reason, digest FROM _rejections"
            )
        finally:
            self.con.unregister("_rejections")

    def earlier(self, inputs: Iterable[str]) -> dict[tuple[str, str], str]:
        """(input, digest) -> latest reason, for every refused document of these inputs (one query).

        Asked by input first, so a caller hashes only the documents that were refused before.
        """
        wanted = sorted(set(inputs))
        if not wanted:
            return {}
        rows = self.con.execute(
            "SELECT input, digest, arg_max(reason, run_id) FROM rejections "
            "WHERE input IN (SELECT unnest(?)) AND digest IS NOT NULL GROUP BY input, digest",
            [wanted],
        ).fetchall()
        return {(str(i), str(d)): str(reason) for i, d, reason in rows}

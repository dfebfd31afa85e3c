"""Schema migrations: numbered SQL files in this folder, applied once each, in order.

Each applied file is recorded in ``schema_migrations``; re-running is a no-op.
Number ranges keep parallel work apart: 0001-0009 spine, 0010-0019 dedup,
0020-0029 extraction, 0030-0039 crawling, 0040-0049 runs and rejections,
0050-0059 search, 0060-0069 article history and syndication, 0070-0079 stories, 0080-0089 followed
sources, 0090-0099 scale-out, 0100-0109 raw page storage.
"""

from __future__ import annotations

import logging
from importlib import resources

import duckdb

LOGGER = logging.getLogger(__name__)


def available() -> list[tuple[str, str]]:
    """(name, sql) of every migration shipped with the package, in order."""
    files = resources.files(__name__)
    names = sorted(f.name for f in files.iterdir() if f.name.endswith(".sql"))
    return [(name, files.joinpath(name).read_text(encoding="utf-8")) for name in names]


def pending(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ DEFAULT now())"
    )
    done = {row[0] for row in con.execute("SELECT name FROM schema_migrations").fetchall()}
    return [(name, sql) for name, sql in available() if name not in done]


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending migrations, each in its own transaction; return their names."""
    applied = []
    for name, sql in pending(con):
        LOGGER.info("applying migration %s", name)
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations (name) VALUES (?)", [name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied

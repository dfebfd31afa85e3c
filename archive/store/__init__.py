"""The DuckDB archive: the only code that holds SQL.

``Archive`` opens a file (writers apply pending migrations, readers open read-only) and groups
its tables by job: ``articles`` (articles and raw documents), ``runs`` and ``rejections`` (what each run could not archive, and which inputs not to extract again),
``site_blocks`` (per-source block learning), ``crawl_urls`` (crawl aliases), ``polls`` (polls of followed sources), ``stream_entries`` (Redis Stream entries committed), ``dedup`` (signatures,
band keys, groups), ``stories`` (story ids, term postings, merges) and ``story_list`` (stories read back), ``reports`` (counts for ``stats``, exports, user SQL) and ``catalog`` (articles,
search hits, groups and sources read back, for the Python API and the web view), ``versions`` (article
history, the revisit crawl's look-ups) and ``syndication`` (who republishes whom). Writes run inside
``with archive.transaction():``; one thread writes, others read through ``archive.cursor()``.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from archive.errors import ArchiveError, ArchiveLocked
from archive.store import migrations
from archive.store.articles import Articles
from archive.store.catalog import Catalog
from archive.store.crawl import CrawlUrls
from archive.store.dedup import DedupTables
from archive.store.polls import SourcePolls
from archive.store.rejections import RejectionLog
from archive.store.reports import Reports
from archive.store.runs import Runs
from archive.store.siteblocks import SiteBlocks
from archive.store.stories import StoryTables
from archive.store.storylist import StoryList
from archive.store.streams import StreamEntries
from archive.store.syndication import SyndicationReport
from archive.store.versions import Versions

LOGGER = logging.getLogger(__name__)

DEFAULT_PATH = "archive.duckdb"
# DuckDB's buffer pool may grow to 80 % of RAM by default, and a writer's grows with everything
# it writes (its table blocks stay cached): 6 GB after one ingest of 300,000 articles. Writes
# touch the newest blocks and each batch's look-ups a few days of them, so a writer needs far
# less; past the limit DuckDB drops cached blocks and spills query state to `<archive>.tmp`.
WRITER_MEMORY_LIMIT = "1GB"
# DuckDB checkpoints whenever the WAL passes 16 MB (its default), about every 1,000 articles here,
# and each checkpoint writes the tables' whole ART indexes again, not only what changed
# (duckdb/duckdb#24848): a cost per article that grows with the archive. 256 MB is every ~15,000
# articles. Not more: what changed since the last checkpoint stays in the buffer pool, and with
# 1 GB an ingest into a 500,000-article archive ran out of the 1 GB memory limit. A crash
# replays the WAL on the next open.
WRITER_CHECKPOINT_THRESHOLD = "256MB"


def default_path() -> str:
    return os.environ.get("NEWSARCHIVE_DB") or DEFAULT_PATH


def writer_memory_limit() -> str:
    return os.environ.get("NEWSARCHIVE_MEMORY_LIMIT") or WRITER_MEMORY_LIMIT


class Archive:
    """One DuckDB archive file. Writers migrate the schema on open; readers open read-only."""

    def __init__(self, path: str | os.PathLike[str] | None = None, read_only: bool = False):
        """A writer's DuckDB buffer pool is bounded by ``$NEWSARCHIVE_MEMORY_LIMIT`` (default 1GB);
        readers keep DuckDB's default, as their queries are the user's."""
        self.path = str(path or default_path())
        self.read_only = read_only
        if read_only and self.path != ":memory:" and not Path(self.path).exists():
            raise ArchiveError(f"{self.path}: no archive here yet (run 'newsarchive ingest' first)")
        config: dict[str, str | bool | int | float | list[str]] = (
            {}
            if read_only
            else {
                "memory_limit": writer_memory_limit(),
                "checkpoint_threshold": WRITER_CHECKPOINT_THRESHOLD,
            }
        )
        try:
            con = duckdb.connect(self.path, read_only=read_only, config=config)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                holder = re.search(r"\(PID (\d+)\)", str(exc))
                who = f"process {holder.group(1)}" if holder else "another process"
                raise ArchiveLocked(f"{self.path}: the archive is in use by {who}; wait for it to finish") from None
            raise ArchiveError(f"{self.path}: cannot open archive ({str(exc).splitlines()[0]})") from None
        except duckdb.ParserException as exc:  # the only setting a user gives: the memory limit
            raise ArchiveError(
                f"$NEWSARCHIVE_MEMORY_LIMIT {config['memory_limit']!r}: {str(exc).splitlines()[0]}"
            ) from None
        except duckdb.Error as exc:
            raise ArchiveError(f"{self.path}: not a DuckDB archive ({str(exc).splitlines()[0]})") from None
        if not read_only:
            con.execute("SET enable_progress_bar = false")  # DuckDB's bar would cut into the command's output
            migrations.migrate(con)
        self._bind(con)

    def _bind(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.articles = Articles(con)
        self.runs = Runs(con)
        self.rejections = RejectionLog(con)
        self.site_blocks = SiteBlocks(con)
        self.crawl_urls = CrawlUrls(con)
        self.dedup = DedupTables(con, None if self.path == ":memory:" else Path(self.path + ".bands"))
        self.stories = StoryTables(con)
        self.story_list = StoryList(con)
        self.reports = Reports(con)
        self.catalog = Catalog(con)
        self.versions = Versions(con)
        self.syndication = SyndicationReport(con)
        self.polls = SourcePolls(con)
        self.stream_entries = StreamEntries(con)

    def cursor(self) -> Archive:
        """The same archive through a connection of its own, for use from another thread."""
        view = object.__new__(Archive)
        view.path, view.read_only = self.path, self.read_only
        view._bind(self.con.cursor())
        return view

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction: committed when the block ends, rolled back when it raises (also on Ctrl-C)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    @staticmethod
    def failed_itself(exc: BaseException) -> bool:
        """Whether a failed write is the archive's own failure (disk, memory, a fatal DuckDB
        error), which any other write would meet too, rather than a failure on what was written."""
        return not isinstance(exc, Exception) or isinstance(
            exc, (OSError, MemoryError, duckdb.IOException, duckdb.OutOfMemoryException, duckdb.FatalException)
        )

    def count(self) -> int:
        return self.articles.count()

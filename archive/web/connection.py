"""The web view's read-only connection: kept while pages are asked for, closed once they stop.

DuckDB lets no writing process in while another process has the file open, even read-only,
so a server that held the archive for its lifetime would stop every ingest and crawl. Opening
it for each request lets writers in, but every page then starts on a cold buffer pool (about
70 ms more per search at 100,000 articles). So the connection is opened by the first request,
shared by the requests that follow (each through a cursor of its own), and closed when none
has come for ``idle_seconds``: a writer finds the file free a second after the last page.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from archive.api import NewsArchive


class SharedReader:
    """Read-only ``NewsArchive`` views for request threads, on one connection closed when idle."""

    def __init__(self, path: str, idle_seconds: float = 1.0):
        self.path = path
        self.idle_seconds = idle_seconds
        self._lock = threading.Lock()
        self._archive: NewsArchive | None = None
        self._users = 0
        self._timer: threading.Timer | None = None

    @contextmanager
    def reading(self) -> Iterator[NewsArchive]:
        """A view of the archive for one request (raises ``ArchiveLocked`` while a writer holds it)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._archive is None:
                self._archive = NewsArchive(self.path)
            self._users += 1
            view = self._archive.cursor()
        try:
            yield view
        finally:
            view.close()
            with self._lock:
                self._users -= 1
                if self._users == 0:
                    self._timer = threading.Timer(self.idle_seconds, self._close_if_idle)
                    self._timer.daemon = True
                    self._timer.start()

    def _close_if_idle(self) -> None:
        with self._lock:
            if self._users == 0 and self._archive is not None:
                self._archive.close()
                self._archive = None

    def close(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            if self._archive is not None:
                self._archive.close()
                self._archive = None

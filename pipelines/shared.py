"""Per-process shared resources: one archive connection, one writer, one extraction pool.

Several crawlers in one process (``newsarchive crawl --feed A --sitemap B``) must share them:
DuckDB allows a single writer, and one pool per crawler would oversubscribe the cores.
Each resource is reference-counted and closed when its last user releases it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

_lock = threading.RLock()  # factories may acquire other shared resources
_resources: dict[Hashable, list[Any]] = {}  # key -> [object, users]


def acquire(key: Hashable, factory: Callable[[], Any]) -> Any:
    """The object under ``key``, created by ``factory`` on first use."""
    with _lock:
        entry = _resources.get(key)
        if entry is None:
            entry = _resources[key] = [factory(), 0]
        entry[1] += 1
        return entry[0]


def release(key: Hashable, closer: Callable[[Any], Any]) -> Any:
    """Drop one use of ``key``; the last user closes the object and gets ``closer``'s result."""
    with _lock:
        entry = _resources.get(key)
        if entry is None:
            return None
        entry[1] -= 1
        if entry[1] > 0:
            return None
        del _resources[key]
    return closer(entry[0])


def archive_key(path: str) -> tuple[str, str]:
    import os

    return ("archive", path if path == ":memory:" else os.path.realpath(path))

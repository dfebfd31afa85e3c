"""The revisit crawl's look-up: which article URLs are archived, and their last fetch's validators.

Like ``ArchiveSeenUrls`` (same per-site cache, same shared connection), but each URL maps to
a ``RevisitTarget``: the archived article's URL, the ETag and Last-Modified of its last fetch,
and when it was first archived (for ``--revisit-within``).
"""

from __future__ import annotations

from collections.abc import Iterable

from archive.store.versions import RevisitTarget
from pipelines.seen import ArchiveSeenUrls


class ArchiveRevisitTargets(ArchiveSeenUrls):
    def __init__(self, archive, on_close=None):
        super().__init__(archive, on_close)
        self._targets: dict[str, RevisitTarget] = {}  # of the sites loaded so far

    def targets(self, urls: Iterable[str]) -> dict[str, RevisitTarget]:
        """The archived ones among ``urls``, each with its target."""
        return {url: self._targets[url] for url in self.seen(urls)}

    def _load(self, site: str) -> set[str]:
        found = self.archive.versions.revisit_targets(site)
        self._targets.update(found)
        return set(found)

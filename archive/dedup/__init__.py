"""Duplicate groups: exact copies, near copies and rewrites, found at ingest against the whole archive.

Groups are recorded in ``duplicates`` and ``articles.cluster_id``; nothing is deleted.
The representative is the earliest published article, then the earliest ingested.
Stages: datasketch MinHash signatures and LSH band keys stored in the archive (index.py),
a verifier that reads both texts (verify.py), and placement into groups (grouping.py).
Articles are placed in id order, each against earlier ones only, so the partition is a
function of the stored texts and their order: ingest in any batch size, ``rebuild`` and
``refresh`` give the same groups. SQL lives in archive.store.dedup. See docs/dedup.md.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence

import pyarrow as pa

from archive.dedup.config import DedupConfig
from archive.dedup.features import TextFeatures, text_features, verifier_features
from archive.dedup.grouping import Grouper, Placement
from archive.dedup.index import Precomputed, SignatureIndex
from archive.dedup.verify import Verifier
from archive.errors import ConfigMismatch
from archive.store import Archive
from archive.store.dedup import EDGE_SCHEMA, MOVE_SCHEMA, REPRESENTATIVE_ORDER, DedupTables

__all__ = ["REPRESENTATIVE_ORDER", "DedupConfig", "Deduplicator"]

LOGGER = logging.getLogger(__name__)

REBUILD_BATCH = 1000  # articles indexed and placed per step of a rebuild
FEATURE_CACHE = 2048  # verifier features kept between batches (~20 KB each)


class Deduplicator:
    """Assigns articles to duplicate groups inside the caller's transaction (never commits)."""

    def __init__(self, config: DedupConfig | None = None):
        self.config = config or DedupConfig()
        self.index = SignatureIndex(self.config)
        self.verifier = Verifier(self.config)
        self.last: Placement | None = None  # the latest batch's placement, for benchmarks
        # Verifier features of recently compared articles (a pure function of the stored text):
        # copies of a story arrive close together, so the same earlier articles are read again
        # and again. Bounded.
        self._recent: OrderedDict[int, TextFeatures] = OrderedDict()

    # -- parameters ----------------------------------------------------------
    def check(self, archive: Archive) -> None:
        """Refuse an archive whose groups were built with other parameters."""
        tables = archive.dedup
        stored = tables.fingerprint()
        if stored is None:
            if archive.articles.count():
                raise ConfigMismatch("this archive has no MinHash index yet; run 'newsarchive dedup --rebuild' once")
            return
        if stored != self.config.fingerprint:
            raise ConfigMismatch(
                f"this archive was deduplicated with other parameters (fingerprint {stored}, "
                f"these are {self.config.fingerprint}); run 'newsarchive dedup --rebuild' to recompute its groups"
            )

    # -- public operations -----------------------------------------------------
    def assign(self, archive: Archive, new_ids: Sequence[int], precomputed: Precomputed | None = None) -> int:
        """Index and group ``new_ids`` (placed after every article already grouped); return how many
        of them joined a group.

        ``precomputed`` maps a text to its LineInput, computed where the text was extracted; it
        is used only for a stored text equal to its key.
        """
        if not new_ids:
            return 0
        tables = archive.dedup
        if tables.fingerprint() is None:
            tables.record_config(self.config.fingerprint, self.config.to_json())
        texts = tables.texts(new_ids)
        self.index.add(tables, texts, precomputed)
        return len(self._place(tables, sorted(new_ids), texts).joined)

    def rebuild(self, archive: Archive) -> int:
        """Recompute every signature and group from scratch; return the number of duplicates."""
        tables = archive.dedup
        tables.clear_signatures()
        tables.clear_groups()
        tables.record_config(self.config.fingerprint, self.config.to_json())
        self._recent.clear()
        ids = archive.articles.ids()
        for start in range(0, len(ids), REBUILD_BATCH):
            chunk = ids[start : start + REBUILD_BATCH]
            texts = tables.texts(chunk)
            self.index.add(tables, texts)
            self._place(tables, chunk, texts)
        return tables.duplicate_count()

    def reindex(self, archive: Archive, ids: Sequence[int]) -> None:
        """Re-sign articles whose text changed and mark the groups for ``regroup``.

        A changed text can change the placement of any later article (and through a merge, of
        groups made before it), so the groups are placed again from the first article, once for
        all the changes of a run: ``regroup``. Until then they are those of the old texts.
        """
        if not ids:
            return
        tables = archive.dedup
        self.index.remove(tables, ids)
        changed = sorted(ids)
        for start in range(0, len(changed), REBUILD_BATCH):
            self.index.add(tables, tables.texts(changed[start : start + REBUILD_BATCH]))
        self._recent.clear()
        tables.set_regroup_pending(True)

    def regroup(self, archive: Archive) -> int:
        """Place every article again from the stored signatures (the partition a rebuild gives);
        return the number of duplicates."""
        tables = archive.dedup
        self._recent.clear()
        tables.clear_groups()
        every = archive.articles.ids()
        for start in range(0, len(every), REBUILD_BATCH):
            self._place(tables, every[start : start + REBUILD_BATCH], {})
        tables.set_regroup_pending(False)
        return tables.duplicate_count()

    def refresh(self, archive: Archive, ids: Sequence[int]) -> int:
        """``reindex`` and ``regroup`` at once; return the number of duplicates."""
        self.reindex(archive, ids)
        return self.regroup(archive) if ids else archive.dedup.duplicate_count()

    # -- internals --------------------------------------------------------------
    def _place(self, tables: DedupTables, pending: list[int], known: dict[int, str]) -> Placement:
        """Find candidates of ``pending`` (``known``: texts already read), verify, group, write."""
        candidates = self.index.candidates(tables, pending)
        others = sorted(set(candidates.right.tolist()) - set(pending))
        cluster_of = tables.clusters(others)
        sizes = tables.group_sizes(sorted(set(cluster_of.values())))
        # Texts are read only for articles that have candidates, and only when not cached.
        involved = set(candidates.left.tolist()) | set(candidates.right.tolist())
        features = {a: self._recent[a] for a in involved if a in self._recent}
        size = self.config.shingle_size
        stored = tables.verifier_inputs(sorted(involved - features.keys()))
        features.update({a: verifier_features(stems, sizes, size) for a, (stems, sizes) in stored.items()})
        # Articles signed before the verifier's features were stored: their texts are read.
        missing = sorted(involved - features.keys())
        texts = {a: known[a] for a in missing if a in known}
        unread = [a for a in missing if a not in known]
        texts.update(tables.texts(unread) if unread else {})

        def features_of(article: int) -> TextFeatures:
            if article not in features:
                features[article] = text_features(texts[article], size)
            self._remember(article, features[article])
            return features[article]

        placement = Grouper(self.config, lambda a, b: self.verifier.verify(features_of(a), features_of(b))).place(
            pending, candidates, cluster_of, sizes
        )
        self._write(tables, pending, placement)
        self.last = placement
        return placement

    def _remember(self, article: int, features: TextFeatures) -> None:
        self._recent[article] = features
        self._recent.move_to_end(article)
        while len(self._recent) > FEATURE_CACHE:
            self._recent.popitem(last=False)

    @staticmethod
    def _write(tables: DedupTables, pending: list[int], placement: Placement) -> None:
        """Store edges and the new group of every touched article."""
        edges = placement.edges
        edge_table = pa.table(
            {
                "article_id": [e.article_id for e in edges],
                "other_id": [e.other_id for e in edges],
                "kind": [e.kind for e in edges],
                "similarity": [float(e.similarity) for e in edges],
            },
            schema=EDGE_SCHEMA,
        )
        moves = pa.table(
            {
                "cluster": list(placement.root_of) + list(placement.group_of_new),
                "kind": ["cluster"] * len(placement.root_of) + ["article"] * len(placement.group_of_new),
                "target": list(placement.root_of.values()) + list(placement.group_of_new.values()),
            },
            schema=MOVE_SCHEMA,
        )
        touched = set(placement.root_of) | set(placement.root_of.values()) | set(placement.group_of_new.values())
        tables.write_groups(pending, edge_table, moves, sorted(touched))

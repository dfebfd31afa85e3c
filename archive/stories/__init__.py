"""Stories: reports of the same event across outlets, assigned as articles arrive.

Every archived article gets ``articles.story_id``: the id of the story's first article. The
archive writer assigns the new articles of each batch right after placing them into duplicate
groups, in the same transaction, one after the other in id order (archive/stories/assign.py),
so ingest, crawl, reextract and rebuild all give the same stories for the same arrivals.
Candidates come from the term postings of the articles in the time window (point lookups on
day + term keys), never from a scan of the archive's texts. Every duplicate group lies inside
one story; merges keep the older id and are recorded. SQL lives in archive.store.stories.
See docs/stories.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from archive.errors import ConfigMismatch
from archive.store import Archive
from archive.store.stories import ASSIGN_SCHEMA, DF_SCHEMA
from archive.stories.assign import BatchAssigner, PrecomputedTerms
from archive.stories.config import StoriesConfig
from archive.stories.postings import postings_table

__all__ = ["StoriesConfig", "StoryAssigner"]

REBUILD_BATCH = 1000  # articles assigned per step of a rebuild


class StoryAssigner:
    """Assigns articles to stories inside the caller's transaction (never commits)."""

    def __init__(self, config: StoriesConfig | None = None):
        self.config = config or StoriesConfig()

    def check(self, archive: Archive) -> None:
        """Refuse an archive whose stories were built with other parameters."""
        stored = archive.stories.fingerprint()
        if stored is None:
            if archive.articles.count():
                raise ConfigMismatch("this archive has no stories yet; run 'newsarchive stories --rebuild' once")
            return
        if stored != self.config.fingerprint:
            raise ConfigMismatch(
                f"this archive's stories were built with other parameters (fingerprint {stored}, "
                f"these are {self.config.fingerprint}); run 'newsarchive stories --rebuild' to recompute them"
            )

    def assign(self, archive: Archive, new_ids: Sequence[int], precomputed: PrecomputedTerms | None = None) -> int:
        """Place ``new_ids`` (already in their duplicate groups) into stories; return how many joined one.

        ``precomputed`` maps (title, text) to the (lead_chars, title_weight, weights) computed where
        the article was extracted; used only for a stored title and text equal to its key.
        """
        if not new_ids:
            return 0
        tables = archive.stories
        if tables.fingerprint() is None:
            tables.record_config(self.config.fingerprint, self.config.to_json())
        inputs = tables.inputs(sorted(new_ids))
        result, vectors = BatchAssigner(self.config, tables).assign(inputs, precomputed or {})
        tables.write(
            pa.table(
                {"article_id": list(result.story_of), "story_id": list(result.story_of.values())}, schema=ASSIGN_SCHEMA
            ),
            postings_table(inputs, vectors, self.config.indexed_terms),
            pa.table({"term": list(result.frequencies), "df": list(result.frequencies.values())}, schema=DF_SCHEMA),
        )
        tables.merge(result.merges)
        return sum(1 for article, story in result.story_of.items() if story != article)

    def rebuild(self, archive: Archive) -> int:
        """Assign every article again from scratch, in id order; return the number of stories."""
        tables = archive.stories
        tables.clear()
        tables.record_config(self.config.fingerprint, self.config.to_json())
        ids = archive.articles.ids()
        for start in range(0, len(ids), REBUILD_BATCH):
            self.assign(archive, ids[start : start + REBUILD_BATCH])
        return tables.story_count()

    def contain_groups(self, archive: Archive) -> int:
        """Merge the stories of every duplicate group that spans several (after groups were placed
        again); return how many stories merged away."""
        tables = archive.stories
        into: dict[int, int] = {}  # story -> an older story it merges into (union-find, oldest as root)

        def root(story: int) -> int:
            while story in into:
                story = into[story]
            return story

        for group in tables.split_groups():
            oldest = min(root(s) for s in group)
            for story in group:
                if root(story) != oldest:
                    into[root(story)] = oldest
        merges: list[tuple[int, int, int | None]] = [(story, root(story), None) for story in sorted(into)]
        tables.merge(merges)
        return len(merges)

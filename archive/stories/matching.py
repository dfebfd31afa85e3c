"""The archive's side of story assignment: which earlier stories a batch's articles can join.

Each new article is compared with every archived report in its time window that shares a term
with it. The dot products of all those pairs are one sparse matrix product (scipy): the batch's
vectors over their day+term keys times the postings stored under those keys. It replaces a SQL
join and GROUP BY over every (new article, report) pair, which computed the same sums: the
pairs are as many as the reports in the window that share a term, millions per batch when an
archive's articles share one window (undated text all takes its arrival time), and the matrix
product adds them in compiled code without materialising them as rows
(docs/BENCHMARKS.md, "Story candidates").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from archive.store.stories import StoryTables
from archive.stories.postings import WindowKeys


@dataclass(frozen=True)
class StoryMatch:
    """What a new article shares with one earlier story's reports in its time window."""

    article_id: int  # the new article
    story_id: int
    dot_sum: float  # sum over the story's reports in the window of the cosine with the new article
    dot_max: float  # ... the largest of them
    nearest: float  # seconds to the story's nearest report that shares a term


def archive_matches(
    tables: StoryTables, query: WindowKeys, window: float, reach: int, floor: float, story: int | None = None
) -> list[StoryMatch]:
    """For each new article in ``query``, the earlier stories whose reports within ``window``
    seconds, and among the ``reach`` articles archived before it, share its terms, when one of
    those reports has a cosine of at least ``floor`` (all of them with ``story``: that story only)."""
    if len(query.key) == 0:
        return []
    keys = np.unique(query.key)
    span = float(query.moment.min()) - window, float(query.moment.max()) + window
    stored = tables.postings(keys, *span, first_id=int(query.article_id.min()) - reach)
    if len(stored.article_id) == 0:
        return []
    new_ids, row = np.unique(query.article_id, return_inverse=True)
    moments = np.zeros(len(new_ids))
    moments[row] = query.moment
    # Columns of the product are article ids: no renumbering of the reports, and a row's
    # columns index the arrays of the reports' stories and moments directly.
    width = int(stored.article_id.max()) + 1
    story_of = np.full(width, -1, dtype=np.int64)
    story_of[stored.article_id] = stored.story_id
    moment_of = np.zeros(width)
    moment_of[stored.article_id] = stored.moment
    vectors = csr_matrix(
        (query.weight, (row, np.searchsorted(keys, query.key))), shape=(len(new_ids), len(keys)), dtype=np.float64
    )
    postings = csr_matrix(
        (stored.weight, (stored.position, stored.article_id)), shape=(len(keys), width), dtype=np.float64
    )
    dots = (vectors @ postings).tocsr()  # (new article, report) -> cosine over the terms they share
    found = []
    for index, article in enumerate(new_ids.tolist()):
        part = slice(dots.indptr[index], dots.indptr[index + 1])
        reports, dot = dots.indices[part], dots.data[part]
        gap = np.abs(moment_of[reports] - moments[index])
        near = (gap <= window) & (reports >= article - reach)  # every stored entry shares a term: weights are positive
        stories = story_of[reports]
        if story is not None:
            near &= stories == story
            joinable = np.unique(stories[near])
        else:
            joinable = np.unique(stories[near & (dot >= floor)])
        for candidate in joinable.tolist():
            member = near & (stories == candidate)
            found.append(
                StoryMatch(
                    article,
                    candidate,
                    float(dot[member].sum()),
                    float(dot[member].max()),
                    float(gap[member].min()),
                )
            )
    return found

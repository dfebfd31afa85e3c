"""Story postings: the day + term keys archived articles are indexed under and new ones look up.

A key is the day (since the epoch) in the high 32 bits and the term hash in the low 32: the
keys of one day sort together, so an archive that grows in time order keeps a day's postings
in few row groups, and a lookup names only the days of its window.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from archive.store.stories import POSTING_SCHEMA, StoryInput

DAY = 86400.0


def postings_table(inputs: list[StoryInput], vectors: list[dict[int, float]], limit: int) -> pa.Table:
    """The postings of new articles: one per term of the ``limit`` heaviest, under the key of the
    article's own day."""
    keys, ids, weights = [], [], []
    for item, whole in zip(inputs, vectors):
        vector = dict(itertools.islice(whole.items(), limit))  # the heaviest first
        terms = np.fromiter(vector.keys(), dtype=np.int64, count=len(vector))
        keys.append((math.floor(item.moment / DAY) << 32) | terms)
        ids.append(np.full(len(vector), item.article_id, dtype=np.int64))
        weights.append(np.fromiter(vector.values(), dtype=np.float32, count=len(vector)))
    columns = [np.concatenate(c) if c else np.zeros(0) for c in (keys, ids, weights)]
    return pa.table(dict(zip(POSTING_SCHEMA.names, columns)), schema=POSTING_SCHEMA)


@dataclass(frozen=True)
class WindowKeys:
    """Every key of new articles' windows, one row per (article, term, day)."""

    article_id: np.ndarray
    key: np.ndarray
    weight: np.ndarray  # the term's weight in the article's unit vector
    moment: np.ndarray  # the article's


def window_keys(inputs: list[StoryInput], vectors: list[dict[int, float]], window_days: float) -> WindowKeys:
    """Every key of each article's window: its terms on each day that window touches."""
    reach = math.ceil(window_days)
    offsets = np.arange(-reach, reach + 1, dtype=np.int64)
    ids: list[np.ndarray] = []
    keys: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    moments: list[np.ndarray] = []
    for item, vector in zip(inputs, vectors):
        terms = np.fromiter(vector.keys(), dtype=np.int64, count=len(vector))
        days = math.floor(item.moment / DAY) + offsets
        keys.append(((days[:, None] << 32) | terms[None, :]).ravel())
        weights.append(np.tile(np.fromiter(vector.values(), dtype=np.float64, count=len(vector)), len(offsets)))
        ids.append(np.full(len(vector) * len(offsets), item.article_id, dtype=np.int64))
        moments.append(np.full(len(vector) * len(offsets), item.moment, dtype=np.float64))
    if not ids:
        return WindowKeys(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0))
    return WindowKeys(np.concatenate(ids), np.concatenate(keys), np.concatenate(weights), np.concatenate(moments))

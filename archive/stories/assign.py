"""One batch of new articles placed into stories, one article after the other in id order.

Single-pass clustering in arrival order: a new article joins the story whose reports in its
time window are most like it (the mean cosine of their TF-IDF vectors with the article's,
over the story's reports in the window, scaled down by the days to the nearest one), if that
reaches the threshold; otherwise it starts a story of its own. A copy (a member of a duplicate
group) goes where its group's earlier members are; when those are in several stories, the
stories merge into the oldest.

The window holds only reports among the ``window_reports`` articles archived just before the
article: a bound on the work where many reports share a window (undated text loaded in bulk
shares one moment). It is per article, so batching does not change the result.

The mean is never above the best single cosine, so only stories with one report at least at
the threshold can be joined: the archive's side is one query per batch that returns just
those (archive/stories/matching.py); the batch's own earlier articles are compared here.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from archive.store.stories import StoryInput, StoryTables
from archive.stories.config import StoriesConfig
from archive.stories.matching import StoryMatch, archive_matches
from archive.stories.postings import DAY, window_keys
from archive.stories.terms import term_weights

# story -> (article id, moment) of its reports near the batch
Moments = dict[int, list[tuple[int, float]]]
# (title, text) -> (lead_chars, title_weight, term weights), computed in the extraction workers.
PrecomputedTerms = Mapping[tuple[str | None, str], tuple[Any, ...]]


@dataclass
class BatchResult:
    story_of: dict[int, int]  # article -> story, for the batch
    merges: list[tuple[int, int, int | None]] = field(default_factory=list)  # (story, into, article)
    frequencies: Counter[int] = field(default_factory=Counter)  # term -> articles of the batch with it


@dataclass
class Report:
    """An article of the batch, as later articles of the batch compare with it."""

    article_id: int
    moment: float
    story: int


class BatchAssigner:
    """Assigns one batch (``inputs`` in id order) against what the archive holds already."""

    def __init__(self, config: StoriesConfig, tables: StoryTables):
        self.config = config
        self.tables = tables
        self.window = config.window_days * DAY
        self.reach = config.window_reports
        self.redirect: dict[int, int] = {}  # merged story -> the story it merged into
        self.loaded: set[int] = set()  # stories whose archived reports near the batch are in ``moments``
        self.first_new = 0  # the batch's first article id: older stories have archived reports
        self.batch_terms: dict[int, list[tuple[int, float]]] = defaultdict(list)  # term -> (report, weight)

    def resolve(self, story: int) -> int:
        while story in self.redirect:
            story = self.redirect[story]
        return story

    def weights(self, item: StoryInput, precomputed: PrecomputedTerms) -> dict[int, float]:
        c = self.config
        ready = precomputed.get((item.title, item.text))
        if ready is not None and ready[:2] == (c.lead_chars, c.title_weight):
            return dict(ready[2])
        return term_weights(item.title, item.text, c.lead_chars, c.title_weight)

    def vectors(
        self, inputs: list[StoryInput], precomputed: PrecomputedTerms
    ) -> tuple[list[dict[int, float]], Counter[int]]:
        """Each article's unit TF-IDF vector of its heaviest terms; the batch's document frequencies.

        The IDF is the archive's as it was when the article arrived (the batch's earlier articles
        and the article itself counted), so vectors do not depend on how arrivals were batched.
        """
        weights = [self.weights(i, precomputed) for i in inputs]
        stored = self.tables.document_frequencies(sorted({t for w in weights for t in w}))
        seen = self.tables.assigned_count()
        batch: Counter[int] = Counter()
        vectors = []
        for n, w in enumerate(weights, seen + 1):
            batch.update(w.keys())
            tfidf = {t: x * (math.log((n + 1) / (stored.get(t, 0) + batch[t] + 1)) + 1.0) for t, x in w.items()}
            top = sorted(tfidf.items(), key=lambda kv: (-kv[1], kv[0]))[: self.config.max_terms]
            norm = math.sqrt(sum(x * x for _, x in top)) or 1.0
            # Rounded to float32 as stored, so a cosine is the same computed here or in the archive.
            rounded = np.array([x / norm for _, x in top], dtype=np.float32).tolist()
            vectors.append(dict(zip([t for t, _ in top], rounded, strict=True)))
        return vectors, batch

    def assign(
        self, inputs: list[StoryInput], precomputed: PrecomputedTerms
    ) -> tuple[BatchResult, list[dict[int, float]]]:
        vectors, frequencies = self.vectors(inputs, precomputed)
        query = window_keys(inputs, vectors, self.config.window_days)
        found: dict[int, dict[int, StoryMatch]] = defaultdict(dict)
        for match in archive_matches(self.tables, query, self.window, self.reach, self.config.threshold):
            found[match.article_id][match.story_id] = match
        self.first_new = min((i.article_id for i in inputs), default=0)
        moments: Moments = defaultdict(list)  # story -> (id, moment) of its reports near the batch
        if inputs:
            lo = min(i.moment for i in inputs) - self.window
            hi = max(i.moment for i in inputs) + self.window
            stories = sorted({s for per in found.values() for s in per})
            self.loaded = set(stories)
            for story, article, moment in self.tables.members_between(stories, lo, hi, self.first_new - self.reach):
                moments[story].append((article, moment))
        groups = self.tables.group_stories(sorted({i.cluster_id for i in inputs}))
        result = BatchResult(story_of={}, frequencies=frequencies)
        batch: list[Report] = []
        for item, vector in zip(inputs, vectors):
            earlier = {self.resolve(s) for s in groups.get(item.cluster_id, ())}
            if earlier:
                story = min(earlier)
            else:
                story = self._best(item, vector, found.get(item.article_id, {}), batch, moments)
            for other in sorted(earlier - {story}):
                self._merge(other, story, item.article_id, moments, result)
            result.story_of[item.article_id] = story
            groups.setdefault(item.cluster_id, set()).add(story)
            moments[story].append((item.article_id, item.moment))
            for term, weight in itertools.islice(vector.items(), self.config.indexed_terms):
                self.batch_terms[term].append((len(batch), weight))
            batch.append(Report(item.article_id, item.moment, story))
        result.story_of = {a: self.resolve(s) for a, s in result.story_of.items()}
        result.merges = [(s, self.resolve(into), a) for s, into, a in result.merges]
        return result, vectors

    def _best(
        self,
        item: StoryInput,
        vector: dict[int, float],
        archived: dict[int, StoryMatch],
        batch: list[Report],
        moments: Moments,
    ) -> int:
        """The story this article joins, or its own id for a new one."""
        dot_sum: dict[int, float] = defaultdict(float)
        dot_max: dict[int, float] = defaultdict(float)
        nearest: dict[int, float] = {}
        for match in archived.values():
            story = self.resolve(match.story_id)
            dot_sum[story] += match.dot_sum
            dot_max[story] = max(dot_max[story], match.dot_max)
            nearest[story] = min(nearest.get(story, match.nearest), match.nearest)
        local: dict[int, float] = defaultdict(float)  # best cosine with the batch's own reports, by story
        dots: dict[int, float] = defaultdict(float)
        for term, weight in vector.items():
            for index, other in self.batch_terms.get(term, ()):
                dots[index] += weight * other
        for index, dot in dots.items():
            report = batch[index]
            gap = abs(report.moment - item.moment)
            if gap > self.window or report.article_id < item.article_id - self.reach:
                continue
            story = self.resolve(report.story)
            dot_sum[story] += dot
            local[story] = max(local[story], dot)
            nearest[story] = min(nearest.get(story, gap), gap)
        for story, best in local.items():
            if best >= self.config.threshold and story < self.first_new and story not in dot_max:
                self._archived_side(item, vector, story, dot_sum, nearest, moments)
            dot_max[story] = max(dot_max[story], best)
        best_story, best_similarity = item.article_id, self.config.threshold
        first = item.article_id - self.reach
        for story in sorted(dot_sum):
            if dot_max[story] < self.config.threshold:
                continue
            reports = sum(1 for i, m in moments.get(story, ()) if i >= first and abs(m - item.moment) <= self.window)
            similarity = dot_sum[story] / (reports or 1) * math.exp(-self.config.decay_per_day * nearest[story] / DAY)
            if similarity > best_similarity or (similarity == best_similarity and best_story == item.article_id):
                best_story, best_similarity = story, similarity
        return best_story

    def _archived_side(
        self,
        item: StoryInput,
        vector: dict[int, float],
        story: int,
        dot_sum: dict[int, float],
        nearest: dict[int, float],
        moments: Moments,
    ) -> None:
        """Add the archive's reports of a story the article can join through the batch alone (rare:
        the batch query returned only stories with a report at the threshold)."""
        query = window_keys([item], [vector], self.config.window_days)
        for match in archive_matches(self.tables, query, self.window, self.reach, 0.0, story=story):
            dot_sum[story] += match.dot_sum
            nearest[story] = min(nearest[story], match.nearest)
        if story not in self.loaded:
            self.loaded.add(story)
            span = (item.moment - self.window, item.moment + self.window)
            first = item.article_id - self.reach
            moments[story].extend((i, m) for _, i, m in self.tables.members_between([story], *span, first))

    def _merge(self, story: int, into: int, article: int | None, moments: Moments, result: BatchResult) -> None:
        self.redirect[story] = into
        moments[into].extend(moments.pop(story, []))
        result.merges.append((story, into, article))

"""One batch of new articles placed into stories, one article after the other in id order.

Single-pass clustering in arrival order: a new article joins the story whose reports in its
time window are most like it (mean TF-IDF cosine over the story's reports in the window,
scaled down with the days to the nearest one), if that reaches the threshold; otherwise it
starts a story of its own. A copy (an article in a duplicate group) goes where its group's
earlier members are, and when those are in several stories, the stories merge into the oldest.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from archive.stories.config import StoriesConfig
from archive.stories.terms import term_weights
from archive.store.stories import Posting, StoryInput, StoryTables

DAY = 86400.0


def day_of(moment: float) -> int:
    return math.floor(moment / DAY)


def posting_key(day: int, term: int) -> int:
    """Day in the high 32 bits, term hash in the low: keys of one day sort together."""
    return (day << 32) | term


@dataclass
class BatchResult:
    story_of: dict[int, int]  # article -> story, for the batch
    merges: list[tuple[int, int, int | None]] = field(default_factory=list)  # (story, into, article)
    postings: list[tuple[int, int, float]] = field(default_factory=list)  # (key, article, weight)
    frequencies: Counter[int] = field(default_factory=Counter)  # term -> articles of the batch with it


class BatchAssigner:
    """Assigns one batch (``inputs`` in id order) against what the archive holds already."""

    def __init__(self, config: StoriesConfig, tables: StoryTables):
        self.config = config
        self.tables = tables
        self.window = config.window_days * DAY
        self.window_days = math.ceil(config.window_days)
        self.redirect: dict[int, int] = {}  # merged story -> the story it merged into

    def resolve(self, story: int) -> int:
        while story in self.redirect:
            story = self.redirect[story]
        return story

    def vectors(self, inputs: list[StoryInput]) -> tuple[list[dict[int, float]], Counter[int]]:
        """Each article's unit TF-IDF vector of its heaviest terms; the batch's document frequencies.

        IDF is that of the archive as it was when the article arrived (earlier batch members
        and the article itself included), so the vectors are those of a one-by-one ingest.
        """
        c = self.config
        weights = [term_weights(i.title, i.text, c.lead_chars, c.title_weight, c.name_weight) for i in inputs]
        stored = self.tables.document_frequencies(sorted({t for w in weights for t in w}))
        seen = self.tables.assigned_count()
        batch: Counter[int] = Counter()
        vectors = []
        for n, w in enumerate(weights, seen + 1):
            batch.update(w.keys())
            tfidf = {t: x * (math.log((n + 1) / (stored.get(t, 0) + batch[t] + 1)) + 1.0) for t, x in w.items()}
            top = sorted(tfidf.items(), key=lambda kv: (-kv[1], kv[0]))[: c.max_terms]
            norm = math.sqrt(sum(x * x for _, x in top)) or 1.0
            vectors.append({t: x / norm for t, x in top})
        return vectors, batch

    def assign(self, inputs: list[StoryInput]) -> BatchResult:
        vectors, frequencies = self.vectors(inputs)
        span = range(-self.window_days, self.window_days + 1)
        keys = {posting_key(day_of(i.moment) + d, t) for i, v in zip(inputs, vectors) for t in v for d in span}
        by_key: dict[int, list[Posting]] = defaultdict(list)
        for p in self.tables.postings(sorted(keys)):
            by_key[p.key].append(p)
        candidates = sorted({p.story_id for ps in by_key.values() for p in ps})
        moments: dict[int, list[float]] = defaultdict(list)  # story -> moments of its reports near the batch
        if inputs:
            lo = min(i.moment for i in inputs) - self.window
            hi = max(i.moment for i in inputs) + self.window
            for story, _, moment in self.tables.members_between(candidates, lo, hi):
                moments[story].append(moment)
        groups = self.tables.group_stories(sorted({i.cluster_id for i in inputs}))
        result = BatchResult(story_of={}, frequencies=frequencies)
        for item, vector in zip(inputs, vectors):
            earlier = {self.resolve(s) for s in groups.get(item.cluster_id, ())}
            story = min(earlier) if earlier else self._best(item, vector, by_key, moments)
            for other in sorted(earlier - {story}):
                self._merge(other, story, item.article_id, moments, result)
            result.story_of[item.article_id] = story
            groups.setdefault(item.cluster_id, set()).add(story)
            moments[story].append(item.moment)
            day = day_of(item.moment)
            for term, weight in vector.items():
                key = posting_key(day, term)
                by_key[key].append(Posting(key, item.article_id, weight, story, item.moment))
                result.postings.append((key, item.article_id, weight))
        result.story_of = {a: self.resolve(s) for a, s in result.story_of.items()}
        result.merges = [(s, self.resolve(into), a) for s, into, a in result.merges]
        return result

    def _best(
        self,
        item: StoryInput,
        vector: dict[int, float],
        by_key: dict[int, list[Posting]],
        moments: dict[int, list[float]],
    ) -> int:
        """The story this article joins, or its own id for a new one."""
        day = day_of(item.moment)
        dots: dict[int, float] = defaultdict(float)
        nearest: dict[int, float] = {}
        for term, weight in vector.items():
            for d in range(-self.window_days, self.window_days + 1):
                for p in by_key.get(posting_key(day + d, term), ()):
                    gap = abs(p.moment - item.moment)
                    if gap > self.window:
                        continue
                    story = self.resolve(p.story_id)
                    dots[story] += weight * p.weight
                    nearest[story] = min(nearest.get(story, gap), gap)
        best, best_similarity = item.article_id, self.config.threshold
        for story in sorted(dots):
            reports = sum(1 for m in moments.get(story, ()) if abs(m - item.moment) <= self.window) or 1
            similarity = dots[story] / reports * math.exp(-self.config.decay_per_day * nearest[story] / DAY)
            if similarity >= best_similarity and (best == item.article_id or similarity > best_similarity):
                best, best_similarity = story, similarity
        return best

    def _merge(
        self, story: int, into: int, article: int | None, moments: dict[int, list[float]], result: BatchResult
    ) -> None:
        self.redirect[story] = into
        moments[into].extend(moments.pop(story, []))
        result.merges.append((story, into, article))

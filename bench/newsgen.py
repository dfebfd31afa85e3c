"""Deterministic news-like articles for the benchmarks, written as ``newsarchive ingest`` JSONL.

Topics with their own vocabulary, names and figures; sources with their own header and footer
lines (what per-site boilerplate learning sees); ~10 % copies of earlier stories (verbatim under
another outlet's boilerplate, truncated, edited); otherwise same-topic non-copies, which share
vocabulary but are not duplicates. No eval data is used, so any archive size can be made.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

COMMON = (
    "the a of to and in that for on with as by at from was is has have will said but not after new also its their more"
).split()
SYLLABLES = "ka lo mi ra te su vin dor pel an gro has tur ben lis mar qui zen fo ul ep ix".split()
STORIES_KEPT = 20_000  # earlier originals a copy may come from
FIRST_DAY = datetime(2025, 1, 1, tzinfo=timezone.utc)  # publication time of article 0, with ``per_day``


def _words(rng: random.Random, count: int, length: tuple[int, int] = (2, 4)) -> list[str]:
    return ["".join(rng.choices(SYLLABLES, k=rng.randint(length[0], length[1] - 1))) for _ in range(count)]


class NewsGenerator:
    """Article ``i`` is always the same for a given seed, so every run of a bench sees the same corpus."""

    def __init__(
        self, seed: int = 7, topics: int = 400, sources: int = 300, copy_share: float = 0.1, per_day: int | None = None
    ):
        self.rng = random.Random(seed)
        self.copy_share = copy_share
        self.per_day = per_day  # articles published per day, in order (a "published" field); None: no dates
        vocab = _words(self.rng, 30_000)
        self.topics = [
            {"words": self.rng.sample(vocab, 600), "names": [w.capitalize() for w in _words(self.rng, 25, (2, 3))]}
            for _ in range(topics)
        ]
        self.sources = [f"site{i}.example" for i in range(sources)]
        self.stories: list[tuple[str, list[str]]] = []  # (title, paragraphs) of earlier originals

    def _sentence(self, topic: dict) -> str:
        rng = self.rng
        n = rng.randint(12, 27)
        tokens = rng.choices(topic["words"], k=n // 2) + rng.choices(COMMON, k=n - n // 2)
        rng.shuffle(tokens)
        tokens.insert(rng.randrange(n), rng.choice(topic["names"]))
        if rng.random() < 0.4:
            tokens.insert(rng.randrange(n), str(rng.randint(2, 4999)))
        return " ".join(tokens).capitalize() + "."

    def _original(self) -> tuple[str, list[str]]:
        rng = self.rng
        topic = rng.choice(self.topics)
        title = " ".join(rng.choices(topic["words"], k=rng.randint(5, 9))).capitalize()
        paragraphs = [
            " ".join(self._sentence(topic) for _ in range(rng.randint(2, 3))) for _ in range(rng.randint(6, 13))
        ]
        story = (title, paragraphs)
        if len(self.stories) < STORIES_KEPT:
            self.stories.append(story)
        else:
            self.stories[rng.randrange(len(self.stories))] = story
        return story

    def _copy(self) -> tuple[str, list[str]]:
        rng = self.rng
        title, paragraphs = rng.choice(self.stories)
        kind = rng.random()
        if kind < 0.3:  # truncated
            return title, paragraphs[: max(2, int(len(paragraphs) * rng.uniform(0.3, 0.8)))]
        if kind < 0.6:  # edited: paragraphs dropped, words swapped
            kept = [p for p in paragraphs if rng.random() > 0.2] or paragraphs[:1]
            return title, [" ".join(w if rng.random() > 0.05 else "reportedly" for w in p.split()) for p in kept]
        return title, list(paragraphs)  # verbatim, under another outlet's boilerplate

    def article(self, i: int) -> dict[str, str]:
        """The ``i``-th article as a JSONL record; articles must be drawn in order 0, 1, 2, ..."""
        title, paragraphs = self._copy() if self.stories and self.rng.random() < self.copy_share else self._original()
        source = self.rng.choice(self.sources)
        footer = [
            f"Subscribe to {source} for unlimited access.",
            f"Sign up for the {source} newsletter.",
            "Comments are moderated.",
        ]
        text = "\n\n".join([f"{source} | News | Sport", *paragraphs, *footer])
        record = {"url": f"https://{source}/a/{i}", "title": title, "text": text}
        if self.per_day:  # computed from i alone: the same articles as without dates
            record["published"] = (FIRST_DAY + timedelta(days=i / self.per_day)).isoformat()
        return record

    def articles(self, start: int, stop: int) -> Iterator[dict[str, str]]:
        """Articles ``start`` .. ``stop - 1``; the ones before ``start`` are drawn and dropped."""
        for i in range(stop):
            record = self.article(i)
            if i >= start:
                yield record


def write_jsonl(path: Path, records: Iterator[dict[str, str]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n

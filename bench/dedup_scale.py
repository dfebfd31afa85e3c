"""Dedup at scale: a generated archive ingested in batches; time of the dedup stage alone.

Articles are generated (no eval data): topics with their own vocabulary, names and
figures; ~10% copies (verbatim, edited, truncated, re-boilerplated, rewritten); many
same-topic non-copies; per-source headers and footers. Each batch goes through
ArchiveWriter-like steps: Archive.insert, then Deduplicator.assign, in one transaction.

    python bench/dedup_scale.py --articles 200000 --db /tmp/scale.duckdb

Times are wall clock and CPU time (process_time) of Deduplicator.assign per article,
averaged over the --window articles before each checkpoint; DuckDB runs on one thread.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.dedup import Deduplicator  # noqa: E402
from archive.dedup.features import signature_input  # noqa: E402
from archive.models import Article, RawDocument  # noqa: E402
from archive.store import Archive  # noqa: E402
from archive.textnorm import text_hash  # noqa: E402

COMMON = "the a of to and in that for on with as by at from was is has have will said but not after new also its their more".split()
SYLLABLES = "ka lo mi ra te su vin dor pel an gro has tur ben lis mar qui zen fo ul ep ix".split()


def _words(rng: np.random.Generator, count: int, length=(2, 4)) -> list[str]:
    return ["".join(rng.choice(SYLLABLES, size=rng.integers(*length))) for _ in range(count)]


class Generator:
    """Deterministic synthetic news: topics, stories, copies."""

    def __init__(self, seed: int = 7, topics: int = 400, sources: int = 300):
        self.rng = np.random.default_rng(seed)
        vocab = _words(self.rng, 30000)
        self.vocab = np.array(vocab)
        self.topics = [
            {
                "words": self.rng.choice(len(vocab), size=600, replace=False),
                "names": [w.capitalize() for w in _words(self.rng, 25, (2, 3))],
            }
            for _ in range(topics)
        ]
        self.sources = [f"site{i}.example" for i in range(sources)]
        self.footers = {
            s: [
                f"Subscribe to {s} for unlimited access.",
                f"Sign up for the {s} newsletter.",
                "Comments are moderated.",
            ]
            for s in self.sources
        }
        self.stories: list[list[str]] = []  # paragraphs of earlier originals, to copy from

    def _sentence(self, topic) -> str:
        n = int(self.rng.integers(12, 28))
        own = self.vocab[self.rng.choice(topic["words"], size=n // 2)]
        common = self.rng.choice(COMMON, size=n - n // 2)
        tokens = list(np.concatenate([own, common]))
        self.rng.shuffle(tokens)
        tokens.insert(int(self.rng.integers(0, n)), self.rng.choice(topic["names"]))
        if self.rng.random() < 0.4:
            tokens.insert(int(self.rng.integers(0, n)), str(int(self.rng.integers(2, 5000))))
        return " ".join(tokens).capitalize() + "."

    def original(self) -> list[str]:
        topic = self.topics[int(self.rng.integers(len(self.topics)))]
        paragraphs = [
            " ".join(self._sentence(topic) for _ in range(int(self.rng.integers(2, 4))))
            for _ in range(int(self.rng.integers(6, 14)))
        ]
        if len(self.stories) < 20000:
            self.stories.append(paragraphs)
        else:
            self.stories[int(self.rng.integers(len(self.stories)))] = paragraphs
        return paragraphs

    def copy(self) -> list[str]:
        story = list(self.stories[int(self.rng.integers(len(self.stories)))])
        kind = self.rng.random()
        if kind < 0.3:  # truncated
            return story[: max(2, int(len(story) * self.rng.uniform(0.3, 0.8)))]
        if kind < 0.6:  # edited: paragraphs dropped, words swapped
            kept = [p for p in story if self.rng.random() > 0.2] or story[:1]
            return [" ".join(w if self.rng.random() > 0.05 else "reportedly" for w in p.split()) for p in kept]
        return story  # verbatim under other boilerplate

    def article(self, i: int) -> Article:
        paragraphs = self.copy() if self.stories and self.rng.random() < 0.1 else self.original()
        source = self.sources[int(self.rng.integers(len(self.sources)))]
        text = "\n\n".join([f"{source} | News | Sport"] + paragraphs + self.footers[source])
        url = f"https://{source}/a/{i}"
        return Article(url=url, source=source, origin="crawl", text=text, text_hash=text_hash(text))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--db", default="/tmp/dedup_scale.duckdb")
    parser.add_argument("--window", type=int, default=2000, help="articles averaged around each checkpoint")
    parser.add_argument("--checkpoints", default="10000,50000,100000,200000")
    parser.add_argument("--threads", type=int, default=1, help="DuckDB threads (1: the dedup stage on one core)")
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory_limit, e.g. 1GB (default: DuckDB's)")
    parser.add_argument(
        "--signatures-in-writer",
        action="store_true",
        help="tokenise for MinHash inside assign, as before signature input moved to the extraction workers",
    )
    args = parser.parse_args()
    for suffix in ("", ".wal"):
        if os.path.exists(args.db + suffix):
            os.remove(args.db + suffix)
    checkpoints = sorted(int(c) for c in args.checkpoints.split(",") if int(c) <= args.articles)
    generator = Generator()
    archive = Archive(args.db)
    dedup = Deduplicator()
    con = archive.con
    con.execute(f"SET threads = {args.threads}")
    if args.memory_limit:
        con.execute("SET memory_limit = ?", [args.memory_limit])
    dedup_seconds, dedup_cpu, worker_cpu, words, candidates, verified, joined = [], [], [], 0, [], [], 0
    started = time.perf_counter()
    for start in range(0, args.articles, args.batch):
        batch = [generator.article(i) for i in range(start, min(args.articles, start + args.batch))]
        words += sum(len(a.text.split()) for a in batch)
        pairs = [(RawDocument(a.url, a.source, a.origin, b""), a) for a in batch]
        # In ingest and crawl the signature input is computed in the extraction workers
        # (archive.ingest.pool.guarded_extract); it is timed apart from the writer's assign().
        s0 = time.process_time()
        precomputed = (
            None
            if args.signatures_in_writer
            else {
                a.text: (dedup.config.shingle_size, *signature_input(a.text, dedup.config.shingle_size)) for a in batch
            }
        )
        worker_cpu.append(time.process_time() - s0)
        con.execute("BEGIN TRANSACTION")
        ids = archive.insert(pairs)
        t0, c0 = time.perf_counter(), time.process_time()
        joined += dedup.assign(archive, ids, precomputed)
        dedup_seconds.append(time.perf_counter() - t0)
        dedup_cpu.append(time.process_time() - c0)
        con.execute("COMMIT")
        candidates.append(dedup.last.candidates)
        verified.append(dedup.last.verified)
        done = start + len(batch)
        if done in checkpoints:
            n = max(1, args.window // args.batch)
            per_article = sum(dedup_seconds[-n:]) / (n * args.batch)
            cpu_per_article = sum(dedup_cpu[-n:]) / (n * args.batch)
            row = {
                "archive_size": done,
                "dedup_ms_per_article": round(per_article * 1000, 3),
                "dedup_articles_per_s": round(1 / per_article, 1),
                "dedup_cpu_ms_per_article": round(cpu_per_article * 1000, 3),
                "dedup_articles_per_cpu_s": round(1 / cpu_per_article, 1),
                "worker_signature_cpu_ms_per_article": round(sum(worker_cpu[-n:]) / (n * args.batch) * 1000, 3),
                "candidates_per_article": round(sum(candidates[-n:]) / (n * args.batch), 2),
                "verified_per_article": round(sum(verified[-n:]) / (n * args.batch), 2),
                "joined_total": joined,
                "peak_rss_mb": round(rss_mb()),
                "mean_words": round(words / done),
                "elapsed_s": round(time.perf_counter() - started),
            }
            print(json.dumps(row), flush=True)
    total, cpu = sum(dedup_seconds), sum(dedup_cpu)
    print(
        json.dumps(
            {
                "articles": args.articles,
                "dedup_seconds": round(total, 1),
                "dedup_cpu_seconds": round(cpu, 1),
                "dedup_articles_per_s_overall": round(args.articles / total, 1),
                "dedup_articles_per_cpu_s_overall": round(args.articles / cpu, 1),
                "worker_signature_cpu_seconds": round(sum(worker_cpu), 1),
                "peak_rss_mb": round(rss_mb()),
            }
        )
    )
    archive.close()


if __name__ == "__main__":
    main()

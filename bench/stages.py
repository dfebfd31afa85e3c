"""Where one ``newsarchive`` command spends its CPU, stage by stage: thread CPU time per call.

Runs the CLI in this process with the arguments given (use ``ingest -w 1``, so that extraction
runs in this process too), with timers around the functions each stage is made of, and prints
each stage's thread CPU time in total and per document, indented under the stage that calls it.
Thread CPU time, not wall time: a stage waiting for the GIL or the disk is not charged for it.
The process's own CPU time (every thread, DuckDB's included) is the first line.

    .venv/bin/python bench/stages.py --db /tmp/s.duckdb ingest -q -w 1 INPUT

A profiler's view, not a benchmark figure: the timers cost about a microsecond a call.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import sys
import time
from collections import Counter

# (depth, module, attribute path, label): a stage's parts follow it, one level deeper.
STAGES = [
    (0, "archive.ingest.pool", "guarded_extract", "extraction (worker side)"),
    (1, "archive.ingest.pool", "extract", "extract: text and metadata"),
    (2, "archive.extract.article", "_extract_plain", "plain text / JSONL blocks"),
    (2, "archive.extract.article", "_extract_html", "HTML (trafilatura and the rules)"),
    (2, "archive.extract.article", "choose", "language"),
    (2, "archive.extract.article", "text_hash", "text hash"),
    (1, "archive.ingest.pool", "line_input", "dedup input: stems, sentences, anchors"),
    (1, "archive.dedup.index", "InputSigner.sign", "MinHash signatures (datasketch)"),
    (1, "archive.ingest.pool", "term_weights", "story terms"),
    (1, "archive.store.rawbody", "pack", "raw page, zstd"),
    (0, "archive.ingest.writer", "ArchiveWriter._write", "writer: one transaction per batch"),
    (1, "archive.extract.siteblocks", "SiteBoilerplate.apply", "site boilerplate"),
    (2, "archive.store.siteblocks", "SiteBlocks.learn", "learn (insert site_blocks)"),
    (2, "archive.store.siteblocks", "SiteBlocks.shares", "shares (query site_blocks)"),
    (2, "archive.extract.siteblocks", "SiteBoilerplate._strip", "strip lines"),
    (1, "archive.store.articles", "Articles.insert", "insert articles, raw pages, search terms"),
    (1, "archive.dedup", "Deduplicator.assign", "dedup"),
    (2, "archive.dedup.index", "SignatureIndex.add", "signatures and band keys stored"),
    (3, "archive.dedup.index", "InputSigner.signed", "signing (texts site boilerplate shortened)"),
    (2, "archive.dedup.index", "SignatureIndex.candidates", "candidates (band keys, prefilter)"),
    (1, "archive.stories", "StoryAssigner.assign", "stories"),
    (2, "archive.stories.assign", "BatchAssigner.vectors", "TF-IDF vectors"),
    (2, "archive.stories.assign", "archive_matches", "candidate stories (sparse product)"),
    (3, "archive.store.stories", "StoryTables.postings", "postings query (DuckDB)"),
    (2, "archive.stories.assign", "BatchAssigner._best", "best story per article"),
    (2, "archive.store.stories", "StoryTables.write", "write stories and postings"),
]

seconds: Counter[str] = Counter()
calls: Counter[str] = Counter()


def timed(owner: object, attribute: str, label: str) -> None:
    function = getattr(owner, attribute)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        start = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            seconds[label] += time.thread_time() - start
            calls[label] += 1

    setattr(owner, attribute, wrapper)


def install() -> None:
    for _, module, path, label in STAGES:
        owner = importlib.import_module(module)
        *parents, attribute = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        timed(owner, attribute, label)


def report() -> None:
    total = time.process_time()
    n = max(calls["extract: text and metadata"], 1)
    print(f"\nprocess CPU {total:.2f} s for {n} documents = {total * 1000 / n:.2f} ms per document", file=sys.stderr)
    print(f"{'ms/doc':>8} {'s':>8}  stage", file=sys.stderr)
    for depth, _, _, label in STAGES:
        if calls[label]:
            value = seconds[label]
            if label == "signing (texts site boilerplate shortened)":
                # the workers' sign() calls it too; what is left is the writer's share
                value = max(0.0, value - seconds["MinHash signatures (datasketch)"])
            print(f"{value * 1000 / n:8.3f} {value:8.2f}  {'  ' * depth}{label}", file=sys.stderr)


def main() -> None:
    install()
    atexit.register(report)
    sys.argv = ["newsarchive", *sys.argv[1:]]
    from archive.console import main as run

    run()


if __name__ == "__main__":
    main()

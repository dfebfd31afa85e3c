"""What story assignment adds to ``newsarchive ingest``, and whether that stays flat as the archive grows.

The method of bench/dedup_scale.py (whose ``build`` it uses), with dated articles:

1. Generates ``max(--sizes) + --batch`` news-like articles (bench/newsgen.py) with a
   ``published`` time, ``--per-day`` articles a day in order, as JSONL, and builds archives of
   each size with this checkout's ``newsarchive ingest`` (so the archives have their stories).
2. The new batch is the same articles for every size, each dated as if published right after
   the archive's last one (so every size has the same density of reports in the batch's time
   window, and only the archive beyond the window differs).
3. Each round, for every size (0 = a fresh archive; the order alternates between rounds), copies
   that archive twice (not timed) and times the same ``newsarchive --db COPY ingest --quiet
   --workers W batch.jsonl`` with this checkout's command and with ``--baseline``, the command of
   a checkout without stories (main before the stories branch): the same loading, extraction,
   dedup and commit, without story assignment.

Archives built earlier (``--keep``) get ``newsarchive stories --rebuild`` first, so that their
stories are those of this checkout's parameters.

Reported per size: median wall and CPU ms per new article of both, the ratio of the two in each
round (what stories add), and each command's time at the largest size over the smallest
(flatness); and how many of the new articles joined an earlier story.

    .venv/bin/python bench/stories_scale.py --baseline /work/main/.venv/bin/newsarchive \\
        [--sizes 10000,100000] [--batch 2000] [--per-day 1000] [--rounds 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from dedup_scale import build, copy_archive
from newsgen import FIRST_DAY, NewsGenerator
from product import Run, newsarchive, remove_db


def joined(db: Path, size: int) -> int:
    """New articles (ids after the archive's first ``size``) placed into a story begun before them."""
    query = f"SELECT count(*) FROM articles WHERE id > {size} AND story_id <> id"
    return int(newsarchive(db, "sql", query, "--format", "csv").stdout.splitlines()[1])


def dated_batch(batch_file: Path, size: int, per_day: int) -> Path:
    """The batch with its articles published right after the first ``size`` articles."""
    out = batch_file.with_name(f"new-batch-after-{size}.jsonl")
    with batch_file.open(encoding="utf-8") as source, out.open("w", encoding="utf-8") as target:
        for n, line in enumerate(source):
            record = json.loads(line)
            record["published"] = (FIRST_DAY + timedelta(days=(size + n) / per_day)).isoformat()
            target.write(json.dumps(record, ensure_ascii=False) + "\n")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", required=True, help="newsarchive command of a checkout without stories")
    parser.add_argument("--sizes", default="10000,100000", help="archive sizes, comma-separated")
    parser.add_argument("--batch", type=int, default=2000, help="new articles added to each archive")
    parser.add_argument("--per-day", type=int, default=1000, help="articles published per day")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1, help="ingest --workers of the measured runs")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (reused by a re-run)")
    args = parser.parse_args()
    sizes = sorted({int(size) for size in args.sizes.split(",") if size.strip()})
    baseline = [args.baseline]
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start")
    with tempfile.TemporaryDirectory(prefix="bench-stories-scale-") as tmp_name:
        root = args.keep or Path(tmp_name)
        root.mkdir(parents=True, exist_ok=True)
        reused = (root / "built.json").exists()
        snapshots, batch_file = build(sizes, args.batch, root, NewsGenerator(per_day=args.per_day))
        if reused:
            for size, snapshot in snapshots.items():
                run = newsarchive(snapshot, "stories", "--rebuild")
                print(f"stories --rebuild of {size:,} articles: {run.wall:.0f} s; {run.stdout.strip()}")
        batches = {size: dated_batch(batch_file, size, args.per_day) for size in [0, *sizes]}
        work = root / "work.duckdb"
        runs: dict[str, dict[int, list[Run]]] = {"stories": {}, "baseline": {}}
        joins: dict[int, int] = {}
        ingest = ("ingest", "--quiet", "--workers", str(args.workers))
        for round_number in range(args.rounds):
            order = [0, *sizes] if round_number % 2 == 0 else [*reversed(sizes), 0]
            for size in order:
                pair = [("stories", None), ("baseline", baseline)]
                for name, command in pair if round_number % 2 == 0 else reversed(pair):
                    if size:
                        copy_archive(snapshots[size], work)
                    else:
                        remove_db(work)
                    run = newsarchive(work, *ingest, str(batches[size]), command=command)
                    runs[name].setdefault(size, []).append(run)
                    if name == "stories":
                        joins[size] = joined(work, size)
        remove_db(work)
        report(args, sizes, runs, joins)
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    return 0


def report(args, sizes: list[int], runs: dict[str, dict[int, list[Run]]], joins: dict[int, int]) -> None:
    batch = args.batch
    print(f"\n{batch} new articles added to each archive, {args.rounds} rounds, --workers {args.workers}\n")
    print("| archive size | wall ms / article, stories | baseline | stories / baseline per round (median) "
          "| CPU ms / article, stories | baseline | joined an earlier story |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for size in [0, *sizes]:
        ours, theirs = runs["stories"][size], runs["baseline"][size]
        ratios = [a.wall / b.wall for a, b in zip(ours, theirs)]
        print(
            f"| {size:,} | {statistics.median(r.wall for r in ours) * 1000 / batch:.2f} "
            f"| {statistics.median(r.wall for r in theirs) * 1000 / batch:.2f} "
            f"| {', '.join(f'{r:.2f}' for r in ratios)} ({statistics.median(ratios):.2f}) "
            f"| {statistics.median(r.cpu for r in ours) * 1000 / batch:.2f} "
            f"| {statistics.median(r.cpu for r in theirs) * 1000 / batch:.2f} | {joins[size]} |"
        )
    smallest, largest = sizes[0], sizes[-1]
    for name in ("stories", "baseline"):
        ratios = [a.wall / b.wall for a, b in zip(runs[name][largest], runs[name][smallest])]
        print(
            f"\n{name}: {largest:,} over {smallest:,} per round {', '.join(f'{r:.2f}' for r in ratios)} "
            f"(median {statistics.median(ratios):.2f}x)"
        )


if __name__ == "__main__":
    sys.exit(main())

"""Per-document cost of adding the same new articles to archives of different sizes, through ``newsarchive ingest``.

1. Generates ``max(--sizes) + --batch`` news-like articles (bench/newsgen.py, deterministic:
   ~10 % copies of earlier stories, per-site boilerplate, same-topic non-copies) as JSONL
   ``{"url", "title", "text"}`` files: one file per step between two sizes, and the new batch.
2. Builds the archives the way a user would, ``newsarchive ingest`` of one file after the other
   into one archive, and keeps a copy of the archive file at each size.
3. Each round, for every size (the order alternates between rounds), copies that archive
   (not timed) and times ``newsarchive --db COPY ingest --quiet --workers W batch.jsonl``: the
   whole process, start-up, extraction, dedup against the whole archive and the commit included.
   Size 0 (a fresh archive) shows the fixed cost of a run.

Reported per size: median wall ms per new article, CPU ms, peak RSS (the kernel's accounting of
the finished process), the articles the archive now groups with another; and, per round, each
size's time over the smallest non-zero size's: the flatness of dedup cost with archive size.
``--workers 1`` (the default here) keeps all the work in one process, so that CPU time and peak
RSS are the whole run's.

    .venv/bin/python bench/dedup_scale.py [--sizes 10000,100000] [--batch 2000] [--rounds 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from newsgen import NewsGenerator, write_jsonl
from product import Run, newsarchive, remove_db


def copy_archive(source: Path, target: Path) -> None:
    remove_db(target)
    shutil.copyfile(source, target)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + ".wal"))
    bands = source.with_name(source.name + ".bands")  # the sorted band runs a user's archive has beside it
    if bands.is_dir():
        shutil.copytree(bands, target.with_name(target.name + ".bands"))
    # Written back now, not timed: else the measured run's first fsync (its checkpoint) waits
    # for the copy's dirty pages, seconds for a large archive, which no user run pays.
    os.sync()


def duplicates_of(run: Run) -> int:
    """The run's own summary: "read N, archived M new, D of them duplicates, ..."."""
    found = re.search(r"archived (\d+) new, (\d+) of them duplicates", run.stdout)
    if not found:
        sys.exit(f"bench: no summary line in the output of {' '.join(run.args)}")
    return int(found.group(2))


def duplicates_line(run: Run) -> str:
    return next((line for line in run.stdout.splitlines() if line.startswith("read ")), "?")


def build(
    sizes: list[int], batch: int, root: Path, generator: NewsGenerator | None = None
) -> tuple[dict[int, Path], Path]:
    """Archives of each size (paths of their snapshots) and the new batch's JSONL file."""
    generator = generator or NewsGenerator()
    recipe = {"sizes": sizes, "batch": batch, **({"per_day": generator.per_day} if generator.per_day else {})}
    made = root / "built.json"
    snapshots = {size: root / f"archive-{size}.duckdb" for size in sizes}
    batch_file = root / "new-batch.jsonl"
    if made.exists() and json.loads(made.read_text()) == recipe:
        print(f"reusing the archives built earlier in {root} ({made.name})")
        return snapshots, batch_file
    made.unlink(missing_ok=True)
    articles = generator.articles(0, sizes[-1] + batch)
    steps, previous = [], 0
    started = time.perf_counter()
    for size in sizes:
        path = root / f"articles-{previous}-{size}.jsonl"
        write_jsonl(path, itertools.islice(articles, size - previous))
        steps.append((size, path))
        previous = size
    write_jsonl(batch_file, itertools.islice(articles, batch))
    print(f"generated {sizes[-1] + batch} articles in {time.perf_counter() - started:.0f} s")
    grow = root / "grow.duckdb"
    remove_db(grow)
    previous = 0
    for size, path in steps:
        run = newsarchive(grow, "ingest", "--quiet", str(path))  # the CLI's default workers, as a user builds one
        print(
            f"built {size} articles: +{size - previous} in {run.wall:.0f} s "
            f"({(size - previous) / run.wall:.0f} articles/s, peak RSS {run.peak_rss_mb:.0f} MB); {duplicates_line(run)}"
        )
        copy_archive(grow, snapshots[size])
        previous = size
    remove_db(grow)
    made.write_text(json.dumps(recipe))
    return snapshots, batch_file


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="archive sizes, comma-separated")
    parser.add_argument("--batch", type=int, default=2000, help="new articles added to each archive")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1, help="ingest --workers of the measured runs")
    parser.add_argument(
        "--keep",
        type=Path,
        help="build in this folder and keep it; a re-run with the same --sizes and --batch reuses the archives",
    )
    args = parser.parse_args()
    sizes = sorted({int(size) for size in args.sizes.split(",") if size.strip()})
    if not sizes or sizes[0] <= 0:
        parser.error("--sizes: positive article counts, e.g. 10000,100000")
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start")
    with tempfile.TemporaryDirectory(prefix="bench-dedup-scale-") as tmp_name:
        root = args.keep or Path(tmp_name)
        root.mkdir(parents=True, exist_ok=True)
        snapshots, batch_file = build(sizes, args.batch, root)
        work = root / "work.duckdb"
        runs: dict[int, list[Run]] = {size: [] for size in [0, *sizes]}
        joined: dict[int, int] = {}
        for round_number in range(args.rounds):
            order = [0, *sizes] if round_number % 2 == 0 else [*reversed(sizes), 0]
            for size in order:
                if size:
                    copy_archive(snapshots[size], work)
                else:
                    remove_db(work)
                run = newsarchive(work, "ingest", "--quiet", "--workers", str(args.workers), str(batch_file))
                runs[size].append(run)
                joined[size] = duplicates_of(run)
        remove_db(work)
        report(args, sizes, runs, joined)
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    return 0


def report(args, sizes: list[int], runs: dict[int, list[Run]], joined: dict[int, int]) -> None:
    batch = args.batch
    print(
        f"\n{batch} new articles added to each archive, {args.rounds} rounds, --workers {args.workers} (median; min-max)\n"
    )
    print(
        "| archive size | wall ms / new article | CPU ms / new article | peak RSS | of them duplicates (ingest summary) |"
    )
    print("|---|---|---|---|---|")
    for size, measured in runs.items():
        walls = [run.wall * 1000 / batch for run in measured]
        cpus = [run.cpu * 1000 / batch for run in measured]
        rss = statistics.median(run.peak_rss_mb for run in measured)
        print(
            f"| {size:,} | {statistics.median(walls):.2f} ({min(walls):.2f}-{max(walls):.2f}) "
            f"| {statistics.median(cpus):.2f} | {rss:.0f} MB | {joined[size]} |"
        )
    smallest = sizes[0]
    for size in sizes[1:]:
        ratios = [a.wall / b.wall for a, b in zip(runs[size], runs[smallest])]
        cpu_ratios = [a.cpu / b.cpu for a, b in zip(runs[size], runs[smallest])]
        print(
            f"\n{size:,} over {smallest:,}, per round: wall {', '.join(f'{r:.2f}' for r in ratios)} "
            f"(median {statistics.median(ratios):.2f}x); CPU median {statistics.median(cpu_ratios):.2f}x"
        )
    fixed = statistics.median(run.wall for run in runs[0])
    for size in sizes:
        extra = [(run.wall - fixed) * 1000 / batch for run in runs[size]]
        print(f"over a fresh archive, {size:,}: +{statistics.median(extra):.2f} ms per new article (median)")


if __name__ == "__main__":
    sys.exit(main())

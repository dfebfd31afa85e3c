"""Ingest throughput of ``newsarchive ingest``, one worker against two, on HTML pages and on clean text.

Corpora:
  html  the 181 HTML pages of Zyte's article-extraction benchmark (../shared/eval/extraction/html,
        gzipped as stored), ``--copies K`` times in K folders (other paths, so other URLs: exact
        duplicates), so that the fixed costs of a run weigh as in a larger corpus;
  text  ``--articles N`` generated news-like articles (bench/newsgen.py: ~10 % copies, per-site
        boilerplate) in one JSONL file of ``{"url", "title", "text"}`` lines.

Every measurement is a whole ``newsarchive --db FRESH ingest --quiet --workers W INPUT`` process,
start-up and the last commit included. Rounds alternate the runs (1 worker, 2 workers, reference)
so that a change in the machine's load hits them alike; the ratios are taken within each round
and their median is quoted. The reference is a bare loop of plain ``trafilatura.extract`` over
the same HTML files in one process (``--reference-loop DIR``), also timed as a whole process: it
is what extraction alone costs, not a figure of the product.

    .venv/bin/python bench/ingest.py [--copies 4] [--articles 5000] [--rounds 3] [--corpus html --corpus text]
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsgen import NewsGenerator, write_jsonl
from product import Run, newsarchive, remove_db, shared_eval


def reference_loop(folder: Path) -> int:
    """Plain ``trafilatura.extract`` (library defaults) over every .html.gz page under ``folder``."""
    import trafilatura

    pages = sorted(folder.rglob("*.html.gz"))
    for page in pages:
        trafilatura.extract(gzip.decompress(page.read_bytes()))
    return len(pages)


def timed_reference(folder: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--reference-loop", str(folder)], check=True)
    return time.perf_counter() - start


def copy_pages(source: Path, copies: int, root: Path) -> int:
    pages = sorted(source.glob("*.html.gz"))
    for number in range(copies):
        folder = root / f"copy{number}"
        folder.mkdir(parents=True, exist_ok=True)
        for page in pages:
            shutil.copyfile(page, folder / page.name)
    return len(pages) * copies


def ingest(db: Path, source: Path, workers: int) -> Run:
    remove_db(db)
    return newsarchive(db, "ingest", "--quiet", "--workers", str(workers), str(source), allowed=(0, 1))


def summary(run: Run) -> str:
    return next((line for line in run.stdout.splitlines() if line.startswith("read ")), "?")


def measure(name: str, source: Path, documents: int, rounds: int, tmp: Path, reference: bool) -> None:
    walls: dict[str, list[float]] = {"1": [], "2": [], "ref": []}
    last: dict[str, Run] = {}
    db = tmp / f"{name}.duckdb"
    ingest(db, source, 1)  # warm-up: page cache, bytecode
    for round_number in range(rounds):
        order = ["1", "2"] if round_number % 2 == 0 else ["2", "1"]
        for workers in order:
            last[workers] = ingest(db, source, int(workers))
            walls[workers].append(last[workers].wall)
        if reference:
            walls["ref"].append(timed_reference(source))
    print(f"\n## {name}: {documents} documents, {rounds} rounds (median; min-max)\n")
    print(f"last runs: 1 worker: {summary(last['1'])}; 2 workers: {summary(last['2'])}\n")
    print("| run | wall s | docs/s | peak RSS of the main process |")
    print("|---|---|---|---|")
    rows = [
        ("newsarchive ingest --workers 1", walls["1"], last["1"]),
        ("newsarchive ingest --workers 2", walls["2"], last["2"]),
    ]
    for label, values, run in rows:
        med = statistics.median(values)
        print(
            f"| {label} | {med:.2f} ({min(values):.2f}-{max(values):.2f}) | {documents / med:.1f} "
            f"| {run.peak_rss_mb:.0f} MB |"
        )
    if reference:
        med = statistics.median(walls["ref"])
        print(
            f"| reference: bare trafilatura.extract loop, 1 process | {med:.2f} "
            f"({min(walls['ref']):.2f}-{max(walls['ref']):.2f}) | {documents / med:.1f} | |"
        )
    speedup = [a / b for a, b in zip(walls["1"], walls["2"])]
    print(
        f"\nspeed-up of 2 workers over 1, per round: {', '.join(f'{s:.2f}' for s in speedup)}; "
        f"median {statistics.median(speedup):.2f}x"
    )
    if reference:
        over = [a / b for a, b in zip(walls["1"], walls["ref"])]
        print(
            f"ingest --workers 1 time over the bare trafilatura loop, per round: {', '.join(f'{s:.2f}' for s in over)}; "
            f"median {statistics.median(over):.2f}x"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=Path, default=shared_eval() / "extraction" / "html")
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--articles", type=int, default=5000, help="generated articles for the text corpus")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corpus", action="append", choices=["html", "text"], help="default: both")
    parser.add_argument("--no-reference", action="store_true", help="skip the bare trafilatura loop")
    parser.add_argument("--keep", type=Path, help="write the corpora into this folder and keep them")
    parser.add_argument("--reference-loop", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reference_loop:
        reference_loop(args.reference_loop)
        return 0
    if not any(args.pages.glob("*.html.gz")):
        print(f"no .html.gz pages in {args.pages}", file=sys.stderr)
        return 2
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start")
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp_name:
        tmp = Path(tmp_name)
        root = args.keep or tmp
        for corpus in args.corpus or ["html", "text"]:
            if corpus == "html":
                documents = copy_pages(args.pages, args.copies, root / "html")
                measure("html", root / "html", documents, args.rounds, tmp, not args.no_reference)
            else:
                generator = NewsGenerator()
                documents = write_jsonl(
                    root / "text" / "articles.jsonl",
                    itertools.islice(generator.articles(0, args.articles), args.articles),
                )
                measure("text", root / "text", documents, args.rounds, tmp, reference=False)
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Ingest throughput over the Zyte extraction benchmark pages, next to bare extraction.

Measures, in one run and on the same 181 pages (../shared/eval/extraction/html/*.html.gz):
  1. a bare ``trafilatura.extract`` loop (library defaults),
  2. a bare loop over the project's own ``archive.extract.extract`` (no archive),
  3. ``ingest`` into a fresh archive with one worker (in process),
  4. ``ingest`` with N workers (default: the CPU count).
The archive's overhead is 3 over 2; the parallel speed-up is 4 over 3. ``--copies K`` ingests
K copies of the page folder (other paths, so other URLs: exact duplicates), which amortises the
fixed costs of a run (worker start-up, the last commit) as a larger corpus would.

    .venv/bin/python bench/ingest.py [--pages DIR] [--repeat 3] [--workers N] [--copies K]
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import trafilatura

from archive.extract import extract
from archive.ingest.files import ingest
from archive.ingest.pool import default_workers
from archive.models import RawDocument
from archive.store import Archive

DEFAULT_PAGES = Path(__file__).resolve().parents[2] / "shared" / "eval" / "extraction" / "html"


def copy_pages(pages: list[Path], copies: int, root: Path) -> list[Path]:
    """``copies`` folders holding copies of ``pages``; returns every copied file."""
    out = []
    for number in range(copies):
        folder = root / f"copy{number}"
        folder.mkdir()
        for page in pages:
            target = folder / page.name
            shutil.copyfile(page, target)
            out.append(target)
    return out


def bare_trafilatura(pages: list[Path]) -> None:
    for page in pages:
        trafilatura.extract(gzip.decompress(page.read_bytes()))


def bare_project(pages: list[Path]) -> None:
    for page in pages:
        raw = RawDocument(
            url=page.absolute().as_uri(), source="bench", origin="html", body=gzip.decompress(page.read_bytes())
        )
        try:
            extract(raw)
        except Exception:
            pass


def archive_ingest(pages_dir: Path, workers: int) -> int:
    with tempfile.TemporaryDirectory() as tmp, Archive(Path(tmp) / "bench.duckdb") as archive:
        stats = ingest(archive, [str(pages_dir)], workers=workers)
        return stats.archived


def timed(fn, *args, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--copies", type=int, default=1)
    args = parser.parse_args()
    originals = sorted(args.pages.glob("*.html.gz"))
    if not originals:
        print(f"no .html.gz pages in {args.pages}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        pages = copy_pages(originals, args.copies, Path(tmp)) if args.copies > 1 else originals
        return run(args, pages, Path(tmp) if args.copies > 1 else args.pages)


def run(args, pages: list[Path], pages_dir: Path) -> int:
    n = len(pages)
    bare_trafilatura(pages[:5])  # warm imports and caches
    t_bare, _ = timed(bare_trafilatura, pages, repeat=args.repeat)
    t_project, _ = timed(bare_project, pages, repeat=args.repeat)
    t_one, archived = timed(archive_ingest, pages_dir, 1, repeat=args.repeat)
    t_many, _ = timed(archive_ingest, pages_dir, args.workers, repeat=args.repeat)
    rows = [
        ("bare trafilatura.extract (defaults)", t_bare),
        ("bare archive.extract.extract", t_project),
        ("ingest --workers 1", t_one),
        (f"ingest --workers {args.workers}", t_many),
    ]
    print(f"{n} pages, {archived} archived, median of {args.repeat} runs\n")
    print("| run | seconds | docs/s |")
    print("|---|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} | {n / seconds:.1f} |")
    print()
    print(f"archive overhead over its own bare extraction (1 worker): {t_one / t_project - 1:+.1%}")
    print(f"project extraction time vs bare trafilatura: {t_project / t_bare:.2f}x")
    print(f"speed-up with {args.workers} workers over 1: {t_one / t_many:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Dedup cost against archive size, through the CLI: the same extra articles ingested at two sizes.

Generates JSONL articles (random words from the dev split's texts, 4-8 paragraphs of 30-60
words, 300 sources, 10 % copies of earlier articles with paragraphs dropped), builds a small
and a large archive with ``newsarchive ingest --workers 2``, then ingests the same extra
articles into a fresh copy of each (``--workers 1``), timing the whole command.

    python bench/dedup_cli_scale.py --small 10000 --large 40000 --extra 2000 --rounds 2
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = next(p for p in (Path("/work/shared/eval/dedup"), ROOT.parent / "shared/eval/dedup") if p.exists())
CLI = str(Path(sys.executable).with_name("newsarchive"))


def generate(folder: Path, small: int, large: int, extra: int) -> tuple[Path, Path, Path]:
    rng = random.Random(7)
    words = [w for line in (EVAL / "data/dev/docs.jsonl").open() for w in json.loads(line)["text"].split()]
    vocab = list(dict.fromkeys(w.strip(".,;:\"'()").lower() for w in words if w.isalpha()))
    pool: list[list[str]] = []

    def paragraph() -> str:
        return " ".join(rng.choice(vocab) for _ in range(rng.randint(30, 60))).capitalize() + "."

    def write(path: Path, n: int, start: int) -> Path:
        with path.open("w") as out:
            for i in range(start, start + n):
                if pool and rng.random() < 0.1:
                    base = rng.choice(pool)
                    paragraphs = [p for p in base if rng.random() > 0.2] or base
                else:
                    paragraphs = [paragraph() for _ in range(rng.randint(4, 8))]
                    pool.append(paragraphs)
                record = {"url": f"https://site{i % 300}.example/a{i}", "title": f"Article {i}"}
                out.write(json.dumps({**record, "text": "\n\n".join(paragraphs)}) + "\n")
        return path

    first = write(folder / "first.jsonl", small, 0)
    rest = write(folder / "rest.jsonl", large - small, small)
    more = write(folder / "extra.jsonl", extra, max(100_000, large))  # ids after every other article
    return first, rest, more


def ingest(db: Path, jsonl: Path, workers: int) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [CLI, "--db", str(db), "ingest", "-q", "--workers", str(workers), str(jsonl)],
        capture_output=True,
        text=True,
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall_s": round(time.perf_counter() - started, 2),
        "cpu_s": round(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 2),
        "summary": done.stdout.strip().splitlines()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10000)
    parser.add_argument("--large", type=int, default=40000)
    parser.add_argument("--extra", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first, rest, extra = generate(folder, args.small, args.large, args.extra)
        small, large = folder / "small.duckdb", folder / "large.duckdb"
        print("build small", json.dumps(ingest(small, first, 2)), flush=True)
        shutil.copy(small, large)
        print("build large", json.dumps(ingest(large, rest, 2)), flush=True)
        for round_ in range(1, args.rounds + 1):
            for db, size in ((small, args.small), (large, args.large)):
                copy = folder / "copy.duckdb"
                shutil.copy(db, copy)
                result = ingest(copy, extra, 1)
                print(f"round {round_} extra at {size}", json.dumps(result), flush=True)
                copy.unlink()


if __name__ == "__main__":
    main()

"""Story quality through the product path: ``newsarchive ingest`` of the shared story set, scored by its scorer.

For each split, docs.jsonl is written as the JSONL a user would ingest, one object per article
in the file's (publication) order: ``{"url", "source", "title", "text", "published"}``. It is
ingested into a fresh archive with ``newsarchive --db X ingest``; the stories are read back with
``newsarchive sql "SELECT url, story_id FROM articles" --format csv``, written as the scorer's
``id,story_pred`` CSV and scored by ../shared/eval/stories/score.py. The set's own baseline
(baseline.py: streaming TF-IDF, single-pass, window 1 day, threshold 0.2 as picked on dev) runs
on the same split in the same run, scored the same way. Then ``newsarchive stories --rebuild``
runs on the archive and its partition is compared with the ingest's (they must be equal).

    .venv/bin/python bench/stories_eval.py --split dev            # tuning
    .venv/bin/python bench/stories_eval.py --split test           # once, to report
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from product import newsarchive

ROOT = Path(__file__).resolve().parents[1]
EVAL = next(p for p in (Path("/work/shared/eval/stories"), ROOT.parent / "shared/eval/stories") if p.exists())
BASELINE = ("--window", "1", "--threshold", "0.2")  # the setting the set's README picked on dev


def write_jsonl(split: str, out: Path) -> dict[str, str]:
    """The split as ingest JSONL; article URL -> document id."""
    ids = {}
    with (EVAL / "data" / split / "docs.jsonl").open(encoding="utf-8") as docs, out.open("w", encoding="utf-8") as f:
        for line in docs:
            doc = json.loads(line)
            ids[doc["url"]] = doc["id"]
            record = {k: doc[k] for k in ("url", "source", "title", "text", "published")}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return ids


def stories(db: Path, ids: dict[str, str]) -> dict[str, str]:
    """Document id -> story id, as ``newsarchive sql`` prints them."""
    out = newsarchive(db, "sql", "SELECT url, story_id FROM articles ORDER BY id", "--format", "csv").stdout
    return {ids[row["url"]]: row["story_id"] for row in csv.DictReader(io.StringIO(out))}


def score(pred: dict[str, str], split: str, work: Path, name: str) -> dict:
    path = work / f"{name}.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "story_pred"])
        writer.writerows(pred.items())
    done = subprocess.run(
        [sys.executable, str(EVAL / "score.py"), str(path), "--split", split, "--strict", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def baseline(split: str, work: Path) -> tuple[dict, float]:
    out = work / "baseline.csv"
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, str(EVAL / "baseline.py"), "--split", split, *BASELINE, "--out", str(out)],
        capture_output=True,
        check=True,
    )
    seconds = time.perf_counter() - start
    with out.open(encoding="utf-8") as f:
        pred = {row["id"]: row["story_pred"] for row in csv.DictReader(f)}
    return score(pred, split, work, "baseline-scored"), seconds


def row(name: str, r: dict, seconds: float) -> str:
    cells = [
        name,
        *(f"{r[k]:.3f}" for k in ("pairwise_precision", "pairwise_recall", "pairwise_f1")),
        *(f"{r[k]:.3f}" for k in ("bcubed_precision", "bcubed_recall", "bcubed_f1")),
        f"{r['pred_clusters']} / {r['gold_stories']}",
        f"{seconds:.1f}",
    ]
    return "| " + " | ".join(cells) + " |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stories-eval-") as tmp:
        work = Path(tmp)
        ids = write_jsonl(args.split, work / "docs.jsonl")
        db = work / "archive.duckdb"
        run = newsarchive(db, "ingest", "--quiet", str(work / "docs.jsonl"))
        ingested = stories(db, ids)
        ours = score(ingested, args.split, work, "newsarchive")
        base, base_seconds = baseline(args.split, work)
        newsarchive(db, "stories", "--rebuild")
        rebuilt = stories(db, ids)
        same = _partition(ingested) == _partition(rebuilt)
    print(f"split {args.split}: {len(ids)} documents; `newsarchive ingest` {run.wall:.1f} s wall")
    print("| system | pair P | pair R | pair F1 | B3 P | B3 R | B3 F1 | stories pred / gold | s |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(row("newsarchive ingest (stories)", ours, run.wall))
    print(row("baseline.py " + " ".join(BASELINE), base, base_seconds))
    print(f"stories --rebuild gives the same partition as ingest: {same}")
    return 0 if same else 1


def _partition(assignment: dict[str, str]) -> set[frozenset[str]]:
    members: dict[str, set[str]] = {}
    for doc, story in assignment.items():
        members.setdefault(story, set()).add(doc)
    return {frozenset(m) for m in members.values()}


if __name__ == "__main__":
    sys.exit(main())

"""Dedup quality through the product path: the CLI on the shared eval splits and on the seeds.

Each split's docs.jsonl is written as JSONL ``{"url","title","text"}`` (url
``https://<source>/<id>``, so every outlet is its own source) and ingested with
``newsarchive --db X ingest``, exactly as a user would. Groups are read back read-only and
scored by the shared scorer (../shared/eval/dedup/score.py --breakdown). Then
``newsarchive dedup --rebuild``, and ``newsarchive reextract`` followed by ``dedup --rebuild``,
are run on the same archive and their partitions compared with the ingest's.

    python bench/dedup_eval.py                      # dev, test, onestop and the seeds
    python bench/dedup_eval.py --split dev --no-drift
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
EVAL = next(p for p in (Path("/work/shared/eval/dedup"), ROOT.parent / "shared/eval/dedup") if p.exists())
CLI = [str(Path(sys.executable).with_name("newsarchive"))]


def newsarchive(db: Path, *args: str) -> str:
    """Run one CLI command on ``db``; its stdout."""
    done = subprocess.run([*CLI, "--db", str(db), *args], capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"newsarchive {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def groups(db: Path) -> dict[str, int]:
    """Document id -> cluster id, read from the archive read-only as a user's script would."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            url.rsplit("/", 1)[1]: cluster
            for url, cluster in con.execute("SELECT url, cluster_id FROM articles").fetchall()
        }
    finally:
        con.close()


def partition(assignment: dict[str, int]) -> dict[str, frozenset[str]]:
    """Document id -> the set of documents in its group (comparable whatever the group ids are)."""
    members: dict[int, set[str]] = {}
    for doc, cluster in assignment.items():
        members.setdefault(cluster, set()).add(doc)
    return {doc: frozenset(members[cluster]) for doc, cluster in assignment.items()}


def moved(before: dict[str, int], after: dict[str, int]) -> int:
    """Documents whose group (as a set of documents) differs between two assignments."""
    a, b = partition(before), partition(after)
    return sum(a[doc] != b.get(doc) for doc in a)


def score(assignment: dict[str, int], split: str | Path, bootstrap: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "cluster"])
        writer.writerows(sorted(assignment.items()))
    scored = subprocess.run(
        [sys.executable, str(EVAL / "score.py"), out.name, "--breakdown", "--json"]
        + (["--gold", str(split / "labels.csv")] if isinstance(split, Path) else ["--split", split])
        + (["--bootstrap", str(bootstrap)] if bootstrap else []),
        capture_output=True,
        text=True,
        check=True,
    )
    Path(out.name).unlink()
    return json.loads(scored.stdout)


def run_split(split: str | Path, workers: int, bootstrap: int, drift: bool) -> dict:
    """``split``: a shared split's name, or a folder with docs.jsonl and labels.csv in that format."""
    folder = split if isinstance(split, Path) else EVAL / "data" / split
    docs = [json.loads(line) for line in (folder / "docs.jsonl").open(encoding="utf-8")]
    with tempfile.TemporaryDirectory() as tmp:
        jsonl, db = Path(tmp) / "docs.jsonl", Path(tmp) / "archive.duckdb"
        with jsonl.open("w", encoding="utf-8") as out:
            for doc in docs:
                record = {"url": f"https://{doc['source']}/{doc['id']}", "title": doc.get("title"), "text": doc["text"]}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        started = time.perf_counter()
        newsarchive(db, "ingest", "--quiet", "--workers", str(workers), str(jsonl))
        elapsed = time.perf_counter() - started
        ingested = groups(db)
        result = score(ingested, split, bootstrap)
        result["parameters"] = newsarchive(db, "dedup").splitlines()[0]
        result["ingest_seconds"] = round(elapsed, 2)
        result["docs_per_s"] = round(len(docs) / elapsed, 1)
        if drift:
            newsarchive(db, "dedup", "--rebuild")
            rebuilt = groups(db)
            newsarchive(db, "reextract", "--workers", str(workers))
            reextracted = groups(db)
            newsarchive(db, "dedup", "--rebuild")
            re_rebuilt = groups(db)
            result["moved"] = {
                "rebuild": moved(ingested, rebuilt),
                "reextract": moved(ingested, reextracted),
                "reextract_rebuild": moved(ingested, re_rebuilt),
            }
            result["groups"] = {
                "ingest": len(set(ingested.values())),
                "rebuild": len(set(rebuilt.values())),
                "reextract_rebuild": len(set(re_rebuilt.values())),
            }
    return result


def run_seeds(workers: int) -> dict:
    """Ingest seeds/ through the CLI; report every grouped pair (only 001/003 should be)."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "seeds.duckdb"
        newsarchive(db, "ingest", "--quiet", "--workers", str(workers), str(ROOT / "seeds"))
        con = duckdb.connect(str(db), read_only=True)
        rows = con.execute("SELECT url, cluster_id FROM articles ORDER BY url").fetchall()
        con.close()
    names = [(Path(url).name[:3], cluster) for url, cluster in rows]
    pairs = [(a[0], b[0]) for a, b in itertools.combinations(names, 2) if a[1] == b[1]]
    return {"grouped_pairs": pairs, "ok": pairs == [("001", "003")]}


def compact(r: dict) -> dict:
    """The figures recorded in docs/BENCHMARKS.md."""
    out = {k: round(r[k], 4) for k in ("precision", "recall", "f1", "ari")}
    breakdown = r.get("breakdown", {})
    out["pair_recall"] = {k: round(v["recall"], 4) for k, v in breakdown.get("pair_recall_by_kind", {}).items()}
    distinct = breakdown.get("kind", {}).get("distinct")
    if distinct:
        out["hard_negatives_merged"] = round(distinct["false_merge_rate"], 4)
    for key in ("bootstrap_95ci", "moved", "groups", "parameters"):
        if key in r:
            out[key] = r[key]
    out.update({k: r[k] for k in ("documents", "pred_clusters", "gold_clusters", "docs_per_s")})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", action="append", choices=["dev", "test", "onestop", "seeds"])
    parser.add_argument(
        "--data", action="append", type=Path, default=[], help="also a folder with docs.jsonl and labels.csv"
    )
    parser.add_argument("--workers", type=int, default=1, help="newsarchive ingest --workers")
    parser.add_argument("--no-drift", action="store_true", help="skip dedup --rebuild and reextract")
    parser.add_argument("--full", action="store_true", help="print the scorer's whole JSON")
    parser.add_argument("--bootstrap", type=int, default=0, help="scorer bootstrap resamples for 95%% CIs")
    args = parser.parse_args()
    splits: list[str | Path] = [*(args.split or ([] if args.data else ["dev", "test", "onestop", "seeds"])), *args.data]
    for split in splits:
        if split == "seeds":
            print("seeds", json.dumps(run_seeds(args.workers)))
            continue
        result = run_split(split, args.workers, args.bootstrap, not args.no_drift)
        print(split, json.dumps(result if args.full else compact(result)), flush=True)


if __name__ == "__main__":
    main()

"""Dedup quality: run the archive's dedup on the shared eval splits and the seeds, score them.

Each split's docs.jsonl is written through ArchiveWriter in batches of 200 (the ingest
path), into a throw-away in-memory archive; cluster_id per document is scored by the
shared scorer (../shared/eval/dedup/score.py --breakdown).

    python bench/dedup_eval.py                       # dev, test, onestop and the seeds
    python bench/dedup_eval.py --split dev --set near_containment=0.45
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import itertools
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.dedup import Deduplicator  # noqa: E402
from archive.dedup.config import DedupConfig  # noqa: E402
from archive.ingest.files import ingest  # noqa: E402
from archive.ingest.writer import ArchiveWriter  # noqa: E402
from archive.models import Article, RawDocument  # noqa: E402
from archive.store import Archive  # noqa: E402
from archive.textnorm import text_hash  # noqa: E402

EVAL = (
    Path("/work/shared/eval/dedup") if Path("/work/shared/eval/dedup").exists() else ROOT.parent / "shared/eval/dedup"
)


def run_split(split: str, config: DedupConfig, bootstrap: int = 0) -> dict:
    docs = [json.loads(line) for line in (EVAL / "data" / split / "docs.jsonl").open(encoding="utf-8")]
    archive = Archive(":memory:")
    dedup = Deduplicator(config)
    writer = ArchiveWriter(archive, batch_size=200, deduplicator=dedup)
    started = time.perf_counter()
    verified = 0
    for doc in docs:
        url = f"eval://{split}/{doc['id']}"
        raw = RawDocument(
            url=url, source=doc["source"], origin="jsonl", body=doc["text"].encode(), content_type="text/plain"
        )
        writer.add(
            raw,
            Article(
                url=url,
                source=doc["source"],
                origin="jsonl",
                text=doc["text"],
                title=doc.get("title"),
                text_hash=text_hash(doc["text"]),
            ),
        )
        if dedup.last is not None:
            verified += dedup.last.verified
            dedup.last = None
    writer.flush()
    verified += dedup.last.verified if dedup.last else 0
    elapsed = time.perf_counter() - started
    rows = archive.con.execute("SELECT url, cluster_id FROM articles").fetchall()
    archive.close()
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, newline="") as out:
        writer_csv = csv.writer(out)
        writer_csv.writerow(["id", "cluster"])
        for url, cluster in rows:
            writer_csv.writerow([url.rsplit("/", 1)[1], cluster])
    scored = subprocess.run(
        [sys.executable, str(EVAL / "score.py"), out.name, "--split", split, "--breakdown", "--json"]
        + (["--bootstrap", str(bootstrap)] if bootstrap else []),
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(scored.stdout)
    result["seconds"] = round(elapsed, 2)
    result["docs_per_s"] = round(len(docs) / elapsed, 1)
    result["verified_pairs"] = verified
    return result


def run_seeds(config: DedupConfig) -> dict:
    """Ingest seeds/ through the real loader and extractor; report every grouped pair."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = Archive(Path(tmp) / "seeds.duckdb")
        ingest(archive, [str(ROOT / "seeds")], workers=1)
        rows = archive.con.execute(
            """SELECT a.url, a.cluster_id, d.kind, d.similarity FROM articles a
               LEFT JOIN duplicates d ON d.article_id = a.id ORDER BY a.url"""
        ).fetchall()
        archive.close()
    names = {r[0]: Path(r[0]).name[:3] for r in rows}
    pairs = [(names[a[0]], names[b[0]], a[2] or b[2]) for a, b in itertools.combinations(rows, 2) if a[1] == b[1]]
    return {"grouped_pairs": pairs, "ok": [(p[0], p[1]) for p in pairs] == [("001", "003")]}


def compact(r: dict) -> dict:
    """The figures recorded in docs/BENCHMARKS.md."""
    out = {k: round(r[k], 4) for k in ("precision", "recall", "f1", "ari")}
    breakdown = r.get("breakdown", {})
    out["pair_recall"] = {k: round(v["recall"], 4) for k, v in breakdown.get("pair_recall_by_kind", {}).items()}
    distinct = breakdown.get("kind", {}).get("distinct")
    if distinct:
        out["hard_negatives_merged"] = round(distinct["false_merge_rate"], 4)
    for key in ("bootstrap_95ci",):
        if key in r:
            out[key] = r[key]
    out.update({k: r[k] for k in ("documents", "pred_clusters", "gold_clusters", "verified_pairs", "docs_per_s")})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", action="append", choices=["dev", "test", "onestop", "seeds"])
    parser.add_argument(
        "--set", action="append", default=[], metavar="PARAM=VALUE", help="override a DedupConfig field"
    )
    parser.add_argument("--full", action="store_true", help="print the scorer's whole JSON")
    parser.add_argument("--bootstrap", type=int, default=0, help="scorer bootstrap resamples for 95%% CIs")
    args = parser.parse_args()
    overrides = {}
    for item in args.set:
        name, value = item.split("=", 1)
        kind = type(getattr(DedupConfig(), name))
        overrides[name] = kind(value)
    config = dataclasses.replace(DedupConfig(), **overrides)
    print("config", config.fingerprint, json.dumps(overrides))
    for split in args.split or ["dev", "test", "onestop", "seeds"]:
        if split == "seeds":
            print("seeds", json.dumps(run_seeds(config)))
            continue
        result = run_split(split, config, args.bootstrap)
        print(split, json.dumps(result if args.full else compact(result)))


if __name__ == "__main__":
    main()

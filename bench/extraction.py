#!/usr/bin/env python3
"""Body text that ``newsarchive ingest`` archives, scored against gold text, next to plain trafilatura.

For each evaluation set, in one run:
  1. the pages are written as a user would have them: one gzipped WARC file of HTTP responses
     (URL and the stored page bytes, no charset in the header, so the product detects it) for
     every page with a URL of its own; pages without one (or sharing another page's URL) as an
     ``.html`` file in a folder of their own;
  2. ``newsarchive ingest`` archives them into a fresh archive, ``newsarchive export`` reads the
     stored text back, matched to pages by URL (or file name);
  3. plain ``trafilatura.extract`` runs on the same page bytes (the reference);
  4. each set's own ``score.py`` scores all of them.

Sets: ``zyte`` (../shared/eval/extraction, 181 pages with gold text: the test set),
``dev-full`` (../shared/eval/extraction-dev, 77 pages with gold text) and ``dev-snippets``
(the same folder, 790 pages with must / must-not snippets): the dev sets are for tuning.

    .venv/bin/python bench/extraction.py [--set zyte --set dev-full --set dev-snippets] [--workers N]
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import io
import json
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import trafilatura
from product import export, newsarchive, shared_eval
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

SHARED = shared_eval()
TRAFILATURA_SETTINGS = {
    "trafilatura (defaults)": {},
    "trafilatura (precision, no comments)": {"favor_precision": True, "include_comments": False},
}


@dataclass
class EvalSet:
    name: str
    folder: Path
    kind: str  # "full": gold text, "snippets": must / must-not snippets
    gold_file: str


SETS = {
    "zyte": EvalSet("zyte", SHARED / "extraction", "full", "ground-truth.json"),
    "dev-full": EvalSet("dev-full", SHARED / "extraction-dev", "full", "ground-truth.json"),
    "dev-snippets": EvalSet("dev-snippets", SHARED / "extraction-dev", "snippets", "snippets.json"),
}


def load_scorer(folder: Path):
    spec = importlib.util.spec_from_file_location(f"score_{folder.name.replace('-', '_')}", folder / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_inputs(pages: dict[str, tuple[str | None, bytes]], root: Path) -> dict[str, str]:
    """Pages as files a user would ingest; returns the archived URL each page will have -> page id."""
    root.mkdir(parents=True)
    url_to_id: dict[str, str] = {}
    with (root / "pages.warc.gz").open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for page_id, (url, body) in pages.items():
            if url and url not in url_to_id:
                headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
                record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
                writer.write_record(record)
                url_to_id[url] = page_id
            else:  # no URL of its own: a saved page, alone in its folder (the folder names its source)
                file = root / "saved" / page_id / f"{page_id}.html"
                file.parent.mkdir(parents=True)
                file.write_bytes(body)
                url_to_id[file.absolute().as_uri()] = page_id
    return url_to_id


def archived_rows(
    pages: dict[str, tuple[str | None, bytes]], work: Path, workers: int | None
) -> tuple[dict[str, dict], list[str], float]:
    """Page id -> the article ``newsarchive export`` wrote for it; the rejection lines; ingest wall seconds."""
    url_to_id = write_inputs(pages, work / "input")
    db = work / "archive.duckdb"
    args = ["ingest", "--quiet", str(work / "input")] + (["--workers", str(workers)] if workers else [])
    run = newsarchive(db, *args, allowed=(0, 1))  # 1: some pages were rejected
    rejected = [line for line in run.stderr.splitlines() if line.startswith("rejected: ")]
    rows: dict[str, dict] = {}
    for row in export(db, work / "articles.jsonl"):
        page_id = url_to_id.get(row["url"]) or url_to_id.get(unquote(row["url"]))
        if page_id is None:
            sys.exit(f"bench: archived URL {row['url']} is none of the pages written")
        rows[page_id] = row
    return rows, rejected, run.wall


def plain_trafilatura(pages: dict[str, tuple[str | None, bytes]], settings: dict) -> tuple[dict[str, str], float]:
    out, start = {}, time.perf_counter()
    for page_id, (_url, body) in pages.items():
        out[page_id] = trafilatura.extract(body, **settings) or ""
    return out, time.perf_counter() - start


def score_rows(eval_set: EvalSet, scorer, gold: dict, systems: dict[str, dict[str, str]], bootstrap: int) -> None:
    if eval_set.kind == "full":
        print("| system | F1 (± bootstrap std) | precision | recall | accuracy | empty |")
        print("| --- | --- | --- | --- | --- | --- |")
        truth = {pid: item.get("articleBody") or "" for pid, item in gold.items()}
        for name, preds in systems.items():
            pages = [scorer.page_scores(truth[pid], preds.get(pid)) for pid in truth]
            res = scorer.aggregate(pages)
            # The two score.py versions differ in this one signature (the dev one takes the aggregate).
            if eval_set.name == "zyte":
                std = scorer.bootstrap_std(pages, bootstrap, 0)
            else:
                std = scorer.bootstrap_std(pages, scorer.aggregate, bootstrap, 0)
            empty = sum(1 for p in pages if p["precision"] is None)
            f1_std = f" ± {std['f1']:.3f}" if std.get("f1") is not None else ""
            print(
                f"| {name} | {res['f1']:.3f}{f1_std} | {res['precision']:.3f} | {res['recall']:.3f} "
                f"| {res['accuracy']:.3f} | {empty} |"
            )
    else:
        print("| system | with found | without absent | acc (pooled) | F1 (pooled, ± std) | P | R | empty |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        snippets = {pid: {"with": list(v["with"]), "without": list(v["without"])} for pid, v in gold.items()}
        for name, preds in systems.items():
            res = scorer.score_snippets(snippets, preds, bootstrap, 0)
            print(
                f"| {name} | {res['with_found']:.3f} | {res['without_absent']:.3f} | {res['accuracy']:.3f} "
                f"| {res['f1']:.3f} ± {res['std'].get('f1', 0.0):.3f} | {res['precision']:.3f} "
                f"| {res['recall']:.3f} | {res['empty']} |"
            )


def run_set(eval_set: EvalSet, args, tmp: Path) -> None:
    gold = json.loads((eval_set.folder / eval_set.gold_file).read_text(encoding="utf-8"))
    ids = sorted(gold)[: args.limit or None]
    gold = {pid: gold[pid] for pid in ids}
    pages = {
        pid: (gold[pid].get("url"), gzip.decompress((eval_set.folder / "html" / f"{pid}.html.gz").read_bytes()))
        for pid in ids
    }
    rows, rejected, ingest_s = archived_rows(pages, tmp / eval_set.name, args.workers)
    texts = {pid: row["text"] or "" for pid, row in rows.items()}
    systems = {"newsarchive ingest (archived text)": texts}
    timings = {}
    for name, settings in TRAFILATURA_SETTINGS.items():
        systems[name], timings[name] = plain_trafilatura(pages, settings)
    saved = sum(1 for pid in ids if not gold[pid].get("url"))
    print(f"\n## {eval_set.name}: {len(ids)} pages ({saved} without a URL, fed as .html files)\n")
    print(
        f"archived {len(texts)} of {len(ids)} pages, rejected {len(rejected)} "
        f"(`newsarchive ingest` {ingest_s:.1f} s for all of them, start-up included; "
        + ", ".join(f"{name} {seconds:.1f} s in process" for name, seconds in timings.items())
        + ")\n"
    )
    reasons = Counter(line.rsplit(": ", 1)[-1] for line in rejected)
    for reason, n in reasons.most_common():
        print(f"- rejected {n}: {reason}")
    if reasons:
        print()
    score_rows(eval_set, load_scorer(eval_set.folder), gold, systems, args.bootstrap)
    if eval_set.kind == "full":
        metadata_table(pages, rows)


UTF8_PARSER = lxml.html.HTMLParser(encoding="utf-8")  # the sets with gold text are UTF-8 pages


def _jsonld_article(tree) -> dict:
    """The page's first JSON-LD object whose @type names an article (NewsArticle, BlogPosting, ...)."""
    stack: list = []
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            stack.append(json.loads(script))
        except ValueError:
            continue
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack[:0] = item
        elif isinstance(item, dict):
            kinds = item.get("@type") or []
            kinds = [kinds] if isinstance(kinds, str) else kinds
            if any(isinstance(k, str) and ("Article" in k or k == "BlogPosting") for k in kinds):
                return item
            stack[:0] = item.get("@graph") or []
    return {}


def _date(value) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _people(author) -> list[str]:
    authors = author if isinstance(author, list) else [author]
    return [
        a["name"]
        for a in authors
        if isinstance(a, dict) and a.get("@type") == "Person" and isinstance(a.get("name"), str)
    ]


def metadata_table(pages: dict[str, tuple[str | None, bytes]], rows: dict[str, dict]) -> None:
    """Archived metadata (from the export) against the page's own markup, parsed here with lxml alone."""
    checks: dict[str, list[int]] = {}
    provenance: dict[str, Counter] = {}

    def check(name: str, evidence, agrees: bool) -> None:
        if evidence:
            row = checks.setdefault(name, [0, 0])
            row[0] += 1
            row[1] += agrees

    for page_id, row in rows.items():
        tree = lxml.html.fromstring(pages[page_id][1], parser=UTF8_PARSER)
        ld = _jsonld_article(tree)
        meta = {m.get("property") or m.get("name"): m.get("content") for m in tree.xpath("//meta[@content]")}
        headline = ld.get("headline") or meta.get("og:title")
        title = (row["title"] or "").strip().lower()
        check("title vs JSON-LD headline / og:title", headline, title == str(headline).strip().lower())
        published = _date(ld.get("datePublished") or meta.get("article:published_time") or "")
        got = _date(row["published"]) if row["published"] else None
        if published and published.year >= 1990:  # JSON-LD placeholders (0001-01-01) are not evidence
            check(
                "published vs JSON-LD / article:published_time (within a day)",
                True,
                got is not None and abs((got - published).total_seconds()) < 86400,
            )
        canonical = (tree.xpath('//link[@rel="canonical"]/@href') or [None])[0]
        check("canonical_url vs <link rel=canonical>", canonical, (row["canonical_url"] or row["url"]) == canonical)
        lang = (tree.get("lang") or "").split("-")[0].lower()
        check("language vs <html lang>", lang, row["language"] == lang)
        people = [p.lower() for p in _people(ld.get("author"))]
        check(
            "each author within a JSON-LD Person author",
            people,
            bool(row["authors"]) and all(any(a.lower() in p for p in people) for a in row["authors"]),
        )
        for field_name, source in (row.get("provenance") or {}).items():
            provenance.setdefault(field_name, Counter())[source] += 1
    print("\nMetadata as archived (`newsarchive export`) against the page's own markup:\n")
    print("| field | pages with evidence | agrees | share |")
    print("| --- | --- | --- | --- |")
    for name, (n, ok) in checks.items():
        print(f"| {name} | {n} | {ok} | {ok / n:.2f} |")
    for field_name in ("published", "authors", "title"):
        counts = provenance.get(field_name, Counter())
        print(f"{field_name} from: " + ", ".join(f"{source} {n}" for source, n in counts.most_common()))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", dest="sets", action="append", choices=sorted(SETS), help="default: all three")
    parser.add_argument("--workers", type=int, default=None, help="ingest --workers (default: the CLI's)")
    parser.add_argument("--limit", type=int, default=0, help="first N pages of each set (a quick look)")
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples for the ± figures")
    args = parser.parse_args(argv)
    print(f"trafilatura {trafilatura.__version__}; scores from each set's own score.py")
    with tempfile.TemporaryDirectory(prefix="bench-extraction-") as tmp:
        for name in args.sets or ["zyte", "dev-full", "dev-snippets"]:
            run_set(SETS[name], args, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Archive size per article: what the archive file holds for each article, and where it goes.

For each corpus it runs ``newsarchive ingest`` into a fresh archive, then reads the closed file
as any DuckDB client would (read-only) and reports:

  - the file's bytes per archived article (database file plus write-ahead log, if one is left);
  - each table's on-disk bytes per article: the table copied alone into an empty DuckDB file,
    checkpointed, minus an empty file's size (DuckDB keeps no per-table byte count);
  - the raw pages' bytes as read (the input files, decompressed) against the bytes
    ``raw_documents.body`` holds (``newsarchive sql``);
  - DuckDB's compression of each column of ``raw_documents`` (``pragma_storage_info``).

Corpora: the 867 dev pages of ../shared/eval/extraction-dev/html (gzipped saved pages), and N
pages of bench/crawl.py's generated news site saved as files (30-150 KB of HTML each).

    .venv/bin/python bench/size.py [--pages 2000] [--workers 2] [--corpus dev|site|both] [--baseline OTHER/newsarchive]

``--baseline`` ingests the same pages with another installation too (a checkout of an earlier
commit, say) and prints both columns. CPU per article: sampled from /proc, of every process
of the run and of the command's own process (file reading, the writer thread, DuckDB's
checkpoints), the rest being the extraction workers.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb
from crawl import TreeCpu, generate
from product import newsarchive, remove_db, shared_eval

# Tables reported under their own name; the rest are summed as "other".
SHOWN = ("articles", "raw_documents", "search_terms", "dedup_signatures", "dedup_bands", "story_postings")


def sql(db: Path, query: str) -> list[dict]:
    """Rows of ``newsarchive sql QUERY --format json`` (one JSON object a line)."""
    return [json.loads(line) for line in newsarchive(db, "sql", query, "--format", "json").stdout.splitlines() if line]


def table_bytes(db: Path, scratch: Path) -> dict[str, int]:
    """On-disk bytes of each base table of ``db``: the table copied alone into a fresh file,
    less the same file with the table empty (DuckDB writes in 256 KB blocks: the figure is
    that coarse)."""
    with duckdb.connect(str(db), read_only=True) as con:
        names = [row[0] for row in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()]
    sizes = {}
    for name in names:
        sizes[name] = _copied(db, name, scratch, "") - _copied(db, name, scratch, " LIMIT 0")
    return sizes


def _copied(db: Path, name: str, scratch: Path, limit: str) -> int:
    target = scratch / f"table-{name}.duckdb"
    with duckdb.connect(str(target)) as one:
        one.execute(f"ATTACH '{db}' AS archive (READ_ONLY)")
        one.execute(f'CREATE TABLE "{name}" AS SELECT * FROM archive."{name}"{limit}')
        one.execute("DETACH archive")
        one.execute("CHECKPOINT")
    size = target.stat().st_size
    target.unlink()
    return size


def compression(db: Path, table: str) -> dict[str, str]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            f"""SELECT column_name, string_agg(DISTINCT compression, ', ' ORDER BY compression)
                FROM pragma_storage_info('{table}') WHERE segment_type <> 'VALIDITY' GROUP BY 1 ORDER BY 1"""
        ).fetchall()
    return dict(rows)


def measure(label: str, inputs: list[str], args: argparse.Namespace, scratch: Path, page_bytes: float) -> None:
    """Ingest ``inputs`` (pages of ``page_bytes`` bytes on average, as read) with this
    installation (and ``--baseline``'s) and report the archives' sizes side by side."""
    installs = [("this", None)] + ([("baseline", [str(args.baseline)])] if args.baseline else [])
    figures = {
        name: _one(label, name, command, inputs, args.workers, scratch, page_bytes) for name, command in installs
    }
    print(f"\n{label}: raw pages as read {page_bytes / 1024:.1f} KB on average; per article:")
    print(f"  {'':<34}" + "".join(f"{name:>12}" for name in figures))
    for row in next(iter(figures.values())):
        print(f"  {row:<34}" + "".join(f"{values[row]:>12}" for values in figures.values()))


def _one(
    label: str, name: str, command: list[str] | None, inputs: list[str], workers: int, scratch: Path, page_bytes: float
) -> dict[str, str]:
    db = scratch / f"{label.replace(' ', '-')}-{name}.duckdb"
    remove_db(db)
    with TreeCpu(set()) as cpu:
        run = newsarchive(db, "ingest", "--quiet", "--workers", str(workers), *inputs, allowed=(0, 1), command=command)
    articles = sql(db, "SELECT count(*) AS n FROM articles")[0]["n"]
    wal = db.with_name(db.name + ".wal")
    file_bytes = db.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    stored = sql(
        db,
        """SELECT sum(strlen(text)) AS text, sum(octet_length(body)) AS body FROM articles a
           JOIN raw_documents r ON r.article_id = a.id""",
    )[0]
    with duckdb.connect(str(db), read_only=True) as con:
        total, free = con.execute("SELECT total_blocks, free_blocks FROM pragma_database_size()").fetchone()
    tables = table_bytes(db, scratch)
    shown = {table: tables.get(table, 0) for table in SHOWN}
    shown["other tables"] = sum(size for table, size in tables.items() if table not in SHOWN)
    kb = 1024 * articles
    out = {
        "articles archived": f"{articles}",
        "archive file, KB": f"{file_bytes / kb:.1f}",
        "  of it free blocks, KB": f"{file_bytes * free / max(total, 1) / kb:.1f}",
        "text as extracted, KB": f"{stored['text'] / kb:.1f}",
        "raw_documents.body values, KB": f"{stored['body'] / kb:.1f}",
        "  smaller than the page": f"{page_bytes * articles / stored['body']:.1f}x",
    }
    out.update({f"table {table}, KB": f"{size / kb:.1f}" for table, size in shown.items()})
    out["tables copied alone, sum, KB"] = f"{sum(shown.values()) / kb:.1f}"
    out["body column compression"] = compression(db, "raw_documents")["body"]
    out["CPU, all processes, ms"] = f"{cpu.seconds * 1000 / articles:.1f}"
    out["CPU, main process (writer), ms"] = f"{cpu.main_seconds * 1000 / articles:.1f}"
    out["wall, s (whole run)"] = f"{run.wall:.1f}"
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000, help="pages of the generated site")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--corpus", choices=("dev", "site", "both"), default="both")
    parser.add_argument("--baseline", type=Path, help="another installation's newsarchive command, run alongside")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-size-"))
    try:
        if args.corpus in ("dev", "both"):
            dev = sorted((shared_eval() / "extraction-dev" / "html").glob("*.html*"))
            read = [gzip.decompress(f.read_bytes()) if f.suffix == ".gz" else f.read_bytes() for f in dev]
            average = sum(map(len, read)) / len(read)
            measure("dev pages", [str(shared_eval() / "extraction-dev" / "html")], args, scratch, average)
        if args.corpus in ("site", "both"):
            files = generate(scratch / "site", args.pages, "https://www.example-news.com")
            html = sum(f.stat().st_size for f in files)
            measure("generated site", [str(scratch / "site" / "2026")], args, scratch, html / len(files))
        print(f"\nload average after the runs: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

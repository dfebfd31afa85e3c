import csv
import io
import json
import subprocess
import sys

import duckdb
import pyarrow.parquet as pq
from click.testing import CliRunner
from conftest import archive_held_by_another_process, article_html, article_text, warc_bytes, write

from archive.cli import cli


def make_inputs(root):
    """Three distinct articles plus an exact copy of the first one (same page as .jsonl)."""
    html = article_html()
    write(root / "herald" / "bridge.html", html)
    write(root / "herald" / "copy.jsonl", json.dumps({"url": "https://wire.example.net/bridge", "html": html}) + "\n")
    write(
        root / "notes" / "school.txt",
        article_text(
            title="Riverside school opens new science wing",
            paragraphs=[
                "Pupils at Riverside Primary moved into a new science wing on Monday after eighteen months of building work funded by a local appeal.",
                "The head teacher said the laboratories would also be used for evening classes for adults who want to retrain in technical trades.",
            ],
        ),
    )
    write(
        root / "crawl.warc.gz",
        warc_bytes(
            {
                "https://www.example.org/storm": article_html(
                    title="Storm closes coastal road for the second time this winter",
                    paragraphs=[
                        "High winds and flooding closed the coastal road between Northport and Eastbay on Sunday, the second closure since December.",
                        "Highway officials said the road would reopen once engineers had checked the sea wall for damage caused by the storm surge.",
                    ],
                    date="2024-02-01",
                )
            }
        ),
    )
    return root


def test_ingest_is_idempotent_and_groups_exact_copies(tmp_path, run_cli, db):
    make_inputs(tmp_path)
    first = run_cli("ingest", "-w", "1", str(tmp_path))
    assert "read 4, archived 4 new, 1 of them duplicates" in first.output
    second = run_cli("ingest", "-w", "1", str(tmp_path))
    assert "archived 0 new" in second.output and "4 already archived" in second.output
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 4
    assert con.execute("SELECT count(*) FROM raw_documents").fetchone()[0] == 4
    rows = con.execute("""SELECT a.url, a.cluster_id = a.id, d.kind, d.similarity FROM articles a
                          LEFT JOIN duplicates d ON d.article_id = a.id WHERE a.title LIKE 'Lakeside%' ORDER BY a.id""").fetchall()
    local, wire = rows
    assert local[0].startswith("file://") and local[1:] == (True, None, None)
    assert wire == ("https://wire.example.net/bridge", False, "exact", 1.0)
    assert con.execute("SELECT count(*) FROM unique_articles").fetchone()[0] == 3
    assert con.execute("SELECT status FROM runs ORDER BY id").fetchall() == [("finished",), ("finished",)]


def test_representative_is_the_earliest_published(tmp_path, run_cli, db):
    late = article_html(date="2024-05-01")
    early = article_html(date="2024-01-01")
    write(tmp_path / "a.jsonl", json.dumps({"url": "https://late.example/x", "html": late}) + "\n")
    run_cli("ingest", "-w", "1", str(tmp_path / "a.jsonl"))
    write(tmp_path / "b.jsonl", json.dumps({"url": "https://early.example/x", "html": early}) + "\n")
    run_cli("ingest", "-w", "1", str(tmp_path / "b.jsonl"))
    con = duckdb.connect(str(db), read_only=True)
    rows = dict(con.execute("SELECT source, cluster_id = id FROM articles").fetchall())
    assert rows == {"early.example": True, "late.example": False}
    assert con.execute("SELECT count(*) FROM duplicates").fetchone()[0] == 1


def test_bad_inputs_exit_1_and_good_ones_are_archived_once(tmp_path, run_cli, db):
    write(tmp_path / "good.txt", article_text())
    write(tmp_path / "empty.html", "")
    write(
        tmp_path / "mixed.jsonl",
        "{oops\n"
        + json.dumps(
            {"url": "https://example.org/ok", "html": article_html(title="A second good story about the river")}
        )
        + "\n",
    )
    result = run_cli("ingest", "-w", "1", str(tmp_path), expect=1)
    assert "Traceback" not in result.output
    assert f"rejected: {tmp_path / 'empty.html'}: empty file" in result.output
    assert f"rejected: {tmp_path / 'mixed.jsonl'}:1: invalid JSON" in result.output
    assert "archived 2 new" in result.output
    again = run_cli("ingest", "-w", "1", str(tmp_path), expect=1)
    assert "archived 0 new" in again.output
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
    assert con.execute("SELECT count(*) FROM rejections").fetchone()[0] == 4


def test_parallel_workers_archive_the_same_as_one(tmp_path, run_cli):
    inputs = make_inputs(tmp_path / "inputs")
    archived = []
    for workers in ("1", "2"):
        db = tmp_path / f"workers-{workers}.duckdb"
        result = CliRunner().invoke(cli, ["--db", str(db), "ingest", "-q", "--workers", workers, str(inputs)])
        assert result.exit_code == 0, result.output
        con = duckdb.connect(str(db), read_only=True)
        archived.append(
            con.execute(
                """SELECT a.url, a.title, a.text, a.published, r.url AS group_of, d.kind FROM articles a
                   JOIN articles r ON r.id = a.cluster_id LEFT JOIN duplicates d ON d.article_id = a.id ORDER BY a.url"""
            ).fetchall()
        )
        con.close()
    assert len(archived[0]) == 4 and archived[0] == archived[1]


def test_sql_formats(tmp_path, run_cli):
    make_inputs(tmp_path)
    run_cli("ingest", "-w", "1", str(tmp_path))
    query = "SELECT source, count(*) AS n FROM articles GROUP BY 1 ORDER BY 1"
    rows = [json.loads(line) for line in run_cli("sql", query, "--format", "json").output.splitlines()]
    assert rows == [
        {"source": "example.org", "n": 1},
        {"source": "herald", "n": 1},
        {"source": "notes", "n": 1},
        {"source": "wire.example.net", "n": 1},
    ]
    table = list(csv.reader(io.StringIO(run_cli("sql", query, "--format", "csv").output)))
    assert table[0] == ["source", "n"] and len(table) == 5
    assert "wire.example.net" in run_cli("sql", query).output


def test_sql_is_read_only_and_errors_are_one_line(tmp_path, run_cli):
    make_inputs(tmp_path)
    run_cli("ingest", "-w", "1", str(tmp_path))
    result = run_cli("sql", "DELETE FROM articles", expect=1)
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    result = run_cli("sql", "SELEC nonsense", expect=1)
    assert result.output.startswith("Error: ") and "Traceback" not in result.output


def test_missing_archive_is_a_clean_error(run_cli):
    result = run_cli("stats", expect=1)
    assert "no archive here yet" in result.output


def test_stats(tmp_path, run_cli):
    make_inputs(tmp_path)
    run_cli("ingest", "-w", "1", str(tmp_path))
    output = run_cli("stats").output
    assert "4 articles, 3 unique, 1 duplicates (25.0%); " in output
    assert "duplicates by kind: exact 1" in output
    assert "2024-02-01" in output and "wire.example.net" in output


def test_export_all_and_unique(tmp_path, run_cli):
    make_inputs(tmp_path)
    run_cli("ingest", "-w", "1", str(tmp_path))
    out = tmp_path / "out"
    assert "wrote 4 articles" in run_cli("export", str(out / "all.jsonl")).output
    lines = [json.loads(line) for line in (out / "all.jsonl").read_text().splitlines()]
    assert len(lines) == 4 and {"url", "title", "text", "cluster_id"} <= set(lines[0])
    assert "wrote 3 articles" in run_cli("export", str(out / "unique.parquet"), "--unique").output
    assert pq.read_table(out / "unique.parquet").num_rows == 3
    run_cli("export", str(out / "unique.csv"), "--unique")
    assert len(list(csv.DictReader((out / "unique.csv").open()))) == 3
    result = run_cli("export", str(out / "x.xlsx"), expect=2)
    assert "use a .jsonl, .parquet or .csv file name" in result.output


def test_locked_archive_through_the_real_command(tmp_path, db):
    write(tmp_path / "a.txt", article_text())
    cli = [sys.executable, "-m", "archive.cli", "--db", str(db)]
    subprocess.run([*cli, "ingest", "-q", "-w", "1", str(tmp_path)], check=True, capture_output=True)
    with archive_held_by_another_process(db) as holder:
        result = subprocess.run([*cli, "ingest", "-w", "1", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: {db}: the archive is in use by process {holder}; wait for it to finish"


def test_commands_that_only_read_start_without_datasketch(tmp_path, run_cli, db):
    """sql, stats, export and dups answer without loading datasketch and scipy.integrate (half a second)."""
    make_inputs(tmp_path)
    run_cli("ingest", "-w", "1", str(tmp_path))
    script = (
        "import sys\n"
        "from archive.cli import main\n"
        "for words in (['sql', 'SELECT count(*) FROM articles'], ['stats'], ['dups'], ['export', sys.argv[2]]):\n"
        "    sys.argv[1:] = ['--db', DB, *words]\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit as exc:\n"
        "        assert not exc.code, (words, exc.code)\n"
        "print('datasketch' in sys.modules)\n"
    ).replace("DB", repr(str(db)))
    done = subprocess.run(
        [sys.executable, "-c", script, "x", str(tmp_path / "out.jsonl")], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False"
    assert (tmp_path / "out.jsonl").read_text().count("\n") == 4

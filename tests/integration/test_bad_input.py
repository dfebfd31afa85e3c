"""Bad input through ``newsarchive ingest``: named one line each, and not extracted again while unchanged."""

from __future__ import annotations

import json
import random

import duckdb
import pytest
from conftest import PARAGRAPHS, article_html, article_text, gz, warc_bytes, write

import archive.ingest.pool as pool


@pytest.fixture
def extractions(monkeypatch):
    """The URLs extraction is run on (in process: --workers 1)."""
    urls: list[str] = []
    real = pool.extract

    def counting(raw):
        urls.append(raw.url)
        return real(raw)

    monkeypatch.setattr(pool, "extract", counting)
    return urls


def junk_page() -> str:
    """5 MB of tiny elements: before the work was bounded, trafilatura spent minutes on it."""
    return "<html><body>" + "<div>x</div>" * 430_000 + "</body></html>"


def bad_folder(root):
    good = {
        "good.html": article_html(),
        "stray-bytes.html": article_html(title="Stray bytes do not make a page binary").replace(
            "<main>", "<main>\x00\x01", 1
        )
        + "\x00\x1b",
        # no prose at all, only menu entries: extraction refuses it (a short text would be archived, marked short)
        "menu.html": "<html><body><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></body></html>",
        "junk.html": junk_page(),
    }
    for name, html in good.items():
        write(root / name, html)
    write(root / "notes.txt", article_text(title="Riverside school opens new science wing"))
    write(root / "empty.html", "")
    write(root / "binary.html", random.Random(3).randbytes(20_000))
    write(root / "cut.html.gz", gz(article_html())[:200])
    write(root / "latin1.txt", "Zürich city council\n\nA paragraph.".encode("latin-1"))
    lines = ["{oops", json.dumps({"url": "https://wire.example/story", "text": article_text(title="Wire story")})]
    write(root / "batch.jsonl", "\n".join(lines) + "\n")
    pages = {f"https://example.org/{i}": article_html(title=f"Story number {i} from the river") for i in range(3)}
    write(root / "cut.warc.gz", warc_bytes(pages, extra_records=False)[:-300])


def test_bad_input_is_named_and_not_extracted_again(tmp_path, run_cli, db, extractions):
    bad_folder(tmp_path / "in")
    first = run_cli("ingest", "-w", "1", str(tmp_path / "in"), expect=1)
    assert "Traceback" not in first.output
    rejected = sorted(line for line in first.output.splitlines() if line.startswith("rejected: "))
    reasons = {line.split("/in/", 1)[1].split(": ")[0].split(" [")[0]: line for line in rejected}
    assert sorted(reasons) == [
        "batch.jsonl:1",
        "binary.html",
        "cut.html.gz",
        "cut.warc.gz",
        "empty.html",
        "junk.html",
        "latin1.txt",
        "menu.html",
    ]
    assert "too many HTML elements" in reasons["junk.html"] or "page too large" in reasons["junk.html"]
    assert "binary content" in reasons["binary.html"]
    con = duckdb.connect(str(db), read_only=True)
    archived = {row[0].rsplit("/", 1)[1] for row in con.execute("SELECT url FROM articles").fetchall()}
    stray = con.execute("SELECT title, text FROM articles WHERE url LIKE '%stray-bytes.html'").fetchone()
    con.close()
    assert archived == {"good.html", "stray-bytes.html", "notes.txt", "story", "0", "1"}
    assert stray[0] == "Stray bytes do not make a page binary" and PARAGRAPHS[0] in stray[1]  # cleaned, not rejected
    refused = {url.rsplit("/", 1)[1] for url in extractions} & {"junk.html", "menu.html"}
    assert refused == {"junk.html", "menu.html"}

    extractions.clear()
    again = run_cli("ingest", "-w", "1", str(tmp_path / "in"), expect=1)
    assert extractions == []  # archived ones are known URLs; refused ones are unchanged
    assert sorted(line for line in again.output.splitlines() if line.startswith("rejected: ")) == sorted(
        line
        + (
            " (unchanged since an earlier run; not extracted again)"
            if "/junk.html" in line or "/menu.html" in line
            else ""
        )
        for line in rejected
    )
    assert "rejected 8 (2 unchanged since an earlier run" in again.output

    retried = run_cli("ingest", "-w", "1", "--retry-rejected", str(tmp_path / "in"), expect=1)
    assert sorted(url.rsplit("/", 1)[1] for url in extractions) == ["junk.html", "menu.html"]
    assert "unchanged since an earlier run" not in retried.output


def test_a_changed_input_is_extracted_again(tmp_path, run_cli, db, extractions):
    page = write(tmp_path / "in" / "page.html", "<html><body><p>Coming soon</p></body></html>")
    run_cli("ingest", "-w", "1", str(page), expect=1)
    run_cli("ingest", "-w", "1", str(page), expect=1)
    assert len(extractions) == 1
    write(page, article_html(paragraphs=PARAGRAPHS))  # the page was fixed
    result = run_cli("ingest", "-w", "1", str(page))
    assert len(extractions) == 2 and "archived 1 new" in result.output
    con = duckdb.connect(str(db), read_only=True)
    digests = con.execute("SELECT digest FROM rejections ORDER BY run_id").fetchall()
    assert len(digests) == 2 and digests[0] == digests[1] and digests[0][0] is not None

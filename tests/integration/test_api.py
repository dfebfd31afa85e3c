"""The Python API as a user calls it: archive.open(), its filters, search, groups, Arrow/pandas, ingest."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pytest
from conftest import PARAGRAPHS, TITLE, write
from dedup_texts import INDEPENDENT, ORIGINAL, SYNDICATED, UNRELATED, text

import archive
from archive.cli import cli
from archive.ingest.writer import ArchiveWriter
from archive.models import Rejection
from archive.store import Archive

ROOT = Path(__file__).resolve().parents[2]

ZURICH = (
    "Zürich: Die Stadt Zürich baut eine neue Tramlinie über die Hardbrücke, teilte der Stadtrat am Montag mit. "
    "Die Linie soll ab 2027 alle sieben Minuten fahren und den Bahnhof Hardbrücke mit Altstetten verbinden. "
    "Die Kosten von 180 Millionen Franken teilen sich Stadt und Kanton, die Bauarbeiten beginnen im Frühling. "
    "Anwohner hatten sich lange über den Lärm der Busse beklagt und begrüssen den Entscheid des Stadtrats."
)


@pytest.fixture
def corpus(tmp_path, db, run_cli) -> Path:
    """Five articles from three sources on four days; the Westshore copy duplicates the Portville story."""
    lines = [
        {"url": "https://herald.example/barrier", "title": "Portville votes for a tidal barrier",
         "text": text(ORIGINAL), "published": "2025-03-01T08:00:00Z"},
        {"url": "https://westshore.example/barrier", "title": "Tidal barrier approved",
         "text": text(SYNDICATED), "published": "2025-03-01T15:00:00Z"},
        {"url": "https://herald.example/bridge", "title": TITLE, "text": "\n".join(PARAGRAPHS),
         "published": "2025-03-04T10:00:00Z"},
        {"url": "https://herald.example/other-barrier", "title": "A second barrier town",
         "text": text(INDEPENDENT), "published": "2025-03-05T10:00:00Z"},
        {"url": "https://tagblatt.example/tram", "title": "Neue Tramlinie für Zürich", "text": ZURICH},
        {"url": "https://herald.example/unrelated", "title": "Unrelated", "text": text(UNRELATED),
         "published": "2025-02-20T10:00:00Z"},
    ]  # fmt: skip
    write(tmp_path / "in" / "news.jsonl", "\n".join(json.dumps(line) for line in lines) + "\n")
    run_cli("ingest", "-q", str(tmp_path / "in"))
    return db


def test_the_readme_python_example_runs_as_written(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    subprocess.run([sys.executable, "-m", "archive", "ingest", "-q", "seeds/"], check=True, capture_output=True)
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.DOTALL)
    assert blocks, "README has no Python example"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks:
            exec(compile(block, "README.md", "exec"), {})
    printed = out.getvalue()
    assert printed.startswith("5 articles, 4 unique\n")
    assert "0 new, 5 already archived" in printed


def test_python_dash_m_archive_is_the_command(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "archive", "--db", str(tmp_path / "a.duckdb"), "ingest", "-q", str(ROOT / "seeds")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("read 5, archived 5 new")


def test_filters_select_what_they_say(corpus):
    with archive.open(corpus) as a:
        assert not a.writable
        everything = list(a.articles())
        assert [x.id for x in everything] == sorted(x.id for x in everything) and len(everything) == 6
        assert a.count() == 6
        copy = next(x for x in everything if x.source == "westshore.example")
        assert copy.is_duplicate and copy.duplicate_kind == "near" and 0 < copy.similarity <= 1
        unique = list(a.articles(unique=True))
        assert copy.url not in {x.url for x in unique} and len(unique) == 5 == a.count(unique=True)
        assert {x.source for x in a.articles(source="herald.example")} == {"herald.example"}
        assert a.count(source="herald.example") == 4 and a.count(source="nowhere.example") == 0
        march = [x.url for x in a.articles(since=date(2025, 3, 1), until="2025-03-05")]
        assert sorted(march) == sorted(
            ["https://herald.example/barrier", "https://westshore.example/barrier", "https://herald.example/bridge"]
        )
        after = a.count(since=datetime(2025, 3, 1, 12, tzinfo=timezone.utc))  # the copy, bridge, other barrier
        assert after == 3
        newest = [x.url for x in a.articles(order="newest", limit=2)]
        assert newest == ["https://herald.example/other-barrier", "https://herald.example/bridge"]
        assert next(x.url for x in a.articles(order="newest", limit=2, offset=1)) == "https://herald.example/bridge"
        with pytest.raises(archive.ArchiveError, match="not a date"):
            a.count(since="last tuesday")


def test_search_finds_whole_words_phrases_and_other_scripts(corpus):
    with archive.open(corpus) as a:

        def urls(query, **filters):
            return sorted(x.url.rsplit("/", 1)[1] for x in a.articles(query=query, **filters))

        assert urls("barrier") == ["barrier", "barrier", "other-barrier"]
        assert urls("BARRIER Sandbags") == ["barrier", "barrier"]  # every word, any case
        assert urls("barrier", unique=True) == ["barrier", "other-barrier"]
        assert urls("barri") == []  # whole words only
        assert urls('"tidal flood barrier"') == ["barrier", "barrier"]
        assert urls('"barrier flood tidal"') == []  # a phrase is in order
        assert urls("zürich tramlinie") == ["tram"] and urls("Zürich") == ["tram"]
        assert urls("portville", source="westshore.example") == ["barrier"]
        assert urls("nonexistentword") == [] and urls("!!!") == []
        assert a.count(query="barrier") == 3


def test_a_page_of_phrase_hits_checks_texts_only_until_it_is_full(corpus, monkeypatch):
    with archive.open(corpus) as a:
        page = a.page(query='"tidal flood barrier"', limit=5)
        assert (page.total, page.exact, len(page.articles)) == (2, True, 2)
        assert [x.url for x in page.articles] == [  # newest first
            "https://westshore.example/barrier",
            "https://herald.example/barrier",
        ]
        monkeypatch.setattr("archive.store.catalog.PHRASE_CHUNK", 1)
        page = a.page(query='"barrier across"', limit=1)  # 3 articles hold both words, 2 the phrase
        assert page.exact is False and len(page.articles) == 1 and 1 <= page.total <= 3
        assert a.count(query='"barrier across"') == 2  # counts are always exact


def test_one_article_its_raw_page_and_its_group(corpus):
    with archive.open(corpus) as a:
        original = a.article("https://herald.example/barrier")
        assert a.article(original.id) == original == a.article(str(original.id))
        assert original.title == "Portville votes for a tidal barrier" and "Okafor" in original.text
        assert original.published == datetime(2025, 3, 1, 8, tzinfo=timezone.utc)
        assert original.to_dict()["published"] == "2025-03-01T08:00:00+00:00"
        json.dumps(original.to_dict())  # JSON-ready
        raw = a.raw(original.id)
        assert raw.url == original.url and b"Okafor" in raw.body
        group = a.group_of(original.url)
        assert group.cluster_id == original.id
        assert [m.url for m in group.members] == [original.url, "https://westshore.example/barrier"]
        assert a.group(original.id) == group
        assert [g.cluster_id for g in a.groups()] == [original.id]
        assert a.groups(kind="rewrite") == [] and [g.cluster_id for g in a.groups(kind="near")] == [original.id]
        bridge = a.article("https://herald.example/bridge")
        assert a.group_of(bridge.id).members == [bridge]
        assert a.copies([original.id, bridge.id]) == {original.id: 1, bridge.id: 0}
        with pytest.raises(archive.NotFound, match="no article with id 999"):
            a.article(999)
        with pytest.raises(archive.NotFound):
            a.article("https://herald.example/missing")
        with pytest.raises(archive.NotFound, match="no duplicate group 999"):
            a.group(999)


def test_arrow_pandas_sql_and_sources(corpus):
    with archive.open(corpus) as a:
        table = a.to_arrow(unique=True, source="herald.example")
        assert table.num_rows == 4 and {"url", "text", "cluster_id", "duplicate_kind"} <= set(table.column_names)
        frame = a.to_pandas(query="barrier")
        assert len(frame) == 3 and set(frame["source"]) == {"herald.example", "westshore.example"}
        assert a.sql("SELECT count(*) FROM articles WHERE source = ?", ["herald.example"]).fetchall() == [(4,)]
        with pytest.raises(duckdb.Error, match="read-only"):
            a.sql("DELETE FROM articles")
        sources = {s.source: s for s in a.sources()}
        assert sources["herald.example"].articles == 4 and sources["westshore.example"].duplicates == 1
        assert sources["herald.example"].last_ingested is not None
        stats = a.stats()
        assert stats.totals.articles == 6 and stats.duplicates_by_kind == [("near", 1)]


def test_sources_count_rejected_inputs_until_they_are_archived(corpus):
    with Archive(corpus) as store:
        writer = ArchiveWriter(store, command="test")
        writer.reject(Rejection("https://www.herald.example/empty", "no article text found"))
        writer.reject(Rejection("https://herald.example/barrier", "timed out"))  # archived since: not a failure
        writer.close("finished")
    with archive.open(corpus) as a:
        herald = next(s for s in a.sources() if s.source == "herald.example")
    assert (herald.failures, herald.last_failure) == (1, "no article text found")


def test_ingest_needs_a_writable_archive_and_is_idempotent(tmp_path):
    db = tmp_path / "new.duckdb"
    with pytest.raises(archive.ArchiveError, match="no archive here yet"):
        archive.open(db)
    with archive.open(db, write=True) as a:
        first = a.ingest(ROOT / "seeds", workers=1)
        again = a.ingest([str(ROOT / "seeds")], workers=1)
        assert (first.archived, again.archived, again.skipped) == (5, 0, 5)
        assert a.count() == 5
    with archive.open(db) as a, pytest.raises(archive.ReadOnlyArchive, match="write=True"):
        a.ingest(ROOT / "seeds")


def test_the_cli_reads_what_the_api_reads(corpus, run_cli):
    dups = [json.loads(line) for line in run_cli("dups", "--json").output.splitlines()]
    with archive.open(corpus) as a:
        groups = a.groups()
    assert [(d["group"], [m["id"] for m in d["members"]]) for d in dups] == [
        (g.cluster_id, [m.id for m in g.members]) for g in groups
    ]
    assert run_cli("sql", "SELECT count(*) AS n FROM articles", "--format", "json").output.strip() == '{"n": 6}'
    assert cli.commands["serve"] is not None

"""Syndication lineage: the `syndication` view, its section in `newsarchive stats`, the seed group's origin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from crawl_site import TRAM

import archive
from archive.cli import cli

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def page(site_name: str, published: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<html><head><title>{TRAM.title}</title><meta property="og:site_name" content="{site_name}">'
        f'<meta property="article:published_time" content="{published}"></head>'
        f"<body><article><h1>{TRAM.title}</h1>{body}</article></body></html>"
    )


@pytest.fixture(scope="module")
def wire(tmp_path_factory):
    """One story: its origin and three copies, one with an agency dateline, one naming the origin."""
    folder = tmp_path_factory.mktemp("wire")
    first, *rest = TRAM.paragraphs
    records = [
        ("https://harbourtimes.example/tram.html", "Harbour Times", "2026-11-20T08:00:00+00:00", TRAM.paragraphs),
        ("https://wire.example/a/tram.html", "Wire Daily", "2026-11-20T10:30:00+00:00", ["HARBOUR CITY (AP) — " + first, *rest]),
        ("https://daily.example/tram.html", "The Daily", "2026-11-20T14:00:00+00:00",
         [*TRAM.paragraphs, "This story first appeared in the Harbour Times."]),
        ("https://blog.example/tram.html", "Tram Blog", "2026-11-20T09:00:00+00:00", TRAM.paragraphs[::-1]),
    ]  # fmt: skip
    lines = [json.dumps({"url": url, "html": page(name, when, paras)}) for url, name, when, paras in records]
    (folder / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = folder / "archive.duckdb"
    with archive.open(db, write=True) as a:
        stats = a.ingest(folder / "wire.jsonl", workers=1)
    assert stats.archived == 4 and stats.duplicates == 3
    return db


def rows(db: Path) -> dict[str, tuple]:
    with archive.open(db) as a:
        found = a.sql(
            """SELECT a.source, o.source, s.lag_hours, s.credited, s.origin_source
               FROM syndication s JOIN articles a ON a.id = s.article_id JOIN articles o ON o.id = s.origin_id"""
        ).fetchall()
    return {row[0]: row[1:] for row in found}


def test_origin_lag_and_credit_of_every_copy(wire):
    assert rows(wire) == {
        "wire.example": ("harbourtimes.example", 2.5, True, "harbourtimes.example"),  # (AP) dateline
        "daily.example": ("harbourtimes.example", 6.0, True, "harbourtimes.example"),  # names the outlet
        "blog.example": ("harbourtimes.example", 1.0, False, "harbourtimes.example"),
    }


def test_stats_show_who_republishes_whom(wire):
    result = CliRunner().invoke(cli, ["--db", str(wire), "stats"])
    assert result.exit_code == 0, result.output
    section = result.output[result.output.index("syndication: who republishes whom") :]
    for source, lag in (("wire.example", "2.5"), ("daily.example", "6.0"), ("blog.example", "1.0")):
        line = next(line for line in section.splitlines() if source in line)
        assert "harbourtimes.example" in line and lag in line
    with archive.open(wire) as a:
        pairs = {p.source: p for p in a.syndication()}
        assert pairs["wire.example"].credited == 1 and pairs["blog.example"].credited == 0
        assert a.stats().syndication == a.syndication()


def test_the_seed_group_001_003_has_001_as_origin(tmp_path):
    db = tmp_path / "seeds.duckdb"
    with archive.open(db, write=True) as a:
        a.ingest(SEEDS, workers=1)
    with archive.open(db) as a:
        found = a.sql(
            """SELECT o.url, c.url FROM syndication s
               JOIN articles o ON o.id = s.origin_id JOIN articles c ON c.id = s.article_id"""
        ).fetchall()
    assert [(Path(o).name[:3], Path(c).name[:3]) for o, c in found] == [("001", "003")]

"""Metadata and its provenance are columns a user can query in SQL."""

from __future__ import annotations

import json

from click.testing import CliRunner

from archive.cli import cli

PARAS = "".join(
    f"<p>Paragraph {i} of a report on the new tram line, which the city says will open to passengers before the end of next year.</p>"
    for i in range(4)
)


def page(head: str) -> str:
    return f"<html lang='de'><head><title>Tram line opens next year</title>{head}</head><body><article><h1>Tram line opens next year</h1>{PARAS}</article></body></html>"


def test_uncertain_dates_and_provenance_in_sql(tmp_path):
    sure = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-02-01T08:00:00Z",'
        ' "author": [{"name": "Lena Vogt"}, {"name": "Omar Haddad"}]}</script>'
        '<meta property="article:published_time" content="2024-02-01T08:00:00Z">'
    )
    lines = [
        {"url": "https://tram.example/sure", "html": page(sure)},
        {"url": "https://tram.example/undated", "html": page("")},
        {"url": "https://tram.example/2024/02/03/url-only", "html": page("")},
    ]
    source = tmp_path / "pages.jsonl"
    source.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    db = str(tmp_path / "a.duckdb")
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db, "ingest", "-q", str(source)]).exit_code == 0
    result = runner.invoke(
        cli,
        [
            "--db",
            db,
            "sql",
            "--format",
            "json",
            "SELECT url, published::DATE AS day, date_confidence, provenance->>'published' AS via, authors "
            "FROM articles ORDER BY url",
        ],
    )
    rows = {r["url"].rsplit("/", 1)[-1]: r for r in map(json.loads, result.output.splitlines())}
    assert rows["sure"]["date_confidence"] == "high" and rows["sure"]["via"] == "jsonld"
    assert rows["sure"]["authors"] == ["Lena Vogt", "Omar Haddad"]
    assert rows["undated"]["date_confidence"] == "none" and rows["undated"]["day"] is None
    assert rows["url-only"]["via"] == "url" and rows["url-only"]["date_confidence"] == "low"
    uncertain = runner.invoke(
        cli,
        [
            "--db",
            db,
            "sql",
            "--format",
            "csv",
            "SELECT url FROM articles WHERE date_confidence NOT IN ('high', 'medium') ORDER BY url",
        ],
    )
    assert "https://tram.example/undated" in uncertain.output and "/sure" not in uncertain.output

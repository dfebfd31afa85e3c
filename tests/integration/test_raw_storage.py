"""Raw pages are stored compressed, and every reader gets the bytes as read back."""

from __future__ import annotations

import duckdb
from conftest import PARAGRAPHS, article_html, gz, write

import archive


def _page(title: str, extra: str = "") -> bytes:
    """A saved page in ISO-8859-1, so that its bytes are not UTF-8 text a reader could re-encode."""
    html = article_html(title=title, paragraphs=[*PARAGRAPHS, f"Z\u00fcrich and Gen\u00e8ve sent letters. {extra}"])
    return html.replace('charset="utf-8"', 'charset="iso-8859-1"').encode("iso-8859-1")


def test_an_ingested_page_reads_back_byte_for_byte_and_is_stored_compressed(tmp_path, db, run_cli):
    plain = _page("Lakeside council approves new Mill River bridge after long dispute")
    zipped = _page("Harbour board delays the ferry terminal vote to the spring", "The ferry")
    write(tmp_path / "in" / "bridge.html", plain)
    write(tmp_path / "in" / "ferry.html.gz", gz(zipped))
    run_cli("ingest", "-q", "--workers", "2", str(tmp_path / "in"))

    with archive.open(db) as news:
        got = {article.url.rsplit("/", 1)[1]: news.raw(int(article.id or 0)) for article in news.articles()}
    assert got["bridge.html"].body == plain
    assert got["ferry.html.gz"].body == zipped  # the page as read: decompressed, as extraction saw it
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute("SELECT url, codec, octet_length(body) FROM raw_documents ORDER BY url").fetchall()
    assert [(codec, size < len(plain)) for _, codec, size in stored] == [("zstd", True), ("zstd", True)]


def test_an_archive_written_before_compression_still_reads_and_reextracts(tmp_path, db, run_cli):
    page = _page("Lakeside council approves new Mill River bridge after long dispute")
    write(tmp_path / "in" / "bridge.html", page)
    run_cli("ingest", "-q", "--workers", "1", str(tmp_path / "in"))
    # Made as an archive of before raw pages were compressed: the bytes as read, no codec column,
    # the migration not applied; and its text stale, so that reextract has to read the page.
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE raw_documents SET body = ?", [page])
        con.execute("ALTER TABLE raw_documents DROP COLUMN codec")
        con.execute("DELETE FROM schema_migrations WHERE name = '0100_raw_documents_codec.sql'")
        con.execute("UPDATE articles SET title = 'stale', text = 'stale text'")

    result = run_cli("reextract", "--workers", "1")
    assert "1 articles: 1 changed" in result.output, result.output

    with archive.open(db) as news:
        (article,) = news.articles()
        assert article.title == "Lakeside council approves new Mill River bridge after long dispute"
        assert PARAGRAPHS[0] in article.text
        assert news.raw(int(article.id or 0)).body == page
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT codec, body FROM raw_documents").fetchall() == [(None, page)]  # left as it was

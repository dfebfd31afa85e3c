"""Crawl pipelines and writers used without Scrapy's engine, against a real archive and WARC files."""

from __future__ import annotations

import asyncio
import time

from crawl_site import TRAM, ZURICH, article_page

from archive.models import RawDocument
from archive.sources import load
from archive.store import Archive
from pipelines.extract import ExtractPipeline
from pipelines.seen import ArchiveSeenUrls
from pipelines.sink import ThreadedArchiveSink
from pipelines.store import ArchivePipeline
from pipelines.warc import WarcRecorder

BASE = "https://news.example.org"


def test_pipelines_without_scrapy_archive_once_and_remember_fetched_urls(tmp_path):
    db = str(tmp_path / "p.duckdb")
    page = article_page(TRAM, BASE).encode()
    raw = RawDocument(
        BASE + TRAM.path,
        "news.example.org",
        "crawl",
        page,
        encoding="utf-8",
        hints={"request_url": BASE + "/short/1", "fetched_url": BASE + TRAM.path},
    )
    stub = RawDocument(BASE + "/stub", "news.example.org", "crawl", b"<html><body><p>Too short.</p></body></html>")

    async def run() -> list:
        extract, store = ExtractPipeline(workers=1), ArchivePipeline(db)
        extract.open_spider()
        store.open_spider()
        out = [store.process_item(await extract.process_item(item)) for item in (raw, stub)]
        await extract.close_spider()
        await store.close_spider()
        return out

    first = asyncio.run(run())
    assert first[0]["title"] == TRAM.title and "rejected" in first[1]
    assert asyncio.run(run())  # the same pages again
    with Archive(db) as archive:
        assert archive.con.execute("SELECT url, author FROM articles").fetchall() == [(BASE + TRAM.path, TRAM.author)]
        assert archive.con.execute("SELECT archived FROM runs ORDER BY id").fetchall() == [(1,), (0,)]
        seen = ArchiveSeenUrls(archive.cursor())
        assert seen.seen([BASE + "/short/1", BASE + TRAM.path, BASE + "/new"]) == {BASE + "/short/1", BASE + TRAM.path}


def test_sink_flushes_by_age_from_its_own_thread(tmp_path):
    from archive.extract import extract

    with Archive(tmp_path / "s.duckdb") as archive:
        sink = ThreadedArchiveSink(archive, batch_size=100, flush_seconds=0.2)
        raw = RawDocument(BASE + TRAM.path, "news.example.org", "crawl", article_page(TRAM, BASE).encode())
        sink.add(raw, extract(raw))
        reader = archive.con.cursor()
        deadline = time.monotonic() + 10
        while reader.execute("SELECT count(*) FROM articles").fetchone()[0] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == 1  # before close
        assert sink.close().archived == 1


def test_warc_recorder_output_is_read_back_by_the_loader(tmp_path):
    recorder = WarcRecorder(tmp_path / "warc")
    page = article_page(ZURICH, BASE).encode("iso-8859-1")
    headers = [
        ("Content-Type", "text/html; charset=ISO-8859-1"),
        ("Content-Encoding", "gzip"),
        ("Content-Length", "10"),
    ]
    recorder.record(BASE + ZURICH.path, 200, "OK", headers, page)
    recorder.record(BASE + "/robots.txt", 200, "OK", [("Content-Type", "text/plain")], b"User-agent: *\n")
    recorder.close()
    documents = list(load([str(tmp_path / "warc")]))
    assert [(d.url, d.encoding, d.body) for d in documents] == [(BASE + ZURICH.path, "ISO-8859-1", page)]

"""Real crawls through `newsarchive crawl` (and `scrapy crawl`) against the fixture news site."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest
from click.testing import CliRunner
from conftest import archive_held_by_another_process
from crawl_site import (
    BOILERPLATE,
    LIBRARY,
    MEALS,
    MISSING,
    NEWS_TITLE,
    PDF,
    PRIVATE,
    REDIRECT,
    STORM,
    SYNDICATED,
    TRAM,
    ZURICH,
    serve_site,
)

import archive
from archive.cli import cli

ROOT = Path(__file__).resolve().parents[2]
# Delays for the fixture host only; the polite defaults (AutoThrottle, robots.txt, retries) stay on.
FAST = [
    "-s",
    'DOWNLOAD_SLOTS={"127.0.0.1": {"delay": 0, "concurrency": 8}}',
    "-s",
    "DOWNLOAD_DELAY=0",
    "-s",
    "AUTOTHROTTLE_START_DELAY=0",
    "-s",
    "NEWSARCHIVE_RETRY_BACKOFF=0.1",
    "-s",
    "NEWSARCHIVE_WORKERS=2",
]


@pytest.fixture(scope="module")
def site():
    site, stop = serve_site()
    yield site
    stop()


def crawl(db: Path, *args: str, expect: int = 0) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "archive.cli", "--db", str(db), "crawl", *args, *FAST],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=db.parent,
    )
    assert result.returncode == expect, result.stdout + result.stderr[-4000:]
    return result


def query(db: Path, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def articles(db: Path) -> dict[str, dict]:
    rows = query(db, "SELECT url, id, title, author, published, text, cluster_id FROM articles")
    return {row[0]: dict(zip(("url", "id", "title", "author", "published", "text", "cluster_id"), row)) for row in rows}


def paths(entries: list[str]) -> list[str]:
    return [urlsplit(entry).path for entry in entries]


def test_feed_crawl_archives_each_article_once_then_nothing_new(site, tmp_path):
    db = tmp_path / "feed.duckdb"
    mark = site.mark()
    out = crawl(db, "--feed", site.base + "/feed.xml").stdout
    got = articles(db)
    b = site.base
    # Tracking parameters stripped, the 301 resolved to the article's own URL, the copy kept apart.
    assert set(got) == {b + TRAM.path, b + STORM.path, b + LIBRARY.path, b + ZURICH.path, b + SYNDICATED}
    for story in (TRAM, STORM, LIBRARY, ZURICH):
        article = got[b + story.path]
        assert article["title"] == story.title
        assert article["author"] == story.author
        assert article["published"] == datetime.fromisoformat(story.published).astimezone(timezone.utc)
        for paragraph in story.paragraphs:
            assert paragraph in article["text"]
        for junk in BOILERPLATE:
            assert junk not in article["text"]
    # The ISO-8859-1 page keeps its accents, and its raw bytes and declared charset are stored.
    zurich = got[b + ZURICH.path]
    assert "Zürich" in zurich["title"] and "Genève" in zurich["text"]
    with archive.open(db) as news:
        stored = news.raw(int(news.article(b + ZURICH.path).id or 0))
    assert stored.encoding == "iso-8859-1" and "Zürich".encode("iso-8859-1") in stored.body
    hints = query(
        db, "SELECT hints->>'request_url', hints->>'feed' FROM raw_documents WHERE url = ?", [b + LIBRARY.path]
    )[0]
    assert hints == (b + REDIRECT, b + "/feed.xml")
    # The syndicated copy is grouped with the original (published first), not deleted.
    tram, copy = got[b + TRAM.path], got[b + SYNDICATED]
    assert copy["cluster_id"] == tram["id"] == tram["cluster_id"]
    assert query(db, "SELECT duplicate_of FROM duplicates WHERE article_id = ?", [copy["id"]]) == [(tram["id"],)]
    assert query(db, "SELECT count(*) FROM unique_articles") == [(4,)]
    # Polite: robots.txt read first and obeyed, the 503 retried, a descriptive User-Agent.
    first = paths(site.since(mark))
    assert first[0] == "/robots.txt" and PRIVATE not in first
    assert first.count(STORM.path) == 2
    assert all(agent.startswith("newsarchive/") for agent in site.agents)
    assert "1 HTTP 404" in out and "1 not HTML (application/pdf)" in out and "1 disallowed by robots.txt" in out

    # Second identical crawl: feeds are fetched again, archived article URLs (and the redirect) are not.
    mark = site.mark()
    out = crawl(db, "--feed", site.base + "/feed.xml").stdout
    assert query(db, "SELECT count(*) FROM articles") == [(5,)]
    assert "0 articles archived" in out and "5 already archived" in out
    assert set(paths(site.since(mark))) <= {"/robots.txt", "/feed.xml", PDF, MISSING}
    assert query(db, "SELECT archived FROM runs ORDER BY id") == [(5,), (0,)]


def test_sitemap_crawl_from_site_root_keeps_google_news_metadata(site, tmp_path):
    db = tmp_path / "sitemap.duckdb"
    mark = site.mark()
    crawl(db, "--sitemap", site.base + "/")
    b = site.base
    got = articles(db)
    assert set(got) == {b + TRAM.path, b + STORM.path, b + ZURICH.path, b + MEALS.path}
    meals = got[b + MEALS.path]
    assert meals["title"] == NEWS_TITLE  # news:title, not the page's <title>
    assert meals["published"] == datetime(2026, 11, 16, 8, 0, tzinfo=timezone.utc)
    hints = query(
        db,
        "SELECT hints->>'news:publication_date', hints->>'news:name', hints->>'sitemap' FROM raw_documents WHERE url = ?",
        [b + MEALS.path],
    )
    assert hints == [("2026-11-16T09:00:00+01:00", "Harbour Times", b + "/sitemaps/news.xml")]
    fetched = paths(site.since(mark))
    assert {"/robots.txt", "/sitemap_index.xml", "/sitemaps/pages.xml", "/sitemaps/news.xml"} <= set(fetched)
    assert PRIVATE not in fetched


def test_site_crawl_follows_links_to_depth_and_never_leaves_the_host(site, tmp_path):
    db = tmp_path / "site.duckdb"
    b = site.base
    mark = site.mark()
    crawl(db, "--site", b + "/", "--depth", "1")
    assert set(articles(db)) == {b + TRAM.path, b + STORM.path, b + ZURICH.path}  # linked from the home page
    mark2 = site.mark()
    crawl(db, "--site", b + "/", "--depth", "2")
    # Depth 2 reaches the section and tag pages' articles; MEALS is linked only from articles
    # archived by the first crawl, which are not fetched again, so their links are not followed.
    assert set(articles(db)) == {b + s.path for s in (TRAM, STORM, ZURICH, LIBRARY)} | {b + SYNDICATED}
    # Home, section and tag pages are followed but not archived; known articles not fetched again.
    second = paths(site.since(mark2))
    assert "/world/" in second and "/tag/transport/" in second
    assert not {TRAM.path, STORM.path, ZURICH.path} & set(second)
    everything = site.since(mark)
    assert PRIVATE not in paths(everything)
    assert not [entry for entry in everything if entry.startswith("EXTERNAL")]
    assert MEALS.path not in paths(everything)


def test_urls_file_with_warc_output_that_ingest_reads_back(site, tmp_path):
    db = tmp_path / "urls.duckdb"
    b = site.base
    links = tmp_path / "links.txt"
    links.write_text(
        f"# morning list\n{b}{TRAM.path}?utm_campaign=newsletter\n\nnot a url\n{b}{ZURICH.path}\n", encoding="utf-8"
    )
    warc = tmp_path / "warc"
    out = crawl(db, "--urls-file", str(links), "--url", b + LIBRARY.path, "--warc", str(warc)).stdout
    crawled = articles(db)
    assert set(crawled) == {b + TRAM.path, b + ZURICH.path, b + LIBRARY.path}
    assert "1 invalid URL" in out
    assert list(warc.glob("*.warc.gz"))
    again = tmp_path / "from-warc.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "archive.cli", "--db", str(again), "ingest", "-q", str(warc)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    restored = articles(again)
    assert set(restored) == set(crawled)
    for url in crawled:
        assert restored[url]["text"] == crawled[url]["text"]
    assert "Zürich" in restored[b + ZURICH.path]["text"]


def test_scrapy_crawl_from_the_repo_root_fills_the_same_archive(site, tmp_path):
    db = tmp_path / "scrapy.duckdb"
    env = {**os.environ, "NEWSARCHIVE_DB": str(db)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "urls",
            "-a",
            f"url={site.base}{STORM.path}",
            *FAST,
            "-s",
            "LOG_LEVEL=WARNING",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert set(articles(db)) == {site.base + STORM.path}


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "give at least one of"),
        (["--feed", "ftp://example.org/rss"], "not an http(s) URL"),
        (["--url", "https://example.org/a", "-s", "DOWNLOAD_DELAY"], "expected NAME=VALUE"),
    ],
)
def test_crawl_usage_errors(tmp_path, args, message):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.duckdb"), "crawl", *args])
    assert result.exit_code == 2 and message in result.output


def test_several_sources_share_one_writer_and_one_run(site, tmp_path):
    db = tmp_path / "mixed.duckdb"
    b = site.base
    out = crawl(db, "--feed", b + "/feed.xml", "--sitemap", b + "/sitemap_index.xml", "--url", b + LIBRARY.path).stdout
    got = articles(db)
    assert set(got) == {b + s.path for s in (TRAM, STORM, LIBRARY, ZURICH, MEALS)} | {b + SYNDICATED}
    assert query(db, "SELECT count(*), sum(archived), sum(read) FROM runs") == [(1, 6, 6)]  # no page fetched twice
    assert "6 articles archived" in out


def test_an_archive_held_by_another_process_is_one_line_error(site, tmp_path):
    db = tmp_path / "held.duckdb"
    with archive_held_by_another_process(db):
        result = crawl(db, "--url", site.base + TRAM.path, expect=1)
    assert result.stderr.strip().startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1


def test_ctrl_c_stops_gracefully_and_keeps_every_fetched_article(site, tmp_path):
    db = tmp_path / "interrupted.duckdb"
    slow = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY_JITTER=0"]
    slow += ["-s", 'DOWNLOAD_SLOTS={"127.0.0.1": {"delay": 1.0, "concurrency": 1}}']
    mark = site.mark()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "archive.cli",
            "--db",
            str(db),
            "crawl",
            "--sitemap",
            site.base + "/sitemap_index.xml",
            *FAST,
            *slow,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    stories = {s.path for s in (TRAM, STORM, ZURICH, MEALS)}
    deadline = time.monotonic() + 60
    while not stories & set(paths(site.since(mark))) and time.monotonic() < deadline:
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 130 and "stopped by SIGINT" in err
    fetched = stories & set(paths(site.since(mark)))
    assert fetched and fetched != stories  # stopped part-way
    assert {urlsplit(url).path for url in articles(db)} == fetched  # everything fetched was written
    assert query(db, "SELECT count(*), any_value(status) FROM runs WHERE finished_at IS NOT NULL") == [(1, "stopped")]

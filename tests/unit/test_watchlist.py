"""The sources file, list reading and the health rules, without a network."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from archive.models import Poll
from archive.watchlist import HealthThresholds, Source, SourcesFile, SourcesFileError, assess, parse_interval
from archive.watchlist.config import download_slots
from archive.watchlist.discovery import read_list

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)


def poll(minutes_ago: float, status: str = "ok", archived: int = 0, rejected: int = 0, short: int = 0, url="u"):
    at = NOW - timedelta(minutes=minutes_ago)
    return Poll("s", url, at, at, status, archived=archived, rejected=rejected, short=short)


@pytest.mark.parametrize("text,seconds", [(900, 900.0), ("90s", 90.0), ("15m", 900.0), ("2h", 7200.0), ("1d", 86400.0)])
def test_intervals(text, seconds):
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["soon", "-5m", "0", True])
def test_bad_intervals_are_refused(text):
    with pytest.raises(ValueError):
        parse_interval(text)


def test_the_sources_file_round_trips_and_names_a_bad_entry(tmp_path):
    file = SourcesFile(tmp_path / "sources.toml")
    source = Source("wire", "https://wire.example/", feeds=("https://wire.example/rss",), interval=600, delay=2.0)
    file.add(source)
    assert file.load() == [source]
    with pytest.raises(SourcesFileError, match="already"):
        file.add(source)
    (tmp_path / "sources.toml").write_text('[sources.bad]\nhome = "ftp://x"\n')
    with pytest.raises(SourcesFileError, match=r"sources.toml: source 'bad': 'ftp://x' is not an http\(s\) URL"):
        file.load()


def test_a_shared_host_gets_the_larger_delay_and_the_smaller_concurrency():
    a = Source("a", "https://news.example/", delay=1.0, concurrency=4)
    b = Source("b", "https://news.example/world/", delay=3.0, concurrency=2)
    assert download_slots([a, b]) == {"news.example": {"delay": 3.0, "concurrency": 2}}


def test_read_list_counts_entries_and_finds_the_newest_date():
    feed = b"<rss><channel><item><pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate></item><item/></channel></rss>"
    summary = read_list(feed)
    assert (summary.kind, summary.entries, summary.newest) == ("feed", 2, datetime(2026, 12, 1, 8, tzinfo=timezone.utc))
    news = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>x</loc></url></urlset>'
    )
    assert read_list(news).kind == "news sitemap"
    assert read_list(b"<html><body>hello</body></html>").kind is None


def test_a_feed_failing_three_polls_in_a_row_is_a_warning():
    polls = [poll(10), poll(6, "HTTP 500"), poll(4, "HTTP 500")]
    assert assess("s", polls, NOW).healthy
    health = assess("s", [*polls, poll(2, "HTTP 500")], NOW)
    assert health.failure_streak == 3 and health.warnings == ["u failed 3 polls in a row (HTTP 500)"]


def test_a_source_that_goes_quiet_is_a_warning():
    polls = [poll(minutes, archived=1) for minutes in (400, 340, 280, 220)]  # a new article every hour
    assert assess("s", polls, NOW - timedelta(minutes=100)).healthy
    assert assess("s", polls, NOW).warnings == ["quiet: no new article for 3.7 h (usually one every 1 h)"]


def test_extraction_quality_dropping_is_a_warning():
    good = [poll(m, archived=2) for m in (60, 50, 40)]
    bad = [poll(m, archived=1, short=1, rejected=2) for m in (30, 20)]
    warnings = assess("s", good + bad, NOW, HealthThresholds(quality_recent_pages=5)).warnings
    assert warnings == ["extraction: 100% of its newest 6 pages rejected or very short (before: 0%)"]
    assert assess("s", good, NOW).healthy

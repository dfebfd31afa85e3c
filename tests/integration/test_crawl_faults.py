"""Crawls of a site that misbehaves in every way (tests/hostile_site.py), in one process and as a
Redis fleet: what can be archived is, once; what cannot is refused with its reason; nothing hangs."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_site import ARCHIVED, GOOD, LIMITED, REFUSED, RETRY_AFTER, serve_hostile_site
from redis_server import redis_server
from test_crawl_cli import FAST, query

# A short download timeout and one retry keep the faults quick; the rest is the product's defaults.
HOSTILE = [*FAST, "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=1"]
DROPS = {
    "larger than DOWNLOAD_MAXSIZE": 2,  # the gzip bomb and the 50 MB page
    "HTTP 500": 1,  # the storm
    "connection lost": 1,  # the reset
    "timed out": 1,  # the hang
    "XML with entity declarations (refused)": 2,  # the feed's and the sitemap's XML bombs
}


@pytest.fixture(scope="module")
def site():
    site, stop = serve_hostile_site(robots_delay=2.0, hang_seconds=2.5)
    yield site
    stop()


def sources(site) -> list[str]:
    return [
        "--sitemap",
        site.url("/sitemap.xml"),
        "--sitemap",
        site.url("/bomb-sitemap.xml"),
        "--feed",
        site.url("/feed.xml"),
    ]


def crawl(db: Path, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "archive.cli", "--db", str(db), "crawl", *args],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=db.parent,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]
    return result, time.monotonic() - start


def archived(db: Path, site) -> list[str]:
    return sorted(url for (url,) in query(db, "SELECT url FROM articles"))


def check_faults(site, db: Path, out: str, workers: int = 1) -> None:
    assert archived(db, site) == sorted(site.url(p) for p in ARCHIVED)  # each once; the 503 and 429 retried
    # Counted by reason (a fleet's workers each print their own, and each reads the feed and sitemaps).
    counted = {reason: sum(int(n) for n in re.findall(rf"(\d+) {re.escape(reason)}", out)) for reason in DROPS}
    assert counted == {reason: n * (workers if "XML" in reason else 1) for reason, n in DROPS.items()}
    assert site.requests("/news/") == 0  # nothing was requested from the XML bombs' contents
    for path in REFUSED:
        assert site.requests(path) >= 1
    # The 429's retry waited for the server's Retry-After.
    first, second = site.hits[LIMITED][:2]
    assert second - first >= RETRY_AFTER


def test_single_process_crawl_survives_a_hostile_site(site, tmp_path):
    db = tmp_path / "single.duckdb"
    result, seconds = crawl(db, *sources(site), *HOSTILE)
    check_faults(site, db, result.stdout)
    assert seconds < 90  # the hang and robots.txt cost their timeouts, not more


def test_fleet_crawl_survives_a_hostile_site(site, tmp_path):
    with redis_server(tmp_path / "redis") as url:
        db = tmp_path / "fleet.duckdb"
        result, seconds = crawl(db, *sources(site), "--redis", url, "--workers", "2", "--idle-exit", "2", *HOSTILE)
    check_faults(site, db, result.stdout, workers=2)
    assert seconds < 120


def test_a_server_that_asks_to_slow_down_slows_the_whole_site(tmp_path):
    # One request at a time: after the 429 with Retry-After, the site's requests (other pages)
    # are spaced by it too, not only the refused page's retry. (The request already on its way
    # when the 429 came goes at once: the downloader starts it as the 429 arrives.)
    site, stop = serve_hostile_site(robots_delay=0, hang_seconds=0)
    try:
        urls = tmp_path / "urls.txt"
        urls.write_text("\n".join(site.url(p) for p in [LIMITED, *GOOD]) + "\n")
        one_at_a_time = [
            "-s",
            'DOWNLOAD_SLOTS={"127.0.0.1": {"delay": 0, "concurrency": 1}}',
            "-s",
            "RANDOMIZE_DOWNLOAD_DELAY=False",
        ]
        crawl(tmp_path / "a.duckdb", "--urls-file", str(urls), *FAST, *one_at_a_time)
        refused_at = site.hits[LIMITED][0]
        after = sorted(t for p in GOOD for t in site.hits[p] if t > refused_at)
        assert after[1] - after[0] >= 0.9 * RETRY_AFTER
        assert len(archived(tmp_path / "a.duckdb", site)) == 1 + len(GOOD)
    finally:
        stop()

"""The watch-list against outlets on 127.0.0.1 that publish while they are followed:
`sources add`, `sources check`, `follow` (polling, 304s, per-host delay, stop and restart)
and `sources status` (a broken feed, a markup change)."""

from __future__ import annotations

import itertools
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import tomllib
from outlets import Outlet

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "DOWNLOAD_DELAY_JITTER=0"]
FAST += ["-s", "NEWSARCHIVE_FLUSH_SECONDS=0.5", "-s", "NEWSARCHIVE_WORKERS=1", "-s", "RETRY_TIMES=0"]


def newsarchive(db: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "archive", "--db", str(db), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def start_follow(db: Path, *args: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "archive", "--db", str(db), "follow", *FAST, *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def write_sources(folder: Path, outlets: list[Outlet], interval: str = "2s", delay: float | None = None) -> None:
    lines = []
    for outlet in outlets:
        lines += [f"[sources.{outlet.name}]", f'home = "{outlet.base}/"', f'feeds = ["{outlet.base}/feed.xml"]']
        lines += [f'interval = "{interval}"'] + ([f"delay = {delay}"] if delay is not None else []) + [""]
    (folder / "sources.toml").write_text("\n".join(lines))


@pytest.fixture
def outlets():
    made: list[Outlet] = []
    yield lambda name, articles=3: made.append(Outlet(name, articles)) or made[-1]
    for outlet in made:
        outlet.close()


def test_sources_add_finds_the_feed_and_the_news_sitemap_and_check_reports_both(tmp_path, outlets):
    outlet = outlets("harbour")
    db = tmp_path / "a.duckdb"
    added = newsarchive(db, "sources", "add", outlet.base + "/", "--name", "harbour", "--interval", "10m", *FAST)
    assert added.returncode == 0, added.stderr
    entry = tomllib.loads((tmp_path / "sources.toml").read_text())["sources"]["harbour"]
    assert entry["feeds"] == [outlet.base + "/feed.xml"]
    assert entry["sitemaps"] == [outlet.base + "/news-sitemap.xml"]
    assert entry["interval"] == "10m"
    checked = newsarchive(db, "sources", "check", *FAST)
    assert checked.returncode == 0, checked.stderr
    lines = checked.stdout.splitlines()
    assert any("/feed.xml\tHTTP 200\tfeed, 3 entries" in line for line in lines), checked.stdout
    assert any("/news-sitemap.xml\tHTTP 200\tnews sitemap, 3 entries" in line for line in lines), checked.stdout
    assert not db.exists()  # nothing archived, no archive made
    again = newsarchive(db, "sources", "add", outlet.base + "/", "--name", "harbour")
    assert again.returncode == 1 and again.stderr.count("\n") == 1 and "already" in again.stderr


def test_follow_archives_each_new_article_once_through_304s_and_a_stop(tmp_path, outlets):
    alpha, beta, gamma = outlets("alpha"), outlets("beta"), outlets("gamma")
    gamma.flaky["/news/gamma-2.html"] = 1  # a 503 (no retries in FAST): fetched again with the next poll
    write_sources(tmp_path, [alpha, beta, gamma], interval="2s", delay=0.2)
    db = tmp_path / "a.duckdb"
    process = start_follow(db)
    deadline, give_up = time.monotonic() + 8, time.monotonic() + 60
    published = 0
    # Eight seconds of polls, and at least one of gamma's unchanged feed (slow on a loaded machine)
    while time.monotonic() < deadline or (not gamma.requests("/feed.xml", 304) and time.monotonic() < give_up):
        time.sleep(3)
        for outlet in (alpha, beta):  # gamma publishes nothing new: its feed only answers 304
            outlet.publish()
            published += 1
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 143, out + err
    alpha.publish()  # while nobody follows
    rerun = newsarchive(db, "follow", "--once", *FAST)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    expected = {url for outlet in (alpha, beta, gamma) for url in outlet.urls()}
    archived = query(db, "SELECT url FROM articles")
    assert sorted(url for (url,) in archived) == sorted(expected)  # every one, and once
    assert gamma.requests("/feed.xml", 304), "an unchanged feed is answered 304"
    # In full twice: the first poll, and the one after the 503 (its poll kept no validators)
    assert len(gamma.requests("/feed.xml", 200)) == 2
    fetched = [(e.path, e.status) for e in gamma.log if e.path.startswith("/news/")]
    assert sorted(fetched) == sorted(
        [(p, 200) for p in ("/news/gamma-1.html", "/news/gamma-2.html", "/news/gamma-3.html")]
        + [("/news/gamma-2.html", 503)]
    )
    times = sorted(e.at for outlet in (alpha, beta, gamma) for e in outlet.log if e.path != "/robots.txt")
    # one host, 0.2 s between requests (without the delay they come milliseconds apart; 50 ms of timing slack)
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.15
    polls = query(db, "SELECT source, status FROM source_polls")
    assert {"ok", "not modified"} <= {status for _, status in polls}
    sources = {row[0] for row in query(db, "SELECT DISTINCT hints->>'source_entry' FROM raw_documents")}
    assert sources == {"alpha", "beta", "gamma"}


def test_status_names_a_failing_feed_and_a_markup_change_and_exits_1(tmp_path, outlets):
    failing, changed, fine = outlets("failing"), outlets("changed"), outlets("fine")
    failing.feed_status = 500
    write_sources(tmp_path, [failing, changed, fine], interval="1s")
    db = tmp_path / "a.duckdb"
    first = newsarchive(db, "follow", "--once", *FAST)
    assert first.returncode == 0, first.stderr
    changed.broken = True  # the site's new template: no article text in the page
    process = start_follow(db)
    # Until the failing feed has failed four polls (three recorded for sure) and five new pages of
    # the changed outlet were fetched; the machine's load sets how long that takes.
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and not (
        len(failing.requests("/feed.xml", 500)) >= 4
        and len([e for e in changed.log if e.path.startswith("/news/") and e.status == 200]) >= 3 + 6
    ):
        if len(changed.articles) < 3 + 6:
            changed.publish()
        time.sleep(1)
    time.sleep(1)  # the last pages' poll is recorded once they are extracted
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    status = newsarchive(db, "sources", "status")
    assert status.returncode == 1, status.stdout + status.stderr
    assert "warning: " + failing.base + "/feed.xml failed" in status.stdout and "(HTTP 500)" in status.stdout
    health = {
        h["source"]: h for h in map(json.loads, newsarchive(db, "sources", "status", "--json").stdout.splitlines())
    }
    assert health["failing"]["failure_streak"] >= 3 and len(health["failing"]["warnings"]) == 1
    assert health["failing"]["last_success"] is None
    assert len(health["changed"]["warnings"]) == 1 and health["changed"]["warnings"][0].startswith("extraction: ")
    assert health["changed"]["articles_24h"] == 3  # the three good pages of the first poll
    assert health["fine"]["healthy"] and health["fine"]["warnings"] == []

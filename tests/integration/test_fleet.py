"""The Redis fleet: crawl workers (`crawl --redis`), the committer (`commit`), and their faults.

A real Redis server (tests/redis_server.py), real worker and committer processes, a generated
200-page site on 127.0.0.1 (tests/fleet_site.py). What a user checks: every article archived
exactly once, the same articles and duplicate groups as the single-process crawl, after a
worker or the committer was killed with SIGKILL and the same commands were run again.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import redis
from fleet_site import serve_fleet_site
from redis_server import free_port, redis_server
from test_crawl_cli import FAST as CRAWL_FAST
from test_crawl_cli import query

from archive.dedup import Deduplicator
from archive.models import Article, RawDocument
from archive.scaleout import RedisKeys, connect
from archive.scaleout.committer import Committer
from archive.scaleout.entries import encode_article
from archive.scaleout.seen import SeenSet
from archive.store import Archive

FAST = [
    *CRAWL_FAST,
    "-s",
    "NEWSARCHIVE_WORKER_TTL=2",
    "-s",
    "NEWSARCHIVE_WORKERS=1",  # extraction in each worker's own process: fewer processes on 2 cores
]
KEYS = RedisKeys()


@pytest.fixture(scope="module")
def site():
    site, stop = serve_fleet_site(200)
    yield site
    stop()


@pytest.fixture
def redis_url(tmp_path):
    with redis_server(tmp_path / "redis") as url:
        yield url


def sources(site) -> list[str]:
    return ["--feed", site.base + "/feed.xml", "--sitemap", site.base + "/sitemap.xml", "--site", site.base + "/"]


def newsarchive(*args: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "archive.cli", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd
    )


def finished(process: subprocess.Popen, expect: int = 0) -> str:
    out, err = process.communicate(timeout=120)
    assert process.returncode == expect, out + err[-3000:]
    return out


def worker(site, url: str, tmp: Path, *extra: str) -> subprocess.Popen:
    return newsarchive("crawl", *sources(site), "--redis", url, "--idle-exit", "2", *FAST, *extra, cwd=tmp)


def last_entry(url: str) -> bytes | None:
    client = redis.Redis.from_url(url)
    try:
        return client.xinfo_stream(KEYS.stream)["last-generated-id"] if client.exists(KEYS.stream) else None
    finally:
        client.close()


def committer(db: Path, url: str, *extra: str, after: bytes | None = None) -> subprocess.Popen:
    """`commit --idle-exit 3`, started once the workers send an entry after ``after`` (their
    start-up takes longer than 3 s)."""
    wait_until(lambda: last_entry(url) not in (None, after))
    return newsarchive("--db", str(db), "commit", "--redis", url, "--idle-exit", "3", *extra, cwd=db.parent)


def wait_until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def groups(db: Path) -> tuple[list[str], set[frozenset[str]]]:
    """Every archived URL (with repeats, if any) and the duplicate groups as sets of URLs."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT url, cluster_id FROM articles").fetchall()
    finally:
        con.close()
    by_group: dict[int, set[str]] = {}
    for url, cluster in rows:
        by_group.setdefault(cluster, set()).add(url)
    return [url for url, _ in rows], {frozenset(urls) for urls in by_group.values()}


@pytest.fixture(scope="module")
def single_process(site, tmp_path_factory):
    """The single-process crawl of the site: what the fleet must archive too."""
    db = tmp_path_factory.mktemp("single") / "single.duckdb"
    finished(newsarchive("--db", str(db), "crawl", *sources(site), *FAST, cwd=db.parent))
    urls, grouped = groups(db)
    assert len(urls) == len(set(urls)) == site.pages
    assert {frozenset({site.base + copy, site.base + original}) for copy, original in site.copies().items()} <= grouped
    return grouped


def archived_hits(site, db: Path) -> dict[str, int]:
    """How often each archived article was fetched so far."""
    urls, _ = groups(db)
    return {url: site.hits.get(url[len(site.base) :], 0) for url in urls}


def test_killed_worker_and_committer_then_the_same_commands_again_archive_every_article_once(
    site, single_process, redis_url, tmp_path
):
    db = tmp_path / "fleet.duckdb"
    start = site.articles_fetched()
    victim, other = worker(site, redis_url, tmp_path), worker(site, redis_url, tmp_path)
    commit = committer(db, redis_url, "--batch-size", "10")
    wait_until(lambda: site.articles_fetched() - start >= site.pages // 3)
    victim.send_signal(signal.SIGKILL)  # requests taken from the frontier, pages fetched and not yet sent
    client = redis.Redis.from_url(redis_url)
    wait_until(lambda: client.scard(KEYS.seen(time.strftime("%Y-%m", time.gmtime()))) >= site.pages // 3)
    commit.send_signal(signal.SIGKILL)  # batches committed, others read and not acknowledged
    victim.wait()
    commit.wait()
    finished(other)
    assert client.xlen(KEYS.stream) > 0  # what the dead committer did not finish waits in the stream
    first = archived_hits(site, db)
    assert 0 < len(first) < site.pages
    # The same commands again: the frontier starts afresh (the killed worker's requests are
    # fetched now), the stream's pending entries are committed once, archived URLs not fetched.
    mark = last_entry(redis_url)
    again = [worker(site, redis_url, tmp_path), worker(site, redis_url, tmp_path)]
    commit = committer(db, redis_url, after=mark)
    for process in again:
        finished(process)
    finished(commit)
    urls, grouped = groups(db)
    assert len(urls) == len(set(urls)) == site.pages  # every article once, none missing
    assert grouped == single_process  # the same duplicate groups as the single-process crawl
    assert {url: n for url, n in archived_hits(site, db).items() if url in first} == first
    assert client.xlen(KEYS.stream) == 0 and client.xpending(KEYS.stream, KEYS.group)["pending"] == 0
    # The killed committer's run has its counts, recorded batch by batch: the runs add up.
    assert query(db, "SELECT sum(archived) FROM runs") == [(site.pages,)]
    assert query(db, "SELECT count(*) FROM runs WHERE status IS NULL") == [(1,)]


def test_convenience_form_crawls_like_the_single_process_crawl(site, single_process, redis_url, tmp_path):
    db = tmp_path / "fleet.duckdb"
    args = ["--db", str(db), "crawl", *sources(site), "--redis", redis_url, "--workers", "2", "--idle-exit", "2", *FAST]
    out = finished(newsarchive(*args, cwd=tmp_path))
    assert f"{site.pages} articles archived ({len(site.copies())} duplicates)" in out
    urls, grouped = groups(db)
    assert len(urls) == len(set(urls)) == site.pages and grouped == single_process


def article(url: str) -> tuple[RawDocument, Article]:
    text = f"The text of {url}, long enough to be an article of its own.\nA second paragraph about it."
    return RawDocument(url, "example.org", "crawl", b"<html></html>"), Article(url, "example.org", "crawl", text)


class DiesAfterCommit(Committer):
    def _acknowledge(self, ids):
        raise SystemExit("killed between commit and acknowledgement")


def test_entries_committed_before_a_crash_are_acknowledged_not_written_again(redis_url, tmp_path):
    client = connect(redis_url)
    for i in range(5):
        client.xadd(KEYS.stream, encode_article(*article(f"https://example.org/{i}")))
    client.xadd(KEYS.stream, {b"v": b"1", b"kind": b"article", b"raw": b"{not json"})  # a poison entry
    with Archive(tmp_path / "a.duckdb") as archive, pytest.raises(SystemExit):
        DiesAfterCommit(archive, client).run(idle_exit=0.5)
    assert client.xpending(KEYS.stream, KEYS.group)["pending"] == 6  # committed, never acknowledged
    with Archive(tmp_path / "a.duckdb") as archive:
        summary = Committer(archive, client).run(idle_exit=0.5)
        assert archive.count() == 5
    assert (summary.entries, summary.again, summary.stats.archived, summary.stats.skipped) == (6, 6, 0, 0)
    assert client.xpending(KEYS.stream, KEYS.group)["pending"] == 0 and client.xlen(KEYS.stream) == 0
    # The poison entry was moved aside with its reason by the first committer, not retried.
    ((_, fields),) = client.xrange(KEYS.dead)
    assert b"malformed article entry" in fields[b"reason"]
    assert query(tmp_path / "a.duckdb", "SELECT archived FROM runs ORDER BY id") == [(5,), (0,)]


def test_an_article_that_fails_to_write_is_moved_aside_and_the_rest_committed(redis_url, tmp_path, monkeypatch):
    client = connect(redis_url)
    for i in range(5):
        client.xadd(KEYS.stream, encode_article(*article(f"https://example.org/{i}")))
    poison = "https://example.org/2"
    assign = Deduplicator.assign

    def fails_on_the_poison(self, archive, ids, *rest):  # a write fault that follows one article
        urls = dict(archive.con.execute("SELECT id, url FROM articles").fetchall())
        if any(urls[i] == poison for i in ids):
            raise ValueError("cannot place this article")
        return assign(self, archive, ids, *rest)

    monkeypatch.setattr(Deduplicator, "assign", fails_on_the_poison)
    with Archive(tmp_path / "a.duckdb") as archive:
        summary = Committer(archive, client).run(idle_exit=0.5)
        assert sorted(url for (url,) in archive.con.execute("SELECT url FROM articles").fetchall()) == [
            f"https://example.org/{i}" for i in (0, 1, 3, 4)
        ]
    assert summary.stats.archived == 4
    assert [reason for _, reason in summary.poison] == ["not written: ValueError: cannot place this article"]
    # Moved aside with its reason and the whole entry, acknowledged: not delivered again.
    ((_, fields),) = client.xrange(KEYS.dead)
    assert fields[b"reason"] == b"not written: ValueError: cannot place this article"
    assert b"https://example.org/2" in fields[b"raw"]
    assert client.xpending(KEYS.stream, KEYS.group)["pending"] == 0 and client.xlen(KEYS.stream) == 0
    seen = SeenSet(client, KEYS)  # what workers skip: the archived URLs, not the refused one
    assert seen.seen([f"https://example.org/{i}" for i in range(5)]) == {
        f"https://example.org/{i}" for i in (0, 1, 3, 4)
    }
    monkeypatch.undo()
    with Archive(tmp_path / "a.duckdb") as archive:  # a restart has nothing left to do
        again = Committer(archive, client).run(idle_exit=0.5)
        assert again.entries == 0 and archive.count() == 4
    assert query(tmp_path / "a.duckdb", "SELECT input, reason FROM rejections") == [
        (poison, "not written: ValueError: cannot place this article")
    ]


def test_redis_unreachable_is_one_line_naming_the_url_and_status_2(tmp_path):
    url = f"redis://127.0.0.1:{free_port()}/0"
    for args in (["crawl", "--url", "http://127.0.0.1:9/a.html", "--redis", url], ["commit", "--redis", url]):
        result = subprocess.run(
            [sys.executable, "-m", "archive.cli", "--db", str(tmp_path / "a.duckdb"), *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [
            f"Error: {url}: cannot reach Redis (Error 111 connecting to 127.0.0.1:{url.split(':')[2].split('/')[0]}. Connection refused.)"
        ]


def test_redis_lost_mid_run_stops_the_worker_with_a_clear_message(site, tmp_path):
    lost: list = []
    with redis_server(tmp_path / "redis", lost) as url:
        args = [
            "--sitemap",
            site.base + "/sitemap.xml",
            "--redis",
            url,
            *FAST,
            "-s",
            "NEWSARCHIVE_REDIS_RETRY_SECONDS=1",
        ]
        process = newsarchive("crawl", *args, cwd=tmp_path)
        wait_until(lambda: last_entry(url) is not None)
        lost[0]()
        out, err = process.communicate(timeout=90)
    assert process.returncode == 1, out + err[-3000:]
    assert f"Redis lost ({url})" in err and "redis_lost" in err.strip().splitlines()[-1]
    assert "Traceback" not in err

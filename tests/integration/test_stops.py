"""Stops and time budgets through the CLI, in real processes: SIGTERM, Ctrl-C, a second signal, a hang.

Each run is started in a session of its own, so every process it starts (the forkserver, the
extraction workers) carries that session id: a process left behind is found in /proc even after
it was re-parented. Waits are for events (marker files, output lines), never fixed sleeps.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from crawl_site import MEALS, STORM, TRAM, ZURICH, serve_site
from stop_driver import HANG, write_pages

from archive.store import Archive

TESTS = Path(__file__).resolve().parents[1]
DRIVER = [sys.executable, "-c", "import stop_driver; stop_driver.main()"]
PAGES = 240
WAIT = 60  # seconds: a bound for a hang only; a run that works is done long before


def start(db: Path, *args: str, markers: Path | None = None, seconds: float | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    if markers is not None:
        markers.mkdir(exist_ok=True)
        env["STOP_TEST_MARKERS"] = str(markers)
    if seconds is not None:
        env["STOP_TEST_SECONDS"] = str(seconds)
    return subprocess.Popen(
        [*DRIVER, "--db", str(db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=db.parent,
        env=env,
        start_new_session=True,
    )


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def markers(folder: Path, kind: str) -> int:
    return sum(1 for name in os.listdir(folder) if name.startswith(kind))


def session_processes(sid: int) -> list[str]:
    """Live processes of session ``sid`` (zombies are dead and skipped), as 'pid cmdline'."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:120]
        except OSError:  # gone meanwhile
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(f"{entry} {command}")
    return found


def assert_nothing_left(process: subprocess.Popen) -> None:
    """No process of the run survives it (the forkserver exits just after its parent)."""
    deadline = time.monotonic() + 10
    while session_processes(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert session_processes(process.pid) == []


def finish(process: subprocess.Popen) -> tuple[str, str]:
    out, err = process.communicate(timeout=WAIT)
    assert "Traceback" not in err, err[-3000:]
    return out, err


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def ingest(db: Path, folder: Path, *args: str, expect: int = 0) -> str:
    result = subprocess.run(
        [*DRIVER, "--db", str(db), "ingest", "-q", *args, str(folder)],
        capture_output=True,
        text=True,
        timeout=WAIT * 3,
        cwd=db.parent,
        env={**os.environ, "PYTHONPATH": str(TESTS), "STOP_TEST_SECONDS": "1"},
    )
    assert result.returncode == expect, result.stdout + result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pages")
    write_pages(folder, PAGES)
    return folder


@pytest.mark.parametrize(
    ("signum", "status", "to_group"),
    [(signal.SIGTERM, 143, False), (signal.SIGINT, 130, True)],
    ids=["SIGTERM to the process", "Ctrl-C to the process group"],
)
def test_signal_mid_ingest_keeps_what_was_extracted_and_a_rerun_finishes(pages, tmp_path, signum, status, to_group):
    db, seen = tmp_path / "a.duckdb", tmp_path / "markers"
    process = start(db, "ingest", "-q", "--workers", "2", "--batch-size", "20", str(pages), markers=seen)
    wait_until(lambda: markers(seen, "done") >= 40, "40 extracted pages")
    if to_group:
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)
    out, err = finish(process)
    assert process.returncode == status, out + err
    assert f"stopped by {signal.Signals(signum).name}" in err
    assert_nothing_left(process)

    archived = query(db, "SELECT count(*) FROM articles")[0][0]
    assert 0 < archived < PAGES  # stopped part-way, with the extracted pages written
    assert f"archived {archived} new" in out
    assert query(db, "SELECT finished_at IS NOT NULL, status, archived FROM runs") == [(True, "stopped", archived)]

    out = ingest(db, pages, "--workers", "2")
    assert f"archived {PAGES - archived} new" in out and f"{archived} already archived" in out
    assert query(db, "SELECT count(*), count(DISTINCT url) FROM articles") == [(PAGES, PAGES)]
    assert query(db, "SELECT status FROM runs ORDER BY id") == [("stopped",), ("finished",)]


def test_ctrl_c_while_the_workers_start_takes_the_same_way_out(pages, tmp_path):
    db = tmp_path / "a.duckdb"
    process = start(db, "ingest", "-q", "--workers", "2", str(pages))
    # The forkserver is up and importing trafilatura for the workers to be.
    wait_until(lambda: any("forkserver" in p for p in session_processes(process.pid)), "the forkserver")
    os.killpg(process.pid, signal.SIGINT)
    out, err = finish(process)
    assert process.returncode == 130, out + err
    assert "stopped by SIGINT" in err
    assert_nothing_left(process)
    assert query(db, "SELECT count(*) FROM runs WHERE finished_at IS NOT NULL") == [(1,)]


def test_second_signal_quits_at_once_and_leaves_no_worker_behind(pages, tmp_path):
    # A worker stuck where SIGTERM cannot reach it holds up the graceful stop for a few seconds
    # (the pool waits before it sends SIGKILL): the second signal must not wait for that.
    folder = tmp_path / "in"
    write_pages(folder, 60)
    (folder / f"page-0030-{HANG}.html").write_bytes((folder / "page-0030.html").read_bytes())
    db, seen = tmp_path / "a.duckdb", tmp_path / "markers"
    process = start(db, "ingest", "-q", "--workers", "2", "--batch-size", "10", str(folder), markers=seen)
    wait_until(lambda: markers(seen, "hang") >= 1 and markers(seen, "done") >= 30, "the hang")
    # Extracted is not yet committed: wait for the writer's first batches in the write-ahead log.
    wal = db.with_name(db.name + ".wal")
    wait_until(lambda: wal.exists() and wal.stat().st_size > 100_000, "a committed batch")
    process.send_signal(signal.SIGTERM)
    for line in process.stderr:  # the first signal is being handled
        if "again to quit" in line:
            break
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=WAIT)
    assert process.returncode == 143
    assert_nothing_left(process)  # the stuck worker too: it dies with the forkserver
    with Archive(db) as archive:  # opens: the write-ahead log is replayed
        committed = archive.count()
    assert committed >= 10
    ingest(db, folder, "--workers", "2", expect=1)  # the hang page is rejected...
    assert query(db, "SELECT count(*), count(DISTINCT url) FROM articles") == [(60, 60)]  # ...the rest once


def test_sigterm_in_process_abandons_the_document_being_extracted(tmp_path):
    folder = tmp_path / "in"
    write_pages(folder, 20)
    (folder / f"page-0009-{HANG}.html").write_bytes((folder / "page-0009.html").read_bytes())
    db, seen = tmp_path / "a.duckdb", tmp_path / "markers"
    process = start(db, "ingest", "-q", "--workers", "1", "--batch-size", "4", str(folder), markers=seen)
    wait_until(lambda: markers(seen, "hang") >= 1, "the hang")
    process.send_signal(signal.SIGTERM)
    out, err = finish(process)
    assert process.returncode == 143, out + err
    # Read in name order: the nine pages before the hang (page-0000 to page-0008) are archived,
    # the hang is abandoned, not rejected: the next run tries it again.
    assert query(db, "SELECT count(*) FROM articles") == [(9,)]
    assert query(db, "SELECT count(*) FROM rejections") == [(0,)]
    assert query(db, "SELECT finished_at IS NOT NULL, status, read, archived FROM runs") == [(True, "stopped", 9, 9)]


@pytest.mark.parametrize("workers", [2, 1], ids=["worker killed", "in process"])
def test_a_hang_is_rejected_at_its_budget_and_the_run_goes_on(tmp_path, workers):
    folder = tmp_path / "in"
    write_pages(folder, 12)
    for name in ("a", "b"):  # with two workers: both stuck, both replaced
        (folder / f"{name}-{HANG}.html").write_bytes((folder / "page-0000.html").read_bytes())
    db = tmp_path / "a.duckdb"
    process = start(db, "ingest", "-q", "--workers", str(workers), str(folder), seconds=1)
    out, err = finish(process)
    assert process.returncode == 1, out + err
    rejected = sorted(line for line in err.splitlines() if line.startswith("rejected: "))
    assert len(rejected) == 2 and all(HANG in line for line in rejected)
    assert all(line.endswith(": extraction took longer than 1 s") for line in rejected)
    assert query(db, "SELECT count(*) FROM articles") == [(12,)]
    assert_nothing_left(process)


def test_sigterm_to_a_crawl_archives_what_was_fetched_and_a_rerun_finishes(tmp_path):
    site, stop_site = serve_site()
    try:
        db = tmp_path / "crawl.duckdb"
        slow = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY_JITTER=0"]
        slow += ["-s", 'DOWNLOAD_SLOTS={"127.0.0.1": {"delay": 1.0, "concurrency": 1}}', "-s", "DOWNLOAD_DELAY=1"]
        args = ["crawl", "--sitemap", site.base + "/sitemap_index.xml", "-s", "NEWSARCHIVE_WORKERS=2"]
        stories = {s.path for s in (TRAM, STORM, ZURICH, MEALS)}
        mark = site.mark()

        def fetched() -> set[str]:
            return stories & {entry.split("?")[0] for entry in site.since(mark)}

        process = start(db, *args, *slow)
        wait_until(lambda: fetched(), "a story fetched")
        process.send_signal(signal.SIGTERM)
        out, err = finish(process)
        assert process.returncode == 143, out + err[-3000:]
        assert "stopped by SIGTERM" in err
        assert_nothing_left(process)
        got = fetched()
        assert got and got != stories  # stopped part-way
        archived = {row[0].split("/", 3)[3] for row in query(db, "SELECT url FROM articles")}
        assert archived == {path.lstrip("/") for path in got}  # everything fetched was written
        assert query(db, "SELECT count(*), any_value(status) FROM runs WHERE finished_at IS NOT NULL") == [
            (1, "stopped")
        ]

        rerun = start(db, *args, "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0")
        out, err = finish(rerun)
        assert rerun.returncode == 0, out + err[-3000:]
        urls = [row[0] for row in query(db, "SELECT url FROM articles")]
        assert len(urls) == len(set(urls)) and {u.split("/", 3)[3] for u in urls} >= {s.lstrip("/") for s in stories}
    finally:
        stop_site()

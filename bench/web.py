"""Page times of the web view, ``newsarchive serve``, on an archive of 100,000 articles, fetched over HTTP.

1. Builds the archive the way a user would: ``--articles N`` news-like articles (bench/newsgen.py,
   deterministic, ~10 % copies) in one JSONL file, then ``newsarchive ingest``. ``--reuse DB`` times an
   archive already built instead (it is only read); ``--keep DIR`` builds in DIR and keeps the archive.
2. Before serving (serve holds the file), picks with ``newsarchive sql --format json``: a common word
   (the one in most articles, the generator's function words aside), the article count of the word in
   every article ("said"), a rare word (in the fewest articles), a word in none; article ids (one in the
   largest duplicate group, the newest, others spread over the archive) and the largest group.
3. Starts ``newsarchive --db DB serve --host 127.0.0.1 --port P`` and waits for its ``serving`` line and
   for the port to accept connections.
4. ``--rounds`` rounds; each fetches every page once with urllib (a new connection per request, the
   whole body read, as a browser's first visit to a page); the first round, cold, is counted. The JSON
   variants (``Accept: application/json``) of a few pages are fetched in the same rounds.

Reported per page kind: requests, median and max ms, response size, status and content type (raw pages:
any type, with ``Content-Security-Policy: sandbox``), and
whether every request was under 300 ms (the issue's budget); then the server's start-up time and
peak RSS (the kernel's accounting of the finished process). Nothing is imported from ``archive``.

    .venv/bin/python bench/web.py [--articles 100000] [--rounds 5] [--seed 7] [--reuse DB | --keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from newsgen import COMMON, NewsGenerator, write_jsonl
from product import newsarchive, newsarchive_command, remove_db

BUDGET_MS = 300
START_SECONDS = 120  # a server that does not listen by then fails the bench
ABSENT = "qzxjvvwk"  # not made by the generator's syllables; checked absent anyway
EVERY_ARTICLE = "said"  # one of the generator's function words: in nearly every article


@dataclass
class Page:
    kind: str  # the row of the report, e.g. "/articles/{id}"
    path: str
    json: bool = False
    raw: bool = False  # an archived page: any content type, sandboxed
    times: list[float] = field(default_factory=list)  # ms
    sizes: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # wrong status or content type


@dataclass
class Picked:
    """What the pages are asked for, chosen from the archive before it is served."""

    search: dict[str, tuple[str, int]]  # kind of word -> (word, articles holding it)
    articles: list[int]
    raw: list[int]  # of those, the ones with a stored raw page
    cluster: int  # the largest duplicate group
    members: int
    total: int  # articles in the archive


def sql(db: Path, query: str) -> list[dict]:
    run = newsarchive(db, "sql", query, "--format", "json")
    return [json.loads(line) for line in run.stdout.splitlines() if line.strip()]


def build(articles: int, root: Path, seed: int) -> Path:
    db = root / f"archive-{articles}-seed{seed}.duckdb"
    recipe = root / f"archive-{articles}-seed{seed}.built"
    if db.exists() and recipe.exists():
        print(f"reusing {db}, built earlier")
        return db
    remove_db(db)  # what an interrupted build left
    source = root / f"articles-{articles}.jsonl"
    started = time.perf_counter()
    write_jsonl(source, NewsGenerator(seed=seed).articles(0, articles))
    print(f"generated {articles} articles in {time.perf_counter() - started:.0f} s")
    run = newsarchive(db, "ingest", "--quiet", str(source))
    summary = next((line for line in run.stdout.splitlines() if line.startswith("read ")), "?")
    print(f"built {db} in {run.wall:.0f} s ({articles / run.wall:.0f} articles/s); {summary}")
    recipe.write_text("built by bench/web.py\n")
    source.unlink()
    return db


def word_count(word: str) -> str:
    """SQL: the number of articles whose title or text holds ``word`` as a whole word (any case)."""
    return f"(SELECT count(*) FROM articles WHERE regexp_matches(lower(title || ' ' || text), '\\b{word}\\b'))"


def choose(db: Path) -> Picked:
    function_words = ", ".join(f"'{word}'" for word in COMMON)
    words = sql(
        db,
        f"""
        WITH words AS (
            SELECT DISTINCT id, unnest(regexp_split_to_array(lower(coalesce(title, '') || ' ' || text), '[^[:alpha:]]+')) AS word
            FROM articles
        ), frequency AS (SELECT word, count(*) AS articles FROM words WHERE length(word) >= 3 GROUP BY word)
        SELECT
            (SELECT word FROM frequency WHERE word NOT IN ({function_words}) ORDER BY articles DESC, word LIMIT 1) AS common,
            (SELECT max(articles) FROM frequency WHERE word NOT IN ({function_words})) AS common_articles,
            (SELECT word FROM frequency ORDER BY articles, hash(word) LIMIT 1) AS rare,
            (SELECT min(articles) FROM frequency) AS rare_articles,
            (SELECT count(*) FROM frequency WHERE word = '{ABSENT}') AS absent_articles,
            {word_count(EVERY_ARTICLE)} AS every_articles,
            (SELECT count(*) FROM articles) AS total
        """,
    )[0]
    if words["absent_articles"] or not words["common"] or not words["rare"]:
        sys.exit(f"bench: no usable search words in {db}: {words}")
    group = sql(
        db,
        "SELECT cluster_id, count(*) AS members, min(id) AS first FROM articles WHERE cluster_id IS NOT NULL "
        "GROUP BY cluster_id ORDER BY members DESC, cluster_id LIMIT 1",
    )
    if not group or group[0]["members"] < 2:
        sys.exit(f"bench: {db} has no duplicate group")
    others = sql(
        db,
        "(SELECT id FROM articles ORDER BY ingested_at DESC, id DESC LIMIT 1) "
        "UNION ALL (SELECT id FROM articles ORDER BY hash(id) LIMIT 3)",
    )
    ids = list(dict.fromkeys([group[0]["first"], *(row["id"] for row in others)]))
    raw = sql(db, f"SELECT article_id FROM raw_documents WHERE article_id IN ({', '.join(map(str, ids))})")
    if not raw:
        sys.exit(f"bench: none of the articles {ids} has a stored raw page")
    search = {
        "common word": (words["common"], words["common_articles"]),
        "word in every article": (EVERY_ARTICLE, words["every_articles"]),
        "rare word": (words["rare"], words["rare_articles"]),
        "absent word": (ABSENT, 0),
    }
    return Picked(
        search,
        ids,
        sorted(row["article_id"] for row in raw),
        group[0]["cluster_id"],
        group[0]["members"],
        words["total"],
    )


def pages(picked: Picked) -> list[Page]:
    search, cluster = picked.search, picked.cluster
    listed = [Page("/", "/")]
    listed += [Page(f"/search?q= ({name})", f"/search?q={quote(word)}") for name, (word, _) in search.items()]
    # Phrases: the words must also occur in that order, which reads the texts of the articles that
    # hold them all; the worst case is a phrase of words found in every article.
    common, every, rare = search["common word"][0], search["word in every article"][0], search["rare word"][0]
    listed += [
        Page("/search?q= (phrase of common words)", "/search?q=" + quote(f'"{every} the"')),
        Page("/search?q= (phrase, rare and common)", "/search?q=" + quote(f'"{rare} {common}"')),
        Page("/search?q= (word, one source, unique)", f"/search?q={quote(common)}&source=site1.example&unique=1"),
    ]
    listed += [Page("/articles/{id}", f"/articles/{i}") for i in picked.articles]
    listed += [Page("/articles/{id}/raw", f"/articles/{i}/raw", raw=True) for i in picked.raw]
    listed += [Page("/groups", "/groups"), Page("/groups/{cluster_id} (largest)", f"/groups/{cluster}")]
    listed += [Page("/sources", "/sources")]
    json_paths = [
        "/",
        f"/search?q={quote(search['common word'][0])}",
        f"/articles/{picked.articles[0]}",
        f"/groups/{cluster}",
    ]
    kinds = ["/", "/search?q= (common word)", "/articles/{id}", "/groups/{cluster_id} (largest)"]
    listed += [Page(f"{kind} JSON", path, json=True) for kind, path in zip(kinds, json_paths)]
    return listed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listens(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class Server:
    """``newsarchive --db DB serve`` on a free port of 127.0.0.1, its output in files of ``folder``."""

    def __init__(self, db: Path, folder: Path):
        self.port = free_port()
        self.out, self.err = folder / "serve.out", folder / "serve.err"
        argv = [*newsarchive_command(), "--db", str(db), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        started = time.perf_counter()
        with self.out.open("wb") as out, self.err.open("wb") as err:
            self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        deadline = time.monotonic() + START_SECONDS
        # Its "serving" line, then the port accepting connections (the line may come once bound, before listening).
        while not (
            any(line.startswith(b"serving") for line in self.out.read_bytes().splitlines()) and listens(self.port)
        ):
            if self.process.poll() is not None:
                sys.exit(f"bench: {' '.join(argv)} exited {self.process.returncode}:\n{self.tail()}")
            if time.monotonic() > deadline:
                self.stop()
                sys.exit(
                    f"bench: {' '.join(argv)} not serving on port {self.port} in {START_SECONDS} s:\n{self.tail()}"
                )
            time.sleep(0.02)
        self.startup = time.perf_counter() - started
        self.base = f"http://127.0.0.1:{self.port}"
        self.peak_rss_mb = 0.0

    def tail(self) -> str:
        return "\n".join(self.err.read_text(errors="replace").strip().splitlines()[-15:])

    def stop(self) -> int:
        """SIGTERM, SIGKILL 10 s later if still there; the exit status, and the peak RSS kept."""
        self.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        while True:
            pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                self.process.kill()
                _, status, usage = os.wait4(self.process.pid, 0)
                break
            time.sleep(0.05)
        self.process.returncode = os.waitstatus_to_exitcode(status)
        self.peak_rss_mb = usage.ru_maxrss / 1024
        return self.process.returncode


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 directly, whatever *_proxy says


def fetch(base: str, page: Page) -> None:
    headers = {"Accept": "application/json" if page.json else "text/html,application/xhtml+xml"}
    request = urllib.request.Request(base + page.path, headers=headers)
    started = time.perf_counter()
    try:
        with OPENER.open(request, timeout=60) as response:
            body = response.read()
            status, answered = response.status, response.headers
    except urllib.error.HTTPError as error:
        body, status, answered = error.read(), error.code, error.headers
    page.times.append((time.perf_counter() - started) * 1000)
    page.sizes.append(len(body))
    kind = answered.get("Content-Type", "")
    if status != 200:
        page.problems.append(f"HTTP {status}")
    elif page.raw:  # the stored page as it was archived, whatever its type, its scripts kept from running
        if "sandbox" not in answered.get("Content-Security-Policy", ""):
            page.problems.append("no Content-Security-Policy: sandbox")
    elif not kind.startswith("application/json" if page.json else "text/html"):
        page.problems.append(f"Content-Type {kind or 'none'}")
    elif page.json:
        try:
            json.loads(body)
        except ValueError:
            page.problems.append("not JSON")


def report(listed: list[Page], rounds: int, server: Server, picked: Picked) -> None:
    rows: dict[str, list[Page]] = {}
    for page in listed:
        rows.setdefault(page.kind, []).append(page)
    print(f"\n{picked.total:,} articles; {rounds} rounds, every page once a round, the first (cold) round counted\n")
    print(
        "search words: "
        + "; ".join(
            f"{name} '{word}' ({count:,} article{'' if count == 1 else 's'})"
            for name, (word, count) in picked.search.items()
        )
        + f"; articles {', '.join(map(str, picked.articles))}; largest group {picked.cluster} ({picked.members} members)\n"
    )
    print(f"| page | paths | requests | median ms | max ms | size KB | under {BUDGET_MS} ms | status |")
    print("|---|---|---|---|---|---|---|---|")
    slow = []
    for kind, same in rows.items():
        times = [t for page in same for t in page.times]
        sizes = [s for page in same for s in page.sizes]
        problems = sorted({problem for page in same for problem in page.problems})
        if max(times) >= BUDGET_MS:
            slow.append(kind)
        under = "n/a" if problems else "yes" if max(times) < BUDGET_MS else "**no**"
        print(
            f"| `{kind}` | {len(same)} | {len(times)} | {statistics.median(times):.1f} | {max(times):.1f} "
            f"| {statistics.median(sizes) / 1024:.1f} | {under} | {', '.join(problems) if problems else 'ok'} |"
        )
    every = [t for page in listed for t in page.times]
    failed = sorted({page.kind for page in listed if page.problems})
    print(f"\nall {len(every)} requests: median {statistics.median(every):.1f} ms, max {max(every):.1f} ms")
    if failed:
        print(f"NOT every page answered as expected: {', '.join(failed)}")
    if slow:
        print(f"over {BUDGET_MS} ms: {', '.join(slow)}")
    if not failed and not slow:
        print(f"every page answered as expected, every request under {BUDGET_MS} ms")
    print(f"server: ready {server.startup:.1f} s after start, peak RSS {server.peak_rss_mb:.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000, help="size of the archive built")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--seed", type=int, default=7, help="the generator's seed (another seed: an archive not tuned on)"
    )
    parser.add_argument("--reuse", type=Path, help="time this archive, already built, instead of building one")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep the archive (reused by a re-run)")
    args = parser.parse_args()
    if args.reuse and not args.reuse.is_file():
        parser.error(f"--reuse: no archive at {args.reuse}")
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start")
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp_name:
        folder = Path(tmp_name)
        if args.reuse:
            db = args.reuse
        else:
            root = args.keep or folder
            root.mkdir(parents=True, exist_ok=True)
            db = build(args.articles, root, args.seed)
        picked = choose(db)
        listed = pages(picked)
        server = Server(db, folder)
        try:
            for _ in range(args.rounds):
                for page in listed:
                    fetch(server.base, page)
        finally:
            status = server.stop()
        if status not in (0, -signal.SIGTERM):
            print(f"bench: the server exited {status} on SIGTERM:\n{server.tail()}", file=sys.stderr)
        report(listed, args.rounds, server, picked)
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())

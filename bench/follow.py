"""Benchmark: `newsarchive follow --once` over many local outlets, first poll and an unchanged re-poll.

    .venv/bin/python bench/follow.py [--outlets 200] [--articles 3]

Starts N outlets on 127.0.0.1 (tests/outlets.py: a feed and articles each), writes their
sources file, then runs the CLI as a user would: `follow --once` (every article new), a second
`follow --once` once the interval has passed with nothing published (every feed answers 304),
and a third after one outlet in ten published one article. Prints wall time, requests the
outlets served by status, and articles archived.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from outlets import Outlet  # noqa: E402

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "DOWNLOAD_DELAY_JITTER=0"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outlets", type=int, default=200)
    parser.add_argument("--articles", type=int, default=3)
    args = parser.parse_args()
    outlets = [Outlet(f"outlet{n:03d}", args.articles) for n in range(args.outlets)]
    with tempfile.TemporaryDirectory() as folder:
        lines = []
        for o in outlets:
            lines += [
                f"[sources.{o.name}]",
                f'home = "{o.base}/"',
                f'feeds = ["{o.base}/feed.xml"]',
                'interval = "2s"',
                "",
            ]
        (Path(folder) / "sources.toml").write_text("\n".join(lines))
        db = Path(folder) / "archive.duckdb"
        for label, publish in (("first poll", 0), ("unchanged", 0), ("1 in 10 published one", len(outlets) // 10)):
            for o in outlets[:publish]:
                o.publish()
            before = {o.name: len(o.log) for o in outlets}
            time.sleep(2.1)  # every source due again
            start = time.perf_counter()
            done = subprocess.run(
                [str(ROOT / ".venv/bin/newsarchive"), "--db", str(db), "follow", "--once", *FAST],
                capture_output=True,
                text=True,
            )
            wall = time.perf_counter() - start
            served = Counter(e.status for o in outlets for e in o.log[before[o.name] :] if e.path != "/robots.txt")
            print(
                f"{label}: {wall:.1f} s, exit {done.returncode}, requests by status {dict(served)}; {done.stdout.strip()}"
            )
    for o in outlets:
        o.close()


if __name__ == "__main__":
    main()

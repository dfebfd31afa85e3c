"""Helpers for the stop and time-budget tests: generated pages, and `newsarchive` run with test hooks.

The hooks replace ``archive.ingest.pool.guarded_extract`` (and ``extract`` for in-process runs) by
this module's functions; worker processes import this module by name to run them. By URL:

- a URL holding ``hang-forever`` hangs. In a worker process SIGALRM and SIGTERM are blocked
  first, as in a long C call of a parser: only SIGKILL ends it. In process the hang is a sleep,
  which the in-process budget (SIGALRM) can interrupt;
- a URL holding ``die-in-worker`` kills its worker process (SIGKILL), as the OOM killer would.

Run as ``python -c "import stop_driver; stop_driver.main()" --db X ingest ...`` (this folder on
PYTHONPATH), the CLI behaves as ``python -m archive.cli`` with the hooks installed, and:

- ``STOP_TEST_MARKERS=DIR``: each finished extraction drops a file ``done-*`` in DIR and each
  hang a file ``hang-*``, so a test waits for an event instead of sleeping for a guessed time;
- ``STOP_TEST_SECONDS=S``: the per-document time budget (20 s by default).
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

from archive.ingest import pool

HANG = "hang-forever"
DIE = "die-in-worker"

_real_guarded_extract = pool.guarded_extract
_real_extract = pool.extract

WORDS = (
    "council harbour tram budget river bridge school library storm coast ferry railway station district "
    "minister election vote report police court hospital museum festival market energy water housing "
    "project plan debate mayor residents workers union company prices shares bank garden road street "
    "weather farmers harvest climate island village town county region border treaty summit teacher "
    "nurse doctor engineer lawyer judge artist writer singer player coach team league season match goal "
    "airport runway flight tunnel canal dam reservoir forest park lake mountain valley desert glacier"
).split()


def write_pages(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """``count`` distinct news pages (page-0000.html ...) with nav, footer and JSON-LD."""
    from conftest import article_html

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    for number in range(count):
        paragraphs = [
            " ".join(rng.choice(WORDS) for _ in range(45)).capitalize() + f" (report {number}, part {part})."
            for part in range(4)
        ]
        title = f"Report {number}: " + " ".join(rng.choice(WORDS) for _ in range(6))
        path = folder / f"page-{number:04d}.html"
        path.write_text(article_html(title=title, paragraphs=paragraphs), encoding="utf-8")
        pages.append(path)
    return pages


def _in_worker() -> bool:
    return multiprocessing.parent_process() is not None


def _mark(kind: str) -> None:
    markers = os.environ.get("STOP_TEST_MARKERS")
    if markers:
        Path(markers, f"{kind}-{os.getpid()}-{time.monotonic_ns()}").touch()


def guarded_extract(raw, max_bytes=pool.MAX_EXTRACT_BYTES, seconds=pool.EXTRACT_SECONDS, stop=None):
    if _in_worker() and HANG in raw.url:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGTERM})
        _mark("hang")
        while True:
            time.sleep(1)
    if _in_worker() and DIE in raw.url:
        os.kill(os.getpid(), signal.SIGKILL)
    result = _real_guarded_extract(raw, max_bytes, seconds, stop)
    _mark("done")
    return result


def extract_or_hang(raw):
    """In process: a hang that runs Python code, so the SIGALRM budget can interrupt it."""
    if HANG in raw.url:
        _mark("hang")
        time.sleep(600)
    return _real_extract(raw)


def install() -> None:
    pool.guarded_extract = guarded_extract
    pool.extract = extract_or_hang


def main() -> None:
    install()
    if os.environ.get("STOP_TEST_SECONDS"):
        from archive.ingest import files

        files.ExtractorPool = functools.partial(pool.ExtractorPool, seconds=float(os.environ["STOP_TEST_SECONDS"]))
    from archive.cli import main as cli_main

    cli_main()

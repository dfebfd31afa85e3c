"""Run the ``newsarchive`` command exactly as a user does, and measure the whole process.

The bench scripts import nothing from ``archive``: what they time is the installed command
(start-up, loading, extraction, dedup, the last commit), so their figures stay the product's
figures whatever the internals become.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


def newsarchive_command() -> list[str]:
    """The ``newsarchive`` entry point of this interpreter's environment (the venv), else the one on PATH."""
    beside = Path(sys.executable).parent / "newsarchive"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("newsarchive")
    if found:
        return [found]
    sys.exit("bench: no 'newsarchive' command; run 'make install' and use .venv/bin/python")


@dataclass
class Run:
    """One finished ``newsarchive`` process: its exit status, output and the kernel's accounting."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    wall: float  # seconds, monotonic clock around start and reap
    cpu: float  # user + system seconds of the process and the descendants it reaped
    peak_rss_mb: float  # largest resident set of the process or one of its reaped descendants

    def check(self, allowed: Sequence[int]) -> Run:
        if self.returncode not in allowed:
            tail = "\n".join(self.stderr.strip().splitlines()[-15:])
            sys.exit(f"bench: {' '.join(self.args)} exited {self.returncode}\n{tail}")
        return self


def newsarchive(db: Path | str, *args: str, allowed: Sequence[int] = (0,), command: Sequence[str] | None = None) -> Run:
    """``newsarchive --db DB ARGS...`` in a child process, with that process's own resource use
    (``command``: another installation's ``newsarchive``, for an A/B comparison)."""
    argv = [*(command or newsarchive_command()), "--db", str(db), *args]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        # wait4 gives this child's own rusage (it and the descendants it reaped), unlike
        # RUSAGE_CHILDREN, whose peak RSS is the largest of every child so far.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        run = Run(
            argv,
            proc.returncode,
            out.read(),
            err.read(),
            wall,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024,
        )
    return run.check(allowed)


def remove_db(db: Path) -> None:
    """A fresh archive for the next run: the file, its write-ahead log and its band runs."""
    for path in (db, db.with_name(db.name + ".wal")):
        path.unlink(missing_ok=True)
    shutil.rmtree(db.with_name(db.name + ".bands"), ignore_errors=True)


def export(db: Path | str, out: Path) -> list[dict]:
    """Every archived article, as ``newsarchive export OUT.jsonl`` writes it."""
    newsarchive(db, "export", str(out))
    with out.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def shared_eval() -> Path:
    """The shared evaluation data, ``../shared/eval`` next to the repository (worktrees sit one level deeper)."""
    for parent in Path(__file__).resolve().parents[1:]:
        candidate = parent / "shared" / "eval"
        if candidate.is_dir():
            return candidate
    return Path(__file__).resolve().parents[2] / "shared" / "eval"

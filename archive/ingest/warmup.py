"""Start the extraction workers' forkserver early, while the command itself is still loading.

Before it can fork a worker, the forkserver imports the extraction code (trafilatura,
datasketch and scipy) and loads the language model: 1-3 s of one core. ``ExtractorPool``
starts it when a run begins, which is after the CLI has done its own imports (1-2 s), so the
two loaded one after the other. The console script calls ``start`` before its imports for the
commands that extract in worker processes, and the two load at the same time on two cores;
the pool then finds the forkserver running (CPython starts one per process and reuses it).

A forkserver started for a command that then does not use it (a usage error, ``--help``) does
no harm: it ends when this process does (it reads the end of its pipe from us).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing import forkserver, resource_tracker

PRELOAD = ["archive.ingest.forkserver"]


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold back SIGINT and SIGTERM in this thread while processes are started from it.

    The forkserver started meanwhile inherits them blocked, so a Ctrl-C or SIGTERM sent to the
    whole process group while it imports trafilatura does not kill it with a traceback (it then
    leaves the group: see archive/ingest/forkserver.py). This process gets its signals on exit.
    """
    # The resource tracker's start unblocks both in the calling thread: have it started first.
    resource_tracker.ensure_running()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def start() -> None:
    """Have the forkserver start importing now (returns at once)."""
    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
    with signals_deferred():
        forkserver.ensure_running()


# The commands that extract in worker processes, and the options of the group before them.
EXTRACTING = {"ingest", "reextract", "crawl", "follow"}
GROUP_OPTIONS_WITH_VALUE = {"--db"}


def extracts_in_workers(args: list[str]) -> bool:
    """Whether a command line will start extraction workers: a guess from its words alone, made
    before click has been imported (a wrong guess costs an idle forkserver, or the time saved)."""
    words = iter(args)
    command = None
    for word in words:
        if word in GROUP_OPTIONS_WITH_VALUE:
            next(words, None)
        elif not word.startswith("-"):
            command = word
            break
    if command not in EXTRACTING:
        return False
    rest = list(words)
    if "--redis" in rest or any(w.startswith("--redis=") for w in rest):
        return False  # a fleet: workers of their own, or the committer
    for word, following in zip(rest, [*rest[1:], None]):
        if word in ("-w", "--workers") and following == "1":
            return False
        if word in ("--workers=1", "-w1"):
            return False
    if {"-h", "--help"} & set(rest):
        return False
    return cpus() > 1  # the default --workers


def cpus() -> int:
    """The processors this process may run on: the default number of extraction workers."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)

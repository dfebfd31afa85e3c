"""The convenience form on one machine: N crawl worker processes and the committer in this one.

``LocalFleet.run`` starts the workers (``newsarchive crawl ... --redis URL --idle-exit S``),
commits in this process until every worker has exited and the stream is drained, and returns
the committer's summary with the workers' exit statuses. A stop request is passed on to the
workers (SIGTERM: they stop gracefully and send what they extracted); the committer still
writes everything they sent.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import IO

from archive.scaleout.committer import CommitSummary, Committer
from archive.scaleout.keys import RedisKeys, connect
from archive.store import Archive

LOGGER = logging.getLogger(__name__)

IDLE_EXIT = 5.0  # the workers' --idle-exit in the convenience form


@dataclass
class FleetResult:
    commit: CommitSummary
    worker_status: list[int] = field(default_factory=list)
    worker_lines: list[str] = field(default_factory=list)  # each worker's summary (pages, drops by reason)


class LocalFleet:
    def __init__(
        self,
        db: str,
        url: str,
        worker_args: Sequence[str],
        workers: int,
        idle_exit: float | None = None,
        keys: RedisKeys = RedisKeys(),
        command: str = "crawl --workers",
    ):
        self.db = db
        self.url = url
        self.worker_args = list(worker_args)
        self.workers = workers
        self.idle_exit = IDLE_EXIT if idle_exit is None else idle_exit
        self.keys = keys
        self.command = command

    def run(self, stop: threading.Event | None = None) -> FleetResult:
        with ExitStack() as files:
            # The workers' summaries go to files, not pipes: nothing reads them until they exit.
            outputs = [files.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8")) for _ in range(self.workers)]
            summary, status = self._run(outputs, stop)
            lines = []
            for out in outputs:
                out.seek(0)
                lines.append(" ".join(out.read().split()))
        return FleetResult(summary, status, lines)

    def _run(self, outputs: Sequence[IO[str]], stop: threading.Event | None) -> tuple[CommitSummary, list[int]]:
        client = connect(self.url)
        archive = Archive(self.db)  # before the workers start: a held archive is one line, nothing fetched
        command = [sys.executable, "-m", "archive.cli", "crawl", *self.worker_args]
        command += ["--redis", self.url, "--idle-exit", f"{self.idle_exit:g}"]
        # Sessions of their own: a Ctrl-C at the terminal reaches this process only, which passes
        # one SIGTERM on (a second signal would make a worker quit without sending what it has).
        processes = [subprocess.Popen(command, stdout=out, start_new_session=True) for out in outputs]
        forwarded = threading.Event()

        def workers_done() -> bool:
            if stop is not None and stop.is_set() and not forwarded.is_set():
                forwarded.set()
                for process in processes:
                    if process.poll() is None:
                        process.send_signal(signal.SIGTERM)
            return all(process.poll() is not None for process in processes)

        try:
            with archive:
                summary = Committer(archive, client, self.keys, command=self.command).run(done=workers_done)
        finally:
            for process in processes:  # a failed commit: the workers stop too
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                process.wait()
            client.close()
        return summary, [process.returncode for process in processes]

"""The ``newsarchive`` console script: a signal while the command loads ends it quietly.

Loading the CLI imports DuckDB, Arrow, click and, for some commands, trafilatura: a Ctrl-C or
SIGTERM in that second would otherwise print a KeyboardInterrupt traceback or end with -15.
Until the command is loaded, either ends the process at once with 130 or 143 (nothing has been
written yet); then Python's own handling returns, and long commands install their graceful
stops (archive/cli/stops.py).
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _quit(signum: int, frame: FrameType | None) -> None:
    try:
        os.write(2, f"{signal.Signals(signum).name} while starting: stopped; nothing was written\n".encode())
    except OSError:
        pass
    os._exit(128 + signum)


def main() -> None:
    previous = {s: signal.getsignal(s) for s in _SIGNALS}
    for signum, handler in previous.items():
        if handler is not signal.SIG_IGN:  # ignored on entry (nohup): keep it so
            signal.signal(signum, _quit)
    from archive.ingest import warmup

    if warmup.extracts_in_workers(sys.argv[1:]):
        warmup.start()  # its imports and ours, at the same time
    from archive.cli import main as run

    for signum, handler in previous.items():
        signal.signal(signum, handler)
    run()

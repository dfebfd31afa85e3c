"""SIGINT and SIGTERM for long commands: the first asks the work to stop, a second one quits at once.

The handlers live here, in the command layer; the library only sees ``requested``, a plain
``threading.Event`` it checks between documents.
"""

from __future__ import annotations

import os
import signal
import threading
from types import FrameType, TracebackType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopSignals:
    """While active, SIGINT and SIGTERM set ``requested``; a second signal exits the process now.

    The exit status after a stop follows the shell's convention, 128 + the signal's number
    (130 for SIGINT, 143 for SIGTERM). A forced exit skips the batch being written: DuckDB
    replays its write-ahead log on the next open, so the archive holds every committed batch.
    """

    def __init__(self, stopping: str = "stopping: writing what is already extracted"):
        self.requested = threading.Event()
        self.signum: int | None = None
        self._stopping = stopping
        self._previous: dict[int, object] = {}

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name if self.signum is not None else ""

    @property
    def exit_code(self) -> int:
        return 128 + (self.signum or 0)

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():  # Python allows handlers only there
            for signum in SIGNALS:
                if signal.getsignal(signum) is signal.SIG_IGN:
                    continue  # ignored on entry (nohup, a background job of a script): keep it so
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
        self._previous.clear()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if self.signum is None:
            self.signum = signum
            self.requested.set()
            _say(f"{name}: {self._stopping} (send it again to quit at once)")
            return
        self.signum = signum
        _say(f"{name} again: quitting now; the archive keeps every batch committed so far")
        os._exit(self.exit_code)


def _say(line: str) -> None:
    # os.write, not print: the interrupted code may be inside a write to the same stream,
    # and a buffered stream refuses a reentrant write.
    try:
        os.write(2, f"\n{line}\n".encode())
    except OSError:
        pass

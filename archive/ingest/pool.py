"""Extraction with a size cap and a time budget, in-process or in a pool of worker processes.

In a pool the budget is enforced by killing the worker (pebble's per-task timeout; pebble then
starts a fresh worker): SIGALRM cannot interrupt a long C call in lxml. With one worker the
extraction runs in this process and SIGALRM is the best budget there is.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures import wait as wait_futures
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from pebble import ProcessExpired, ProcessPool

from archive.dedup.config import DedupConfig
from archive.dedup.features import line_input
from archive.dedup.index import InputSigner
from archive.errors import ExtractionError
from archive.extract import extract, prepare
from archive.ingest import warmup
from archive.models import Article, RawDocument, Rejection
from archive.store import rawbody
from archive.stories import StoriesConfig
from archive.stories.terms import term_weights

LOGGER = logging.getLogger(__name__)

MAX_EXTRACT_BYTES = 5 * 1024 * 1024  # trafilatura needs tens of seconds on a few MB of junk HTML
EXTRACT_SECONDS = 20.0  # per-document time budget
STORY_TERMS = (StoriesConfig().lead_chars, StoriesConfig().title_weight)
DEDUP_SIGNER = InputSigner(DedupConfig())  # the writer signs again under other parameters
STOP_POLL_SECONDS = 0.1  # how often a wait for a worker looks at the stop request
PR_SET_PDEATHSIG = 1  # linux/prctl.h


class _Timeout(BaseException):  # not an Exception: a parser's own "except Exception" must not swallow it
    pass


class Stopped(BaseException):
    """An in-process extraction was abandoned because a stop was requested."""


@contextmanager
def _time_budget(seconds: float, stop: threading.Event | None = None):
    """Raise _Timeout after ``seconds``, or Stopped soon after ``stop`` is set (SIGALRM: in the
    main thread only; elsewhere neither is enforced)."""
    if (seconds <= 0 and stop is None) or threading.current_thread() is not threading.main_thread():
        yield
        return
    deadline = time.monotonic() + seconds if seconds > 0 else float("inf")

    def _tick(signum, frame):
        if stop is not None and stop.is_set():
            raise Stopped()
        if time.monotonic() >= deadline:
            raise _Timeout()

    tick = STOP_POLL_SECONDS if stop is not None else seconds
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, _tick)
    other_alarm = signal.setitimer(signal.ITIMER_REAL, min(tick, seconds) if seconds > 0 else tick, tick)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if other_alarm[0] > 0:  # someone else's alarm (pytest-timeout's, say): set it going again
            remaining = max(other_alarm[0] - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, remaining, other_alarm[1])


def guarded_extract(
    raw: RawDocument,
    max_bytes: int = MAX_EXTRACT_BYTES,
    seconds: float = EXTRACT_SECONDS,
    stop: threading.Event | None = None,
) -> Article | Rejection:
    """``extract`` with the size cap and an in-process time budget (none when ``seconds`` is 0);
    failures become Rejections. Raises Stopped when ``stop`` is set meanwhile."""
    if len(raw.body) > max_bytes:
        return Rejection(raw.url, f"document too large to extract ({len(raw.body)} bytes; limit {max_bytes})")
    try:
        with _time_budget(seconds, stop):
            article = extract(raw)
            # Tokenising, hashing and signing for dedup (MinHash input and signatures, verifier
            # features) belong with extraction: done here, in the worker, it runs in parallel
            # instead of on the single writer's core, which only drops the lines site
            # boilerplate removes (and signs those texts again).
            article.signature_input = DEDUP_SIGNER.sign(line_input(article.text))
            article.story_terms = (*STORY_TERMS, term_weights(article.title, article.text, *STORY_TERMS))
            article.raw_packed = rawbody.pack(raw.body)  # the same: off the writer's thread
            return article
    except _Timeout:
        return Rejection(raw.url, _too_long(seconds))
    except ExtractionError as exc:
        return Rejection(raw.url, str(exc))
    except RecursionError:
        return Rejection(raw.url, "document nesting too deep to parse")
    except Exception as exc:  # a bug or a parser crash on one page must not stop the run
        LOGGER.warning("extraction failed on %s: %r", raw.url, exc)
        return Rejection(raw.url, f"extraction failed ({type(exc).__name__}: {exc})")


def prepare_process() -> None:
    """What every extracting process loads once before its first document: the language model,
    datasketch and the signers' permutations (the workers' forkserver calls it before forking)."""
    prepare()
    DEDUP_SIGNER.prepare()


def _too_long(seconds: float) -> str:
    return f"extraction took longer than {seconds:g} s"


def _init_worker(niceness: int = 0) -> None:
    die_with_parent()
    if niceness > 0:
        os.nice(niceness)  # yield the CPU to a latency-sensitive parent (the crawl's reactor)


def die_with_parent() -> None:
    """Have Linux SIGKILL this process when its parent exits, however that went (a second
    Ctrl-C, SIGKILL, the OOM killer), so no worker outlives its run, not even one stuck in a
    parser call. Without prctl (not Linux) an idle worker still ends when its pipe closes.

    Called in each worker (parent: the forkserver) and in the forkserver (parent: the process
    that started it, from its main thread: the signal also comes when that thread ends).
    """
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux
        pass


def default_workers() -> int:
    return warmup.cpus()


class ExtractorPool:
    """Runs guarded_extract in ``workers`` processes (inline when workers == 1).

    Every future it returns resolves to an Article or a Rejection, never to an exception: a
    document over its time budget, or whose worker died, is a Rejection and the run goes on.
    """

    def __init__(
        self,
        workers: int | None = None,
        max_bytes: int = MAX_EXTRACT_BYTES,
        seconds: float = EXTRACT_SECONDS,
        niceness: int = 0,
    ):
        self.workers = max(1, workers or default_workers())
        self.max_bytes = max_bytes
        self.seconds = seconds
        self.niceness = niceness
        self._lock = threading.Lock()
        self._pending: dict[Future, tuple[RawDocument, Future, bool]] = {}  # task -> (raw, verdict, retried)
        if self.workers == 1:
            prepare_process()  # here, not inside the first document's time budget
        self._pool: ProcessPool | None = self._start() if self.workers > 1 else None

    def _start(self) -> ProcessPool:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(warmup.PRELOAD)
        pool = ProcessPool(self.workers, initializer=_init_worker, initargs=(self.niceness,), context=context)
        with warmup.signals_deferred():
            if not pool.active:  # starts the workers now, not at the first document
                raise RuntimeError("extraction workers did not start")
        return pool

    def submit(self, raw: RawDocument) -> Future:
        """Extract one document; the future's result is an Article or a Rejection."""
        verdict: Future = Future()
        if self._pool is None:
            verdict.set_result(guarded_extract(raw, self.max_bytes, self.seconds))
            return verdict
        self._mend()
        self._schedule(raw, verdict, retried=False)
        return verdict

    def _schedule(self, raw: RawDocument, verdict: Future, retried: bool) -> None:
        assert self._pool is not None
        task = self._pool.schedule(guarded_extract, args=(raw, self.max_bytes, 0), timeout=self.seconds)
        with self._lock:
            self._pending[task] = (raw, verdict, retried)
        task.add_done_callback(self._settle)

    def _settle(self, task: Future) -> None:
        """Pass a finished task's verdict on (in pebble's thread)."""
        if not task.cancelled() and isinstance(task.exception(), BrokenProcessPool):
            return  # not the document's fault: _mend schedules it again on a fresh pool
        with self._lock:
            job = self._pending.pop(task, None)
        if job is not None:
            raw, verdict, _ = job
            verdict.set_result(self._verdict(raw, task))

    def _mend(self) -> None:
        """Replace a broken pool, and give its unfinished documents one more try on the new one.

        pebble replaces a worker that dies on a document, but gives up on the whole pool when
        one dies while none is busy (the OOM killer, say): its queued documents never finish.
        """
        assert self._pool is not None
        if self._pool.active:
            return
        LOGGER.warning("the extraction workers died; restarting the pool")
        self._pool.stop()
        self._pool.join()
        with self._lock:
            stranded, self._pending = list(self._pending.values()), {}
        self._pool = self._start()
        for raw, verdict, retried in stranded:
            if retried:
                verdict.set_result(Rejection(raw.url, "extraction worker failed (the pool broke twice)"))
            else:
                self._schedule(raw, verdict, retried=True)

    def _verdict(self, raw: RawDocument, task: Future) -> Article | Rejection:
        try:
            return task.result()
        except FutureTimeout:  # pebble has killed the worker and started another
            return Rejection(raw.url, _too_long(self.seconds))
        except ProcessExpired as exc:  # out of memory, a segfault in a parser
            return Rejection(raw.url, f"extraction worker died ({_exit_reason(exc.exitcode)})")
        except BaseException as exc:
            return Rejection(raw.url, f"extraction worker failed ({type(exc).__name__})")

    def map(
        self, raws: Iterable[RawDocument], stop: threading.Event | None = None
    ) -> Iterator[tuple[RawDocument, Article | Rejection]]:
        """Extract a stream of documents with a bounded number in flight; order is kept.

        Once ``stop`` is set no further document is taken from ``raws``; the documents
        already extracted are still yielded, the others in flight are dropped.
        """
        if self._pool is None:
            for raw in _until(raws, stop):
                try:
                    yield raw, guarded_extract(raw, self.max_bytes, self.seconds, stop)
                except Stopped:  # the document is left for the next run
                    return
            return
        window = self.workers * 4
        in_flight: deque[tuple[RawDocument, Future]] = deque()
        for raw in _until(raws, stop):
            in_flight.append((raw, self.submit(raw)))
            while in_flight and (len(in_flight) >= window or in_flight[0][1].done()):
                if not self._wait(in_flight[0][1], stop):
                    break
                head, future = in_flight.popleft()
                yield head, future.result()
        while in_flight and self._wait(in_flight[0][1], stop):
            head, future = in_flight.popleft()
            yield head, future.result()
        for head, future in in_flight:  # left only when stopped
            if future.done():
                yield head, future.result()

    def _wait(self, future: Future, stop: threading.Event | None) -> bool:
        """Wait for ``future``, mending a broken pool meanwhile; False if ``stop`` was set first."""
        while not future.done():
            if stop is not None and stop.is_set():
                return False
            wait_futures([future], timeout=STOP_POLL_SECONDS)
            if not future.done():
                self._mend()
        return True

    def close(self) -> None:
        """Stop the workers now; a document still being extracted is abandoned."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.stop()
            pool.join()

    def __enter__(self) -> ExtractorPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _until(items: Iterable[RawDocument], stop: threading.Event | None) -> Iterator[RawDocument]:
    """``items`` until ``stop`` is set, checked before each is read."""
    iterator = iter(items)
    while stop is None or not stop.is_set():
        try:
            yield next(iterator)
        except StopIteration:
            return


def _exit_reason(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            pass
    return f"exit status {exitcode}"

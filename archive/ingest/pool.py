"""Extraction with a size cap and a time budget, in-process or in a pool of worker processes."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from archive.dedup.config import DedupConfig
from archive.dedup.features import signature_input
from archive.errors import ExtractionError
from archive.extract import extract
from archive.models import Article, RawDocument, Rejection

LOGGER = logging.getLogger(__name__)

MAX_EXTRACT_BYTES = 5 * 1024 * 1024  # trafilatura needs tens of seconds on a few MB of junk HTML
EXTRACT_SECONDS = 20.0  # per-document time budget
SHINGLE_SIZE = DedupConfig().shingle_size


class _Timeout(Exception):
    pass


@contextmanager
def _time_budget(seconds: float):
    """Raise _Timeout after ``seconds`` (main thread only; elsewhere no budget is enforced)."""
    import threading

    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _expire(signum, frame):
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def guarded_extract(
    raw: RawDocument, max_bytes: int = MAX_EXTRACT_BYTES, seconds: float = EXTRACT_SECONDS
) -> Article | Rejection:
    """``extract`` with the size cap and time budget; failures become Rejections."""
    if len(raw.body) > max_bytes:
        return Rejection(raw.url, f"document too large to extract ({len(raw.body)} bytes; limit {max_bytes})")
    try:
        with _time_budget(seconds):
            article = extract(raw)
            # Tokenising and hashing for MinHash belong with extraction: done here, in the
            # worker, it runs in parallel instead of on the single writer's core.
            article.signature_input = (SHINGLE_SIZE, *signature_input(article.text, SHINGLE_SIZE))
            return article
    except _Timeout:
        return Rejection(raw.url, f"extraction took longer than {seconds:g} s")
    except ExtractionError as exc:
        return Rejection(raw.url, str(exc))
    except RecursionError:
        return Rejection(raw.url, "document nesting too deep to parse")
    except Exception as exc:  # a bug or a parser crash on one page must not stop the run
        LOGGER.warning("extraction failed on %s: %r", raw.url, exc)
        return Rejection(raw.url, f"extraction failed ({type(exc).__name__}: {exc})")


def _init_worker(niceness: int = 0) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if niceness > 0:
        os.nice(niceness)  # yield the CPU to a latency-sensitive parent (the crawl's reactor)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class ExtractorPool:
    """Runs guarded_extract in ``workers`` processes (inline when workers == 1)."""

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
        self._executor: ProcessPoolExecutor | None = self._start() if self.workers > 1 else None

    def _start(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["archive.ingest.pool"])  # import trafilatura once, not per worker
        return ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=_init_worker, initargs=(self.niceness,)
        )

    def submit(self, raw: RawDocument) -> Future:
        """Extract one document; the future's result is an Article or a Rejection."""
        if self._executor is None:
            future: Future = Future()
            future.set_result(guarded_extract(raw, self.max_bytes, self.seconds))
            return future
        try:
            return self._executor.submit(guarded_extract, raw, self.max_bytes, self.seconds)
        except BrokenProcessPool:
            # A worker died (killed for memory, a parser crash): start a fresh pool and go on.
            LOGGER.warning("an extraction worker died; restarting the pool")
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = self._start()
            return self._executor.submit(guarded_extract, raw, self.max_bytes, self.seconds)

    def map(self, raws: Iterable[RawDocument]) -> Iterator[tuple[RawDocument, Article | Rejection]]:
        """Extract a stream of documents with a bounded number in flight; order is kept."""
        window = self.workers * 4
        in_flight: deque[tuple[RawDocument, Future]] = deque()
        for raw in raws:
            in_flight.append((raw, self.submit(raw)))
            while len(in_flight) >= window or (in_flight and in_flight[0][1].done()):
                head, future = in_flight.popleft()
                yield head, _result(head, future)
        while in_flight:
            head, future = in_flight.popleft()
            yield head, _result(head, future)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> ExtractorPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _result(raw: RawDocument, future: Future) -> Article | Rejection:
    try:
        return future.result()
    except Exception as exc:  # a worker process died (out of memory, segfault in a parser)
        return Rejection(raw.url, f"extraction worker failed ({type(exc).__name__})")

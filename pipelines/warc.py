"""WARC output of fetched responses (warcio), written from its own thread.

The files are ordinary gzipped WARC 1.0 with response records that ``newsarchive ingest``
reads back. Usable without Scrapy: ``WarcRecorder(dir).record(url, 200, "OK", headers, body)``.
"""

from __future__ import annotations

import io
import logging
import os
import queue
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

LOGGER = logging.getLogger(__name__)

ROTATE_BYTES = 1 << 30  # start a new file after 1 GB
_HOP_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}  # the stored body is decoded
_STOP = object()


class WarcRecorder:
    """Appends response records to ``DIR/newsarchive-<time>-<pid>-<n>.warc.gz``."""

    def __init__(self, directory: str | os.PathLike, rotate_bytes: int = ROTATE_BYTES):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.rotate_bytes = rotate_bytes
        self.records = 0
        self.files: list[Path] = []
        self._handle: BinaryIO | None = None
        self._writer: WARCWriter | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=256)
        self._thread = threading.Thread(target=self._loop, name="warc-writer", daemon=True)
        self._thread.start()

    def record(
        self,
        url: str,
        status: int,
        reason: str,
        headers: list[tuple[str, str]],
        body: bytes,
        fetched_at: datetime | None = None,
    ) -> None:
        self._queue.put((url, status, reason, headers, body, fetched_at or datetime.now(timezone.utc)))

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join()

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                break
            try:
                self._write(*item)
            except Exception as exc:  # disk full or the like: keep crawling, say so
                LOGGER.error("could not write WARC record for %s: %s", item[0], exc)
        if self._handle is not None:
            self._handle.close()
        LOGGER.info("wrote %s WARC records to %s", self.records, ", ".join(map(str, self.files)) or self.directory)

    def _write(self, url, status, reason, headers, body, fetched_at) -> None:
        if self._writer is None or self._handle is None or self._handle.tell() >= self.rotate_bytes:
            self._writer = self._open()
        kept = [(name, value) for name, value in headers if name.lower() not in _HOP_HEADERS]
        kept.append(("Content-Length", str(len(body))))
        http_headers = StatusAndHeaders(f"{status} {reason}".strip(), kept, protocol="HTTP/1.1")
        record = self._writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http_headers,
            warc_headers_dict={"WARC-Date": fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")},
        )
        self._writer.write_record(record)
        self.records += 1

    def _open(self) -> WARCWriter:
        if self._handle is not None:
            self._handle.close()
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        path = self.directory / f"newsarchive-{stamp}-{os.getpid()}-{len(self.files)}.warc.gz"
        self._handle = open(path, "wb")  # noqa: SIM115 (kept open across records; closed in _open and _loop)
        self.files.append(path)
        return WARCWriter(self._handle, gzip=True)

"""WARC files (.warc, .warc.gz): HTML response records, with truncated records and gzip members detected."""

from __future__ import annotations

import gzip
import logging
import zlib
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from archive.models import RawDocument, Rejection
from archive.sources.files import HTML_TYPES, MAX_DOCUMENT_BYTES, Item
from archive.urls import host_of

LOGGER = logging.getLogger(__name__)


def read_warc(path: Path) -> Iterator[Item]:
    if not _starts_like_warc(path):
        yield Rejection(str(path), "not a valid WARC file (it does not start with a WARC/ header)")
        return
    count = truncated = 0
    with open(path, "rb") as handle:
        try:
            for record in ArchiveIterator(handle):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                status = record.http_headers.get_statuscode()
                mime = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
                body = record.content_stream().read(MAX_DOCUMENT_BYTES + 1)
                where = f"{path} [{url or 'record without URI'}]"
                if record.raw_stream.limit > 0 and len(body) <= MAX_DOCUMENT_BYTES:
                    truncated += 1
                    yield Rejection(where, "truncated WARC record")
                    continue
                count += 1
                if not status.startswith("2") or (mime and mime not in HTML_TYPES):
                    continue
                if not url.startswith(("http://", "https://")):
                    yield Rejection(where, "response record without an http(s) target URI")
                elif len(body) > MAX_DOCUMENT_BYTES:
                    yield Rejection(where, f"document too large (over {MAX_DOCUMENT_BYTES} bytes)")
                elif not body.strip():
                    yield Rejection(where, "empty response body")
                else:
                    yield RawDocument(
                        url=url,
                        source=host_of(url),
                        origin="warc",
                        body=body,
                        content_type="text/html",
                        encoding=record.http_headers.get_header("Content-Type", "")
                        .partition("charset=")[2]
                        .strip(" \"'")
                        or None,
                        hints={"fetched_at": record.rec_headers.get_header("WARC-Date")},
                    )
        except ArchiveLoadFailed as exc:
            yield Rejection(str(path), f"not a valid WARC file ({str(exc).splitlines()[0]})")
            return
    if not truncated and path.name.lower().endswith(".gz") and not gzip_complete(path):
        yield Rejection(str(path), f"truncated gzip data: the last record is incomplete ({count} records read)")
    elif count == 0:
        LOGGER.info("%s: no response records", path)


def _starts_like_warc(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(2)
        handle.seek(0)
        if head == b"\x1f\x8b":
            try:
                with gzip.open(handle) as unzipped:
                    return unzipped.read(5) == b"WARC/"
            except (OSError, EOFError):
                return False
        return handle.read(5) == b"WARC/"


def gzip_complete(path: Path) -> bool:
    """True when every gzip member in the file ends with its end-of-stream marker."""
    with open(path, "rb") as handle:
        data = handle.read(1 << 20)
        decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        while data:
            try:
                decompressor.decompress(data)
            except zlib.error:
                return False
            if decompressor.eof:
                data = decompressor.unused_data or handle.read(1 << 20)
                if not data.strip(b"\x00"):
                    return True
                decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
            else:
                data = handle.read(1 << 20)
        return decompressor.eof

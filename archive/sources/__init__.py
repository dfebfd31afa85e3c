"""Local files: paths, folders and globs to RawDocuments, bad input to Rejections.

Formats: .txt (plain article text), .html/.htm (optionally .gz), .warc/.warc.gz
(HTML response records), .jsonl (one object per line: url + html, or url + text).
"""

from __future__ import annotations

import glob
import gzip
import json
import logging
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from archive.models import RawDocument, Rejection
from archive.urls import host_of

LOGGER = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024  # larger single documents are junk, not articles
SUFFIXES = (".txt", ".html", ".htm", ".warc", ".jsonl")  # each also gzipped (.gz)
_KINDS = {".txt": "txt", ".html": "html", ".htm": "html", ".warc": "warc", ".jsonl": "jsonl"}
HTML_TYPES = ("text/html", "application/xhtml+xml")

Item = RawDocument | Rejection


def file_kind(path: Path) -> str | None:
    """The loader's name for a file's format (txt, html, warc, jsonl), from its suffixes."""
    name = path.name.lower().removesuffix(".gz")
    return _KINDS.get(os.path.splitext(name)[1])


def expand(paths: Iterable[str]) -> Iterator[Path | Rejection]:
    """Files named, found in folders (recursively, once each) or matched by globs."""
    seen: set[tuple[int, int]] = set()
    for arg in paths:
        matches = sorted(glob.glob(arg, recursive=True)) if glob.has_magic(arg) else [arg]
        if not matches:
            yield Rejection(arg, "no file matches this pattern")
        for match in matches:
            path = Path(match)
            if path.is_dir():
                yield from _walk(path, seen)
            elif path.exists():
                if _first_visit(path, seen):
                    yield path
            elif path.is_symlink():
                yield Rejection(str(path), "broken symbolic link")
            else:
                yield Rejection(str(path), "no such file or folder")


def _first_visit(path: Path, seen: set[tuple[int, int]]) -> bool:
    try:
        st = path.stat()
    except OSError:
        return True  # let the reader report the error
    key = (st.st_dev, st.st_ino)
    if key in seen:
        return False
    seen.add(key)
    return True


def _walk(folder: Path, seen: set[tuple[int, int]]) -> Iterator[Path | Rejection]:
    if not _first_visit(folder, seen):
        yield Rejection(str(folder), "symbolic link loop: folder already visited")
        return
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield Rejection(str(folder), f"cannot read folder ({exc.strerror or exc})")
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(path, seen)
        elif file_kind(path) is None:
            LOGGER.debug("skipping %s: not a supported file type", path)
        elif not path.exists():
            yield Rejection(str(path), "broken symbolic link")
        elif _first_visit(path, seen):
            yield path


def load(paths: Iterable[str]) -> Iterator[Item]:
    """Every document in ``paths``, or a Rejection naming what could not be read and why."""
    for path in expand(paths):
        if isinstance(path, Rejection):
            yield path
            continue
        kind = file_kind(path)
        if kind is None:
            yield Rejection(str(path), f"unsupported file type; expected {', '.join(SUFFIXES)} (or the same gzipped)")
            continue
        try:
            yield from _READERS[kind](path)
        except PermissionError:
            yield Rejection(str(path), "permission denied")
        except IsADirectoryError:
            yield Rejection(str(path), "is a folder")
        except (EOFError, zlib.error, gzip.BadGzipFile):
            yield Rejection(str(path), "truncated or corrupt gzip data")
        except OSError as exc:
            yield Rejection(str(path), f"cannot read file ({exc.strerror or exc})")


def _read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES and not path.name.endswith(".gz"):
        raise _TooLarge(size)
    data = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        data = gzip.decompress(data)
    return data


class _TooLarge(Exception):
    pass


def _local_document(path: Path, origin: str, content_type: str) -> Iterator[Item]:
    try:
        data = _read_bytes(path)
    except _TooLarge as exc:
        yield Rejection(str(path), f"file too large ({exc.args[0]} bytes; limit {MAX_DOCUMENT_BYTES})")
        return
    if len(data) > MAX_DOCUMENT_BYTES:
        yield Rejection(str(path), f"document too large ({len(data)} bytes; limit {MAX_DOCUMENT_BYTES})")
        return
    if not data.strip():
        yield Rejection(str(path), "empty file")
        return
    if looks_binary(data):
        yield Rejection(str(path), f"binary content, not {'HTML' if content_type == HTML_TYPES[0] else 'text'}")
        return
    encoding = None
    if content_type == "text/plain":
        try:
            data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as exc:
            yield Rejection(str(path), f"invalid UTF-8 at byte {exc.start}; convert the file to UTF-8")
            return
    absolute = path.absolute()
    yield RawDocument(
        url=absolute.as_uri(),
        source=absolute.parent.name or str(absolute.parent),
        origin=origin,
        body=data,
        content_type=content_type,
        encoding=encoding,
    )


_CONTROL_BYTES = bytes(range(0, 9)) + bytes(range(14, 32))


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB: not text."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > len(head) * 0.05


def _read_txt(path: Path) -> Iterator[Item]:
    yield from _local_document(path, "txt", "text/plain")


def _read_html(path: Path) -> Iterator[Item]:
    yield from _local_document(path, "html", "text/html")


def _read_jsonl(path: Path) -> Iterator[Item]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            where = f"{path}:{number}"
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except UnicodeDecodeError:
                yield Rejection(where, "invalid UTF-8")
                continue
            except json.JSONDecodeError as exc:
                yield Rejection(where, f"invalid JSON ({exc.msg})")
                continue
            if not isinstance(record, dict):
                yield Rejection(where, "expected a JSON object")
                continue
            yield _jsonl_document(record, where)


def _jsonl_document(record: dict, where: str) -> Item:
    url = record.get("url")
    if not isinstance(url, str) or not url.strip():
        return Rejection(where, "missing 'url'")
    html, text = record.get("html"), record.get("text")
    if isinstance(html, str) and html.strip():
        body, content_type = html, "text/html"
    elif isinstance(text, str) and text.strip():
        body, content_type = text, "text/plain"
    else:
        return Rejection(where, "needs a non-empty 'html' or 'text'")
    data = body.encode("utf-8", "surrogatepass")
    if len(data) > MAX_DOCUMENT_BYTES:
        return Rejection(where, f"document too large ({len(data)} bytes; limit {MAX_DOCUMENT_BYTES})")
    hints = {key: record[key] for key in ("title", "author", "published") if isinstance(record.get(key), str)}
    url = url.strip()
    return RawDocument(
        url=url,
        source=host_of(url) or Path(where.rsplit(":", 1)[0]).parent.name,
        origin="jsonl",
        body=data,
        content_type=content_type,
        encoding="utf-8",
        hints=hints,
    )


def _read_warc(path: Path) -> Iterator[Item]:
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


_READERS = {"txt": _read_txt, "html": _read_html, "jsonl": _read_jsonl, "warc": _read_warc}

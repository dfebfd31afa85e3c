"""Local files: paths, folders and globs expanded, and the single-document formats (.txt, .html/.htm).

Bad input becomes a Rejection naming the file and saying why; the other formats' readers
(``warc``, ``jsonl``) share the size limit and the binary test defined here.
"""

from __future__ import annotations

import glob
import gzip
import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from archive.models import RawDocument, Rejection

LOGGER = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024  # larger single documents are junk, not articles
SUFFIXES = (".txt", ".html", ".htm", ".warc", ".jsonl")  # each also gzipped (.gz)
_KINDS = {".txt": "txt", ".html": "html", ".htm": "html", ".warc": "warc", ".jsonl": "jsonl"}
HTML_TYPES = ("text/html", "application/xhtml+xml")
BINARY_SAMPLE_BYTES = 64 * 1024  # judged on the start of a document
BINARY_CONTROL_SHARE = 0.01  # text has next to no control bytes; binary formats have 10 % and more

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


class _TooLarge(Exception):
    pass


def _read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES and not path.name.endswith(".gz"):
        raise _TooLarge(size)
    data = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        data = gzip.decompress(data)
    return data


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


_CONTROL_BYTES = bytes(range(0, 9)) + bytes(range(14, 32))  # C0 controls but tab, newlines, form feed
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def looks_binary(data: bytes) -> bool:
    """More than 1 % control bytes (NUL included) in the first 64 KB: not text.

    Judged by proportion, not by the first NUL: saved pages with a few stray NUL or control
    bytes are still text (browsers show them; extraction drops the strays), while images,
    archives and PDFs have control bytes in every few dozen. UTF-16 text (half NULs) is
    recognised by its byte-order mark.
    """
    if data.startswith(_UTF16_BOMS):
        return False
    head = data[:BINARY_SAMPLE_BYTES]
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > len(head) * BINARY_CONTROL_SHARE


def read_txt(path: Path) -> Iterator[Item]:
    yield from _local_document(path, "txt", "text/plain")


def read_html(path: Path) -> Iterator[Item]:
    yield from _local_document(path, "html", "text/html")

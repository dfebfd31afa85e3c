"""Local files to RawDocuments, bad input to Rejections that name the input and say why.

Formats: .txt (plain article text) and .html/.htm in ``files``, .warc/.warc.gz (HTML response
records) in ``warc``, .jsonl (one object per line: url + html, or url + text) in ``jsonl``;
each also gzipped.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from archive.models import Rejection
from archive.sources.files import SUFFIXES, Item, expand, file_kind, looks_binary, read_html, read_txt
from archive.sources.jsonl import read_jsonl
from archive.sources.warc import gzip_complete, read_warc
from archive.urls import host_of

__all__ = ["Item", "expand", "file_kind", "gzip_complete", "host_of", "load", "looks_binary"]

_READERS: dict[str, Callable[[Path], Iterator[Item]]] = {
    "txt": read_txt,
    "html": read_html,
    "jsonl": read_jsonl,
    "warc": read_warc,
}


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

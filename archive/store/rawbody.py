"""Raw page bodies as stored in ``raw_documents.body``: zstd frames, or the bytes as read.

Rows written before migration 0100 hold the bytes as read (``codec`` NULL); they are read
as they are and never rewritten: DuckDB already keeps that column zstd-compressed on disk
(its own column compression), so rewriting them would gain little and leave the old blocks
free in the file. New rows hold one zstd frame per page (``codec`` 'zstd'), packed where the
page is extracted, in the worker processes, so that neither the writer's thread nor DuckDB's
checkpoint (which recompresses the whole last row group of an uncompressed BLOB column at
each commit) spends its time on it.
"""

from __future__ import annotations

import sys

if sys.version_info >= (3, 14):
    from compression import zstd
else:  # the standard library's module, backported
    from backports import zstd

ZSTD = "zstd"
# Level 6: on the dev pages (150 KB of HTML on average) 5.6x smaller, about 1 ms a page to
# pack and 0.2 ms to unpack; level 3 is 5.3x (no smaller than DuckDB's own compression of
# the column), level 19 only 6.0x at 38 ms a page.
LEVEL = 6


def pack(body: bytes) -> bytes:
    """The stored form of a page's bytes (codec ``ZSTD``)."""
    return zstd.compress(body, LEVEL)


def unpack(codec: str | None, stored: bytes) -> bytes:
    """The page's bytes as read, from what ``raw_documents`` holds (ValueError if it is not
    in the form ``codec`` says)."""
    if codec is None:
        return stored
    if codec == ZSTD:
        try:
            return zstd.decompress(stored)
        except zstd.ZstdError as exc:
            raise ValueError(f"not a zstd frame ({exc})") from None
    raise ValueError(f"unknown raw_documents codec {codec!r}")

"""Stream entries: what a worker sends the committer, as Redis Stream fields.

An entry is an article (its raw document, the extraction and the dedup signature input
computed in the worker) or a rejection. The fields are JSON and raw bytes, never pickle: a
malformed entry raises ``PoisonEntry`` and is moved aside, and nothing in Redis can run code
in the committer. The page body travels as the archive stores it (``zbody``: the zstd frame
the worker packed next to extraction, so the committer's writer stores it as it is); entries
from workers of before carry it zlib-compressed (``body``, level 1) and are still read.
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from datetime import datetime
from typing import Any

import numpy as np

from archive.dedup.features import LINE_INPUT_DTYPES, LineInput
from archive.errors import ArchiveError
from archive.models import Article, RawDocument, Rejection
from archive.store import rawbody

VERSION = b"1"
_DATES = ("published", "modified")
_ARTICLE_FIELDS = [
    f.name
    for f in dataclasses.fields(Article)
    # story_terms is left to the committer (the writer weighs the terms of articles that come without).
    if f.name
    not in (
        "signature_input", "story_terms", "raw_packed", "id", "cluster_id", "duplicate_kind", "similarity",
        "ingested_at",
    )
]  # fmt: skip


class PoisonEntry(ArchiveError):
    """A stream entry that cannot be read back (malformed, or of an unknown version)."""


def encode_article(raw: RawDocument, article: Article) -> dict[bytes, bytes]:
    values = {name: getattr(article, name) for name in _ARTICLE_FIELDS}
    for name in _DATES:
        if values[name] is not None:
            values[name] = values[name].isoformat()
    document = {
        "url": raw.url,
        "source": raw.source,
        "origin": raw.origin,
        "content_type": raw.content_type,
        "encoding": raw.encoding,
        "hints": raw.hints,
    }
    fields = {
        b"v": VERSION,
        b"kind": b"article",
        b"raw": json.dumps(document, default=str).encode(),
        b"article": json.dumps(values, default=str).encode(),
        b"zbody": article.raw_packed if article.raw_packed is not None else rawbody.pack(raw.body),
    }
    if article.signature_input is not None:  # a LineInput: numpy arrays of fixed dtypes
        for name, array in zip(LINE_INPUT_DTYPES, article.signature_input.arrays(), strict=True):
            fields[f"dedup_{name}".encode()] = array.tobytes()
    return fields


def encode_rejection(rejection: Rejection) -> dict[bytes, bytes]:
    return {b"v": VERSION, b"kind": b"rejection", b"rejection": json.dumps(dataclasses.asdict(rejection)).encode()}


def decode(fields: dict[bytes, bytes]) -> tuple[RawDocument, Article] | Rejection:
    """The entry's article (with its raw document) or rejection; PoisonEntry if it is not one."""
    if fields.get(b"v") != VERSION:
        raise PoisonEntry(f"unknown entry version {fields.get(b'v')!r}")
    kind = fields.get(b"kind")
    try:
        if kind == b"rejection":
            return Rejection(**json.loads(fields[b"rejection"]))
        if kind == b"article":
            return _article(fields)
    except (KeyError, TypeError, ValueError, zlib.error) as exc:
        raise PoisonEntry(
            f"malformed {(kind or b'').decode(errors='replace')} entry ({type(exc).__name__}: {exc})"
        ) from None
    raise PoisonEntry(f"unknown entry kind {kind!r}")


def _article(fields: dict[bytes, bytes]) -> tuple[RawDocument, Article]:
    document: dict[str, Any] = json.loads(fields[b"raw"])
    if b"zbody" in fields:
        packed: bytes | None = fields[b"zbody"]
        body = rawbody.unpack(rawbody.ZSTD, fields[b"zbody"])
    else:
        packed, body = None, zlib.decompress(fields[b"body"])
    raw = RawDocument(body=body, **document)
    values: dict[str, Any] = json.loads(fields[b"article"])
    for name in _DATES:
        if values.get(name) is not None:
            values[name] = datetime.fromisoformat(values[name])
    article = Article(**values)
    article.raw_packed = packed
    if b"dedup_stems" in fields:
        article.signature_input = LineInput.from_arrays(
            [np.frombuffer(fields[f"dedup_{name}".encode()], dtype=t).copy() for name, t in LINE_INPUT_DTYPES.items()]
        )
    _check_types(raw, article)
    return raw, article


_REQUIRED = ("url", "source", "origin", "text", "text_hash")  # str
_CONTAINERS = {"meta": dict, "provenance": dict, "authors": list}


def _check_types(raw: RawDocument, article: Article) -> None:
    """What the archive's columns take, checked here: a wrong type would fail the whole batch's write."""
    for name in ("url", "source", "origin", "content_type"):
        if not isinstance(getattr(raw, name), str):
            raise ValueError(f"raw document {name} is not a string")
    if not isinstance(raw.hints, dict) or not (raw.encoding is None or isinstance(raw.encoding, str)):
        raise ValueError("raw document hints or encoding of the wrong type")
    for name in _ARTICLE_FIELDS:
        value = getattr(article, name)
        if name in _CONTAINERS:
            wrong = not isinstance(value, _CONTAINERS[name])
        elif name in _DATES:
            wrong = value is not None and not isinstance(value, datetime)
        else:
            wrong = not isinstance(value, str) if name in _REQUIRED else not (value is None or isinstance(value, str))
        if wrong:
            raise ValueError(f"article {name} of the wrong type ({type(value).__name__})")
    if not all(isinstance(author, str) for author in article.authors):
        raise ValueError("article authors not all strings")

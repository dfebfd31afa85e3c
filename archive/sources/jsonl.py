"""JSON Lines files: one object per line with a url and either html or text (title, author, published as
hints; source, the outlet's name, instead of the URL's host)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from archive.models import RawDocument, Rejection
from archive.sources.files import MAX_DOCUMENT_BYTES, Item
from archive.urls import host_of

HINT_FIELDS = ("title", "author", "published")


def read_jsonl(path: Path) -> Iterator[Item]:
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


def _jsonl_document(record: dict[str, Any], where: str) -> Item:
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
    hints = {key: record[key] for key in HINT_FIELDS if isinstance(record.get(key), str)}
    url = url.strip()
    source = record.get("source")
    if not isinstance(source, str) or not source.strip():
        source = host_of(url) or Path(where.rsplit(":", 1)[0]).parent.name
    return RawDocument(
        url=url,
        source=source.strip(),
        origin="jsonl",
        body=data,
        content_type=content_type,
        encoding="utf-8",
        hints=hints,
    )

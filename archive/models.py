"""Plain data passed between loader, extraction, dedup and store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class RawDocument:
    """One fetched or loaded document, before extraction."""

    url: str  # http(s) URL, or file:// URI of the absolute path
    source: str  # host name, or the folder for local files
    origin: str  # txt | html | warc | jsonl | crawl
    body: bytes  # the bytes as read or fetched (HTML or plain text)
    content_type: str = "text/html"  # text/html or text/plain
    encoding: str | None = None  # charset declared by HTTP headers, if any
    hints: dict[str, Any] = field(default_factory=dict)  # metadata from jsonl, feeds, sitemaps


@dataclass
class Article:
    """An article: as extracted (ready to be archived), or as read back from the archive.

    The fields after ``extractor`` are the archive's: set on articles read back, None before.
    """

    url: str
    source: str
    origin: str
    text: str
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    language: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    description: str | None = None
    text_hash: str = ""
    meta: dict[str, Any] = field(default_factory=dict)  # extra fields and provenance, stored as JSON
    authors: list[str] = field(default_factory=list)
    modified: datetime | None = None
    image: str | None = None
    date_confidence: str | None = None  # high | medium | low | none
    provenance: dict[str, str] = field(default_factory=dict)  # field -> evidence it came from
    # Dedup input computed next to extraction (in the worker process), not stored as such: an
    # archive.dedup.features.LineInput of ``text`` (MinHash input and verifier features, by line).
    signature_input: Any = field(default=None, repr=False, compare=False)
    # Story term weights computed next to extraction, not stored: (lead_chars, title_weight,
    # {term hash: weight}) of ``title`` and ``text``.
    story_terms: tuple | None = field(default=None, repr=False, compare=False)
    # The raw document's body as the archive stores it (zstd), packed next to extraction so
    # that the writer does not spend its one thread on it; None: the store packs it itself.
    raw_packed: bytes | None = field(default=None, repr=False, compare=False)
    extractor: str | None = None  # extraction version
    access: str | None = None  # free | teaser | paywalled (what the page says of its paywall)
    text_quality: str | None = None  # full | short | fragments (mostly lists, cells, short lines)
    id: int | None = None
    cluster_id: int | None = None  # the id of its duplicate group's representative (its own id: no copies)
    duplicate_kind: str | None = None  # exact | near | rewrite, for a copy; None for a representative
    similarity: float | None = None  # to the representative, for a copy
    story_id: int | None = None  # the story it reports on: the id of that story's first article
    ingested_at: datetime | None = None

    @property
    def is_duplicate(self) -> bool:
        """A copy of another archived article (its group's representative)."""
        return self.cluster_id is not None and self.cluster_id != self.id

    def to_dict(self) -> dict[str, Any]:
        """The article as JSON-ready values (dates in ISO 8601), without extraction internals."""
        values = {name: getattr(self, name) for name in PUBLIC_FIELDS}
        for name in ("published", "modified", "ingested_at"):
            if values[name] is not None:
                values[name] = values[name].isoformat()
        return values


PUBLIC_FIELDS = (
    "id", "url", "source", "title", "author", "authors", "published", "modified", "date_confidence", "language",
    "site_name", "canonical_url", "description", "image", "access", "text_quality", "text", "text_hash", "cluster_id",
    "duplicate_kind", "similarity", "story_id", "origin", "ingested_at", "provenance", "extractor",
)  # fmt: skip


@dataclass(frozen=True)
class GoneArticle:
    """A revisit found an archived article's page gone (HTTP 404 or 410)."""

    url: str  # as requested: the article's URL or an alias of it
    status: int
    fetched_at: datetime


@dataclass
class Rejection:
    """An input that could not be archived, with a one-line reason."""

    input: str  # path, path:line, or URL
    reason: str
    digest: str | None = None  # of the document extraction refused: unchanged, it is not extracted again
    earlier: bool = False  # rejected by an earlier run with the same digest, so not extracted this time

    def __str__(self) -> str:
        again = " (unchanged since an earlier run; not extracted again)" if self.earlier else ""
        return f"{self.input}: {self.reason}{again}"


@dataclass
class Poll:
    """One poll of a followed source's feed or sitemap, and what came of the articles it listed."""

    source: str  # the sources.toml entry
    url: str  # the feed or sitemap polled
    started_at: datetime
    finished_at: datetime
    status: str  # ok | not modified | the failure (HTTP 500, timed out, not a feed, ...)
    http_status: int | None = None
    etag: str | None = None  # validators to send on the next poll
    last_modified: str | None = None
    entries: int = 0  # articles the feed or sitemap listed
    newest_entry: datetime | None = None
    requested: int = 0  # listed articles not archived before, fetched
    archived: int = 0  # ... extracted and handed to the archive
    rejected: int = 0  # ... extraction found no article text
    failed: int = 0  # ... could not be fetched (HTTP errors, timeouts, not HTML)
    short: int = 0  # ... archived with a very short text
    median_text_length: int | None = None

    @property
    def succeeded(self) -> bool:
        return self.status in ("ok", "not modified")

"""Re-run extraction over the raw documents already archived and update articles in place.

After an upgrade of the extractor or once per-site boilerplate has been learned, the stored
raw pages are extracted again; text and metadata are updated and duplicate groups refreshed,
all in one transaction, so a failure leaves the archive as it was.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from archive.dedup import Deduplicator
from archive.extract.siteblocks import SiteBoilerplate
from archive.ingest.pool import ExtractorPool
from archive.models import Article, RawDocument, Rejection
from archive.store import Archive, _json, _utc

LOGGER = logging.getLogger(__name__)

CHUNK = 200  # raw documents read and extracted per round
# Fields compared to decide whether an article changed (user-visible text and metadata).
COMPARED = (
    "text",
    "title",
    "author",
    "authors",
    "published",
    "modified",
    "language",
    "site_name",
    "canonical_url",
    "description",
    "image",
    "date_confidence",
)
_UPDATE_SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("text", pa.string()),
        ("text_hash", pa.string()),
        ("title", pa.string()),
        ("author", pa.string()),
        ("authors", pa.list_(pa.string())),
        ("published", pa.timestamp("us", tz="UTC")),
        ("modified", pa.timestamp("us", tz="UTC")),
        ("language", pa.string()),
        ("site_name", pa.string()),
        ("canonical_url", pa.string()),
        ("description", pa.string()),
        ("image", pa.string()),
        ("date_confidence", pa.string()),
        ("provenance", pa.string()),
        ("extractor", pa.string()),
        ("meta", pa.string()),
    ]
)


@dataclass
class ReextractStats:
    read: int = 0  # articles whose raw document was extracted again
    changed: int = 0  # articles whose text or metadata changed
    text_changed: int = 0  # of which the text changed
    duplicates: int = 0  # duplicates after the groups were refreshed
    failed: list[Rejection] = field(default_factory=list)  # kept as they were


def reextract(
    archive: Archive,
    sources: Sequence[str] = (),
    workers: int | None = None,
    deduplicator: Deduplicator | None = None,
    site_boilerplate: SiteBoilerplate | None = None,
    on_chunk: Callable[[ReextractStats], None] | None = None,
) -> ReextractStats:
    """Extract every archived raw document again (only ``sources`` when given); one transaction."""
    con = archive.con
    deduplicator = deduplicator or Deduplicator()
    deduplicator.check(archive)
    site_boilerplate = site_boilerplate or SiteBoilerplate()
    where, params = ("WHERE source IN (SELECT unnest(?))", [list(sources)]) if sources else ("", [])
    ids = [row[0] for row in con.execute(f"SELECT id FROM articles {where} ORDER BY id", params).fetchall()]
    stats = ReextractStats()
    regroup_ids: list[int] = []
    con.execute("BEGIN TRANSACTION")
    try:
        with ExtractorPool(workers) as pool:
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                raws = _raw_documents(con, chunk)
                fresh: list[tuple[int, Article]] = []
                for (article_id, _), (_, result) in zip(raws, pool.map(raw for _, raw in raws)):
                    stats.read += 1
                    if isinstance(result, Rejection):
                        stats.failed.append(result)
                    else:
                        fresh.append((article_id, result))
                site_boilerplate.apply(con, [article for _, article in fresh])
                _update(con, fresh, stats, regroup_ids)
                if on_chunk:
                    on_chunk(stats)
        stats.duplicates = deduplicator.refresh(archive, regroup_ids)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return stats


def _raw_documents(con, ids: list[int]) -> list[tuple[int, RawDocument]]:
    rows = con.execute(
        """
        SELECT a.id, a.url, a.source, a.origin, r.content_type, r.encoding, r.body, r.hints
        FROM articles a JOIN raw_documents r ON r.article_id = a.id
        WHERE a.id IN (SELECT unnest(?)) ORDER BY a.id
        """,
        [ids],
    ).fetchall()
    return [
        (
            article_id,
            RawDocument(
                url=url,
                source=source,
                origin=origin,
                body=bytes(body),
                content_type=content_type,
                encoding=encoding,
                hints=json.loads(hints) if hints else {},
            ),
        )
        for article_id, url, source, origin, content_type, encoding, body, hints in rows
    ]


def _update(con, fresh: list[tuple[int, Article]], stats: ReextractStats, regroup_ids: list[int]) -> None:
    """Write the new values of the articles that differ from what is stored."""
    if not fresh:
        return
    names = ", ".join(COMPARED)
    stored = {
        row[0]: row[1:]
        for row in con.execute(
            f"SELECT id, {names}, extractor FROM articles WHERE id IN (SELECT unnest(?))", [[i for i, _ in fresh]]
        ).fetchall()
    }
    columns: dict[str, list] = {name: [] for name in _UPDATE_SCHEMA.names}
    for article_id, a in fresh:
        new = (
            a.text,
            a.title,
            a.author,
            a.authors or None,
            _utc(a.published),
            _utc(a.modified),
            a.language,
            a.site_name,
            a.canonical_url,
            a.description,
            a.image,
            a.date_confidence,
        )
        old = stored.get(article_id)
        if old is None:
            continue
        differs = [name for name, before, after in zip(COMPARED, old, new) if _norm(before) != _norm(after)]
        if not differs and old[-1] == a.extractor:
            continue
        if differs:
            stats.changed += 1
            stats.text_changed += "text" in differs
            if "text" in differs or "published" in differs:  # text joins groups; dates pick representatives
                regroup_ids.append(article_id)
        values = dict(
            zip(COMPARED, new),
            id=article_id,
            text_hash=a.text_hash,
            provenance=_json(a.provenance),
            extractor=a.extractor,
            meta=_json(a.meta),
        )
        for name in _UPDATE_SCHEMA.names:
            columns[name].append(values[name])
    if not columns["id"]:
        return
    con.register("_reextract", pa.table(columns, schema=_UPDATE_SCHEMA))
    try:
        con.execute(
            """
            UPDATE articles SET text = b.text, text_hash = b.text_hash, title = b.title, author = b.author,
                authors = b.authors, published = b.published, modified = b.modified, language = b.language,
                site_name = b.site_name, canonical_url = b.canonical_url, description = b.description,
                image = b.image, date_confidence = b.date_confidence, provenance = b.provenance::JSON,
                extractor = b.extractor, meta = b.meta::JSON
            FROM _reextract b WHERE articles.id = b.id
            """
        )
    finally:
        con.unregister("_reextract")


def _norm(value):
    """Stored and fresh values compare alike (lists vs tuples, timestamps in UTC)."""
    if isinstance(value, (list, tuple)):
        return list(value) or None
    if hasattr(value, "astimezone"):
        return _utc(value)
    return value

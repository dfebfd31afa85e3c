"""Per-source block occurrences (``site_blocks``): which lines each archived article of a source has.

``site_texts`` holds the articles (by text hash) they were learned from, one row each: a
block's share is over those, counted without reading every block row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

_ROWS = pa.schema(
    [
        ("source", pa.string()),
        ("block_hash", pa.string()),
        ("text_hash", pa.string()),
        ("sample", pa.string()),
        ("article_id", pa.int64()),
    ]
)
_LEARNED = pa.schema([_ROWS.field(name) for name in ("source", "text_hash", "article_id")])


@dataclass(frozen=True)
class BlockSeen:
    """One block (line) of one article of a source, as extracted (before any block was removed)."""

    source: str
    block_hash: str
    text_hash: str  # of the article's extracted text: exact copies count once
    sample: str
    article_id: int


class SiteBlocks:
    """The ``site_blocks`` table: learning rows in, per-source block shares out."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def learn(self, rows: Sequence[BlockSeen]) -> None:
        """Record block occurrences (``forget`` an article's rows first to learn it again)."""
        if not rows:
            return
        columns = {name: [getattr(row, name) for row in rows] for name in _ROWS.names}
        self.con.register("_site_blocks_batch", pa.table(columns, schema=_ROWS))
        try:
            # A text a source has already been learned from is not learned again: the block rows
            # come only from the articles whose (source, text) is new, so site_blocks needs no
            # unique key (an ART index that every insert and checkpoint pays for).
            learned = self.con.execute(
                """INSERT OR IGNORE INTO site_texts (source, text_hash, article_id)
                   SELECT DISTINCT ON (source, text_hash) source, text_hash, article_id FROM _site_blocks_batch
                   RETURNING source, text_hash, article_id"""
            ).fetchall()  # about one row per article of the batch
            new_texts = [dict(zip(_LEARNED.names, row)) for row in learned]
            self.con.register("_site_texts_learned", pa.Table.from_pylist(new_texts, schema=_LEARNED))
            self.con.execute(
                """INSERT INTO site_blocks (source, block_hash, text_hash, sample, article_id)
                   SELECT DISTINCT ON (source, block_hash, text_hash) b.source, b.block_hash, b.text_hash, b.sample,
                          b.article_id
                   FROM _site_blocks_batch b JOIN _site_texts_learned USING (source, text_hash, article_id)"""
            )
        finally:
            self.con.unregister("_site_blocks_batch")
            self.con.unregister("_site_texts_learned")

    def forget(self, article_ids: Sequence[int]) -> None:
        """Drop what was learned from these articles (before their new extraction is learned)."""
        if article_ids:
            self.con.execute("DELETE FROM site_blocks WHERE article_id IN (SELECT unnest(?))", [list(article_ids)])
            self.con.execute("DELETE FROM site_texts WHERE article_id IN (SELECT unnest(?))", [list(article_ids)])

    def shares(self, blocks: Sequence[tuple[str, str]], min_articles: int) -> dict[tuple[str, str], float]:
        """(source, block_hash) -> share of the source's articles containing the block, for the
        given blocks seen in at least ``min_articles`` different articles of their source."""
        if not blocks:
            return {}
        probe = pa.table({"source": [s for s, _ in blocks], "block_hash": [h for _, h in blocks]})
        self.con.register("_site_blocks_query", probe)
        try:
            rows = self.con.execute(
                """
                WITH q AS (SELECT DISTINCT source, block_hash FROM _site_blocks_query),
                     sizes AS (SELECT source, count(*) AS articles FROM site_texts
                               WHERE source IN (SELECT source FROM q) GROUP BY source)
                SELECT s.source, s.block_hash, count(*) / any_value(sizes.articles) FROM site_blocks s
                JOIN q USING (source, block_hash) JOIN sizes USING (source)
                GROUP BY s.source, s.block_hash HAVING count(*) >= ?
                """,
                [min_articles],
            ).fetchall()
        finally:
            self.con.unregister("_site_blocks_query")
        return {(source, digest): float(share) for source, digest, share in rows}

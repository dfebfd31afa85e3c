"""Full-text search over titles and texts: a word index in ``search_terms``, kept by the writer.

Why by hand: DuckDB's ``fts`` extension is not in the Python wheel (it is downloaded at run
time, which an offline machine cannot do) and rebuilds its index over the whole table at once;
a news archive grows by batches. Here every distinct word of an article's title and text is
stored as a 32-bit hash beside its id, in the same transaction as the article, and one SQL
expression splits both the archived texts and the user's query, so the two always agree.
A query of a few words is a scan of one integer column (tens of ms at 100,000 articles).

Query syntax: words (all must occur, case-insensitive, whole words) and ``"quoted phrases"``
(the words in that order, with any punctuation or spacing between them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

# A word is a run of letters and digits in any script; a term is its hash's top 32 bits.
# (A 32-bit collision makes a query word match one other word of the vocabulary: about one
# chance in 4,000 per query word for a vocabulary of a million words.) The migration
# 0050_search_terms.sql indexed the archive with these same expressions.
WORDS = r"regexp_split_to_array(lower({}), '[^\pL\pN]+')"
TERM = "(hash({}) >> 32)::UINTEGER"
_PHRASE = re.compile(r'"([^"]*)"')
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchQuery:
    """A user's query: the words every hit contains, and the phrases it contains in order."""

    text: str
    phrases: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> SearchQuery:
        phrases = tuple(p for p in (" ".join(_WORD.findall(m.lower())) for m in _PHRASE.findall(text)) if " " in p)
        return cls(text.replace('"', " "), phrases)

    def phrase_patterns(self) -> list[str]:
        """A regular expression per phrase: its words in any case, any run of non-word characters between.

        (Case folded by RE2 rather than by ``lower()``: lower-casing every candidate text first
        costs more than the match.)
        """
        return ["(?i)" + r"[^\pL\pN]+".join(re.escape(word) for word in phrase.split()) for phrase in self.phrases]


class SearchIndex:
    """The ``search_terms`` table: writes for the writer's batches, the match for queries."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def add(self, ids: Sequence[int]) -> None:
        """Index articles ``ids`` (already inserted, in this transaction)."""
        if not ids:
            return
        self.con.execute(
            f"""
            INSERT INTO search_terms
            SELECT DISTINCT id, {TERM.format("word")}
            FROM (SELECT id, unnest({WORDS.format("coalesce(title, '') || ' ' || text")}) AS word
                  FROM articles WHERE id IN (SELECT unnest(?)))
            WHERE word <> ''
            """,
            [list(ids)],
        )

    def replace(self, ids: Sequence[int]) -> None:
        """Index again articles whose title or text changed (reextract)."""
        if not ids:
            return
        self.con.execute("DELETE FROM search_terms WHERE article_id IN (SELECT unnest(?))", [list(ids)])
        self.add(ids)

    def terms(self, query: SearchQuery) -> list[int]:
        """The distinct terms of a query, split and hashed as the index was."""
        rows = self.con.execute(
            f"SELECT DISTINCT {TERM.format('word')} FROM (SELECT unnest({WORDS.format('?')}) AS word) WHERE word <> ''",
            [query.text],
        ).fetchall()
        return [int(row[0]) for row in rows]

    @staticmethod
    def matching(terms: Sequence[int]) -> tuple[str, list[object]]:
        """SQL selecting the ids of articles that hold every one of ``terms``, and its parameters."""
        return (
            "SELECT article_id FROM search_terms WHERE term IN (SELECT unnest(?)) GROUP BY article_id HAVING count(*) = ?",
            [list(terms), len(terms)],
        )

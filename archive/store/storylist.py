"""Reading stories back: the listing (``newsarchive stories``, ``a.stories()``) and one story's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from archive.errors import NotFound
from archive.models import Article
from archive.store.catalog import _FROM, _SELECT, _article
from archive.store.convert import utc

STORY_ORDERS = {
    "largest": "s.articles DESC, s.last_published DESC NULLS LAST, s.story_id DESC",
    "newest": "s.last_published DESC NULLS LAST, s.articles DESC, s.story_id DESC",
}


@dataclass(frozen=True)
class Story:
    """One row of the ``stories`` view."""

    story_id: int
    label: str
    articles: int
    sources: int
    first_published: datetime | None
    last_published: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "story_id": self.story_id,
            "label": self.label,
            "articles": self.articles,
            "sources": self.sources,
            "first_published": self.first_published.isoformat() if self.first_published else None,
            "last_published": self.last_published.isoformat() if self.last_published else None,
        }


@dataclass(frozen=True)
class StoryTimeline:
    """A story and its reports, earliest first (published, else archived)."""

    story: Story
    members: list[Article]
    merged: list[int]  # stories that merged into this one


class StoryList:
    """Read-only queries over stories."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def stories(
        self,
        since: datetime | None = None,
        source: str | None = None,
        order: str = "largest",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Story]:
        """Stories with a report published since ``since`` / from ``source``; largest (or newest) first."""
        clauses: list[str] = ["TRUE"]
        params: list[Any] = []
        if since is not None:
            clauses.append("a.published >= ?")
            params.append(utc(since))
        if source:
            clauses.append("a.source = ?")
            params.append(source)
        rows = self.con.execute(
            f"""SELECT s.* FROM stories s
                WHERE s.story_id IN (SELECT a.story_id FROM articles a WHERE {" AND ".join(clauses)})
                ORDER BY {STORY_ORDERS[order]} LIMIT ? OFFSET ?""",
            [*params, limit, offset],
        ).fetchall()
        return [_story(row) for row in rows]

    def story(self, story_id: int) -> StoryTimeline:
        rows = self.con.execute("SELECT * FROM stories WHERE story_id = ?", [story_id]).fetchall()
        if not rows:
            merged = self.con.execute(
                "SELECT merged_into FROM story_merges WHERE story_id = ? ORDER BY merged_at DESC", [story_id]
            ).fetchall()
            where = f"; it merged into story {merged[0][0]}" if merged else ""
            raise NotFound(f"no story {story_id}{where}")
        members = self.con.execute(
            f"SELECT {_SELECT} FROM {_FROM} WHERE a.story_id = ? ORDER BY coalesce(a.published, a.ingested_at), a.id",
            [story_id],
        ).fetchall()
        merged_in = self.con.execute(
            "SELECT DISTINCT story_id FROM story_merges WHERE merged_into = ? ORDER BY 1", [story_id]
        ).fetchall()
        return StoryTimeline(_story(rows[0]), [_article(m) for m in members], [int(r[0]) for r in merged_in])

    def count(self) -> int:
        return int(self.con.execute("SELECT count(*) FROM stories").fetchall()[0][0])


def _story(row: tuple[Any, ...]) -> Story:
    story_id, label, articles, sources, first, last = row
    return Story(int(story_id), str(label or ""), int(articles), int(sources), first, last)

"""``newsarchive stories``: list stories, show one story's timeline, or rebuild them."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from archive.api import NewsArchive
from archive.ingest.writer import ArchiveWriter
from archive.models import Article
from archive.store import Archive
from archive.stories import StoriesConfig


@click.command()
@click.argument("story_id", type=int, required=False)
@click.option("--since", metavar="DATE", help="Only stories with a report published since DATE (YYYY-MM-DD).")
@click.option("--source", metavar="S", help="Only stories with a report from this source.")
@click.option("--newest", is_flag=True, help="Most recent first (default: largest first).")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True, help="Stories listed (0: all).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per story (or the timeline as one).")
@click.option("--rebuild", is_flag=True, help="Assign every article to stories again from scratch.")
@click.pass_context
def stories(ctx, story_id, since, source, newest, limit, as_json, rebuild):
    """List stories (reports of one event across outlets), or show the timeline of STORY_ID.

    A story's id is the id of its first article (articles.story_id). The timeline shows each
    report's time, source and headline, and whether it is a copy of another report (its
    duplicate kind) or an independent report.

    \b
    Example:
        newsarchive stories --since 2025-12-01
        newsarchive stories 1
        newsarchive stories --rebuild
    """
    if rebuild:
        with Archive(ctx.obj["db"]) as archive:
            writer = ArchiveWriter(archive, command="stories --rebuild", rebuilding=True)
            try:
                writer.rebuild_stories()
            finally:
                writer.close()
            count = archive.cursor().story_list.count()
        click.echo(f"rebuilt: {count} stories (parameters {StoriesConfig().fingerprint})")
        return
    with NewsArchive(ctx.obj["db"]) as archive:
        if story_id is not None:
            _timeline(archive, story_id, as_json)
            return
        order = "newest" if newest else "largest"
        found = archive.stories(since=since, source=source, order=order, limit=limit or None)
    if as_json:
        for story in found:
            click.echo(json.dumps(story.to_dict(), ensure_ascii=False))
        return
    console = Console(soft_wrap=False)
    if not found:
        console.print("no stories")
        return
    table = Table(title="stories", title_justify="left")
    for column in ("story", "articles", "sources", "first", "last", "label"):
        table.add_column(column, overflow="fold", no_wrap=column != "label")
    for s in found:
        first = s.first_published.date().isoformat() if s.first_published else ""
        last = s.last_published.date().isoformat() if s.last_published else ""
        table.add_row(str(s.story_id), str(s.articles), str(s.sources), first, last, s.label)
    console.print(table)


def _timeline(archive: NewsArchive, story_id: int, as_json: bool) -> None:
    timeline = archive.story(story_id)
    if as_json:
        record = {
            **timeline.story.to_dict(),
            "merged": timeline.merged,
            "members": [_member(m) for m in timeline.members],
        }
        click.echo(json.dumps(record, ensure_ascii=False))
        return
    story = timeline.story
    table = Table(
        title=f"story {story.story_id}: {story.label} ({_count(story.articles, 'article')}, {_count(story.sources, 'source')})",
        title_justify="left",
    )
    for column in ("time", "id", "source", "headline", "report"):
        table.add_column(column, overflow="fold", no_wrap=column != "headline")
    for m in timeline.members:
        moment = m.published or m.ingested_at
        when = moment.strftime("%Y-%m-%d %H:%M") if moment else ""
        table.add_row(when, str(m.id), m.source, m.title or "", _report(m))
    Console(soft_wrap=False).print(table)


def _report(article: Article) -> str:
    if article.is_duplicate:
        return f"copy ({article.duplicate_kind or 'duplicate'}) of {article.cluster_id}"
    return "independent"


def _member(article: Article) -> dict:
    moment = article.published or article.ingested_at
    return {
        "id": article.id,
        "time": moment.isoformat() if moment else None,
        "source": article.source,
        "title": article.title,
        "url": article.url,
        "duplicate_kind": article.duplicate_kind,
        "copy_of": article.cluster_id if article.is_duplicate else None,
    }


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")

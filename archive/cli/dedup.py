"""CLI commands for duplicate groups: ``dups`` lists them, ``dedup --rebuild`` recomputes them."""

from __future__ import annotations

import json
import logging

import click
from rich.console import Console
from rich.table import Table

from archive.api import NewsArchive
from archive.dedup.config import DedupConfig
from archive.ingest.writer import ArchiveWriter
from archive.models import Article
from archive.store import Archive

LOGGER = logging.getLogger(__name__)

KINDS = ("exact", "near", "rewrite")
MEMBER_COLUMNS = ("id", "source", "title", "published", "kind", "similarity")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per group.")
@click.option("--kind", type=click.Choice(KINDS), help="Only groups with a member of this kind.")
@click.option("--article", type=int, metavar="ID", help="Only the group of this article.")
@click.option(
    "--limit", type=click.IntRange(min=0), default=50, show_default=True, help="Largest groups shown (0: all)."
)
@click.pass_context
def dups(ctx, as_json, kind, article, limit):
    """List duplicate groups with each member's source, title, date, kind and similarity.

    The first member of a group is its representative (earliest published, then earliest
    ingested); its id is the group id (articles.cluster_id). Similarity is the share of the
    shorter text found in the other (near) or of its sentences that align in order (rewrite).

    \b
    Example:
        newsarchive dups --kind rewrite
        newsarchive dups --article 42 --json
    """
    with NewsArchive(ctx.obj["db"]) as archive:
        groups = [archive.group_of(article)] if article is not None else archive.groups(kind=kind, limit=limit or None)
    if as_json:
        for group in groups:
            members = [_member(m) for m in group.members]
            click.echo(
                json.dumps({"group": group.cluster_id, "size": len(members), "members": members}, ensure_ascii=False)
            )
        return
    console = Console(soft_wrap=False)
    if not groups:
        console.print("no duplicate groups")
        return
    if article is not None and len(groups[0].members) == 1:
        console.print(f"article {article} has no duplicates")
        return
    for group in groups:
        first = group.members[0]
        table = Table(
            title=f"group {group.cluster_id}: {len(group.members)} articles, representative {first.id} ({first.source})",
            title_justify="left",
        )
        for column in MEMBER_COLUMNS:
            table.add_column(column, overflow="fold", no_wrap=column not in ("title", "source"))
        for m in group.members:
            similarity = "" if m.similarity is None else f"{m.similarity:.2f}"
            kind = m.duplicate_kind or ""
            published = m.published.date().isoformat() if m.published else ""
            table.add_row(str(m.id), m.source, m.title or "", published, kind, similarity)
        console.print(table)


def _member(article: Article) -> dict:
    return {
        "id": article.id,
        "source": article.source,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "url": article.url,
        "kind": article.duplicate_kind or ("representative" if article.id == article.cluster_id else None),
        "similarity": article.similarity,
    }


@click.command()
@click.option("--rebuild", is_flag=True, help="Recompute every signature and group with the current parameters.")
@click.pass_context
def dedup(ctx, rebuild):
    """Show the dedup parameters of the archive, or rebuild its duplicate groups.

    An archive built with other dedup parameters is refused by ingest; --rebuild
    recomputes signatures, band keys and groups in one transaction.

    \b
    Example:
        newsarchive dedup
        newsarchive dedup --rebuild
    """
    fingerprint = DedupConfig().fingerprint
    if not rebuild:
        with NewsArchive(ctx.obj["db"]) as reader:
            status = reader.dedup_status()
        stored = f"{status.fingerprint} (built {status.built_at:%Y-%m-%d %H:%M})" if status.built_at else "none"
        state = "current" if status.fingerprint == fingerprint else "run 'newsarchive dedup --rebuild'"
        click.echo(f"parameters: {stored}; this version: {fingerprint} ({state})")
        click.echo(f"{status.duplicates} duplicates in {status.groups} groups")
        return
    with Archive(ctx.obj["db"]) as archive:
        writer = ArchiveWriter(archive, command="dedup --rebuild", rebuilding=True)
        try:
            writer.rebuild()
        finally:
            writer.close()
        status = archive.cursor().reports.dedup_status()
    click.echo(f"rebuilt: {status.duplicates} duplicates in {status.groups} groups (parameters {fingerprint})")

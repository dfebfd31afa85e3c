"""CLI commands for duplicate groups: ``dups`` lists them, ``dedup --rebuild`` recomputes them."""

from __future__ import annotations

import json
import logging

import click
from rich.console import Console
from rich.table import Table

from archive.dedup import REPRESENTATIVE_ORDER, Deduplicator
from archive.errors import ArchiveError
from archive.store import Archive

LOGGER = logging.getLogger(__name__)

KINDS = ("exact", "near", "rewrite")
MEMBER_COLUMNS = ("id", "source", "title", "published", "kind", "similarity")


def group_members(con, kind: str | None = None, article: int | None = None, limit: int | None = None) -> list[dict]:
    """Duplicate groups, largest first, each with its members (representative first)."""
    if article is not None:
        row = con.execute("SELECT cluster_id FROM articles WHERE id = ?", [article]).fetchone()
        if row is None:
            raise ArchiveError(f"no article with id {article}")
        clusters = [row[0]]
    else:
        clusters = [
            r[0]
            for r in con.execute(
                """
                SELECT a.cluster_id FROM articles a LEFT JOIN duplicates d ON d.article_id = a.id
                GROUP BY a.cluster_id HAVING count(*) > 1 AND (? IS NULL OR bool_or(d.kind = ?))
                ORDER BY count(*) DESC, a.cluster_id LIMIT ?
                """,
                [kind, kind, limit if limit else None],
            ).fetchall()
        ]
    if not clusters:
        return []
    rows = con.execute(
        f"""
        SELECT a.cluster_id, a.id, a.source, a.title, a.published, a.url,
               coalesce(d.kind, CASE WHEN a.id = a.cluster_id THEN 'representative' END) AS kind, d.similarity
        FROM articles a LEFT JOIN duplicates d ON d.article_id = a.id
        WHERE a.cluster_id IN (SELECT unnest(?))
        ORDER BY a.cluster_id, a.id <> a.cluster_id, {REPRESENTATIVE_ORDER}
        """,
        [clusters],
    ).fetchall()
    groups: dict[int, list[dict]] = {c: [] for c in clusters}
    for cluster, aid, source, title, published, url, member_kind, similarity in rows:
        groups[cluster].append(
            {
                "id": aid,
                "source": source,
                "title": title,
                "published": published.isoformat() if published else None,
                "url": url,
                "kind": member_kind,
                "similarity": similarity,
            }
        )
    return [{"group": c, "size": len(m), "members": m} for c, m in groups.items()]


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
    with Archive(ctx.obj["db"], read_only=True) as archive:
        groups = group_members(archive.con, kind=kind, article=article, limit=limit)
    if as_json:
        for group in groups:
            click.echo(json.dumps(group, ensure_ascii=False))
        return
    console = Console(soft_wrap=False)
    if not groups:
        console.print("no duplicate groups")
        return
    if article is not None and groups[0]["size"] == 1:
        console.print(f"article {article} has no duplicates")
        return
    for group in groups:
        first = group["members"][0]
        table = Table(
            title=f"group {group['group']}: {group['size']} articles, representative {first['id']} ({first['source']})",
            title_justify="left",
        )
        for column in MEMBER_COLUMNS:
            table.add_column(column, overflow="fold", no_wrap=column not in ("title", "source"))
        for m in group["members"]:
            similarity = "" if m["similarity"] is None else f"{m['similarity']:.2f}"
            kind = "" if m["kind"] == "representative" else m["kind"] or ""
            table.add_row(str(m["id"]), m["source"], m["title"] or "", (m["published"] or "")[:10], kind, similarity)
        console.print(table)


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
    deduplicator = Deduplicator()
    if not rebuild:
        with Archive(ctx.obj["db"], read_only=True) as archive:
            row = archive.con.execute("SELECT fingerprint, built_at FROM dedup_config").fetchone()
            groups, dups_count = archive.con.execute(
                "SELECT count(DISTINCT duplicate_of), count(*) FROM duplicates"
            ).fetchone()
        stored = f"{row[0]} (built {row[1]:%Y-%m-%d %H:%M})" if row else "none"
        state = "current" if row and row[0] == deduplicator.config.fingerprint else "run 'newsarchive dedup --rebuild'"
        click.echo(f"parameters: {stored}; this version: {deduplicator.config.fingerprint} ({state})")
        click.echo(f"{dups_count} duplicates in {groups} groups")
        return
    with Archive(ctx.obj["db"]) as archive:
        con = archive.con
        con.execute("BEGIN TRANSACTION")
        try:
            count = deduplicator.rebuild(archive)
            groups = con.execute("SELECT count(DISTINCT duplicate_of) FROM duplicates").fetchone()[0]
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    click.echo(f"rebuilt: {count} duplicates in {groups} groups (parameters {deduplicator.config.fingerprint})")

"""``newsarchive history``: every version of one article, with change kinds and word diffs."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.text import Text

from archive.api import NewsArchive
from archive.history.worddiff import marked

STYLES = {"": "", "removed": "red strike", "added": "green"}


def diff_text(line: str) -> Text:
    """A stored diff line with its removed words struck through in red and its added words in green."""
    text = Text()
    for kind, run in marked(line):
        text.append(run, style=STYLES[kind])
    return text


@click.command()
@click.argument("article")
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object: the article's id, URL and every version with its text."
)
@click.pass_context
def history(ctx, article, as_json):
    """Show the versions of an article (by URL or id): when each was fetched, what kind of
    change it was (first, headline, minor, update, correction, removed, restored) and a word diff.

    Versions come from revisit crawls (`newsarchive crawl ... --revisit`).

    \b
    Example:
        newsarchive history https://www.example-news.com/2026/11/20/tram-line-approved.html
        newsarchive history 42 --json
    """
    with NewsArchive(ctx.obj["db"]) as archive:
        versions = archive.history(article)
    if as_json:
        first = versions[0]
        click.echo(
            json.dumps(
                {"article_id": first.article_id, "url": first.url, "versions": [v.to_dict() for v in versions]},
                ensure_ascii=False,
            )
        )
        return
    console = Console(soft_wrap=True, highlight=False)
    console.print(f"article {versions[0].article_id}: {versions[0].url}")
    for v in versions:
        when = v.fetched_at.strftime("%Y-%m-%d %H:%M %Z")
        line = Text(f"v{v.version}  {when}  ")
        line.append(f"{v.change:<10}", style="bold")
        line.append(f"  {v.title or '(no title)'}")
        console.print(line)
        for diff_line in (v.diff or "").splitlines():
            # Colours on a terminal; elsewhere (a pipe, a file) the [-removed-] {+added+} markers.
            console.print(Text("    ") + (diff_text(diff_line) if console.color_system else Text(diff_line)))

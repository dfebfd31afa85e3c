"""Revisit crawls (`newsarchive crawl --revisit`) against a site whose articles change between crawls:
versions with their change kinds, removed pages, conditional requests, `newsarchive history`."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from browser import serve_archive
from click.testing import CliRunner
from crawl_site import LIBRARY, MEALS, STORM, TRAM
from revisit_site import COPY, serve_revisit_site
from test_crawl_cli import crawl, query
from test_web import get

import archive
from archive.cli import cli
from archive.ingest.writer import ArchiveWriter
from archive.models import GoneArticle
from archive.store import Archive

NEW_HEADLINE = "Council approves tram line to the harbour after five-hour debate"
CORRECTION = (
    "Correction: An earlier version of this article said gusts would reach 150 kilometres per hour; "
    "the forecast is 120 kilometres per hour."
)


def groups(db: Path) -> dict[str, str]:
    """Each article's URL -> its group representative's URL."""
    return dict(query(db, "SELECT a.url, r.url FROM articles a JOIN articles r ON r.id = a.cluster_id"))


def versions(db: Path) -> list[tuple]:
    return query(db, "SELECT url, version, change FROM versions ORDER BY url, version")


@pytest.fixture(scope="module")
def revisits(tmp_path_factory):
    """Crawl; change a headline and append a correction; revisit twice; take a page down; revisit."""
    site, stop = serve_revisit_site()
    db = tmp_path_factory.mktemp("revisit") / "archive.duckdb"
    feed = ["--feed", site.base + "/feed.xml"]
    seen = {}
    try:
        seen["first"] = crawl(db, *feed).stdout
        seen["texts"] = dict(query(db, "SELECT url, text FROM articles"))
        site.edit(TRAM, title=NEW_HEADLINE)
        site.edit(STORM, paragraphs=STORM.paragraphs + [CORRECTION])
        answers = site.served(200), site.served(304)
        seen["second"] = crawl(db, *feed, "--revisit").stdout
        seen["second_answers"] = site.served(200) - answers[0], site.served(304) - answers[1]
        seen["after_second"] = versions(db)
        answers = site.served(200), site.served(304)
        seen["third"] = crawl(db, *feed, "--revisit").stdout
        seen["third_answers"] = site.served(200) - answers[0], site.served(304) - answers[1]
        seen["after_third"] = versions(db)
        seen["groups_before"] = groups(db)
        site.gone.add(LIBRARY.path)
        site.edit(COPY, paragraphs=MEALS.paragraphs)  # the partner replaced the copy with another story
        seen["fourth"] = crawl(db, *feed, "--revisit").stdout
    finally:
        stop()
    return site, db, seen


def test_a_changed_headline_and_a_correction_make_exactly_two_versions(revisits):
    site, _, seen = revisits
    b = site.base
    changed = [row for row in seen["after_second"] if row[1] > 1]
    assert changed == [(b + STORM.path, 2, "correction"), (b + TRAM.path, 2, "headline")]
    # Unchanged articles: their first capture only, and nothing stored for them.
    for story in (LIBRARY, MEALS, COPY):
        assert [row[1:] for row in seen["after_second"] if row[0] == b + story.path] == [(1, "first")]
    assert "revisited 5: 2 new versions, 0 removed, 3 unchanged" in seen["second"]
    # A third crawl finds nothing new.
    assert seen["after_third"] == seen["after_second"]
    assert "revisited 5: 0 new versions, 0 removed, 5 unchanged" in seen["third"]


def test_articles_hold_the_latest_version_and_every_text_stays_readable(revisits):
    site, db, seen = revisits
    b = site.base
    latest = dict(query(db, "SELECT url, title FROM articles"))
    assert latest[b + TRAM.path] == NEW_HEADLINE
    storm = query(db, "SELECT text FROM articles WHERE url = ?", [b + STORM.path])[0][0]
    assert storm.endswith(CORRECTION)
    texts = query(db, "SELECT version, title, text FROM versions WHERE url = ? ORDER BY version", [b + STORM.path])
    assert texts[0][2] == seen["texts"][b + STORM.path] and CORRECTION not in texts[0][2]
    assert texts[1][2] == storm
    tram = query(db, "SELECT version, title FROM versions WHERE url = ? ORDER BY version", [b + TRAM.path])
    assert tram == [(1, TRAM.title), (2, NEW_HEADLINE)]
    # The diff shows the change word by word.
    diff = query(db, "SELECT diff FROM versions WHERE url = ? AND version = 2", [b + STORM.path])[0][0]
    assert "{+Correction: An earlier version" in diff and "[-" not in diff


def test_dedup_follows_the_latest_version_and_no_article_copies_itself(revisits):
    site, db, seen = revisits
    b = site.base
    # Before: the partner's copy is in the tram story's group (the tram story, published first, represents it).
    assert seen["groups_before"][b + COPY.path] == b + TRAM.path
    # The copy now carries another story: it left the tram group and joined that story's group.
    after = groups(db)
    assert after[b + COPY.path] == b + MEALS.path and after[b + TRAM.path] == b + TRAM.path
    assert [row[1:] for row in versions(db) if row[0] == b + COPY.path] == [(1, "first"), (2, "update")]
    # Revisits rewrite articles in place: no new rows, and no article is a duplicate of itself.
    assert query(db, "SELECT count(*) FROM articles") == [(5,)]
    assert query(db, "SELECT count(*) FROM duplicates WHERE article_id = duplicate_of") == [(0,)]
    assert query(db, "SELECT count(*) FROM duplicates") == [(1,)]
    assert query(db, "SELECT regroup_pending FROM dedup_config") == [(False,)]


def test_revisits_use_conditional_requests(revisits):
    site, db, seen = revisits
    # Second crawl: the two changed pages came in full, the two unchanged ones were answered 304.
    assert seen["second_answers"] == (2, 3)
    # Third crawl: nothing changed, so no article page was downloaded again.
    assert seen["third_answers"] == (0, 5)
    assert "5 not modified, HTTP 304" in seen["third"]
    etag = query(db, "SELECT hints->>'etag' FROM raw_documents r JOIN articles a ON a.id = r.article_id WHERE a.url = ?",
                 [site.base + TRAM.path])[0][0]  # fmt: skip
    assert etag and etag.startswith('"')


def test_a_removed_page_is_marked_removed_once_and_its_text_stays(revisits):
    site, db, seen = revisits
    url = site.base + LIBRARY.path
    assert [row[1:] for row in versions(db) if row[0] == url] == [(1, "first"), (2, "removed")]
    assert "1 removed" in seen["fourth"]
    text = query(db, "SELECT text FROM articles WHERE url = ?", [url])[0][0]
    assert LIBRARY.paragraphs[0] in text
    assert query(db, "SELECT text FROM versions WHERE url = ? AND version = 1", [url]) == [(text,)]


def test_a_page_still_gone_is_not_marked_again(revisits, tmp_path):
    site, db, _ = revisits
    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)
    with Archive(copy) as store:
        writer = ArchiveWriter(store, command="test")
        writer.remove(GoneArticle(site.base + LIBRARY.path, 404, datetime.now(timezone.utc)))
        writer.remove(GoneArticle(site.base + "/never-archived.html", 410, datetime.now(timezone.utc)))
        assert writer.close().removed == 0
    assert versions(copy) == versions(db)


def test_history_command_and_api_show_the_versions(revisits):
    site, db, _ = revisits
    url = site.base + TRAM.path
    result = CliRunner().invoke(cli, ["--db", str(db), "history", url])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith(url)
    assert "v1" in lines[1] and "first" in lines[1] and TRAM.title in lines[1]
    assert "v2" in lines[2] and "headline" in lines[2] and NEW_HEADLINE in lines[2]
    assert "[-Council approves new tram line to the harbour-]" in result.output
    as_json = json.loads(CliRunner().invoke(cli, ["--db", str(db), "history", url, "--json"]).output)
    assert [v["change"] for v in as_json["versions"]] == ["first", "headline"]
    with archive.open(db) as a:
        history = a.history(url)
        assert [v.change for v in history] == ["first", "headline"]
        assert history == a.history(history[0].article_id)
    stats = CliRunner().invoke(cli, ["--db", str(db), "stats"]).output
    assert "changes found by revisits: correction 1, headline 1, removed 1, update 1" in stats
    missing = CliRunner().invoke(cli, ["--db", str(db), "history", site.base + "/nowhere.html"])
    assert missing.exit_code == 1 and "no article" in missing.output


def test_revisit_within_needs_revisit(tmp_path):
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "a.duckdb"), "crawl", "--url", "http://x.org/a", "--revisit-within", "2"]
    )
    assert result.exit_code == 2 and "--revisit-within needs --revisit" in result.output


def test_the_article_page_shows_its_versions_with_the_diff(revisits):
    site, db, _ = revisits
    with archive.open(db) as a:
        storm, meals, library = (a.article(site.base + s.path).id for s in (STORM, MEALS, LIBRARY))
    with serve_archive(db) as server:
        status, _, body = get(server + f"/articles/{storm}")
        data = json.loads(get(server + f"/articles/{storm}", json_=True)[2])
        unchanged = json.loads(get(server + f"/articles/{meals}", json_=True)[2])
        removed = get(server + f"/articles/{library}")[2].decode()
    html = body.decode()
    assert status == 200 and "<h2>Versions</h2>" in html and "correction" in html
    assert "<ins>Correction: An earlier version of this article said gusts" in html
    assert [v["change"] for v in data["versions"]] == ["first", "correction"]
    added = [run for line in data["versions"][1]["diff"] for run in line if run["kind"] == "added"]
    assert added == [{"kind": "added", "text": CORRECTION}]
    assert unchanged["versions"] == []  # never changed: no history shown
    assert "removed from its site" in removed and LIBRARY.paragraphs[0][:60] in removed  # marked, its text still shown

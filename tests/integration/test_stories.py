"""Stories through the CLI and the Python API: reports of one event across outlets share a story_id."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

import archive
from archive.cli import cli

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# Three outlets report one flood in their own words; another day brings a different event about the
# same town, river and council; on the flood's day two outlets report an unrelated rate decision.
REPORTS = [
    (
        "riverside.example",
        "2025-03-10T07:00:00+00:00",
        "Thousands leave their homes as the River Avon bursts its banks in Bath",
        "Emergency crews evacuated about 3,000 residents from low-lying streets in Bath overnight after the River Avon "
        "rose to its highest level on record. The Environment Agency issued a severe flood warning, the rail line to "
        "Bristol was closed and schools in the city centre will stay shut.",
    ),
    (
        "westcountry.example",
        "2025-03-10T09:30:00+00:00",
        "Bath evacuates 3,000 people after record River Avon flood",
        "Record water levels on the River Avon forced the evacuation of roughly 3,000 people in Bath, the Environment "
        "Agency said. Trains between Bath and Bristol were cancelled and several city-centre schools closed as flood "
        "water covered streets near the river.",
    ),
    (
        "courier.example",
        "2025-03-11T06:15:00+00:00",
        "River Avon floods Bath: homes evacuated, Bristol rail line shut",
        "Flood water from the River Avon filled streets in Bath, where some 3,000 residents had to leave their homes. "
        "The Environment Agency's severe warning remains in place; the Bath to Bristol railway is closed and schools "
        "are shut.",
    ),
    (
        "riverside.example",
        "2025-03-24T08:00:00+00:00",
        "Bath council approves new River Avon flood defences",
        "Bath council voted to spend 40 million pounds on new walls and pumps along the River Avon, two weeks after "
        "the city was flooded. Work on the defences will start in the summer and take three years, the council said.",
    ),
    (
        "markets.example",
        "2025-03-10T12:00:00+00:00",
        "Central bank raises interest rates to 4.5 percent",
        "The central bank raised its main interest rate by a quarter point to 4.5 percent on Monday, its third increase "
        "this year, saying inflation was still too high. Mortgage lenders are expected to pass on the rise.",
    ),
    (
        "business.example",
        "2025-03-10T13:10:00+00:00",
        "Interest rates rise to 4.5% as central bank fights inflation",
        "Borrowing costs rose again as the central bank lifted interest rates to 4.5 percent, warning that inflation "
        "remains well above its target. Economists expect mortgage rates to follow.",
    ),
]


def run(db: Path, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def write_jsonl(path: Path, reports) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for n, (source, published, title, text) in enumerate(reports):
            # One syndication host for every outlet: the outlet is the line's "source", not the URL's host.
            url = f"https://feeds.example.net/{source}/{published[:10]}/{n}-{title[:20].replace(' ', '-').lower()}"
            f.write(
                json.dumps({"url": url, "source": source, "published": published, "title": title, "text": text}) + "\n"
            )
    return path


def stories_of(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute("SELECT title, story_id FROM articles").fetchall())
    finally:
        con.close()


def sql(db: Path, query: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


@pytest.fixture()
def reported(tmp_path) -> Path:
    db = tmp_path / "archive.duckdb"
    run(db, "ingest", "-q", "-w", "1", str(write_jsonl(tmp_path / "news.jsonl", REPORTS)))
    return db


def test_the_five_seeds_form_one_story_with_their_duplicate_group_inside(tmp_path):
    db = tmp_path / "archive.duckdb"
    run(db, "ingest", "-q", "-w", "1", str(SEEDS))
    assert sql(db, "SELECT count(DISTINCT story_id), count(*), min(id) FROM articles") == [(1, 5, 1)]
    listed = [json.loads(line) for line in run(db, "stories", "--json").splitlines()]
    assert [(s["story_id"], s["articles"]) for s in listed] == [(1, 5)]
    assert "Zelensky" in listed[0]["label"]
    timeline = json.loads(run(db, "stories", "1", "--json"))
    copies = [m for m in timeline["members"] if m["copy_of"] is not None]
    assert len(timeline["members"]) == 5 and len(copies) == 1 and copies[0]["duplicate_kind"]


def test_reports_of_one_event_share_a_story_and_other_events_do_not(reported):
    story = stories_of(reported)
    flood = {story[t] for _, _, t, _ in REPORTS[:3]}
    rates = {story[t] for _, _, t, _ in REPORTS[4:]}
    assert len(flood) == 1 and len(rates) == 1
    defences = story[REPORTS[3][2]]
    assert flood.isdisjoint(rates) and defences not in flood | rates  # same town and river, two weeks later
    assert sql(reported, "SELECT story_id, articles, sources FROM stories ORDER BY articles DESC, story_id") == [
        (min(flood), 3, 3), (min(rates), 2, 2), (defences, 1, 1)
    ]  # fmt: skip


def test_listing_filters_and_timeline(reported):
    newest = [json.loads(line)["articles"] for line in run(reported, "stories", "--json", "--newest").splitlines()]
    assert newest == [1, 3, 2]  # the flood defences are the latest news
    since = [json.loads(line) for line in run(reported, "stories", "--since", "2025-03-20", "--json").splitlines()]
    assert [s["label"] for s in since] == ["Bath council approves new River Avon flood defences"]
    by_source = run(reported, "stories", "--source", "markets.example", "--json").splitlines()
    assert [json.loads(line)["articles"] for line in by_source] == [2]
    table = run(reported, "stories", "1")
    assert "story 1: Thousands leave their homes" in table and "courier.example" in table and "independent" in table
    assert "no story 999" in run(reported, "stories", "999", code=1)


def test_later_runs_keep_story_ids_and_join_the_earlier_story(tmp_path):
    db = tmp_path / "archive.duckdb"
    run(db, "ingest", "-q", "-w", "1", str(write_jsonl(tmp_path / "first.jsonl", REPORTS[:2])))
    before = stories_of(db)
    run(db, "ingest", "-q", "-w", "1", str(write_jsonl(tmp_path / "later.jsonl", REPORTS[2:])))
    after = stories_of(db)
    assert all(after[title] == story for title, story in before.items())
    assert after[REPORTS[2][2]] == after[REPORTS[0][2]] == 1
    one_run = tmp_path / "one.duckdb"
    run(one_run, "ingest", "-q", "-w", "1", str(write_jsonl(tmp_path / "all.jsonl", REPORTS)))
    assert stories_of(one_run) == after  # the same arrivals, batched otherwise, give the same stories


def test_a_copy_of_two_stories_merges_them_into_the_older_id_and_the_merge_is_recorded(tmp_path, reported):
    flood, rates = REPORTS[0], REPORTS[4]
    both = [("digest.example", "2025-03-10T18:00:00+00:00", "Monday's news", flood[3] + "\n\n" + rates[3])]
    run(reported, "ingest", "-q", "-w", "1", str(write_jsonl(tmp_path / "digest.jsonl", both)))
    story = stories_of(reported)
    assert story["Monday's news"] == story[flood[2]] == story[rates[2]] == 1
    digest = sql(reported, "SELECT id FROM articles WHERE title = 'Monday''s news'")[0][0]
    assert sql(reported, "SELECT story_id, merged_into, article_id FROM story_merges") == [(5, 1, digest)]
    grouped = "SELECT cluster_id FROM articles GROUP BY cluster_id HAVING count(DISTINCT story_id) > 1"
    assert sql(reported, grouped) == []  # every duplicate group inside one story
    assert "merged into story 1" in run(reported, "stories", "5", code=1)


def test_rebuild_recomputes_the_same_stories_and_old_archives_are_told_to_rebuild(reported):
    before = stories_of(reported)
    assert "rebuilt: 3 stories" in run(reported, "stories", "--rebuild")
    assert stories_of(reported) == before
    con = duckdb.connect(str(reported))
    con.execute("DELETE FROM story_config")  # an archive from before stories
    con.execute("UPDATE articles SET story_id = NULL")
    con.close()
    extra = [("late.example", "2025-03-12T10:00:00+00:00", "Late report", REPORTS[1][3])]
    refused = run(reported, "ingest", "-q", str(write_jsonl(reported.parent / "late.jsonl", extra)), code=1)
    assert "run 'newsarchive stories --rebuild' once" in refused
    run(reported, "stories", "--rebuild")
    assert stories_of(reported) == before


def test_python_api_reads_stories(reported):
    with archive.open(reported) as a:
        stories = a.stories()
        assert all(isinstance(s, archive.Story) for s in stories)
        assert [s.articles for s in stories] == [3, 2, 1]
        flood = a.story(stories[0].story_id)
        assert [m.source for m in flood.members] == ["riverside.example", "westcountry.example", "courier.example"]
        assert {m.story_id for m in flood.members} == {stories[0].story_id}
        assert a.article(flood.members[1].id).story_id == stories[0].story_id
        assert [s.label for s in a.stories(since="2025-03-20")] == [REPORTS[3][2]]
        assert a.to_arrow().column("story_id").null_count == 0
        with pytest.raises(archive.ArchiveError):
            a.stories(order="oldest")


def test_a_crowded_window_compares_only_the_latest_arrivals_and_batching_does_not_matter(tmp_path):
    from archive.ingest.writer import ArchiveWriter
    from archive.models import Article, RawDocument
    from archive.stories import StoriesConfig, StoryAssigner
    from archive.textnorm import text_hash

    # Undated text: every report's moment is its arrival, so all share one window. Two flood
    # reports with two other reports archived between them.
    order = [REPORTS[0], REPORTS[4], REPORTS[5], REPORTS[1]]

    def archived(window_reports: int, batch_size: int) -> list[int]:
        db = tmp_path / f"w{window_reports}-b{batch_size}.duckdb"
        with archive.Archive(db) as store:
            config = StoriesConfig(window_reports=window_reports)
            writer = ArchiveWriter(store, batch_size=batch_size, stories=StoryAssigner(config))
            for n, (source, _, title, text) in enumerate(order):
                url = f"https://{source}/{n}"
                body = f"<h1>{title}</h1><p>{text}</p>".encode()
                writer.add(
                    RawDocument(url, source, "jsonl", body),
                    Article(url, source, "jsonl", text, title=title, text_hash=text_hash(text)),
                )
            writer.close()
            ingested = [s for (s,) in store.con.execute("SELECT story_id FROM articles ORDER BY id").fetchall()]
            rebuilding = ArchiveWriter(store, rebuilding=True, stories=StoryAssigner(config))
            rebuilding.rebuild_stories()
            rebuilding.close()
            rebuilt = [s for (s,) in store.con.execute("SELECT story_id FROM articles ORDER BY id").fetchall()]
        assert rebuilt == ingested
        return ingested

    first = archived(3, 1)[0]
    assert archived(3, 1) == archived(3, 4) == [first, first + 1, first + 1, first]  # the second flood report joins
    # Within the two latest arrivals only, it does not see the first flood report: a story of its own.
    assert archived(2, 1) == archived(2, 4) == [first, first + 1, first + 1, first + 3]

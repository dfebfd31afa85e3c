"""Plain text: lines become a structured document and go through the same boilerplate rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.extract import extract
from archive.models import RawDocument

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
PARAS = [
    "The harbour authority said on Friday that the ferry service to the islands would resume next week, "
    "three months after a storm damaged the main pier.",
    "Repairs cost more than expected because divers found cracks in the older concrete sections, a spokesman said.",
    "Islanders have relied on a small private boat for supplies since the storm, and shops have run short of fresh food.",
]


def run(text: str, name: str = "story.txt"):
    return extract(
        RawDocument(
            url=f"file:///data/{name}", source="data", origin="txt", body=text.encode(), content_type="text/plain"
        )
    )


def seed(prefix: str):
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8"), run(path.read_text(encoding="utf-8"), path.name)


def test_headline_line_becomes_the_title_with_provenance():
    article = run("Ferry service to the islands resumes next week\n\n" + "\n".join(PARAS))
    assert article.title == "Ferry service to the islands resumes next week"
    assert article.provenance["title"] == "first-line"
    assert article.text.splitlines() == PARAS


def test_no_title_when_the_text_starts_with_a_paragraph_or_a_blank_line():
    assert run("\n".join(PARAS)).title is None
    assert run("\n" + "\n".join(PARAS)).title is None


def test_headline_list_under_a_short_heading_is_removed():
    tail = "\nMore stories\n- Bus drivers agree new contract after two-day strike\n- City library reopens after long renovation\n- Rail line to the airport delayed until spring"
    article = run("\n".join(PARAS) + tail)
    assert article.text.splitlines() == PARAS
    assert article.meta["removed_blocks"]["headline-list"] == 4


def test_list_that_is_part_of_the_story_is_kept():
    story = (
        PARAS[0]
        + "\nThe new timetable includes:\n- two sailings a day on weekdays\n- one sailing on Sundays\n"
        + PARAS[1]
    )
    article = run(story)
    assert "- two sailings a day on weekdays" in article.text and "- one sailing on Sundays" in article.text


def test_interface_label_at_the_top_is_removed():
    article = run("Select Language:\n" + "\n".join(PARAS))
    assert article.text.splitlines() == PARAS


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_seed_paragraph_is_kept(prefix):
    source, article = seed(prefix)
    kept = set(article.text.splitlines())
    for line in source.splitlines():
        line = line.strip()
        if len(line.split()) >= 12 and not line.startswith("- ") and line != article.title:  # prose, not list items
            assert line in kept, line[:60]


def test_seed_boilerplate_is_removed_and_titles_come_from_headlines():
    _text_003, article_003 = seed("003")
    assert "Select Language" not in article_003.text and article_003.title is None
    _, article_004 = seed("004")
    assert "Latest news" not in article_004.text
    assert "Kcell Receives Certification" not in article_004.text and "Khromtau Akim" not in article_004.text
    assert "READOUT FROM U.S.-UKRAINE TALKS IN BERLIN, GERMANY:" in article_004.text
    assert article_004.title.startswith("Zelenskyy Signals Ukraine")
    assert seed("001")[1].title is None
    assert seed("000")[1].title.startswith("Zelensky calls for")


def test_unbulleted_headlines_under_a_short_heading_are_removed():
    tail = "\nLatest news\nBus drivers agree new contract after two-day strike\nCity library reopens after long renovation\nRail line to the airport delayed until spring"
    article = run("\n".join(PARAS) + tail)
    assert article.text.splitlines() == PARAS


def test_hints_from_jsonl_win_with_provenance_and_are_sanity_checked():
    raw = RawDocument(
        url="file:///data/a.jsonl#1",
        source="data",
        origin="jsonl",
        body="\n".join(PARAS).encode(),
        content_type="text/plain",
        hints={"title": "Ferries resume", "author": ["Ann Lee", "Bo Kim and Cy Dee"], "published": "2031-01-01"},
    )
    article = extract(raw)
    assert (article.title, article.provenance["title"]) == ("Ferries resume", "hint")
    assert article.authors == ["Ann Lee", "Bo Kim", "Cy Dee"] and article.provenance["authors"] == "hint"
    assert article.published is None and article.date_confidence == "none"
    assert any("in the future" in r for r in article.meta["rejected"])


def test_text_quality_marks_short_texts_and_lists_but_not_prose():
    from archive.extract.quality import has_prose, text_quality

    prose = "The council voted on Thursday to build a tram line to the harbour district. " * 8
    assert text_quality(prose) == "full"
    assert text_quality("Earthquake of magnitude 6.1 hits southern Turkey, officials say.") == "short"
    table = "\n".join(f"| {n} | Driver number {n} | {5000 - n} | 1 | 2 |" for n in range(40))
    assert text_quality("Final standings after 36 races:\n" + table) == "fragments"
    assert has_prose("Earthquake of magnitude 6.1 hits southern Turkey") and not has_prose("Home\nWorld\nSport")


def test_text_quality_reads_japanese_and_articles_laid_out_in_table_cells_as_prose():
    from archive.extract.quality import has_prose, text_quality

    japanese = "先日、不正に改造したスマートフォンを販売したとして、商標法違反の疑いで男性が逮捕されました。\n" * 12
    assert has_prose("男性が逮捕されました。") and text_quality(japanese) == "full"
    cell = "Earlier this month, NASA announced the newest milestone in the development of its launch system. " * 6
    assert text_quality(f"|  | {cell} |") == "full"

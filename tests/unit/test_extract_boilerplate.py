"""Each generic boilerplate rule, with a case it must remove and a look-alike it must keep."""

from __future__ import annotations

import pytest

from archive.extract.boilerplate import Block, clean_blocks

PROSE = [
    "The county opened its new flood barrier on Thursday, two years after storms damaged more than three hundred homes.",
    "Engineers said the barrier could hold back a surge a metre higher than the one that flooded the old town in 2021.",
]


def removed(blocks, **kwargs) -> dict[str, str | None]:
    clean_blocks(blocks, **kwargs)
    return {b.text: b.removed for b in blocks}


def paragraphs(*before: str, after: tuple[str, ...] = ()) -> list[Block]:
    return [Block("p", t) for t in before] + [Block("p", p) for p in PROSE] + [Block("p", t) for t in after]


@pytest.mark.parametrize(
    "text, rule",
    [
        ("Select Language:", "ui-label"),
        ("Share this article", "ui-label"),
        ("Published 14 March 2024, 09:30", "dateline"),
        ("Updated at 1:23 p.m.", "dateline"),
    ],
)
def test_leading_furniture_is_removed(text, rule):
    assert removed(paragraphs(text))[text] == rule


def test_a_short_lead_sentence_with_a_date_is_kept():
    lead = "By March 4, officials had evacuated the whole valley."
    assert removed(paragraphs(lead))[lead] is None


def test_headline_repeated_at_the_top_is_removed():
    assert removed(paragraphs("Flood barrier opens"), titles=["Flood barrier opens"])["Flood barrier opens"] == "title"


@pytest.mark.parametrize(
    "text, rule",
    [
        ("Sign up for our free newsletter to get the day's news delivered to your inbox.", "call-to-action"),
        ("Follow us on Twitter @countynews.", "call-to-action"),
        ("Email Jo Bell at jo.bell@example.com.", "call-to-action"),
        ("© 2024 County News. All rights reserved.", "call-to-action"),
        ("Read more: Storm damage bill reaches record high", "cross-link"),
        ("An error has occurred, please try again later.", "widget-message"),
    ],
)
def test_calls_to_action_and_cross_links_are_removed(text, rule):
    assert removed(paragraphs(after=(text,)))[text] == rule


@pytest.mark.parametrize(
    "text",
    [
        "Residents who signed up for the warning service will get a text message when the river rises.",
        "Copyright lawyers say the county may not reuse the architect's drawings.",
        "Read more about the plans in the council's report, the mayor said.",
    ],
)
def test_prose_that_mentions_the_same_words_is_kept(text):
    assert removed(paragraphs(after=(text,)))[text] is None


def test_linked_headlines_after_the_body_are_removed_but_unlinked_lists_are_kept():
    items = [
        "Council approves budget for new school buildings",
        "Heatwave warning issued for the weekend",
        "Rail strike called off after late-night talks",
    ]
    linked = paragraphs() + [Block("item", t, group=1) for t in items]
    assert all(
        removed(linked, link_texts={" ".join(t.lower().split()) for t in items})[t] == "headline-list" for t in items
    )
    story_list = paragraphs() + [
        Block("item", t, group=1) for t in ["Sandbags at the town hall", "Shelters open at the school"]
    ]
    assert all(r is None for r in removed(story_list, link_texts=set()).values())


@pytest.mark.parametrize(
    "heading", ["Latest news", "Breaking news", "Neueste Nachrichten", "Últimas noticias", "Lire aussi"]
)
def test_the_heading_over_a_removed_list_of_links_goes_with_it_in_any_language(heading):
    items = ["Council approves budget for new school buildings", "Heatwave warning issued for the weekend"]
    blocks = paragraphs() + [Block("head", heading, level=2)] + [Block("item", t, group=1) for t in items]
    verdicts = removed(blocks, link_texts={" ".join(t.lower().split()) for t in items})
    assert verdicts[heading] == "headline-list" and all(verdicts[t] == "headline-list" for t in items)
    kept = paragraphs() + [Block("head", heading, level=2), Block("p", PROSE[0])]  # a heading over prose stays
    assert removed(kept)[heading] is None


def test_second_h1_after_the_article_is_the_next_article():
    blocks = paragraphs() + [Block("head", "Mayor resigns after budget row", level=1)]
    assert removed(blocks)["Mayor resigns after budget row"] == "next-article"

"""Change kinds and word diffs between two captures of an article (archive/history)."""

from __future__ import annotations

import pytest

from archive.history import classify, word_diff
from archive.history.changes import new_notices

TEXT = "\n".join(
    [
        "The city council voted on Thursday evening to build a tram line linking the central station with the "
        "harbour district, ending years of debate.",
        "The six-kilometre route will have eleven stops and is expected to carry about 30,000 passengers a day "
        "once it opens, according to the transport department.",
        "Construction is due to start next autumn, and shop owners along Quay Street asked for compensation for "
        "the two years of roadworks.",
    ]
)
TITLE = "Council approves new tram line"


def test_nothing_changed_is_no_version():
    assert classify(TITLE, TEXT, TITLE, TEXT) is None


def test_a_new_headline_over_the_same_text():
    assert classify(TITLE, TEXT, "Tram line to the harbour approved", TEXT) == "headline"


def test_a_typo_fixed_is_minor_and_a_new_headline_with_it_is_headline():
    fixed = TEXT.replace("eleven stops", "twelve stops")
    assert classify(TITLE, TEXT, TITLE, fixed) == "minor"
    assert classify(TITLE, TEXT, "Tram line approved", fixed) == "headline"


def test_paragraphs_added_removed_or_rewritten_are_an_update():
    added = TEXT + "\nThe mayor said the first trams would run in four years, if the works keep to the schedule."
    assert classify(TITLE, TEXT, TITLE, added) == "update"
    removed = "\n".join(TEXT.splitlines()[:2])
    assert classify(TITLE, TEXT, TITLE, removed) == "update"
    rewritten = TEXT.replace(
        TEXT.splitlines()[2], "Opposition members argued that electric buses would have cost a third as much."
    )
    assert classify(TITLE, TEXT, TITLE, rewritten) == "update"


@pytest.mark.parametrize(
    "notice",
    [
        "Correction: An earlier version of this article misstated the number of stops.",
        "Clarification: The fund covers part of the losses, not all of them.",
        "Editor’s note: This story has been updated to include the vote count.",
        "This article was amended on 3 December 2026 to correct the length of the route.",
        "An earlier version of this story gave the wrong date for the vote.",
        "Berichtigung: In einer früheren Version hieß es, die Strecke habe zehn Haltestellen.",
        "In einer früheren Version dieses Artikels stand eine falsche Zahl.",
        "Corrección: una versión anterior de este artículo decía que la línea tendría diez paradas.",
        "Rectificatif : une précédente version de cet article indiquait dix arrêts.",
        "Rettifica: il tracciato ha undici fermate, non dieci.",
        "Correctie: in een eerdere versie stond dat de lijn tien haltes heeft.",
    ],
)
def test_an_appended_correction_notice_in_several_languages(notice):
    assert classify(TITLE, TEXT, TITLE, TEXT + "\n" + notice) == "correction"


def test_a_correction_is_told_by_structure_not_by_the_word():
    mention = TEXT + "\nThe council said a correction of the budget would follow next year, once costs are known."
    assert classify(TITLE, TEXT, TITLE, mention) == "update"
    # A notice already there before is not a new correction.
    before = TEXT + "\nCorrection: the route is six kilometres long."
    assert new_notices(before, before.replace("eleven", "twelve")) == []
    assert classify(TITLE, before, TITLE, before.replace("eleven", "twelve")) == "minor"


def test_a_corrected_headline_prefix_is_a_correction():
    assert classify(TITLE, TEXT, "CORRECTED-" + TITLE, TEXT) == "correction"


def test_word_diff_marks_removed_and_added_words_with_context():
    diff = word_diff(TITLE, TEXT, "Tram line approved", TEXT.replace("eleven stops", "twelve stops"))
    lines = diff.splitlines()
    assert lines[0] == f"headline: [-{TITLE}-] {{+Tram line approved+}}"
    assert (
        lines[1] == "… debate. The six-kilometre route will have [-eleven-] {+twelve+} stops and is expected to carry …"
    )
    assert word_diff(TITLE, TEXT, TITLE, TEXT) == ""

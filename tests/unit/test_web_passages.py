"""What the web view marks: passages shared between copies, searched words, snippets; how queries are read."""

from archive.store.search import SearchQuery
from archive.web.passages import highlighted, query_words, shared_passages, snippet

ORIGINAL = (
    "The harbour board voted on Monday to build a tidal barrier across the estuary.\n"
    "Residents of Quay Street applauded the decision but asked why work could not start sooner."
)
COPY = (
    "WESTSHORE NEWS\n"
    "The harbour board voted on Monday to build a tidal barrier across the estuary.\n"
    "Sign up for our newsletter."
)


def marked(paragraphs) -> list[str]:
    return [s.text for p in paragraphs for s in p if s.marked]


def text_of(paragraphs) -> list[str]:
    return ["".join(s.text for s in p) for p in paragraphs]


def test_shared_passages_are_marked_on_both_sides_and_nothing_else():
    (left, left_share), (right, right_share), (alone, alone_share) = shared_passages(
        [ORIGINAL, COPY, "Nothing in common with either text at all, not even five words."]
    )
    sentence = "The harbour board voted on Monday to build a tidal barrier across the estuary"
    assert marked(left) == [sentence] and marked(right) == [sentence]
    assert text_of(left) == ORIGINAL.split("\n") and text_of(right) == COPY.split("\n")  # nothing lost
    assert 0.4 < left_share < 0.6 and 0.6 < right_share < 0.8
    assert marked(alone) == [] and alone_share == 0.0


def test_fewer_than_five_shared_words_in_a_row_are_not_a_passage():
    (left, _), (right, _) = shared_passages(["on Monday to build roads", "on Monday to sell houses"])
    assert marked(left) == marked(right) == []


def test_searched_words_are_marked_whole_and_in_any_case():
    (paragraph,) = highlighted("Barrier barriers BARRIER, barrier.", ["barrier"])
    assert [s.text for s in paragraph if s.marked] == ["Barrier", "BARRIER, barrier"]  # neighbours join; not "barriers"


def test_a_snippet_is_cut_at_words_around_the_hits():
    text = " ".join(f"word{i}" for i in range(300)) + " ceasefire agreed " + " ".join(f"tail{i}" for i in range(50))
    parts = snippet(text, ["ceasefire"], chars=120)
    joined = "".join(s.text for s in parts)
    assert joined.startswith("… ") and "ceasefire" in joined and len(joined) < 200
    assert [s.text for s in parts if s.marked] == ["ceasefire"]
    assert all(not w or w.startswith(("word", "tail", "ceasefire", "agreed", "…")) for w in joined.split())
    opening = snippet("Short text without the word.", ["missing"])
    assert "".join(s.text for s in opening) == "Short text without the word." and not any(s.marked for s in opening)


def test_queries_split_into_words_and_quoted_phrases():
    query = SearchQuery.parse('"Steve Witkoff" Berlin "talks"')
    assert query.phrases == ("steve witkoff",)  # a one-word quote is a word
    assert query_words(query.text) == ["steve", "witkoff", "berlin", "talks"]
    (pattern,) = query.phrase_patterns()
    assert pattern.startswith("(?i)steve") and "witkoff" in pattern

"""Story terms: what an article's headline and lead contribute, and what they leave out."""

from archive.stories.terms import term_hash, term_weights


def test_headline_words_count_more_and_function_reporting_and_calendar_words_are_dropped():
    weights = term_weights("Flood closes bridge", "The council said on Monday that the bridge was closed.", 1000, 2.0)
    assert set(weights) == {term_hash(s) for s in ("flood", "close", "bridg", "council")}
    assert weights[term_hash("bridg")] > weights[term_hash("council")]  # in the headline too
    assert weights[term_hash("flood")] > weights[term_hash("council")]  # headline only, counted twice


def test_only_the_lead_counts_and_hashes_are_stable():
    lead = "Rescuers reached the village. " * 3
    weights = term_weights(None, lead + "Later paragraphs about something else entirely.", len(lead), 2.0)
    assert set(weights) == {term_hash("rescuer"), term_hash("reach"), term_hash("villag")}
    assert term_hash("villag") == 1737920161  # crc32 (zlib): the same in every process and run

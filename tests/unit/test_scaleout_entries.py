"""Stream entries: what a worker sends is what the committer reads back; anything else is poison."""

from __future__ import annotations

import zlib
from datetime import datetime, timezone

import numpy as np
import pytest

from archive.ingest.pool import guarded_extract
from archive.models import Article, RawDocument, Rejection
from archive.scaleout.entries import PoisonEntry, decode, encode_article, encode_rejection

PAGE = """<html><head><title>Harbour tram approved</title><meta name="author" content="Mira Jensen">
<meta property="article:published_time" content="2026-11-20T08:30:00+01:00"></head><body><article>
<h1>Harbour tram approved</h1><p>The city council voted on Thursday evening to build a tram line linking the
central station with the harbour district, ending years of debate about the neighbourhood.</p>
<p>The six-kilometre route will have eleven stops and is expected to carry about 30,000 passengers a day once it
opens, according to figures presented by the transport department.</p></article></body></html>"""


def test_an_extracted_article_comes_back_whole_with_its_signature_input():
    raw = RawDocument(
        "https://example.org/tram.html",
        "example.org",
        "crawl",
        PAGE.encode(),
        hints={"feed": "https://example.org/rss"},
    )
    article = guarded_extract(raw, seconds=0)
    assert not isinstance(article, Rejection)
    back_raw, back = decode(encode_article(raw, article))
    assert back_raw == raw
    assert back == article  # every field, dates included (signature_input is not compared by ==)
    assert back.published == datetime(2026, 11, 20, 7, 30, tzinfo=timezone.utc)
    assert article.signature_input is not None and back.signature_input is not None
    for mine, theirs in zip(article.signature_input.arrays(), back.signature_input.arrays(), strict=True):
        assert np.array_equal(mine, theirs) and theirs.dtype == mine.dtype
    # The page travels as the worker packed it for the archive, so the committer stores it as it is.
    assert back.raw_packed == article.raw_packed and len(encode_article(raw, article)[b"zbody"]) < len(PAGE)


def test_an_entry_of_an_older_worker_with_a_zlib_body_is_still_read():
    fields = encode_article(*ARTICLE)
    del fields[b"zbody"]
    back_raw, back = decode({**fields, b"body": zlib.compress(ARTICLE[0].body, 1)})
    assert back_raw == ARTICLE[0] and back == ARTICLE[1] and back.raw_packed is None


ARTICLE = (
    RawDocument("https://example.org/a", "example.org", "crawl", b"<html></html>"),
    Article("https://example.org/a", "example.org", "crawl", "Some text."),
)
ARTICLE_JSON = encode_article(*ARTICLE)[b"article"]


def test_a_rejection_comes_back():
    rejection = Rejection("https://example.org/x", "no article text found", digest="abc")
    assert decode(encode_rejection(rejection)) == rejection


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({b"v": b"9", b"kind": b"article"}, "unknown entry version"),
        ({b"v": b"1", b"kind": b"poll"}, "unknown entry kind"),
        (
            {b"v": b"1", b"kind": b"article", b"raw": b"{}", b"article": b"{}", b"body": b"not zlib"},
            "malformed article",
        ),
        ({**encode_article(*ARTICLE), b"zbody": b"not zstd"}, "malformed article"),
        ({b"v": b"1", b"kind": b"rejection", b"rejection": b"[1, 2]"}, "malformed rejection"),
        (
            {**encode_article(*ARTICLE), b"article": ARTICLE_JSON.replace(b'"authors": []', b'"authors": "Ann"')},
            "article authors of the wrong type",
        ),
        (
            {**encode_article(*ARTICLE), b"article": ARTICLE_JSON.replace(b'"title": null', b'"title": 7')},
            "article title of the wrong type",
        ),
    ],
)
def test_anything_else_is_a_poison_entry_with_its_reason(fields, reason):
    with pytest.raises(PoisonEntry, match=reason):
        decode(fields)

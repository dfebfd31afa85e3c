"""Pages before parsing: stray control bytes cleaned, binary refused, big pages slimmed, junk bounded."""

from __future__ import annotations

import base64
import json
import random

import pytest
from conftest import PARAGRAPHS

from archive.errors import ExtractionError
from archive.extract import extract
from archive.extract.rawhtml import MAX_CHARS, MAX_ELEMENTS, bounded, drop_controls, slim
from archive.models import RawDocument

JSONLD = json.dumps({"@type": "NewsArticle", "headline": "Lakeside approves bridge", "datePublished": "2024-03-05"})


def page(head: str = "", body_extra: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f'<html><head><title>Lakeside approves bridge</title><script type="application/ld+json">{JSONLD}</script>'
        f"{head}</head><body><article><h1>Lakeside approves bridge</h1>{paragraphs}</article>{body_extra}</body></html>"
    )


def run(html: str | bytes):
    body = html.encode() if isinstance(html, str) else html
    return extract(RawDocument(url="https://herald.example/bridge", source="herald.example", origin="html", body=body))


def test_a_few_stray_control_bytes_are_dropped_not_rejected():
    article = run(page().replace("<article>", "<article>\x00\x01", 1) + "\x00\x1b")
    assert PARAGRAPHS[0] in article.text and "\x00" not in article.text
    assert drop_controls("a\x00b\tc\nd\x1b" + "e" * 500) == "ab\tc\nd" + "e" * 500


def test_text_that_is_mostly_control_characters_is_binary():
    noise = "".join(random.Random(1).choice(["\x00", "\x01", "\x02", "a", "b", "c", "d"]) for _ in range(5000))
    with pytest.raises(ExtractionError, match="binary content"):
        drop_controls(noise)


def test_a_real_page_made_big_by_scripts_styles_icons_and_images_still_extracts():
    state = json.dumps({"items": [{"id": i, "html": "<div><a href='/x'>more</a></div>"} for i in range(30000)]})
    image = base64.b64encode(random.Random(2).randbytes(700_000)).decode()
    icons = "<svg>" + '<path d="M0 0"/>' * 30000 + "</svg>"
    comment = "<!-- " + "x" * 100000 + " -->"
    big = page(
        head=f"<style>{'.c{color:red}' * 40000}</style><script type='application/json'>{state}</script>",
        body_extra=f"{icons}<img src='data:image/png;base64,{image}'>{comment}",
    )
    assert len(big) > 3 * MAX_CHARS / 2
    small, large = run(page()), run(big)
    assert large.text == small.text and large.title == small.title
    assert large.published == small.published  # JSON-LD survives slimming


def test_junk_is_refused_with_a_reason_before_trafilatura():
    with pytest.raises(ExtractionError, match="page too large for an article"):
        run("<html><body>" + "<div>x</div>" * 430_000)
    with pytest.raises(ExtractionError, match="too many HTML elements"):
        bounded("<html><body>" + "<b>x</b>" * (MAX_ELEMENTS + 1))


def test_pages_within_the_limits_are_parsed_as_they_are():
    html = page(head="<script>var published = '2024-03-05';</script><style>p{}</style>")
    assert bounded(html) == html
    slimmed = slim(html)
    assert "var published" not in slimmed and "p{}" not in slimmed and JSONLD in slimmed

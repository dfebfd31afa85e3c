"""Old and odd markup: frames, layout tables, <br><br> paragraphs, loose text; each also with a
modern look-alike that must stay as it is."""

from __future__ import annotations

from archive.extract import extract
from archive.models import RawDocument

PARAGRAPHS = [
    "The regional council approved the new hospital wing on Monday after a debate that lasted most of the afternoon.",
    "Construction is expected to begin in the spring, and the wing should open to patients within three years.",
    "Doctors welcomed the decision, saying the current building had long been too small for its patients.",
    "Opposition members questioned the cost but agreed that the region needed more beds for older patients.",
]
NAV = "<a href='/'>Home</a> | <a href='/news'>News</a> | <a href='/sport'>Sport</a> | <a href='/weather'>Weather</a>"


def text_of(html: str) -> str:
    return extract(
        RawDocument(url="https://old.example/story.html", source="old.example", origin="html", body=html.encode())
    ).text


def assert_paragraphs(text: str) -> None:
    assert text.splitlines() == PARAGRAPHS, text


def test_a_story_laid_out_in_a_table_with_font_tags_and_br_paragraphs():
    page = (
        f"<html><head><title>Hospital wing approved</title></head><body><table><tr><td width=150>{NAV}</td>"
        f"<td><font size=4><b>Hospital wing approved</b></font><br><font face=arial>{'<br><br>'.join(PARAGRAPHS)}"
        "</font></td></tr></table></body></html>"
    )
    assert_paragraphs(text_of(page))


def test_br_br_paragraphs_without_p():
    page = f"<html><body><div><h1>Hospital wing approved</h1>{'<br><br>'.join(PARAGRAPHS)}</div><div>{NAV}</div></body></html>"
    assert_paragraphs(text_of(page))


def test_a_frameset_page_is_read_from_its_noframes_text():
    page = f"<html><frameset cols='20%,80%'><frame src='nav.html'></frameset><noframes><body>{'<p>'.join(PARAGRAPHS)}</body></noframes></html>"
    assert_paragraphs(text_of(page))


def test_a_data_table_stays_a_table_and_an_address_keeps_its_line_breaks():
    rows = "".join(f"<tr><td>Ward {n}</td><td>{n * 12} beds</td></tr>" for n in range(1, 6))
    page = f"<html><body><h1>Beds</h1><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p><table>{rows}</table></body></html>"
    text = text_of(page)
    assert "| Ward 1 | 12 beds |" in text
    address = (
        "<p>"
        + PARAGRAPHS[2]
        + "</p><p>"
        + PARAGRAPHS[3]
        + "</p><div>Town Hall<br><br>Main Street 1<br><br>Northport</div>"
    )
    assert "Town Hall" not in text_of(f"<html><body><article>{address}</article></body></html>").split("\n")[0]

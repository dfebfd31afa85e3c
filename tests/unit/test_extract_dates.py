"""Published dates come from published evidence; a modified date never stands in for it."""

from __future__ import annotations

from datetime import date

from archive.extract import extract
from archive.models import RawDocument

PARAS = "".join(
    f"<p>{p}</p>"
    for p in (
        "The regional water board confirmed on Monday that the reservoir above Elmford had fallen to its lowest "
        "level in thirty years, after a summer with less than half the usual rainfall.",
        "Engineers said the board would start pumping from the river later this week, and asked households to "
        "avoid watering gardens and washing cars until the autumn rains arrive.",
    )
)
URL = "https://valleypost.example/news/reservoir"  # no date in the URL
MODIFIED = '<meta property="article:modified_time" content="2023-09-01T10:00:00Z">'


def run(head: str, body: str = ""):
    html = f"<html><head><title>Reservoir at lowest level</title>{head}</head><body><article><h1>Reservoir at lowest level</h1>{body}{PARAS}</article></body></html>"
    return extract(RawDocument(url=URL, source="valleypost.example", origin="html", body=html.encode()))


def test_published_evidence_in_the_body_beats_a_modified_meta_tag():
    article = run(MODIFIED, '<time datetime="2023-08-14T08:00:00Z" class="published">14 August 2023</time>')
    assert article.published is not None and article.published.date() == date(2023, 8, 14)
    assert article.modified is not None and article.modified.date() == date(2023, 9, 1)


def test_a_last_modified_header_tag_is_not_the_published_date():
    for head in (
        MODIFIED,
        '<meta http-equiv="last-modified" content="2023-09-01">',
        '<meta name="lastmod" content="2023-09-01">',
    ):
        article = run(head)
        assert article.published is None and article.date_confidence == "none", head


def test_the_date_search_leaves_the_page_as_it_was():
    from lxml import html as lxml_html

    from archive.extract.metadata import gather

    tree = lxml_html.fromstring(
        f"<html><head>{MODIFIED}<meta name='lastmod' content='2023-09-01'></head><body>{PARAS}</body></html>"
    )
    before = lxml_html.tostring(tree)
    md = gather(URL, {}, tree)
    assert lxml_html.tostring(tree) == before
    assert md.values["modified"].date() == date(2023, 9, 1) and "published" not in md.values

"""HTML extraction: each evidence source and each sanity rule, on small hand-written pages."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from archive.extract import extract
from archive.models import RawDocument

PARAS = [
    "The regional water board confirmed on Monday that the reservoir above Elmford had fallen to its lowest "
    "level in thirty years, after a summer with less than half the usual rainfall.",
    "Engineers said the board would start pumping from the river later this week, and asked households to "
    "avoid watering gardens and washing cars until the autumn rains arrive.",
    "Farmers in the valley said the restrictions came too late for this year's harvest, which they expect to "
    "be the smallest since the drought of 1995 forced many of them to sell livestock.",
    "The board's chair, Miriam Okafor, told reporters that a second reservoir planned for the northern hills "
    "would be approved next year and could hold enough water for two dry summers.",
]
TITLE = "Elmford reservoir falls to lowest level in thirty years"


def page(
    paragraphs=PARAS, head: str = "", before: str = "", after: str = "", aside: str = "", title: str = TITLE
) -> bytes:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} - Valley Post</title>{head}</head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<main><article><h1>{title}</h1>{before}
{body}
{after}</article><aside class="sidebar">{aside}</aside></main>
<footer><p>Valley Post, 12 Mill Lane</p></footer></body></html>""".encode()


def run(body: bytes, url: str = "https://valleypost.example/news/2023/08/14/reservoir", **hints):
    return extract(RawDocument(url=url, source="valleypost.example", origin="html", body=body, hints=hints))


def jsonld(**fields) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", **fields}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_body_keeps_every_paragraph_and_drops_the_headline():
    article = run(page())
    assert article.text.splitlines() == PARAS
    assert article.title == TITLE and article.provenance["title"] == "html-title"
    assert article.provenance["text"] == "trafilatura"


def test_jsonld_article_body_restores_a_paragraph_the_page_hides_from_extraction():
    # The last paragraph sits in a block trafilatura drops as a teaser; JSON-LD has the whole body.
    teaser = f'<div class="related-teaser"><a href="/x">{PARAS[3]}</a></div>'
    body = page(PARAS[:3], after=teaser, head=jsonld(headline=TITLE, articleBody="\n".join(PARAS)))
    article = run(body)
    assert article.provenance["text"] == "jsonld"
    assert PARAS[3] in article.text and PARAS[0] in article.text
    assert article.provenance["title"] == "jsonld"


def test_wrong_jsonld_is_checked_against_the_page():
    other = "A completely different story about a football match that this page does not show anywhere. " * 8
    article = run(page(head=jsonld(headline="Cup final ends in a draw", articleBody=other)))
    assert article.provenance["text"] == "trafilatura"
    assert "football" not in article.text
    assert article.text.splitlines() == PARAS


def test_truncated_jsonld_body_is_not_used():
    article = run(page(head=jsonld(headline=TITLE, articleBody=PARAS[0][:120])))
    assert article.provenance["text"] == "trafilatura" and article.text.splitlines() == PARAS


def test_author_from_jsonld_as_list_and_organisations_are_not_names():
    authors = [
        {"@type": "Person", "name": "Tom Reyes"},
        {"@type": "Person", "name": "Ines Wolf"},
        {"@type": "Organization", "name": "Valley Post Staff"},
    ]
    article = run(page(head=jsonld(headline=TITLE, author=authors)))
    assert article.authors == ["Tom Reyes", "Ines Wolf"]
    assert article.author == "Tom Reyes; Ines Wolf"
    assert article.provenance["authors"] == "jsonld"
    assert any("Valley Post Staff" in r for r in article.meta["rejected"])


def test_byline_in_the_article_is_used_but_a_byline_in_a_sidebar_is_not():
    sidebar = '<h3>Most read</h3><ul><li><a href="/y">Bridge reopens</a> <span class="byline">By Carla Mendes</span></li></ul>'
    article = run(page(aside=sidebar))
    assert article.authors == [] and "authors" not in article.provenance
    article = run(page(before='<p class="byline">By Peter Hall</p>', aside=sidebar))
    assert article.authors == ["Peter Hall"] and article.provenance["authors"] == "byline"


def test_author_that_is_a_sentence_or_the_site_name_is_rejected():
    meta = '<meta name="author" content="Read our latest coverage of the drought here."><meta property="og:site_name" content="Valley Post">'
    assert run(page(head=meta)).authors == []
    assert (
        run(
            page(head='<meta property="og:site_name" content="Valley Post"><meta name="author" content="Valley Post">')
        ).authors
        == []
    )


def test_future_date_is_rejected_and_the_next_evidence_is_used():
    future = (datetime.now(timezone.utc) + timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%SZ")
    article = run(page(head=jsonld(headline=TITLE, datePublished=future)))
    assert article.published == datetime(2023, 8, 14, tzinfo=timezone.utc)
    assert article.provenance["published"] == "url"
    assert article.date_confidence == "low"
    assert any("in the future" in r for r in article.meta["rejected"])


def test_date_before_1990_is_rejected():
    article = run(
        page(head=jsonld(headline=TITLE, datePublished="1970-01-01T00:00:00Z")), url="https://valleypost.example/a"
    )
    assert article.published is None or article.published.year >= 1990
    assert any("before 1990" in r for r in article.meta["rejected"])


def test_agreeing_sources_give_high_confidence_and_modified_before_published_is_dropped():
    head = jsonld(headline=TITLE, datePublished="2023-08-14T09:30:00+02:00", dateModified="2023-08-13T08:00:00Z")
    head += '<meta property="article:published_time" content="2023-08-14T07:30:00Z">'
    article = run(page(head=head))
    assert article.published == datetime(2023, 8, 14, 7, 30, tzinfo=timezone.utc)
    assert article.provenance["published"] == "jsonld" and article.date_confidence == "high"
    assert article.modified is None and any("before the published date" in r for r in article.meta["rejected"])


def test_conflicting_dates_are_low_confidence():
    head = jsonld(headline=TITLE, datePublished="2021-01-02T10:00:00Z")
    assert run(page(head=head)).date_confidence == "low"  # the URL says 2023-08-14


def test_hints_from_a_feed_win_and_say_so():
    article = run(page(), title="Feed title", published="2023-08-14T06:00:00Z", feed="https://valleypost.example/rss")
    assert article.title == "Feed title" and article.provenance["title"] == "feed"
    assert article.provenance["published"] == "feed" and article.date_confidence == "high"


def test_sitemap_lastmod_is_the_modified_date():
    article = run(
        page(),
        published="2023-08-14T06:00:00Z",
        lastmod="2023-08-15T10:00:00Z",
        sitemap="https://valleypost.example/sitemap.xml",
    )
    assert article.provenance["published"] == "sitemap"
    assert (
        article.modified == datetime(2023, 8, 15, 10, tzinfo=timezone.utc)
        and article.provenance["modified"] == "sitemap"
    )


def test_opengraph_fields_with_provenance():
    head = (
        '<meta property="og:title" content="Reservoir at record low"><meta property="og:image" content="https://img.example/r.jpg">'
        '<meta property="og:description" content="The lowest level in thirty years."><link rel="canonical" href="https://valleypost.example/r">'
    )
    article = run(page(head=head))
    assert (article.title, article.provenance["title"]) == ("Reservoir at record low", "opengraph")
    assert (article.image, article.provenance["image"]) == ("https://img.example/r.jpg", "opengraph")
    assert article.description == "The lowest level in thirty years."
    assert (article.canonical_url, article.provenance["canonical_url"]) == (
        "https://valleypost.example/r",
        "link-canonical",
    )
    assert (article.language, article.provenance["language"]) == ("en", "html-lang")


def test_related_headlines_and_calls_to_action_are_removed():
    after = (
        "<p>Related:</p><ul><li><a href='/1'>Council plans new flood barrier for the harbour district</a></li>"
        "<li><a href='/2'>Heatwave warning issued for the weekend across the valley</a></li>"
        "<li><a href='/3'>Local bakery wins national award for its sourdough bread</a></li></ul>"
        "<p>Sign up for our free morning newsletter to get the news delivered to your inbox.</p>"
        "<p>Follow us on Twitter @valleypost and on Facebook.</p>"
    )
    article = run(page(after=after))
    assert article.text.splitlines() == PARAS
    assert article.meta["removed_blocks"]["call-to-action"] == 2


def test_relative_canonical_and_image_are_resolved_against_the_page_url():
    head = '<link rel="canonical" href="/news/reservoir"><meta property="og:image" content="/img/r.jpg">'
    article = run(page(head=head), url="https://valleypost.example/news/reservoir?utm=x")
    assert article.canonical_url == "https://valleypost.example/news/reservoir"
    assert article.image == "https://valleypost.example/img/r.jpg"


def test_a_subheading_about_copyright_is_kept_but_a_notice_is_not():
    after = "<h2>Copyright dispute over the reservoir photographs</h2><p>© 2023 Valley Post. All rights reserved.</p>"
    article = run(page(PARAS[:2] + [PARAS[2]], after=after.replace("</h2>", "</h2>" + f"<p>{PARAS[3]}</p>", 1)))
    assert "Copyright dispute over the reservoir photographs" in article.text
    assert "All rights reserved" not in article.text


def test_date_from_the_page_text_is_low_confidence():
    before = '<p class="date">Published 14 August 2023</p>'
    article = run(page(before=before), url="https://valleypost.example/news/reservoir")
    assert article.published is not None and article.published.date().isoformat() == "2023-08-14"
    assert article.provenance["published"] == "htmldate" and article.date_confidence == "low"


def test_meta_author_and_future_modified_date():
    future = (datetime.now(timezone.utc) + timedelta(days=30)).isoformat()
    head = f'<meta name="author" content="Dana Whitfield"><meta property="article:modified_time" content="{future}">'
    article = run(page(head=head))
    assert (article.authors, article.provenance["authors"]) == (["Dana Whitfield"], "meta")
    assert article.modified is None and any(r.startswith("modified=") for r in article.meta["rejected"])


def chunked(next_article: str = "") -> bytes:
    chunks = "".join(
        f'<div class="body chunk"><p>{p}</p></div><div class="ad-slot"><p>Advertisement</p></div>' for p in PARAS
    )
    return (
        f"<html lang='en'><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1>"
        f"<div class='chunks'>{chunks}{next_article}</div></article></body></html>"
    ).encode()


def first_chunk_only():
    """What an extractor that stopped after the first chunk returns."""
    from lxml import etree

    body = etree.Element("body")
    etree.SubElement(body, "p").text = PARAS[0]
    return body


def test_article_split_into_sibling_chunks_is_whole():
    from trafilatura.utils import load_html

    from archive.extract.chunks import recover_chunks

    body = first_chunk_only()
    assert recover_chunks(load_html(chunked().decode()), body) == 3
    assert [p.text for p in body] == PARAS
    assert [line for line in run(chunked()).text.splitlines() if line in PARAS] == PARAS


def test_next_article_in_a_sibling_chunk_is_not_merged():
    from trafilatura.utils import load_html

    from archive.extract.chunks import recover_chunks

    other = (
        "The town's football club announced on Sunday that its stadium will host the regional final next "
        "spring, after the league approved the new floodlights and the extra seating."
    )
    nxt = f'<div class="body chunk"><h1>Stadium to host regional final</h1><p>{other}</p></div>'
    body = first_chunk_only()
    recover_chunks(load_html(chunked(nxt).decode()), body)
    assert [p.text for p in body] == PARAS


def test_embedded_post_comes_back_after_its_paragraph_once():
    from lxml import etree
    from trafilatura.utils import load_html

    from archive.extract.chunks import recover_embeds

    tweet = (
        '<blockquote class="twitter-tweet"><p>The reservoir is the emptiest I have seen it in forty years of farming here.</p>'
        '&#8212; Tom Hale (@tomhale) <a href="https://x.example/1">August 14, 2023</a></blockquote>'
    )
    html = page(after="").decode().replace(f"<p>{PARAS[1]}</p>", f"<p>{PARAS[1]}</p>{tweet}")
    body = etree.Element("body")
    for text in PARAS:
        etree.SubElement(body, "p").text = text
    assert recover_embeds(load_html(html), body) == 1
    lines = [" ".join(el.itertext()) for el in body]
    assert lines[2] == "The reservoir is the emptiest I have seen it in forty years of farming here."
    assert lines[3] == "— Tom Hale (@tomhale) August 14, 2023"
    assert lines[4] == PARAS[2]
    assert recover_embeds(load_html(html), body) == 0  # already there


def test_meta_date_written_for_people_with_a_zone_abbreviation():
    head = '<meta property="article:published_time" content="August 14, 2023, 07:47 PM EDT">'
    article = run(page(head=head), url="https://valleypost.example/news/reservoir")
    assert article.published == datetime(2023, 8, 14, 23, 47, tzinfo=timezone.utc)
    assert article.provenance["published"] == "meta"


def test_title_tag_loses_the_site_suffix_but_not_a_dash_in_the_headline():
    from trafilatura.utils import load_html

    from archive.extract.metadata import html_title

    def title(text, site=None):
        return html_title(load_html(f"<html><head><title>{text}</title></head><body><p>x</p></body></html>"), site)

    assert title("Reservoir falls to record low - Valley Post") == "Reservoir falls to record low"
    assert title("Floods | BBC News", "BBC News") == "Floods"
    assert title("Biden - Trump debate") == "Biden - Trump debate"


def _paywall(free) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": TITLE, "isAccessibleForFree": free}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_access_follows_the_paywall_markup():
    assert run(page()).access == "free" and run(page()).provenance["access"] == "no paywall markup"
    assert run(page(head=_paywall("True"))).access == "free"
    long = run(page(PARAS * 2, head=_paywall(False)))  # the whole text was in the page, hidden by the paywall
    assert long.access == "paywalled" and long.provenance["access"].startswith("jsonld (not free")
    teaser = run(page(PARAS[:2], head=_paywall("False")))
    assert teaser.access == "teaser"
    tier = run(page(PARAS[:2], head='<meta property="article:content_tier" content="locked">'))
    assert tier.access == "teaser" and tier.provenance["access"].startswith("meta")


def test_a_teaser_is_told_by_its_text_when_the_page_has_no_paywall_markup():
    from archive.extract import extract
    from archive.models import RawDocument

    opening = (
        "<p>The city council met on Thursday to discuss the future of the old harbour warehouses, which have stood "
        "empty for more than a decade.</p><p>Several investors have presented plans, among them a group that wants"
    )

    def access(body: str) -> str | None:
        page = f"<html><body><header><a href='/login'>Already a subscriber? Log in</a></header><article><h1>Harbour plans</h1>{body}</article></body></html>"
        return extract(
            RawDocument(url="https://news.example/a", source="news.example", origin="html", body=page.encode())
        ).access

    assert (
        access(opening + " to turn them into flats ...</p><div class='wall'>Subscribe to continue reading</div>")
        == "teaser"
    )
    assert (
        access(opening + " to build flats.</p><p>The council will decide in March.</p>") == "free"
    )  # the header link alone
    assert access(opening + " Weiterlesen mit Z+</p>") == "teaser"

"""A small news site served on 127.0.0.1 for the crawl tests, with a request log.

Pages: home, a section and a tag page, an RSS feed, robots.txt (Disallow /private/ and a
Sitemap line), a sitemap index with a page sitemap and a Google News sitemap, article pages
with heavy boilerplate and JSON-LD, a syndicated copy of one article at another URL, a 404,
a 301, a 503 that succeeds on retry, a PDF and an ISO-8859-1 page. Every HTML page runs a script
that marks the document (``data-script-ran``), so a browser test can tell whether it ran.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Story:
    path: str
    title: str
    author: str
    published: str  # ISO 8601 with offset
    paragraphs: list[str]
    charset: str = "utf-8"


STORIES = [
    Story(
        "/2026/11/20/tram-line-approved.html",
        "Council approves new tram line to the harbour",
        "Mira Jensen",
        "2026-11-20T08:30:00+01:00",
        [
            "The city council voted on Thursday evening to build a tram line linking the central station with the "
            "harbour district, ending years of debate about how to serve the fast-growing neighbourhood.",
            "The six-kilometre route will have eleven stops and is expected to carry about 30,000 passengers a day "
            "once it opens, according to figures presented by the transport department.",
            "Construction is due to start next autumn. Shop owners along Quay Street asked for compensation for the "
            "two years of roadworks, and the council agreed to set up a fund to cover part of their losses.",
            "Opposition members argued that electric buses would have cost a third as much, but the motion passed "
            "by twenty-one votes to fourteen after a debate that lasted more than five hours.",
        ],
    ),
    Story(
        "/2026/11/19/storm-warning-coast.html",
        "Storm warning issued for the northern coast",
        "Tomas Berg",
        "2026-11-19T06:10:00+01:00",
        [
            "The national weather service issued an orange warning for the northern coast on Wednesday, forecasting "
            "gusts of up to 120 kilometres per hour and waves of six metres by the evening.",
            "Ferry operators cancelled all afternoon crossings to the islands, and the coastal railway said trains "
            "would run at reduced speed between Northport and the river mouth until further notice.",
            "Residents of low-lying streets near the old harbour were advised to move cars to higher ground and to "
            "keep sandbags ready, as the storm is expected to coincide with a spring tide.",
        ],
    ),
    Story(
        "/2026/11/18/library-reopens.html",
        "Central library reopens after three-year renovation",
        "Ines Duarte",
        "2026-11-18T10:00:00+01:00",
        [
            "The central library reopened its doors on Tuesday after a three-year renovation that added a rooftop "
            "reading room, a children's floor and a workshop with sewing machines and 3D printers.",
            "More than four thousand visitors came through the entrance on the first day, the library said, many of "
            "them queuing in the rain before the doors opened at nine o'clock.",
            "The renovation cost 48 million, slightly less than budgeted, and the building now produces part of its "
            "own electricity with solar panels fitted on the south side of the roof.",
        ],
    ),
    Story(
        "/2026/11/17/zurich-bank-fine.html",
        "Zürich regulator fines private bank over compliance failures",
        "Lukas Meier",
        "2026-11-17T14:45:00+01:00",
        [
            "The financial regulator in Zürich fined a private bank 12 million francs on Monday for failing to check "
            "the origin of funds deposited by clients in Genève and Lugano over a period of five years.",
            "According to the regulator, the bank's compliance department was understaffed and ignored internal "
            "warnings about transfers that were later linked to a fraud investigation abroad.",
            "The bank said it accepted the decision, had replaced two members of its executive board and would "
            "strengthen its controls. Its shares fell by three percent in Zürich trading.",
        ],
        charset="iso-8859-1",
    ),
    Story(
        "/2026/11/16/school-meals-programme.html",
        "Free school meals to be extended to every primary pupil",
        "Sara Lind",
        "2026-11-16T09:00:00+01:00",
        [
            "Every primary school pupil in the region will receive a free hot lunch from next August, the education "
            "minister announced on Sunday, extending a programme that until now covered only low-income families.",
            "The measure will cost about 90 million a year and will be funded by savings in the school transport "
            "budget and by a contribution from the municipalities, the minister said.",
            "Teachers' unions welcomed the decision but warned that many older schools lack kitchens and dining "
            "halls large enough to serve hundreds of children within a normal lunch break.",
        ],
    ),
]
TRAM, STORM, LIBRARY, ZURICH, MEALS = STORIES
SYNDICATED = "/partners/wire/tram-line-harbour-copy.html"
PRIVATE = "/private/internal-memo.html"
REDIRECT = "/news/48213"  # 301 -> LIBRARY
MISSING = "/2026/11/15/deleted-story.html"
PDF = "/files/budget-report.pdf"
NEWS_TITLE = "Free school meals extended to all primary pupils"  # the Google News sitemap's news:title
BOILERPLATE = [
    "Accept all cookies",
    "Sign up for our morning newsletter",
    "Great article, thanks for sharing",
    "Most read",
]


def page(title: str, main: str, head: str = "", charset: str = "utf-8") -> str:
    links = "".join(
        f'<li><a href="{href}">{name}</a></li>'
        for href, name in [
            ("/", "Home"),
            ("/world/", "World"),
            ("/tag/transport/", "Transport"),
            ("/about/", "About us"),
        ]
    )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="{charset}"><title>{title} | Harbour Times</title>
<meta property="og:site_name" content="Harbour Times">{head}</head><body>
<header><a href="/">Harbour Times</a><nav><ul>{links}</ul></nav></header>
<div class="cookie-consent"><p>{BOILERPLATE[0]}</p><button>OK</button></div>
<main>{main}</main>
<aside class="newsletter"><p>{BOILERPLATE[1]}</p><form><input name="email"></form></aside>
<footer><p>© 2026 Harbour Times</p><ul><li><a href="/imprint/">Imprint</a></li><li><a href="/privacy/">Privacy</a></li></ul></footer>
<script>document.documentElement.setAttribute("data-script-ran", "yes")</script>
</body></html>"""


def article_page(story: Story, base: str, canonical: bool = True, jsonld: bool = True) -> str:
    head = ""
    if canonical:
        head += f'<link rel="canonical" href="{base}{story.path}"><meta property="og:url" content="{base}{story.path}">'
    if jsonld:
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": story.title,
            "datePublished": story.published,
            "author": {"@type": "Person", "name": story.author},
            "publisher": {"@type": "Organization", "name": "Harbour Times"},
        }
        head += f'<meta property="og:type" content="article"><script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'
    body = "\n".join(f"<p>{p}</p>" for p in story.paragraphs)
    related = "".join(f'<li><a href="{s.path}">{s.title}</a></li>' for s in STORIES if s is not story)
    main = f"""<article><h1>{story.title}</h1><p class="byline">By {story.author}</p>
<div class="share"><a href="https://twitter.com/share">Share</a></div>
<div class="article-body">{body}</div></article>
<section class="related"><h2>{BOILERPLATE[3]}</h2><ul>{related}</ul></section>
<section id="comments" class="comments"><h2>Comments</h2><div class="comment"><p>{BOILERPLATE[2]}</p></div></section>"""
    return page(story.title, main, head, story.charset)


def syndicated_page(base: str) -> str:
    """The tram story as republished by a partner section: other layout, no canonical, no JSON-LD."""
    body = "\n".join(f"<p>{p}</p>" for p in TRAM.paragraphs)
    main = f"""<div class="wire"><span class="label">From our partners</span><h1>{TRAM.title}</h1>
<div class="text">{body}</div></div><div class="ad">Advertisement</div>"""
    return page(TRAM.title, main)


def listing_page(title: str, paths: list[str], extra_links: str = "") -> str:
    items = "".join(f'<li><a href="{p}">{next((s.title for s in STORIES if s.path == p), p)}</a></li>' for p in paths)
    head = '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "CollectionPage"}</script>'
    return page(title, f"<h1>{title}</h1><ul class='teasers'>{items}</ul>{extra_links}", head)


@dataclass
class FixtureSite:
    """The running site: ``base`` URL, ``log`` of requested paths (with query), ``agents`` seen."""

    external: str = ""  # base URL of another host; the site spider must never go there
    base: str = ""
    log: list[str] = field(default_factory=list)
    agents: set[str] = field(default_factory=set)
    hits: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def requested(self, path: str) -> int:
        with self.lock:
            return sum(1 for entry in self.log if urlsplit(entry).path == path)

    def mark(self) -> int:
        with self.lock:
            return len(self.log)

    def since(self, mark: int) -> list[str]:
        with self.lock:
            return self.log[mark:]

    def routes(self) -> dict[str, tuple[int, str, bytes]]:
        b = self.base
        feed_items = [
            (TRAM.title, TRAM.path + "?utm_source=rss&utm_medium=feed&fbclid=abc123", TRAM.published),
            (STORM.title, STORM.path, STORM.published),
            (LIBRARY.title, REDIRECT, LIBRARY.published),
            (ZURICH.title, ZURICH.path, ZURICH.published),
            (TRAM.title + " (partner copy)", SYNDICATED, "2026-11-20T15:00:00+01:00"),
            ("Internal memo", PRIVATE, TRAM.published),
            ("Deleted story", MISSING, TRAM.published),
            ("Budget report (PDF)", PDF, TRAM.published),
        ]
        rss_items = "".join(
            f"<item><title>{t}</title><link>{b}{p.replace('&', '&amp;')}</link><pubDate>{format_datetime(datetime.fromisoformat(d))}</pubDate>"
            f"<description>Teaser only.</description></item>"
            for t, p, d in feed_items
        )
        rss = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Harbour Times</title><link>{b}/</link>{rss_items}</channel></rss>'
        urlset = "".join(
            f"<url><loc>{b}{p}</loc><lastmod>2026-11-20</lastmod></url>"
            for p in [TRAM.path, STORM.path, ZURICH.path, PDF, PRIVATE]
        )
        pages_sitemap = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urlset}</urlset>'
        news_sitemap = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{b}{MEALS.path}</loc><news:news><news:publication><news:name>Harbour Times</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2026-11-16T09:00:00+01:00</news:publication_date><news:title>{NEWS_TITLE}</news:title></news:news></url>
<url><loc>{b}{TRAM.path}</loc><news:news><news:publication><news:name>Harbour Times</news:name><news:language>en</news:language></news:publication>
<news:publication_date>{TRAM.published}</news:publication_date><news:title>{TRAM.title}</news:title></news:news></url>
</urlset>"""
        index = f"""<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{b}/sitemaps/pages.xml</loc></sitemap><sitemap><loc>{b}/sitemaps/news.xml</loc></sitemap></sitemapindex>"""
        robots = f"User-agent: *\nDisallow: /private/\n\nSitemap: {b}/sitemap_index.xml\n"
        home = listing_page(
            "Harbour Times: news from the harbour city",
            [TRAM.path, STORM.path, ZURICH.path, PRIVATE],
            f'<p><a href="/world/">World</a> <a href="{self.external}/elsewhere/big-story-on-another-site.html">Elsewhere</a> <a href="{PDF}">Budget (PDF)</a></p>',
        )
        html = "text/html; charset=utf-8"
        routes = {
            "/": (200, html, home.encode()),
            "/world/": (200, html, listing_page("World", [LIBRARY.path, ZURICH.path, SYNDICATED]).encode()),
            "/tag/transport/": (200, html, listing_page("Transport", [TRAM.path, SYNDICATED]).encode()),
            "/feed.xml": (200, "application/rss+xml; charset=utf-8", rss.encode()),
            "/robots.txt": (200, "text/plain", robots.encode()),
            "/sitemap_index.xml": (200, "application/xml", index.encode()),
            "/sitemaps/pages.xml": (200, "application/xml", pages_sitemap.encode()),
            "/sitemaps/news.xml": (200, "application/xml", news_sitemap.encode()),
            SYNDICATED: (200, html, syndicated_page(b).encode()),
            PRIVATE: (
                200,
                html,
                article_page(
                    Story(PRIVATE, "Internal memo", "Staff", TRAM.published, TRAM.paragraphs[:1] * 3), b
                ).encode(),
            ),
            PDF: (200, "application/pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
            REDIRECT: (301, b + LIBRARY.path, b""),
        }
        for story in STORIES:
            routes[story.path] = (
                200,
                f"text/html; charset={story.charset.upper()}",
                article_page(story, b).encode(story.charset),
            )
        return routes


def serve_site() -> tuple[FixtureSite, callable]:
    """Start the site (and an 'external' host) on 127.0.0.1; returns the site and a stop function."""
    site = FixtureSite()

    class Handler(BaseHTTPRequestHandler):
        server_version = "FixtureNews/1.0"

        def log_message(self, *args):  # keep pytest output clean
            pass

        def do_GET(self):
            path = urlsplit(self.path).path
            with site.lock:
                site.log.append(self.path)
                site.agents.add(self.headers.get("User-Agent", ""))
                site.hits[path] = site.hits.get(path, 0) + 1
                hits = site.hits[path]
            status, kind, body = site.routes().get(
                path, (404, "text/html", b"<html><body><h1>Not found</h1></body></html>")
            )
            if path == STORM.path and hits == 1:  # overloaded once, fine on retry
                status, kind, body = 503, "text/html", b"<html><body>Service temporarily unavailable</body></html>"
            self.send_response(status)
            if status in (301, 302):
                self.send_header("Location", kind)
            else:
                self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class ExternalHandler(Handler):
        def do_GET(self):
            with site.lock:
                site.log.append("EXTERNAL " + self.path)
            self.send_response(200)
            self.end_headers()

    servers = [ThreadingHTTPServer(("127.0.0.1", 0), Handler), ThreadingHTTPServer(("127.0.0.1", 0), ExternalHandler)]
    site.base = f"http://127.0.0.1:{servers[0].server_address[1]}"
    site.external = f"http://127.0.0.1:{servers[1].server_address[1]}"
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop():
        for server in servers:
            server.shutdown()
            server.server_close()

    return site, stop

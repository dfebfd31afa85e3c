"""A generated news site of N article pages on 127.0.0.1 for the fleet tests (links, feed, sitemap).

Every article has its own text (generated, 4-8 paragraphs) and links to the next three; the
home page and the section pages list all of them; the RSS feed lists the newest 20, the
sitemap every one. Every 20th article is a syndicated copy of the one before it (same text,
other URL and layout), so duplicate groups are part of what a crawl must get right. A small
delay per article page spreads a crawl over a few seconds, long enough to kill a worker in it.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

WORDS = (
    "council minister city government police report year people court week plan announced confirmed warned "
    "budget election vote party leader opposition health hospital school teachers students workers union strike "
    "company market shares prices inflation bank interest rates energy climate weather storm flood fire rescue "
    "officials residents district region border trade agreement talks summit investigation evidence trial judge "
    "project construction road bridge railway airport transport traffic housing families festival museum library"
).split()
SECTION_SIZE = 25


def random_paragraphs(rng: random.Random) -> list[str]:
    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 20))).capitalize() + "."

    return [" ".join(sentence() for _ in range(rng.randint(3, 5))) for _ in range(rng.randint(4, 8))]


@dataclass
class FleetSite:
    pages: int
    delay: float = 0.01  # seconds per article page
    base: str = ""
    hits: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    routes: dict[str, bytes] = field(default_factory=dict)

    def article_path(self, i: int) -> str:
        return f"/news/{i:04d}/story-{i}.html"

    @property
    def article_paths(self) -> list[str]:
        return [self.article_path(i) for i in range(self.pages)]

    def copies(self) -> dict[str, str]:
        """Syndicated copy path -> the original's path."""
        return {self.article_path(i): self.article_path(i - 1) for i in range(19, self.pages, 20)}

    def articles_fetched(self) -> int:
        with self.lock:
            return sum(n for path, n in self.hits.items() if path.startswith("/news/"))

    def build(self) -> None:
        rng = random.Random(14)
        texts: list[list[str]] = []
        copies = self.copies()
        for i in range(self.pages):
            path = self.article_path(i)
            texts.append(texts[i - 1] if path in copies else random_paragraphs(rng))
            title = f"Story {i}: " + " ".join(rng.sample(WORDS, 5))
            links = "".join(
                f'<li><a href="{self.article_path(j % self.pages)}">More {j}</a></li>' for j in (i + 1, i + 2, i + 3)
            )
            body = "".join(f"<p>{p}</p>" for p in texts[i])
            kind = "wire" if path in copies else "article"
            self.routes[path] = (
                f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
                f'<link rel="canonical" href="{self.base}{path}"><meta property="og:type" content="article"></head><body><nav><a href="/">Home</a></nav>'
                f'<{kind}><h1>{title}</h1><p class="byline">By Staff {i % 7}</p>{body}</{kind}>'
                f"<aside><h2>Read more</h2><ul>{links}</ul></aside><footer>© Fleet Times</footer></body></html>"
            ).encode()
        sections = [self.article_paths[s : s + SECTION_SIZE] for s in range(0, self.pages, SECTION_SIZE)]
        for n, paths in enumerate(sections):
            items = "".join(f'<li><a href="{p}">{p}</a></li>' for p in paths)
            self.routes[f"/section/{n}/"] = f"<html><body><h1>Section {n}</h1><ul>{items}</ul></body></html>".encode()
        home = "".join(f'<li><a href="/section/{n}/">Section {n}</a></li>' for n in range(len(sections)))
        self.routes["/"] = f"<html><body><h1>Fleet Times</h1><ul>{home}</ul></body></html>".encode()
        items = "".join(
            f"<item><title>Story {i}</title><link>{self.base}{self.article_path(i)}</link></item>"
            for i in range(max(0, self.pages - 20), self.pages)
        )
        self.routes["/feed.xml"] = (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Fleet Times</title>{items}</channel></rss>'.encode()
        )
        urls = "".join(f"<url><loc>{self.base}{p}</loc></url>" for p in self.article_paths)
        self.routes["/sitemap.xml"] = (
            f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()
        )
        self.routes["/robots.txt"] = f"User-agent: *\nAllow: /\nSitemap: {self.base}/sitemap.xml\n".encode()


def serve_fleet_site(pages: int = 200, delay: float = 0.01):
    """Start the site on 127.0.0.1; returns it and a stop function."""
    site = FleetSite(pages, delay)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            path = urlsplit(self.path).path
            with site.lock:
                site.hits[path] = site.hits.get(path, 0) + 1
            body = site.routes.get(path)
            if path.startswith("/news/"):
                time.sleep(site.delay)
            kind = (
                "application/xml"
                if path.endswith(".xml")
                else "text/plain"
                if path.endswith(".txt")
                else "text/html; charset=utf-8"
            )
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", kind)
            body = body if body is not None else b"<html><body>Not found</body></html>"
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    site.build()
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop():
        server.shutdown()
        server.server_close()

    return site, stop

"""News outlets served on 127.0.0.1 for the follow tests: each publishes articles while a test runs.

An outlet has a home page announcing its RSS feed, a robots.txt naming its Google News
sitemap, the feed and the sitemap (both answer If-None-Match / If-Modified-Since with 304
while nothing new is published), and its article pages. ``publish()`` adds an article;
``flaky[path] = n`` makes an article answer 503 n times; ``feed_status = 500`` breaks the feed; ``broken = True`` turns new article pages into link
lists with no article text (a markup change). Every request is logged with its time and status.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORDS = (
    "council harbour minister budget river station school hospital strike election court museum bridge farmers "
    "police festival airport tram storm drought vaccine factory union mayor tribunal energy prices housing rail "
    "wildfire coast ferry report inquiry treaty senate voters library stadium market bank exports climate water "
    "museum theatre clinic nurses teachers pension tax grant flood road tunnel port pilots court verdict appeal"
).split()


@dataclass
class Logged:
    at: float
    path: str
    status: int


def _paragraphs(seed: str, count: int = 5) -> list[str]:
    rng = random.Random(seed)
    paragraphs = []
    for _ in range(count):
        sentences = []
        for _ in range(4):
            words = [rng.choice(WORDS) for _ in range(rng.randint(10, 16))]
            sentences.append(" ".join(words).capitalize() + ".")
        paragraphs.append(" ".join(sentences))
    return paragraphs


class Outlet:
    def __init__(self, name: str, articles: int = 3):
        self.name = name
        self.lock = threading.Lock()
        self.log: list[Logged] = []
        self.feed_status = 200
        self.broken = False
        self.flaky: dict[str, int] = {}  # article path -> how many more times it answers 503
        self.articles: list[tuple[str, str, datetime, bool]] = []  # (path, title, published, broken)
        self.changed = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
        for _ in range(articles):
            self.publish()
        handler = type("Handler", (_Handler,), {"outlet": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def publish(self) -> str:
        with self.lock:
            number = len(self.articles) + 1
            path = f"/news/{self.name}-{number}.html"
            self.changed = max(self.changed + timedelta(seconds=1), datetime.now(timezone.utc).replace(microsecond=0))
            self.articles.append((path, f"{self.name.title()} report number {number}", self.changed, self.broken))
            return path

    def urls(self) -> list[str]:
        return [self.base + path for path, *_ in self.articles]

    def requests(self, path: str, status: int | None = None) -> list[Logged]:
        with self.lock:
            return [e for e in self.log if e.path == path and (status is None or e.status == status)]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- pages --------------------------------------------------------------------------
    def feed(self) -> bytes:
        items = "".join(
            f"<item><title>{title}</title><link>{self.base}{path}</link>"
            f"<pubDate>{format_datetime(published)}</pubDate></item>"
            for path, title, published, _ in reversed(self.articles)
        )
        return (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>{self.name}</title>{items}</channel></rss>'
        ).encode()

    def sitemap(self) -> bytes:
        entries = "".join(
            f"<url><loc>{self.base}{path}</loc><news:news><news:publication><news:name>{self.name}</news:name>"
            f"<news:language>en</news:language></news:publication>"
            f"<news:publication_date>{published.isoformat()}</news:publication_date>"
            f"<news:title>{title}</news:title></news:news></url>"
            for path, title, published, _ in self.articles
        )
        return (
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{entries}</urlset>'
        ).encode()

    def home(self) -> bytes:
        links = "".join(f'<li><a href="{path}">{title}</a></li>' for path, title, *_ in self.articles)
        return (
            f"<html><head><title>{self.name}</title>"
            '<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head>'
            f"<body><h1>{self.name}</h1><ul>{links}</ul></body></html>"
        ).encode()

    def article(self, path: str) -> bytes | None:
        found = [entry for entry in self.articles if entry[0] == path]
        if not found:
            return None
        _, title, published, broken = found[0]
        nav = "".join(f'<li><a href="/section/{w}">{w.title()}</a></li>' for w in WORDS[:12])
        if broken:  # the new template: the story is loaded by a script, the page holds only links
            return f"<html><head><title>{title}</title></head><body><ul>{nav}</ul></body></html>".encode()
        body = "".join(f"<p>{p}</p>" for p in _paragraphs(self.name + path))
        return (
            f"<html><head><title>{title}</title>"
            f'<meta property="article:published_time" content="{published.isoformat()}"></head>'
            f"<body><nav><ul>{nav}</ul></nav><article><h1>{title}</h1>{body}</article></body></html>"
        ).encode()


class _Handler(BaseHTTPRequestHandler):
    outlet: Outlet

    def do_GET(self):
        outlet, path = self.outlet, self.path.split("?")[0]
        with outlet.lock:
            pages = {
                "/feed.xml": ("application/rss+xml", outlet.feed),
                "/news-sitemap.xml": ("application/xml", outlet.sitemap),
            }
            if path == "/robots.txt":
                self._send(
                    200, "text/plain", f"User-agent: *\nAllow: /\nSitemap: {outlet.base}/news-sitemap.xml\n".encode()
                )
            elif path == "/":
                self._send(200, "text/html; charset=utf-8", outlet.home())
            elif path in pages:
                kind, make = pages[path]
                if path == "/feed.xml" and outlet.feed_status != 200:
                    self._send(outlet.feed_status, "text/plain", b"server error")
                    return
                body = make()
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                modified = format_datetime(outlet.changed, usegmt=True)
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, None, b"", {"ETag": etag, "Last-Modified": modified})
                else:
                    self._send(200, kind, body, {"ETag": etag, "Last-Modified": modified})
            elif outlet.flaky.get(path, 0) > 0:
                outlet.flaky[path] -= 1
                self._send(503, "text/plain", b"try again later")
            elif (page := outlet.article(path)) is not None:
                self._send(200, "text/html; charset=utf-8", page)
            else:
                self._send(404, "text/plain", b"not found")

    def _send(self, status: int, kind: str | None, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.outlet.log.append(Logged(time.monotonic(), self.path.split("?")[0], status))
        self.send_response(status)
        if kind:
            self.send_header("Content-Type", kind)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def log_message(self, *args):
        pass

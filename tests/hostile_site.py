"""A news site on 127.0.0.1 that misbehaves in every way a crawl meets, with a request log.

Its sitemap lists good articles and one page per fault: a 5xx that recovers, a 5xx storm that
never does, a 429 with Retry-After, a slow page and one slower than the download timeout, a
connection reset, a gzip bomb, a 50 MB page, a redirect loop. Its feed and a second sitemap
are XML bombs (billion laughs), and robots.txt answers only after ``robots_delay`` seconds.
"""

from __future__ import annotations

import gzip
import random
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from fleet_site import random_paragraphs
from loopback import serve

GOOD = [f"/news/good-{i}.html" for i in range(4)]
RECOVERS = "/news/recovers-after-503.html"  # 503 once, then the article
LIMITED = "/news/rate-limited.html"  # 429 with Retry-After: 1 once, then the article
SLOW = "/news/slow.html"  # the article after 0.5 s
ARCHIVED = [*GOOD, RECOVERS, LIMITED, SLOW]
STORM = "/news/storm.html"  # 500, every time
HANGS = "/news/hangs.html"  # answers after the download timeout
RESET = "/news/reset.html"  # the connection is reset before any answer
GZIP_BOMB = "/news/gzip-bomb.html"  # 100 KB on the wire, 100 MB once inflated
HUGE = "/news/huge.html"  # 50 MB
LOOP = "/news/loop-a.html"  # redirects to loop-b, which redirects back
REFUSED = [STORM, HANGS, RESET, GZIP_BOMB, HUGE, LOOP]
RETRY_AFTER = 1

_BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)


def _article(n: int, title: str) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in random_paragraphs(random.Random(n)))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f"<article><h1>{title}</h1>{paragraphs}</article></body></html>"
    ).encode()


@dataclass
class HostileSite:
    robots_delay: float
    hang_seconds: float
    base: str = ""
    hits: dict[str, list[float]] = field(default_factory=dict)  # path -> monotonic times of its requests
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base + path

    def requests(self, path: str) -> int:
        return len(self.hits.get(path, []))


def serve_hostile_site(robots_delay: float = 3.0, hang_seconds: float = 4.0):
    """Start the site on 127.0.0.1; returns it and a stop function."""
    site = HostileSite(robots_delay, hang_seconds)
    pages = {path: _article(n, f"Report {n}: news from the harbour") for n, path in enumerate(ARCHIVED)}
    bomb = gzip.compress(b"<html><body>" + b" " * (100 * 1024 * 1024), compresslevel=9)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send(self, status: int, body: bytes, kind: str = "text/html; charset=utf-8", **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            path = urlsplit(self.path).path
            with site.lock:
                site.hits.setdefault(path, []).append(time.monotonic())
                seen = len(site.hits[path])
            if path == "/robots.txt":
                time.sleep(site.robots_delay)
                self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
            elif path == "/sitemap.xml":
                urls = "".join(f"<url><loc>{site.base}{p}</loc></url>" for p in ARCHIVED + REFUSED)
                self.send(200, f'<?xml version="1.0"?><urlset>{urls}</urlset>'.encode(), "application/xml")
            elif path == "/bomb-sitemap.xml":
                body = _BILLION_LAUGHS + f"<urlset><url><loc>{site.base}/news/&lol9;.html</loc></url></urlset>"
                self.send(200, body.encode(), "application/xml")
            elif path == "/feed.xml":
                body = (
                    _BILLION_LAUGHS
                    + "<rss><channel><item><title>&lol9;</title><link>&lol9;</link></item></channel></rss>"
                )
                self.send(200, body.encode(), "application/rss+xml")
            elif path in pages and not (path == RECOVERS and seen == 1):
                if path == LIMITED and seen == 1:
                    self.send(429, b"slow down", "text/plain", Retry_After=str(RETRY_AFTER))
                    return
                if path == SLOW:
                    time.sleep(0.5)
                self.send(200, pages[path])
            elif path == RECOVERS:
                self.send(503, b"try again later", "text/plain")
            elif path == STORM:
                self.send(500, b"internal error", "text/plain")
            elif path == HANGS:
                time.sleep(site.hang_seconds)
                self.send(200, _article(99, "Too late"))
            elif path == RESET:  # RST instead of an answer
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
            elif path == GZIP_BOMB:
                self.send(200, bomb, Content_Encoding="gzip")
            elif path == HUGE:
                self.send(200, b"<html><body>" + b"x" * (50 * 1024 * 1024))
            elif path in (LOOP, "/news/loop-b.html"):
                target = "/news/loop-b.html" if path == LOOP else LOOP
                self.send(302, b"", Location=site.base + target)
            else:
                self.send(404, b"not found", "text/plain")

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):  # the crawler hung up on a bomb: expected
            pass

    site.base, stop = serve(Server(("127.0.0.1", 0), Handler))
    return site, stop

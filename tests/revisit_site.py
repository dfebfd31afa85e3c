"""A news site on 127.0.0.1 whose articles change between crawls, for the revisit tests.

``site.stories`` maps each path to its current ``Story``; tests edit them (a new headline, an
appended correction) or ``site.gone`` a path (404) between crawls. Article pages answer
conditional requests (ETag / If-None-Match and Last-Modified / If-Modified-Since) unless
``site.validators`` is False; ``site.answers`` counts (path, status) of every article response.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from crawl_site import LIBRARY, MEALS, STORM, TRAM, Story, article_page
from loopback import serve

FIRST_MODIFIED = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)


@dataclass
class RevisitSite:
    base: str = ""
    stories: dict[str, Story] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    modified: dict[str, datetime] = field(default_factory=dict)  # path -> its Last-Modified
    validators: bool = True
    answers: Counter = field(default_factory=Counter)  # (path, status) -> responses
    lock: threading.Lock = field(default_factory=threading.Lock)

    def edit(self, story: Story, **changes) -> None:
        with self.lock:
            self.stories[story.path] = replace(self.stories[story.path], **changes)
            self.modified[story.path] = self.modified.get(story.path, FIRST_MODIFIED) + timedelta(hours=1)

    def served(self, status: int) -> int:
        with self.lock:
            return sum(n for (_, code), n in self.answers.items() if code == status)

    def feed(self) -> bytes:
        items = "".join(
            f"<item><title>{s.title}</title><link>{self.base}{p}</link></item>" for p, s in self.stories.items()
        )
        return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Times</title>{items}</channel></rss>'.encode()

    def answer(self, path: str, headers) -> tuple[int, dict[str, str], bytes]:
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"
        if path == "/feed.xml":
            return 200, {"Content-Type": "application/rss+xml"}, self.feed()
        with self.lock:
            story = self.stories.get(path)
            status = 404 if story is None or path in self.gone else 200
        if status == 404:
            return 404, {"Content-Type": "text/html"}, b"<html><body><h1>Not found</h1></body></html>"
        body = article_page(story, self.base).encode(story.charset)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        with self.lock:
            modified = format_datetime(self.modified.get(path, FIRST_MODIFIED), usegmt=True)
        validators = {"ETag": etag, "Last-Modified": modified} if self.validators else {}
        asked_etag, asked_date = headers.get("If-None-Match"), headers.get("If-Modified-Since")
        if validators and (asked_etag == etag if asked_etag else asked_date == modified):
            return 304, validators, b""
        return 200, {"Content-Type": f"text/html; charset={story.charset}", **validators}, body


# A partner's copy of the tram story, published later: it joins the tram story's duplicate group.
COPY = Story(
    "/partners/wire/tram-line-copy.html", TRAM.title, "Wire desk", "2026-11-20T15:00:00+01:00", TRAM.paragraphs
)
_ORIGINAL = {story.path: story for story in (TRAM, STORM, LIBRARY, MEALS, COPY)}


def serve_revisit_site() -> tuple[RevisitSite, callable]:
    site = RevisitSite(stories=dict(_ORIGINAL))

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            path = urlsplit(self.path).path
            status, headers, body = site.answer(path, self.headers)
            if path in site.stories:
                with site.lock:
                    site.answers[(path, status)] += 1
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    site.base, stop = serve(ThreadingHTTPServer(("127.0.0.1", 0), Handler))
    return site, stop

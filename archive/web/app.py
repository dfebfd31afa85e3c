"""The Starlette application: one read-only view of an archive, as HTML pages and the same data as JSON.

The archive is read through one read-only connection that is closed a second after the last
request (archive/web/connection.py), so ingests and crawls can start while the server runs.
While a writer holds the file, pages answer 503 and name the process. Every handler builds one
JSON-ready dict; the template renders it, or it is sent as JSON when the client asks
(``Accept: application/json``), so the two never disagree.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from archive.api import NewsArchive, Story, StoryTimeline, Version
from archive.errors import ArchiveError, ArchiveLocked, NotFound
from archive.history.worddiff import marked
from archive.models import Article, RawDocument
from archive.web.connection import SharedReader
from archive.web.passages import highlighted, query_words, shared_passages, snippet

HERE = Path(__file__).parent
PAGE_SIZE = 20
NEWEST = 15
STORIES_LISTED = 50
HEADING_WORDS = 12  # of an untitled article's text, in place of its title
# Our own pages run no script and load only our stylesheet; links to archived sites send no referrer.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
# An archived page is shown as it was fetched, but sandboxed: no script runs, and it fetches
# nothing from its site (no tracking pixel learns that someone read the archive copy).
RAW_HEADERS = {
    "Content-Security-Policy": "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def create_app(db: str, idle_seconds: float = 1.0) -> Starlette:
    """The web view of the archive file at ``db``; its connection closes ``idle_seconds`` after the last request."""
    reader = SharedReader(db, idle_seconds)
    templates = Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True), trim_blocks=True
    )
    templates.filters["day"] = lambda iso: iso[:10] if iso else ""
    templates.filters["minute"] = lambda iso: iso[:16].replace("T", " ") if iso else ""

    def answer(request: Request, work: Callable[[NewsArchive], Response]) -> Response:
        """``work``'s response on a view of the archive, or the error page its failure calls for."""
        try:
            with reader.reading() as archive:
                return work(archive)
        except NotFound as exc:
            return _error(request, templates, 404, str(exc))
        except ArchiveLocked as exc:
            return _error(request, templates, 503, f"{exc}; this page is back when it is done", retry=True)
        except ArchiveError as exc:
            return _error(request, templates, 400, str(exc))

    def page(template: str, handler: Callable[[Request, NewsArchive], dict[str, Any]]) -> Callable[[Request], Response]:
        def render(request: Request, data: dict[str, Any]) -> Response:
            if _wants_json(request):
                return JSONResponse(data, headers={"Vary": "Accept"})
            html = templates.get_template(template).render(data=data, request=request)
            return HTMLResponse(html, headers={**PAGE_HEADERS, "Vary": "Accept"})

        return lambda request: answer(request, lambda archive: render(request, handler(request, archive)))

    def raw(request: Request) -> Response:
        return answer(request, lambda archive: _raw_page(archive.raw(request.path_params["id"])))

    routes = [
        Route("/", page("index.html", index)),
        Route("/search", page("search.html", search)),
        Route("/articles/{id:int}", page("article.html", article)),
        Route("/articles/{id:int}/raw", raw),
        Route("/groups", page("groups.html", groups)),
        Route("/groups/{id:int}", page("group.html", group)),
        Route("/sources", page("sources.html", sources)),
        Route("/stories", page("stories.html", stories)),
        Route("/stories/{id:int}", page("story.html", story)),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        detail = exc.detail if isinstance(exc, HTTPException) else "not found"
        return _error(request, templates, getattr(exc, "status_code", 404), str(detail))

    app = Starlette(routes=routes, exception_handlers={404: not_found, 405: not_found})
    app.state.reader = reader  # closed by whoever runs the app (newsarchive serve), when it stops
    return app


# -- pages: each returns the JSON-ready dict its template renders ----------------------------------
def index(request: Request, archive: NewsArchive) -> dict[str, Any]:
    totals = archive.totals()
    newest = list(archive.articles(order="newest", limit=NEWEST))
    return {
        "articles": totals.articles,
        "groups": archive.group_count(),
        "unique": totals.groups,
        "duplicates": totals.duplicates,
        "duplicates_by_kind": dict(archive.duplicates_by_kind()),
        "sources": totals.sources,
        "newest": _listing(archive, newest),
    }


def search(request: Request, archive: NewsArchive) -> dict[str, Any]:
    params = request.query_params
    query = params.get("q", "").strip()
    filters: dict[str, Any] = {
        "source": params.get("source") or None,
        "since": params.get("since") or None,
        "until": params.get("until") or None,
        "unique": params.get("unique") in ("1", "true", "on"),
    }
    page_number = _page(request)
    total, exact, hits = 0, True, []
    if query or any(v for v in filters.values()):
        found = archive.page(
            query=query, order="newest", limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE, **filters
        )
        total, exact, hits = found.total, found.exact, _listing(archive, found.articles, query_words(query))
    return {
        "q": query,
        "filters": filters,
        "total": total,
        "exact": exact,  # False: total estimated (a phrase checked only until the page was full)
        "page": page_number,
        "pages": max(1, math.ceil(total / PAGE_SIZE)),
        "hits": hits,
    }


def article(request: Request, archive: NewsArchive) -> dict[str, Any]:
    found = archive.article(request.path_params["id"])
    group = archive.group(int(found.cluster_id or 0))
    words = query_words(request.query_params.get("q", ""))
    return {
        "article": found.to_dict(),
        "heading": _heading(found),
        "paragraphs": [[s.to_dict() for s in p] for p in highlighted(found.text, words)],
        "group": {
            "cluster_id": group.cluster_id,
            "members": [_summary(m) for m in group.members],
        },
        "raw_url": f"/articles/{found.id}/raw",
        "versions": _versions(archive.history(int(found.id or 0))),
        "story": _story_summary(archive.story(found.story_id)) if found.story_id is not None else None,
    }


def _versions(history: list[Version]) -> list[dict[str, Any]]:
    """An article's versions with their diffs as marked runs; none for an article never changed."""
    if len(history) < 2:
        return []
    return [
        {
            "version": v.version,
            "fetched_at": v.fetched_at.isoformat(),
            "change": v.change,
            "title": v.title,
            "diff": [
                [{"kind": kind, "text": text} for kind, text in marked(line)] for line in (v.diff or "").splitlines()
            ],
        }
        for v in history
    ]


def groups(request: Request, archive: NewsArchive) -> dict[str, Any]:
    kind = request.query_params.get("kind") or None
    if kind not in (None, "exact", "near", "rewrite"):
        raise ArchiveError(f"kind must be exact, near or rewrite, not {kind!r}")
    page_number = _page(request)
    total = archive.group_count(kind)
    listed = archive.groups(kind=kind, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE)
    return {
        "kind": kind,
        "total": total,
        "page": page_number,
        "pages": max(1, math.ceil(total / PAGE_SIZE)),
        "groups": [
            {
                "cluster_id": g.cluster_id,
                "size": len(g.members),
                "kinds": sorted({m.duplicate_kind for m in g.members if m.duplicate_kind}),
                "sources": sorted({m.source for m in g.members}),
                "representative": _summary(g.members[0]),
            }
            for g in listed
        ],
    }


def group(request: Request, archive: NewsArchive) -> dict[str, Any]:
    found = archive.group(request.path_params["id"])
    marked = shared_passages([m.text for m in found.members])
    return {
        "cluster_id": found.cluster_id,
        "size": len(found.members),
        "members": [
            {
                **_summary(m),
                "shared": round(share, 3),
                "paragraphs": [[s.to_dict() for s in p] for p in paragraphs],
            }
            for m, (paragraphs, share) in zip(found.members, marked)
        ],
    }


def sources(request: Request, archive: NewsArchive) -> dict[str, Any]:
    return {
        "sources": [
            {
                "source": s.source,
                "articles": s.articles,
                "duplicates": s.duplicates,
                "first_ingested": _iso(s.first_ingested),
                "last_ingested": _iso(s.last_ingested),
                "last_published": _iso(s.last_published),
                "failures": s.failures,
                "last_failure": s.last_failure,
                "languages": s.languages,
            }
            for s in archive.sources()
        ]
    }


def stories(request: Request, archive: NewsArchive) -> dict[str, Any]:
    order = request.query_params.get("order") or "largest"
    since = request.query_params.get("since") or None
    source = request.query_params.get("source") or None
    page_number = _page(request)
    # One story more than a page: whether there is a next page, without counting every story.
    listed = archive.stories(
        since=since, source=source, order=order, limit=STORIES_LISTED + 1, offset=(page_number - 1) * STORIES_LISTED
    )
    return {
        "order": order,
        "since": since,
        "source": source,
        "page": page_number,
        "more": len(listed) > STORIES_LISTED,
        "stories": [_story_row(s) for s in listed[:STORIES_LISTED]],
    }


def story(request: Request, archive: NewsArchive) -> dict[str, Any]:
    timeline = archive.story(request.path_params["id"])
    return {
        **_story_row(timeline.story),
        "merged": timeline.merged,
        "members": [
            {
                **_summary(m),
                "moment": _iso(m.published or m.ingested_at),
                "copy_of": m.cluster_id if m.is_duplicate else None,
            }
            for m in timeline.members
        ],
    }


# -- helpers ------------------------------------------------------------------------------------------
def _heading(a: Article) -> str:
    """The title, or for an untitled article its opening words."""
    if a.title:
        return a.title
    opening = " ".join(a.text.split()[:HEADING_WORDS])
    return opening + ("…" if len(a.text.split()) > HEADING_WORDS else "")


def _summary(a: Article) -> dict[str, Any]:
    return {
        "id": a.id,
        "url": a.url,
        "source": a.source,
        "title": a.title,
        "heading": _heading(a),
        "published": _iso(a.published),
        "kind": a.duplicate_kind,
        "similarity": a.similarity,
        "words": len(a.text.split()),
    }


def _listing(archive: NewsArchive, articles: list[Article], words: list[str] | None = None) -> list[dict[str, Any]]:
    copies = archive.copies(a.id for a in articles if a.id is not None)
    return [
        {
            **_summary(a),
            "cluster_id": a.cluster_id,
            "copies": copies.get(a.id or 0, 0),
            "snippet": [s.to_dict() for s in snippet(a.text, words or [])],
        }
        for a in articles
    ]


def _story_row(s: Story) -> dict[str, Any]:
    return {**s.to_dict(), "url": f"/stories/{s.story_id}"}


def _story_summary(timeline: StoryTimeline) -> dict[str, Any]:
    """The story an article page links to: its label, size and outlets."""
    return {**_story_row(timeline.story), "outlets": sorted({m.source for m in timeline.members})}


def _raw_page(document: RawDocument) -> Response:
    """The archived bytes as fetched, under the sandboxing headers."""
    media = "text/plain" if document.content_type == "text/plain" else "text/html"
    if document.encoding:
        media += f"; charset={document.encoding}"
    return Response(document.body, headers={**RAW_HEADERS, "Content-Type": media})


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _page(request: Request) -> int:
    value = request.query_params.get("page", "1")
    if not value.isdigit() or int(value) < 1:
        raise ArchiveError(f"page must be a positive number, not {value!r}")
    return int(value)


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _error(request: Request, templates: Environment, status: int, message: str, retry: bool = False) -> Response:
    headers = {"Retry-After": "5"} if retry else {}
    if _wants_json(request):
        return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)
    html = templates.get_template("error.html").render(data={"status": status, "message": message}, request=request)
    return HTMLResponse(html, status_code=status, headers={**PAGE_HEADERS, **headers})

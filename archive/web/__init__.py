"""The web view: ``newsarchive serve``, a read-only Starlette app over the Python API (archive/api).

Server-rendered Jinja2 pages that work without JavaScript; every page is also JSON at the same
path (``Accept: application/json``). Archived pages are served only from ``/articles/ID/raw``,
sandboxed by Content-Security-Policy so that their scripts never run.
"""

from archive.web.app import create_app

__all__ = ["create_app"]

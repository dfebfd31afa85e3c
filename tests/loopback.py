"""Serve a fixture site's HTTP server on 127.0.0.1 from a thread of its own."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import HTTPServer


def serve(server: HTTPServer) -> tuple[str, Callable[[], None]]:
    """Start ``server`` (bound to 127.0.0.1); returns its base URL and a stop function."""
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_address[1]}", stop

"""``newsarchive serve``: the read-only web view of the archive (archive/web), served by uvicorn."""

from __future__ import annotations

import ipaddress
import socket

import click

from archive.api import NewsArchive
from archive.errors import ArchiveError


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free one).")
@click.pass_context
def serve(ctx, host, port):
    """Browse and search the archive in a web browser (read-only).

    Pages: / (counts, newest), /search?q=..., /articles/ID (text, metadata, copies),
    /articles/ID/raw (the archived page, sandboxed), /groups, /groups/ID (copies side by
    side), /sources. Each is also JSON with 'Accept: application/json'. The archive is closed
    a second after the last request, so ingests and crawls can start while it serves. Ctrl-C stops it.

    \b
    Example:
        newsarchive serve --port 8000
    """
    import uvicorn

    from archive.web import create_app

    db = ctx.obj["db"]
    with NewsArchive(db):  # fail now, with the usual message, if there is no archive to serve
        pass
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)  # listening before the line below: a client that reads it can connect at once
    except (OSError, OverflowError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else exc
        raise ArchiveError(f"cannot listen on {host}:{port} ({reason})") from None
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if family == socket.AF_INET6 else bound_host
    if not _is_loopback(host):
        click.echo(f"warning: listening on {host}: anyone who can reach it can read the archive", err=True)
    click.echo(f"serving http://{shown}:{bound_port}/ (archive {db}); Ctrl-C stops", err=False)
    app = create_app(db)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        app.state.reader.close()


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"

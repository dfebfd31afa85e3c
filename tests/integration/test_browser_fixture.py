"""The browser test kit itself (tests/browser.py): Chromium runs a page's script, or not when the page forbids it,
a served process is waited for and stopped, its failures are reported, and screenshots are PNG files."""

from __future__ import annotations

import socket
import struct
import sys
import time

import pytest
from browser import screenshot, serve_process
from selenium.webdriver.common.by import By

SCRIPT_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">{policy}<title>{title}</title></head>
<body><p id="state">script did not run</p>
<script>document.getElementById("state").textContent = "script ran";</script></body></html>"""
NO_SCRIPTS = """<meta http-equiv="Content-Security-Policy" content="script-src 'none'">"""


@pytest.fixture
def stand_in(tmp_path):
    """Python's own file server on a folder of two pages: one running its script, one forbidding scripts."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "runs.html").write_text(SCRIPT_PAGE.format(policy="", title="runs"), encoding="utf-8")
    (site / "forbids.html").write_text(SCRIPT_PAGE.format(policy=NO_SCRIPTS, title="forbids"), encoding="utf-8")
    command = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(site)]
    with serve_process(lambda port: [*command, str(port)]) as base:
        yield base


def state_after_load(browser, url: str) -> str:
    browser.get(url)
    return browser.find_element(By.ID, "state").text


def test_the_browser_tells_a_script_that_ran_from_one_that_did_not(browser, stand_in):
    assert state_after_load(browser, f"{stand_in}/runs.html") == "script ran"
    assert state_after_load(browser, f"{stand_in}/forbids.html") == "script did not run"
    assert browser.title == "forbids"


def test_screenshot_is_a_png_of_the_whole_page(browser, stand_in, tmp_path):
    browser.get(f"{stand_in}/runs.html")
    browser.execute_script("document.body.style.margin = '0'; document.body.style.height = '2500px'")
    page_height, ratio = browser.execute_script(
        "return [document.documentElement.scrollHeight, window.devicePixelRatio]"
    )
    assert page_height >= 2500  # taller than the window: the screenshot must grow it
    shot = screenshot(browser, tmp_path / "shots" / "page.png")
    width, height = struct.unpack(">II", shot.read_bytes()[16:24])  # the PNG's IHDR chunk
    assert (width, height) == (round(1280 * ratio), round(page_height * ratio))
    assert browser.get_window_size() == {"width": 1280, "height": 1000}  # the next test sees the usual window


def listens(base: str) -> bool:
    host, port = base.removeprefix("http://").split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=0.5):
            return True
    except OSError:
        return False


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


# A server on the port given as its first argument; then what the test makes it do.
SERVER = "import signal, socket, sys, time; server = socket.create_server(('127.0.0.1', int(sys.argv[1])))\n"


def test_the_server_runs_while_the_block_runs_and_no_longer():
    with serve_process(lambda port: [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)]) as base:
        assert listens(base)
    assert not listens(base)


def test_a_server_ignoring_sigterm_is_killed_at_the_end_of_the_block():
    ignores = SERVER + "signal.signal(signal.SIGTERM, signal.SIG_IGN); print('serving', flush=True); time.sleep(60)"
    with serve_process(lambda port: [*python(ignores), str(port)], grace=0.5) as base:
        assert listens(base)
    assert not listens(base)


def test_a_server_that_exits_before_serving_fails_with_its_stderr():
    refuses = "import sys; sys.exit('no archive at that path')"
    with (
        pytest.raises(pytest.fail.Exception, match="exited 1 before serving:\nno archive at that path"),
        serve_process(lambda port: python(refuses)),
    ):
        pass


def test_a_server_that_dies_while_the_test_runs_fails_the_test():
    dies = SERVER + "time.sleep(0.3); sys.exit('lost the archive')"
    with (
        pytest.raises(pytest.fail.Exception, match="exited 1 while the test ran:\nlost the archive"),
        serve_process(lambda port: [*python(dies), str(port)]) as base,
    ):
        deadline = time.monotonic() + 20
        while listens(base) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # the port closes as the process exits; let it finish exiting

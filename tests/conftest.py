"""Shared fixtures: small hand-written articles in every input format; a headless Chromium (tests/browser.py).

The one conftest of the suite: tests import helpers from it as ``conftest``, which a second conftest.py
in a subfolder would shadow.
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from browser import ChromiumMissing, find_chromium, start_chromium
from click.testing import CliRunner

from archive.cli import cli

PARAGRAPHS = [
    "The city council of Lakeside voted on Tuesday to replace the ageing bridge over the Mill River, "
    "ending a two-year dispute over the cost of the project and its effect on local traffic.",
    "Mayor Ana Ruiz said the new bridge would carry four lanes and a protected cycle path, and that "
    "construction should begin in the spring if the state releases its share of the funding.",
    "Opponents argued that repairing the old structure would cost less than half as much, but an "
    "engineering report presented to the council found corrosion in most of the steel supports.",
    "The council approved the plan by seven votes to two after a four-hour meeting that drew more "
    "than two hundred residents, many of whom spoke about delays on their daily commute.",
]
TITLE = "Lakeside council approves new Mill River bridge after long dispute"
BOILERPLATE = ["Subscribe to our newsletter", "Accept all cookies", "Share on Facebook"]


def article_html(
    title: str = TITLE, paragraphs=PARAGRAPHS, author: str = "Jane Porter", date: str = "2024-03-05"
) -> str:
    """A news page with navigation, a sidebar, a footer and JSON-LD metadata."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    jsonld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": date,
            "author": {"@type": "Person", "name": author},
        }
    )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | Lakeside Herald</title>
<meta property="og:site_name" content="Lakeside Herald">
<script type="application/ld+json">{jsonld}</script></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<div class="cookie-banner">{BOILERPLATE[1]}</div>
<main><article><h1>{title}</h1><p class="byline">By {author}</p>
{body}
<div class="share">{BOILERPLATE[2]}</div></article>
<aside><h3>Latest news</h3><ul><li><a href="/a">Storm closes coastal road</a></li><li><a href="/b">School wins robotics prize</a></li></ul></aside></main>
<footer><p>{BOILERPLATE[0]}</p><p>© 2024 Lakeside Herald</p></footer></body></html>"""


def article_text(title: str = TITLE, paragraphs=PARAGRAPHS) -> str:
    return title + "\n\n" + "\n".join(paragraphs) + "\n"


def warc_bytes(pages: dict[str, str], gzip_records: bool = True, extra_records: bool = True) -> bytes:
    """A WARC file with one response record per page (plus a request and a non-HTML record)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip_records)
    for url, html in pages.items():
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        if extra_records:
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
        writer.write_record(
            writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode()), http_headers=headers)
        )
    if extra_records:
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "https://example.org/logo.png", "response", payload=io.BytesIO(b"\x89PNG...."), http_headers=image
            )
        )
    return buffer.getvalue()


def gz(data: str | bytes) -> bytes:
    return gzip.compress(data.encode() if isinstance(data, str) else data)


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture
def run_cli(db):
    """Invoke the CLI in-process against the test archive; returns the click Result."""
    runner = CliRunner()

    def run(*args: str, expect: int | None = 0):
        result = runner.invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
        if expect is not None:
            assert result.exit_code == expect, result.output
        return result

    return run


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


@contextmanager
def archive_held_by_another_process(db: Path) -> Iterator[int]:
    """Another process holding the archive open for writing, as a running ingest would; yields its pid."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('ready', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        yield holder.pid
    finally:
        holder.kill()
        holder.wait()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Selenium WebDriver) for the whole session; fails when none is installed."""
    from selenium.common.exceptions import WebDriverException

    problem = driver = None
    try:
        chromium, chromedriver = find_chromium()
        driver = start_chromium(chromium, chromedriver)
    except ChromiumMissing as missing:
        problem = str(missing)
    except WebDriverException as error:
        first = (error.msg or str(error)).strip().splitlines()[0]
        problem = f"{chromedriver} could not start {chromium}: {first}"
    if driver is None:
        pytest.fail(problem, pytrace=False)  # outside the except: one line, no chained traceback
    yield driver
    driver.quit()

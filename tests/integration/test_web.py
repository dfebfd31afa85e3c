"""The web view as a reader uses it: `newsarchive serve` in its own process, over HTTP and in headless Chromium.

The archive holds the five seeds, a crawl of the fixture site (whose pages run a script) and
a text that carries markup, so escaping and the raw-page sandbox are tried on real input.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from browser import screenshot, serve_archive
from conftest import archive_held_by_another_process, write
from crawl_site import SYNDICATED, TRAM, serve_site

import archive

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
HOSTILE = (
    "The mayor's statement, pasted into the story as code: "
    '<script>document.documentElement.setAttribute("data-injected", "yes")</script> and <b>bold</b> text.'
)
FAST = ["-s", 'DOWNLOAD_SLOTS={"127.0.0.1": {"delay": 0, "concurrency": 8}}', "-s", "DOWNLOAD_DELAY=0"]


def newsarchive(db: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "archive", "--db", str(db), *args], capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def site():
    site, stop = serve_site()
    yield site
    stop()


@pytest.fixture(scope="module")
def db(tmp_path_factory, site) -> Path:
    folder = tmp_path_factory.mktemp("web")
    db = folder / "web.duckdb"
    newsarchive(db, "ingest", "-q", str(ROOT / "seeds"))
    newsarchive(db, "crawl", "--feed", site.base + "/feed.xml", *FAST)
    text = "\n\n".join(
        [HOSTILE] + [f"Paragraph {i} of a letter to the editor about the harbour tram." * 3 for i in range(4)]
    )
    line = {"url": "https://letters.example/tram", "title": "Letters: <i>the tram</i>", "text": text}
    write(folder / "letters.jsonl", json.dumps(line) + "\n")
    newsarchive(db, "ingest", "-q", str(folder / "letters.jsonl"))
    return db


@pytest.fixture(scope="module")
def server(db) -> str:
    with serve_archive(db) as base:
        yield base


@pytest.fixture(scope="module")
def ids(db) -> dict[str, int]:
    with archive.open(db) as a:
        return {x.url.rsplit("/", 1)[1].split("_")[0]: x.id for x in a.articles()}


def get(url: str, json_: bool = False) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept": "application/json"} if json_ else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


# -- over HTTP ---------------------------------------------------------------------------------------
def test_every_page_answers_html_and_the_same_data_as_json(server, ids):
    seed = ids["001"]
    for path in ["/", "/search?q=Zelensky", f"/articles/{seed}", "/groups", f"/groups/{seed}", "/sources"]:
        status, headers, body = get(server + path)
        assert status == 200 and headers["content-type"].startswith("text/html"), path
        policy = headers["content-security-policy"]
        assert "script-src" not in policy and "default-src 'none'" in policy
        assert b"<script" not in body, path  # our pages run no script
        status, headers, body = get(server + path, json_=True)
        assert status == 200 and headers["content-type"] == "application/json", path
        json.loads(body)


def test_search_json_lists_hits_with_source_date_and_copies(server, ids):
    data = json.loads(get(server + "/search?q=tram+harbour", json_=True)[2])
    by_url = {hit["url"]: hit for hit in data["hits"]}
    tram = by_url[next(u for u in by_url if u.endswith(TRAM.path))]
    assert tram["source"] == "127.0.0.1" and tram["published"].startswith("2026-11-20")
    assert tram["copies"] == 1  # the partner copy
    assert any(seg["marked"] and seg["text"].lower() in ("tram", "harbour") for seg in tram["snippet"])
    assert data["total"] == len(data["hits"]) >= 2
    assert json.loads(get(server + "/search?q=nosuchwordanywhere", json_=True)[2])["total"] == 0
    seeds = json.loads(get(server + "/search?q=Zelensky&source=seeds", json_=True)[2])
    assert {hit["source"] for hit in seeds["hits"]} == {"seeds"} and seeds["total"] >= 3


def test_article_group_and_sources_json(server, ids):
    first, third = ids["001"], ids["003"]
    article = json.loads(get(server + f"/articles/{third}", json_=True)[2])
    assert article["article"]["id"] == third and article["article"]["cluster_id"] == first
    assert [m["id"] for m in article["group"]["members"]] == [first, third]
    group = json.loads(get(server + f"/groups/{first}", json_=True)[2])
    assert [m["id"] for m in group["members"]] == [first, third]
    assert all(m["shared"] > 0.05 for m in group["members"])
    assert all(any(s["marked"] for p in m["paragraphs"] for s in p) for m in group["members"])
    listing = json.loads(get(server + "/groups", json_=True)[2])
    assert {g["cluster_id"] for g in listing["groups"]} >= {first}
    sources = {s["source"]: s for s in json.loads(get(server + "/sources", json_=True)[2])["sources"]}
    assert sources["seeds"]["articles"] == 5 and sources["127.0.0.1"]["articles"] >= 4
    assert sources["127.0.0.1"]["last_ingested"] and sources["127.0.0.1"]["failures"] == 0


def test_missing_things_are_404_and_bad_parameters_400(server):
    status, _, body = get(server + "/articles/999999")
    assert status == 404 and b"no article with id 999999" in body
    status, _, body = get(server + "/groups/999999", json_=True)
    assert status == 404 and json.loads(body)["error"].startswith("no duplicate group")
    assert get(server + "/nowhere")[0] == 404
    assert get(server + "/search?q=x&page=0")[0] == 400
    assert get(server + "/search?q=x&since=yesterday")[0] == 400


def test_archived_text_is_escaped_and_raw_pages_are_sandboxed(server, ids):
    letter = ids["tram"]
    status, _, body = get(server + f"/articles/{letter}")
    assert status == 200
    assert b"pasted into the story as code: &lt;script&gt;" in body and b'"yes")</script>' not in body
    assert b"Letters: &lt;i&gt;the tram&lt;/i&gt;" in body
    crawled = ids[TRAM.path.rsplit("/", 1)[1]]
    status, headers, body = get(server + f"/articles/{crawled}/raw")
    assert status == 200 and b"data-script-ran" in body  # the page as fetched, script and all
    policy = headers["content-security-policy"]
    assert policy.startswith("sandbox") and "allow-scripts" not in policy and "default-src 'none'" in policy


def test_serve_lets_a_writer_in_between_requests(server, db, tmp_path):
    write(tmp_path / "late.jsonl", json.dumps({"url": "https://late.example/a", "title": "Late news",
                                               "text": "A quokka parade closed the promenade on Sunday. " * 12}) + "\n")  # fmt: skip
    get(server + "/")
    # The server lets go of the file a second after its last request; a writer then gets in.
    deadline = time.monotonic() + 15
    while True:
        late = subprocess.run([sys.executable, "-m", "archive", "--db", str(db), "ingest", "-q", str(tmp_path / "late.jsonl")],
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        if late.returncode == 0 or "in use" not in late.stderr or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert late.returncode == 0, late.stderr
    hits = json.loads(get(server + "/search?q=quokka", json_=True)[2])["hits"]
    assert [h["url"] for h in hits] == ["https://late.example/a"]


def test_pages_answer_503_naming_the_writer_while_one_holds_the_archive(server, db):
    time.sleep(1.5)  # the server closes the archive a second after its last request
    with archive_held_by_another_process(db) as pid:
        status, headers, body = get(server + "/search?q=tram", json_=True)
        assert status == 503 and headers["retry-after"] == "5"
        assert f"in use by process {pid}" in json.loads(body)["error"]
    assert get(server + "/search?q=tram")[0] == 200  # back once the writer is gone


def test_serve_refuses_a_missing_archive_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "archive", "--db", str(tmp_path / "none.duckdb"), "serve"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and result.stderr.strip().count("\n") == 0
    assert "no archive here yet" in result.stderr and "Traceback" not in result.stderr


# -- in Chromium -------------------------------------------------------------------------------------
def test_a_reader_searches_for_a_word_and_finds_the_seeds(browser, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.expected_conditions import url_contains
    from selenium.webdriver.support.wait import WebDriverWait

    browser.get(server + "/")
    box = browser.find_element(By.CSS_SELECTOR, "form.searchbox input[name=q]")
    box.send_keys("Witkoff")
    box.submit()  # returns before the next page has loaded
    WebDriverWait(browser, 10).until(url_contains("/search?q=Witkoff"))
    hits = browser.find_elements(By.CSS_SELECTOR, "li.hit")
    sources = {hit.find_element(By.CSS_SELECTOR, ".source").text for hit in hits}
    assert sources == {"seeds"} and len(hits) >= 3
    marked = {m.text.lower() for m in browser.find_elements(By.CSS_SELECTOR, "li.hit .snippet mark")}
    assert marked == {"witkoff"}
    hits[0].find_element(By.CSS_SELECTOR, "a.title").click()  # the article, the searched word marked
    WebDriverWait(browser, 10).until(url_contains("/articles/"))
    assert {m.text.lower() for m in browser.find_elements(By.CSS_SELECTOR, ".article .text mark")} == {"witkoff"}


def test_the_seed_group_shows_both_copies_with_shared_passages(browser, server, ids):
    from selenium.webdriver.common.by import By

    first, third = ids["001"], ids["003"]
    browser.get(f"{server}/groups/{first}")
    members = browser.find_elements(By.CSS_SELECTOR, "section.member")
    assert [m.get_attribute("id") for m in members] == [f"member-{first}", f"member-{third}"]
    for member in members:
        marks = member.find_elements(By.CSS_SELECTOR, ".text mark")
        assert len(marks) >= 5 and all(m.is_displayed() for m in marks[:5])
    left = {m.text for m in members[0].find_elements(By.CSS_SELECTOR, ".text mark")}
    right = {m.text for m in members[1].find_elements(By.CSS_SELECTOR, ".text mark")}
    assert left & right  # the same passages are marked on both sides
    assert members[0].location["y"] == members[1].location["y"]  # side by side
    screenshot(browser, SCREENSHOTS / "group.png", full_page=False)
    browser.get(f"{server}/articles/{third}")
    assert browser.find_element(By.TAG_NAME, "h1").text
    assert browser.find_element(By.LINK_TEXT, f"Group {first}")
    screenshot(browser, SCREENSHOTS / "article.png", full_page=False)


def test_a_script_in_an_archived_page_does_not_run(browser, server, site, ids):
    from selenium.webdriver.common.by import By

    browser.get(site.base + TRAM.path)  # the live page: its script runs, so the check below can fail
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("data-script-ran") == "yes"
    crawled = ids[TRAM.path.rsplit("/", 1)[1]]
    browser.get(f"{server}/articles/{crawled}/raw")
    assert TRAM.title in browser.find_element(By.TAG_NAME, "h1").text  # the archived page is shown
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("data-script-ran") is None
    browser.get(f"{server}/articles/{ids['tram']}")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("data-injected") is None
    assert "<script>" in browser.find_element(By.CSS_SELECTOR, ".article .text").text
    assert ids[SYNDICATED.rsplit("/", 1)[1]]


def test_stories_pages_list_stories_and_show_a_timeline_linked_from_the_article(server, ids):
    seed = ids["000"]  # the first seed's id is the story's
    for path in ["/stories", "/stories?order=newest&source=seeds", f"/stories/{seed}"]:
        status, headers, body = get(server + path)
        assert status == 200 and headers["content-type"].startswith("text/html") and b"<script" not in body, path
    listing = json.loads(get(server + "/stories?source=seeds", json_=True)[2])
    assert [(s["story_id"], s["articles"]) for s in listing["stories"]] == [(seed, 5)]  # the five seeds, one story
    assert (listing["page"], listing["more"]) == (1, False)
    assert json.loads(get(server + "/stories?page=2", json_=True)[2])["stories"] == []
    timeline = json.loads(get(server + f"/stories/{seed}", json_=True)[2])
    assert sorted(m["id"] for m in timeline["members"]) == sorted(ids[k] for k in ("000", "001", "002", "003", "004"))
    assert [m["copy_of"] for m in timeline["members"] if m["id"] == ids["003"]] == [ids["001"]]
    page = get(server + f"/articles/{ids['004']}")[2].decode()
    assert f'href="/stories/{seed}"' in page and "5 reports" in page
    status, _, body = get(server + "/stories/999999", json_=True)
    assert status == 404 and json.loads(body)["error"] == "no story 999999"
    assert get(server + "/stories?order=oldest")[0] == 400

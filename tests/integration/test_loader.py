import json
import os

from conftest import article_html, article_text, gz, warc_bytes, write

from archive.models import RawDocument, Rejection
from archive.sources import gzip_complete, load


def split(items):
    items = list(items)
    return [i for i in items if isinstance(i, RawDocument)], [i for i in items if isinstance(i, Rejection)]


def test_every_format_in_a_folder_tree(tmp_path):
    write(tmp_path / "a.txt", article_text())
    write(tmp_path / "sub" / "b.html", article_html())
    write(tmp_path / "sub" / "c.htm.gz", gz(article_html(title="Gzipped page")))
    write(
        tmp_path / "d.jsonl",
        json.dumps({"url": "https://news.example.com/x", "text": "Body", "title": "T", "published": "2024-01-02"})
        + "\n",
    )
    write(tmp_path / "e.warc.gz", warc_bytes({"https://www.example.org/story": article_html()}))
    write(tmp_path / "notes.md", "ignored: not an article format")
    docs, rejected = split(load([str(tmp_path)]))
    assert rejected == []
    by_origin = {d.origin: d for d in docs}
    assert sorted(by_origin) == ["html", "jsonl", "txt", "warc"]
    assert len(docs) == 5
    assert by_origin["txt"].url == (tmp_path / "a.txt").absolute().as_uri()
    assert by_origin["txt"].content_type == "text/plain"
    assert by_origin["txt"].source == tmp_path.name
    assert by_origin["jsonl"].source == "news.example.com"
    assert by_origin["jsonl"].hints == {"title": "T", "published": "2024-01-02"}
    warc = by_origin["warc"]
    assert warc.url == "https://www.example.org/story" and warc.source == "example.org"
    assert b"Mill River" in warc.body
    assert any(d.url.endswith("c.htm.gz") and b"Gzipped page" in d.body for d in docs)


def test_globs_and_missing_paths(tmp_path):
    write(tmp_path / "one.txt", article_text())
    write(tmp_path / "two.txt", article_text())
    docs, rejected = split(load([str(tmp_path / "*.txt"), str(tmp_path / "nope.txt"), str(tmp_path / "*.warc")]))
    assert len(docs) == 2
    assert [r.reason for r in rejected] == ["no such file or folder", "no file matches this pattern"]


def test_bad_files_are_named_with_a_reason(tmp_path):
    write(tmp_path / "empty.html", "")
    write(tmp_path / "binary.html", bytes(range(256)) * 20)
    write(tmp_path / "latin1.txt", "Zürich city council\n\nA paragraph.".encode("latin-1"))
    write(tmp_path / "cut.html.gz", gz(article_html())[:200])
    write(tmp_path / "good.txt", article_text())
    write(tmp_path / "report.pdf", b"%PDF-1.4")
    (tmp_path / "dangling.html").symlink_to(tmp_path / "missing.html")
    docs, rejected = split(load([str(tmp_path), str(tmp_path / "report.pdf")]))
    assert [d.url.rsplit("/", 1)[1] for d in docs] == ["good.txt"]
    reasons = {os.path.basename(r.input): r.reason for r in rejected}
    assert reasons == {
        "empty.html": "empty file",
        "binary.html": "binary content, not HTML",
        "latin1.txt": "invalid UTF-8 at byte 1; convert the file to UTF-8",
        "cut.html.gz": "truncated or corrupt gzip data",
        "dangling.html": "broken symbolic link",
        "report.pdf": "unsupported file type; expected .txt, .html, .htm, .warc, .jsonl (or the same gzipped)",
    }


def test_symlink_loop_is_reported_once(tmp_path):
    write(tmp_path / "site" / "a.txt", article_text())
    (tmp_path / "site" / "loop").symlink_to(tmp_path / "site")
    docs, rejected = split(load([str(tmp_path / "site")]))
    assert len(docs) == 1
    assert len(rejected) == 1 and "symbolic link loop" in rejected[0].reason


def test_unreadable_file(tmp_path, monkeypatch):
    path = write(tmp_path / "secret.txt", article_text())
    original = type(path).read_bytes

    def deny(self):
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied")
        return original(self)

    monkeypatch.setattr(type(path), "read_bytes", deny)
    docs, rejected = split(load([str(path)]))
    assert docs == [] and rejected[0].reason == "permission denied"


def test_jsonl_bad_lines_among_good_ones(tmp_path):
    good = {"url": "https://example.org/1", "html": article_html()}
    lines = [
        json.dumps(good),
        "{not json",
        "[1, 2]",
        json.dumps({"text": "no url"}),
        json.dumps({"url": "https://example.org/2"}),
        "",
        json.dumps({**good, "url": "https://example.org/3"}),
    ]
    path = write(tmp_path / "batch.jsonl", "\n".join(lines).encode() + b"\n\xff\xfe{}\n")
    docs, rejected = split(load([str(path)]))
    assert [d.url for d in docs] == ["https://example.org/1", "https://example.org/3"]
    assert [(r.input.rsplit(":", 1)[1], r.reason.split(" (")[0]) for r in rejected] == [
        ("2", "invalid JSON"),
        ("3", "expected a JSON object"),
        ("4", "missing 'url'"),
        ("5", "needs a non-empty 'html' or 'text'"),
        ("8", "invalid UTF-8"),
    ]


def test_truncated_warc_gz_is_detected(tmp_path):
    pages = {f"https://example.org/{i}": article_html(title=f"Story {i}") for i in range(3)}
    data = warc_bytes(pages, extra_records=False)
    write(tmp_path / "whole.warc.gz", data)
    assert gzip_complete(tmp_path / "whole.warc.gz")
    docs, rejected = split(load([str(tmp_path / "whole.warc.gz")]))
    assert len(docs) == 3 and rejected == []
    # warcio alone drops a truncated last gzip member silently, or yields a short record
    for cut in (30, 300, 600):
        write(tmp_path / "cut.warc.gz", data[:-cut])
        assert not gzip_complete(tmp_path / "cut.warc.gz")
        docs, rejected = split(load([str(tmp_path / "cut.warc.gz")]))
        assert [d.url for d in docs] == ["https://example.org/0", "https://example.org/1"]
        assert len(rejected) == 1 and "truncated" in rejected[0].reason


def test_truncated_uncompressed_warc_record(tmp_path):
    pages = {f"https://example.org/{i}": article_html(title=f"Story {i}") for i in range(2)}
    data = warc_bytes(pages, gzip_records=False, extra_records=False)
    write(tmp_path / "cut.warc", data[:-300])
    docs, rejected = split(load([str(tmp_path / "cut.warc")]))
    assert [d.url for d in docs] == ["https://example.org/0"]
    assert rejected[0].reason == "truncated WARC record" and "https://example.org/1" in rejected[0].input


def test_not_a_warc(tmp_path):
    write(tmp_path / "fake.warc", article_text())
    docs, rejected = split(load([str(tmp_path / "fake.warc")]))
    assert docs == [] and rejected[0].reason.startswith("not a valid WARC file")


def test_binary_is_judged_by_the_share_of_control_bytes(tmp_path):
    page = article_html()
    write(tmp_path / "stray.html", page.replace("<main>", "<main>\x00\x01", 1) + "\x00\x1b")  # a saved page
    write(tmp_path / "utf16.html", page.encode("utf-16"))  # half NUL bytes, but a byte-order mark
    write(tmp_path / "image.html", b"\x89PNG\r\n\x1a\n" + os.urandom(30_000))
    write(tmp_path / "mostly-text.html", page.encode() + bytes(range(32)) * 200)
    docs, rejected = split(load([str(tmp_path)]))
    assert sorted(d.url.rsplit("/", 1)[1] for d in docs) == ["stray.html", "utf16.html"]
    assert {os.path.basename(r.input): r.reason for r in rejected} == {
        "image.html": "binary content, not HTML",
        "mostly-text.html": "binary content, not HTML",
    }

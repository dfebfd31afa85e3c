"""Bad input, fast: a folder of junk, broken and good files through ``newsarchive ingest``, twice.

The folder (built fresh in a temporary directory, deterministic):
  - good: N real pages of the Zyte extraction benchmark (../shared/eval/extraction/html, a test
    set), one of them inflated to ~4.4 MB with what makes real pages big (inline JSON app state,
    styles, SVG icons, a base64 image), one with two stray NUL bytes and two control characters,
    a .txt article, two good lines in a .jsonl, a .warc.gz with good records;
  - junk: a 5 MB page of 430,000 tiny elements;
  - broken: an empty page, a binary file, a truncated .html.gz, bad JSON lines, an invalid UTF-8
    .txt, a truncated .warc.gz, a page with no article text.
Runs ``newsarchive ingest`` on it (first run), again (re-run: nothing is extracted again), then
with ``--retry-rejected``; prints wall time, exit status and summary of each, the rejected
inputs (one line each) and the good files that were not archived.

    .venv/bin/python bench/bad_input.py [--pages DIR] [--good 40] [--workers N]
"""

from __future__ import annotations

import argparse
import base64
import gzip
import io
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# ../shared next to the repository (also from a git worktree deeper down)
DEFAULT_PAGES = next(
    (p / "shared/eval/extraction/html" for p in Path(__file__).resolve().parents if (p / "shared/eval").is_dir()),
    Path("../shared/eval/extraction/html"),
)
TARGETS = {"first run": 20.0, "re-run": 5.0}  # seconds, from the issue


def inflate(html: str, rng: random.Random) -> str:
    """A real page made as big as real pages get: app state, styles, icons, an inlined image."""
    state = json.dumps(
        {"props": [{"id": i, "html": "<div class='card'><a href='/x'>more</a></div>"} for i in range(20000)]}
    )
    image = base64.b64encode(rng.randbytes(1_000_000)).decode()
    icons = "<svg viewBox='0 0 10 10'>" + "<path d='M0 0L10 10'/>" * 20000 + "</svg>"
    style = "<style>" + ".c{color:red}" * 50000 + "</style>"
    head = f"{style}<script id='__NEXT_DATA__' type='application/json'>{state}</script></head>"
    html = html.replace("</head>", head, 1) if "</head>" in html else head + html
    return html.replace("</body>", f"{icons}<img src='data:image/png;base64,{image}'></body>", 1)


def warc(pages: dict[str, str]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for url, html in pages.items():
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode()), http_headers=headers)
        )
    return buffer.getvalue()


def build(folder: Path, pages: list[Path]) -> dict[str, str]:
    """Write the folder; returns {file or URL a good input is archived under: its name}."""
    rng = random.Random(7)
    folder.mkdir(parents=True)
    good: dict[str, str] = {}
    htmls = [gzip.decompress(p.read_bytes()).decode("utf-8", "replace") for p in pages]
    for page, html in zip(pages[2:], htmls[2:]):
        name = page.name.removesuffix(".gz")
        (folder / name).write_text(html, encoding="utf-8")
        good[(folder / name).absolute().as_uri()] = name
    big = folder / "big-real-page.html"
    big.write_text(inflate(htmls[0], rng), encoding="utf-8")
    good[big.absolute().as_uri()] = f"{big.name} ({big.stat().st_size / 1e6:.1f} MB)"
    stray = folder / "stray-bytes.html"
    stray.write_text(
        htmls[1].replace("<body", "\x00\x01<body", 1).replace("</body>", "\x00\x1b</body>", 1), encoding="utf-8"
    )
    good[stray.absolute().as_uri()] = stray.name
    text = "Harbour reopens after winter storms\n\n" + "\n".join(
        f"Paragraph {i}: the harbour master said the sea wall repairs were finished ahead of the spring season."
        for i in range(6)
    )
    (folder / "article.txt").write_text(text, encoding="utf-8")
    good[(folder / "article.txt").absolute().as_uri()] = "article.txt"
    lines = [
        json.dumps({"url": "https://wire.example/a", "text": text.replace("Harbour", "Port")}),
        "{not json",
        json.dumps({"url": "https://wire.example/b"}),
        json.dumps({"url": "https://wire.example/c", "html": htmls[2]}),
    ]
    (folder / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    good.update({"https://wire.example/a": "wire.jsonl:1", "https://wire.example/c": "wire.jsonl:4"})
    records = {f"https://crawl.example/{i}": htmls[3 + i] for i in range(3)}
    (folder / "crawl.warc.gz").write_bytes(warc(records))
    good.update({url: f"crawl.warc.gz [{url}]" for url in records})
    (folder / "cut.warc.gz").write_bytes(warc({f"https://cut.example/{i}": htmls[6 + i] for i in range(2)})[:-300])
    good["https://cut.example/0"] = "cut.warc.gz [https://cut.example/0]"
    # junk and broken
    (folder / "junk.html").write_text("<html><body>" + "<div>x</div>" * 430_000 + "</body></html>", encoding="utf-8")
    (folder / "empty.html").write_text("")
    (folder / "binary.html").write_bytes(rng.randbytes(50_000))
    (folder / "cut.html.gz").write_bytes(gzip.compress(htmls[2].encode())[:500])
    (folder / "latin1.txt").write_bytes("Zürich city council\n\nThe council met.".encode("latin-1"))
    (folder / "no-article.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    return good


def run(command: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    return time.perf_counter() - start, done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--good", type=int, default=40, help="real pages among the good files")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    pages = sorted(args.pages.glob("*.html.gz"))[: args.good + 8]
    root = Path(tempfile.mkdtemp(prefix="bad-input-"))
    try:
        good = build(root / "in", pages)
        db = root / "archive.duckdb"
        base = [sys.executable, "-m", "archive.cli", "--db", str(db), "ingest", "--quiet"]
        if args.workers:
            base += ["--workers", str(args.workers)]
        failed = False
        for label, extra in (("first run", []), ("re-run", []), ("--retry-rejected", ["--retry-rejected"])):
            seconds, done = run([*base, *extra, str(root / "in")])
            rejected = [line for line in done.stderr.splitlines() if line.startswith("rejected: ")]
            other = [line for line in done.stderr.splitlines() if not line.startswith(("rejected: ", "WARNING"))]
            target = TARGETS.get(label)
            verdict = "" if target is None else (f" (target < {target:g} s: {'met' if seconds < target else 'MISSED'})")
            failed |= target is not None and seconds >= target
            print(f"\n== {label}: {seconds:.2f} s{verdict}, exit status {done.returncode}")
            print(done.stdout.strip().splitlines()[0] if done.stdout.strip() else "(no summary)")
            if label == "first run":
                for line in rejected:
                    print(
                        "  "
                        + line.replace(str(root / "in") + "/", "").replace((root / "in").absolute().as_uri() + "/", "")
                    )
            if other:
                print("  unexpected output:", *other[:5], sep="\n  ")
                failed = True
        listed = subprocess.run(
            [
                sys.executable,
                "-m",
                "archive.cli",
                "--db",
                str(db),
                "sql",
                "SELECT url FROM articles",
                "--format",
                "csv",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()[1:]
        missing = sorted(name for url, name in good.items() if url not in set(listed))
        print(f"\ngood inputs archived: {len(good) - len(missing)} of {len(good)}")
        for name in missing:
            print(f"  not archived: {name}")
        return 1 if failed else 0
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

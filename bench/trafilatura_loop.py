"""The yardstick for extraction time: plain trafilatura (favor_precision, no comments) over a folder of pages.

    .venv/bin/python bench/trafilatura_loop.py ../shared/eval/extraction-dev/html/

Reads every ``*.html`` / ``*.html.gz`` file in the folder and extracts it, printing nothing;
time it against ``newsarchive ingest -w 1`` of the same folder with farm-bench (docs/BENCHMARKS.md).
"""

import gzip
import sys
from pathlib import Path

import trafilatura

for path in sorted(Path(sys.argv[1]).iterdir()):
    if path.name.endswith((".html", ".html.gz")):
        data = path.read_bytes()
        page = gzip.decompress(data) if path.suffix == ".gz" else data
        trafilatura.extract(page.decode("utf-8", "replace"), favor_precision=True, include_comments=False)

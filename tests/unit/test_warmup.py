"""The console's guess of which command lines extract in worker processes (archive/ingest/warmup.py)."""

import pytest

from archive.ingest import warmup


@pytest.mark.parametrize(
    "args",
    [
        ["ingest", "seeds/"],
        ["--db", "a.duckdb", "ingest", "-q", "x.jsonl"],
        ["-v", "--db", "ingest", "crawl", "--sitemap", "http://127.0.0.1/s.xml"],  # an archive named "ingest"
        ["reextract", "--workers", "2"],
        ["follow", "watch.toml"],
    ],
)
def test_commands_that_extract_in_workers_start_the_forkserver_early(args, monkeypatch):
    monkeypatch.setattr(warmup, "cpus", lambda: 2)
    assert warmup.extracts_in_workers(args)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["sql", "SELECT 1"],
        ["--db", "ingest", "export", "out.jsonl"],  # an archive named "ingest", another command
        ["ingest", "-w", "1", "seeds/"],
        ["ingest", "--workers=1", "seeds/"],
        ["ingest", "--help"],
        ["crawl", "--redis", "redis://127.0.0.1:6379/0", "--urls", "u.txt"],
        ["crawl", "--redis=redis://127.0.0.1:6379/0"],
    ],
)
def test_other_command_lines_do_not(args, monkeypatch):
    monkeypatch.setattr(warmup, "cpus", lambda: 2)
    assert not warmup.extracts_in_workers(args)


def test_one_processor_means_no_workers(monkeypatch):
    monkeypatch.setattr(warmup, "cpus", lambda: 1)
    assert not warmup.extracts_in_workers(["ingest", "seeds/"])

import time

from conftest import article_html

from archive.ingest import pool as workers
from archive.ingest.pool import ExtractorPool, guarded_extract
from archive.models import Article, RawDocument, Rejection


def raw(url="https://example.org/a", body=None):
    return RawDocument(url=url, source="example.org", origin="html", body=body or article_html().encode())


def test_oversized_document_is_rejected_without_parsing():
    junk = b"<div>" * 2_000_000
    result = guarded_extract(raw(body=junk), max_bytes=1_000_000)
    assert isinstance(result, Rejection)
    assert result.reason.startswith("document too large to extract")


def test_time_budget_turns_a_hang_into_a_rejection(monkeypatch):
    def stuck(document):
        time.sleep(30)

    monkeypatch.setattr(workers, "extract", stuck)
    started = time.monotonic()
    result = guarded_extract(raw(), seconds=0.3)
    assert isinstance(result, Rejection)
    assert result.reason == "extraction took longer than 0.3 s"
    assert time.monotonic() - started < 5


def test_unexpected_parser_error_is_a_rejection(monkeypatch):
    def broken(document):
        raise ValueError("bad tree")

    monkeypatch.setattr(workers, "extract", broken)
    result = guarded_extract(raw())
    assert isinstance(result, Rejection) and "ValueError: bad tree" in result.reason


def test_pool_keeps_order_across_processes():
    docs = [
        raw(url=f"https://example.org/{i}", body=article_html(title=f"Story number {i} of the day").encode())
        for i in range(6)
    ]
    docs.insert(3, raw(url="https://example.org/empty", body=b"<html><body><nav>Home</nav></body></html>"))
    with ExtractorPool(workers=2) as pool:
        results = list(pool.map(docs))
    assert [d.url for d, _ in results] == [d.url for d in docs]
    kinds = [type(r) for _, r in results]
    assert kinds == [Article] * 3 + [Rejection] + [Article] * 3
    assert "article text" in results[3][1].reason


def test_pool_survives_a_dead_worker():
    import os
    import signal as signals

    docs = [raw(url=f"https://example.org/{i}") for i in range(4)]
    with ExtractorPool(workers=2) as pool:
        assert isinstance(workers._result(docs[0], pool.submit(docs[0])), Article)
        for pid in list(pool._executor._processes):
            os.kill(pid, signals.SIGKILL)  # as the OOM killer would
        deadline = time.monotonic() + 10
        while not pool._executor._broken and time.monotonic() < deadline:
            time.sleep(0.05)
        results = [workers._result(d, pool.submit(d)) for d in docs]
    assert all(isinstance(r, Article) for r in results)


def test_signature_input_is_computed_with_extraction_and_used_by_the_writer(tmp_path, monkeypatch):
    import numpy as np

    from archive.dedup import features
    from archive.dedup.features import signature_input
    from archive.ingest.writer import ArchiveWriter
    from archive.store import Archive

    document = raw()
    article = guarded_extract(document)
    size, *computed = article.signature_input
    expected = signature_input(article.text, size)
    assert len(computed) == len(expected) and all(np.array_equal(a, b) for a, b in zip(computed, expected))
    shingles = computed[0]

    def not_again(text, size):
        raise AssertionError("signature input computed twice")

    monkeypatch.setattr("archive.dedup.index.signature_input", not_again)
    with Archive(tmp_path / "a.duckdb") as archive:
        writer = ArchiveWriter(archive)
        writer.add(document, article)
        writer.flush()
        stored = archive.con.execute("SELECT n_shingles FROM dedup_signatures").fetchall()
    assert stored == [(len(shingles),)]
    assert features.signature_input is signature_input

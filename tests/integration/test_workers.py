"""The extraction pool: size cap, time budget, order, dead workers, stop requests."""

import os
import signal
import threading
import time
from pathlib import Path

import stop_driver
from conftest import article_html

from archive.ingest import pool as workers
from archive.ingest.pool import ExtractorPool, guarded_extract
from archive.models import Article, RawDocument, Rejection


def raw(url="https://example.org/a", body=None):
    return RawDocument(url=url, source="example.org", origin="html", body=body or article_html().encode())


def story(number: int, url: str | None = None) -> RawDocument:
    body = article_html(title=f"Story number {number} of the day").encode()
    return raw(url=url or f"https://example.org/{number}", body=body)


def test_oversized_document_is_rejected_without_parsing():
    junk = b"<div>" * 2_000_000
    result = guarded_extract(raw(body=junk), max_bytes=1_000_000)
    assert isinstance(result, Rejection)
    assert result.reason.startswith("document too large to extract")


def test_in_process_time_budget_turns_a_hang_into_a_rejection(monkeypatch):
    def stuck(document):
        time.sleep(30)  # were the budget not enforced: no article, another rejection reason

    monkeypatch.setattr(workers, "extract", stuck)
    result = guarded_extract(raw(), seconds=0.3)
    assert result == Rejection("https://example.org/a", "extraction took longer than 0.3 s")


def test_unexpected_parser_error_is_a_rejection(monkeypatch):
    def broken(document):
        raise ValueError("bad tree")

    monkeypatch.setattr(workers, "extract", broken)
    result = guarded_extract(raw())
    assert isinstance(result, Rejection) and "ValueError: bad tree" in result.reason


def test_pool_keeps_order_across_processes():
    docs = [story(i) for i in range(6)]
    docs.insert(3, raw(url="https://example.org/empty", body=b"<html><body><nav>Home</nav></body></html>"))
    with ExtractorPool(workers=2) as pool:
        results = list(pool.map(docs))
    assert [d.url for d, _ in results] == [d.url for d in docs]
    kinds = [type(r) for _, r in results]
    assert kinds == [Article] * 3 + [Rejection] + [Article] * 3
    assert "article text" in results[3][1].reason


def test_a_worker_stuck_past_its_budget_is_killed_and_replaced(monkeypatch):
    # The stuck worker blocks SIGALRM and SIGTERM, as a long C call in a parser does.
    monkeypatch.setattr(workers, "guarded_extract", stop_driver.guarded_extract)
    docs = [story(i) for i in range(4)]
    docs[1:1] = [raw(url=f"https://example.org/{stop_driver.HANG}/{n}") for n in range(2)]  # both workers
    with ExtractorPool(workers=2, seconds=1) as pool:
        results = [result for _, result in pool.map(docs)]
    assert results[1:3] == [Rejection(d.url, "extraction took longer than 1 s") for d in docs[1:3]]
    assert [type(r) for r in results[:1] + results[3:]] == [Article] * 4  # by fresh workers


def test_a_worker_killed_mid_document_rejects_that_document_and_the_run_goes_on(monkeypatch):
    monkeypatch.setattr(workers, "guarded_extract", stop_driver.guarded_extract)
    docs = [story(i) for i in range(4)]
    docs.insert(2, raw(url=f"https://example.org/{stop_driver.DIE}"))
    with ExtractorPool(workers=2) as pool:
        results = [result for _, result in pool.map(docs)]
    assert results[2] == Rejection(docs[2].url, "extraction worker died (killed by SIGKILL)")
    assert [type(r) for r in results[:2] + results[3:]] == [Article] * 4


def grandchildren() -> list[int]:
    """This process's children's children: the pool's workers, forked by the forkserver."""

    def children(pid: int) -> list[int]:
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == pid and fields[0] != "Z":
                    found.append(int(entry))
        return found

    return [worker for child in children(os.getpid()) for worker in children(child)]


def test_pool_restarts_when_its_workers_died_while_idle(caplog):
    with ExtractorPool(workers=2) as pool:
        assert isinstance(pool.submit(story(0)).result(), Article)
        killed = grandchildren()
        assert len(killed) >= 2
        for pid in killed:
            os.kill(pid, signal.SIGKILL)  # as the OOM killer would
        results = [result for _, result in pool.map([story(1), story(2), story(3)])]
        assert [type(r) for r in results] == [Article] * 3  # none lost to the broken pool
        assert "restarting the pool" in caplog.text  # the pool broke, and was replaced
        assert not set(killed) & set(grandchildren())


def test_a_stop_request_ends_the_input_and_keeps_what_is_extracted():
    stop = threading.Event()
    read = []

    def documents():
        for number in range(10):
            read.append(number)
            yield story(number)

    with ExtractorPool(workers=1) as pool:
        results = []
        for _document, result in pool.map(documents(), stop=stop):
            results.append(result)
            if len(results) == 3:
                stop.set()
    assert read == [0, 1, 2] and [type(r) for r in results] == [Article] * 3


def test_dedup_input_is_computed_with_extraction_and_used_by_the_writer(tmp_path, monkeypatch):
    import numpy as np

    from archive.dedup.features import line_input, signature_input
    from archive.ingest.writer import ArchiveWriter
    from archive.store import Archive

    document = raw()
    article = guarded_extract(document)
    size = 2
    expected = signature_input(article.text, size)
    assert all(np.array_equal(a, b) for a, b in zip(article.signature_input.sets(size), expected))
    shingles = expected[0]

    computed = []

    def counted(text):
        computed.append(text)
        return line_input(text)

    monkeypatch.setattr("archive.dedup.index.line_input_of", counted)
    other = story(1, url="https://example.org/b")
    other_article = guarded_extract(other)
    other_article.signature_input = None  # the control: nothing computed in a worker
    with Archive(tmp_path / "a.duckdb") as archive:
        writer = ArchiveWriter(archive)
        writer.add(document, article)
        writer.flush()
        assert computed == []  # the worker's input was used
        writer.add(other, other_article)
        writer.flush()
        stored = archive.con.execute("SELECT n_shingles FROM dedup_signatures ORDER BY article_id").fetchall()
    assert computed == [other_article.text]  # without it the writer computes it, through the patched name
    assert stored[0] == (len(shingles),)


def test_lines_removed_as_site_boilerplate_leave_the_signature_of_the_stored_text(tmp_path, monkeypatch):
    """A site's repeated line is stripped on the writer; the article is signed as stored, from the
    worker's input (no text is tokenised again), exactly as a rebuild from the stored text signs it."""
    from archive.dedup.features import line_input
    from archive.ingest.writer import ArchiveWriter
    from archive.store import Archive

    banner = "Read the latest from the Daily Example every morning in your inbox"
    body = (
        "The council of {town} approved a budget of {n} million for new bridges on Tuesday evening, "
        "after a debate that lasted well into the night and drew residents from every district.\n"
        "Engineers said work on the {town} crossings would start in spring and finish within two years."
    )
    pages = [
        RawDocument(
            url=f"https://daily.example/{i}",
            body=f"{banner}\n{body.format(town=town, n=10 + i)}".encode(),
            source="daily.example",
            origin="txt",
            content_type="text/plain",
        )
        for i, town in enumerate(["Arden", "Brill", "Colne", "Dunmore"])
    ]
    articles = [guarded_extract(page) for page in pages]
    computed = []

    def counted(text):
        computed.append(text)
        return line_input(text)

    monkeypatch.setattr("archive.dedup.index.line_input_of", counted)
    with Archive(tmp_path / "a.duckdb") as archive:
        writer = ArchiveWriter(archive)
        for page, article in zip(pages, articles):
            writer.add(page, article)
        writer.close()
        rows = archive.con.execute(
            """SELECT a.text, s.signature, s.stems FROM articles a JOIN dedup_signatures s ON s.article_id = a.id
               ORDER BY a.id"""
        ).fetchall()
        assert computed == []
        assert banner not in rows[-1][0]  # the banner, seen in three articles, was stripped from the later ones
    with Archive(tmp_path / "a.duckdb") as archive:  # a rebuild signs the stored texts from scratch
        writer = ArchiveWriter(archive, rebuilding=True)
        writer.rebuild()
        writer.close()
        again = archive.con.execute(
            "SELECT s.signature, s.stems FROM dedup_signatures s ORDER BY s.article_id"
        ).fetchall()
    assert [row[1:] for row in rows] == again


def test_dedup_signatures_are_computed_with_extraction_and_stored_as_a_rebuild_computes_them(tmp_path, monkeypatch):
    from archive.dedup.index import InputSigner
    from archive.ingest.writer import ArchiveWriter
    from archive.store import Archive

    pages = [raw(), story(1, url="https://example.org/b")]
    articles = [guarded_extract(page) for page in pages]
    assert all(a.signature_input.signed is not None for a in articles)
    signed_by_writer = []
    original = InputSigner.signed

    def counted(self, inputs):
        fingerprint = self.config.fingerprint
        signed_by_writer.extend(i for i in inputs if i.signed is None or i.signed.fingerprint != fingerprint)
        return original(self, inputs)

    monkeypatch.setattr(InputSigner, "signed", counted)
    query = "SELECT signature, anchor_signature, shingles FROM dedup_signatures ORDER BY article_id"
    with Archive(tmp_path / "a.duckdb") as archive:
        writer = ArchiveWriter(archive)
        for page, article in zip(pages, articles):
            writer.add(page, article)
        writer.close()
        stored = archive.con.execute(query).fetchall()
    assert signed_by_writer == []  # the workers' signatures were used
    with Archive(tmp_path / "a.duckdb") as archive:
        writer = ArchiveWriter(archive, rebuilding=True)
        writer.rebuild()
        writer.close()
        assert archive.con.execute(query).fetchall() == stored
    assert len(signed_by_writer) == 2  # the rebuild signed the stored texts itself


def test_a_signature_made_under_other_dedup_parameters_is_not_used():
    import numpy as np

    from archive.dedup.config import DedupConfig
    from archive.dedup.features import line_input
    from archive.dedup.index import InputSigner

    text = guarded_extract(raw()).text
    foreign = InputSigner(DedupConfig(num_perm=64)).sign(line_input(text))
    (ours,) = InputSigner(DedupConfig()).signed([foreign])
    (plain,) = InputSigner(DedupConfig()).signed([line_input(text)])
    assert ours.fingerprint == DedupConfig().fingerprint != foreign.signed.fingerprint
    assert len(ours.signatures[0]) == 192
    assert all(np.array_equal(a, b) for a, b in zip(ours.signatures, plain.signatures))

import pytest
from conftest import archive_held_by_another_process

from archive.errors import ArchiveError, ArchiveLocked
from archive.ingest.writer import ArchiveWriter
from archive.models import Article, RawDocument
from archive.store import Archive, migrations
from archive.textnorm import text_hash


def pair(url: str, text: str, published=None):
    raw = RawDocument(url=url, source="example.org", origin="html", body=b"<html>" + text.encode() + b"</html>")
    return raw, Article(
        url=url, source="example.org", origin="html", text=text, text_hash=text_hash(text), published=published
    )


def test_migrations_are_recorded_and_rerunnable(db):
    with Archive(db) as archive:
        names = [row[0] for row in archive.con.execute("SELECT name FROM schema_migrations").fetchall()]
        assert names == [name for name, _ in migrations.available()]
        assert migrations.migrate(archive.con) == []


def test_insert_skips_known_urls_and_keeps_raw(db):
    with Archive(db) as archive:
        writer = ArchiveWriter(archive)
        writer.add(*pair("https://example.org/a", "first article text"))
        writer.add(*pair("https://example.org/a", "first article text"))  # same URL twice in one batch
        writer.add(*pair("https://example.org/b", "second article text"))
        writer.flush()
        writer.add(*pair("https://example.org/b", "second article text"))
        writer.flush()
        assert archive.count() == 2
        assert writer.stats.archived == 2 and writer.stats.skipped == 2
        (article_id,) = archive.con.execute("SELECT id FROM articles WHERE url = 'https://example.org/a'").fetchone()
        assert archive.catalog.raw(article_id).body == b"<html>first article text</html>"
        assert archive.con.execute("SELECT count(*) FROM articles WHERE cluster_id = id").fetchone()[0] == 2


def test_failed_batch_leaves_archive_unchanged(db, monkeypatch):
    with Archive(db) as archive:
        writer = ArchiveWriter(archive)
        writer.add(*pair("https://example.org/a", "kept article"))
        writer.flush()

        def broken(con, ids, *rest):
            raise RuntimeError("crash during dedup")

        monkeypatch.setattr(writer.deduplicator, "assign", broken)
        writer.add(*pair("https://example.org/b", "lost article"))
        writer.add(*pair("https://example.org/c", "another lost article"))
        with pytest.raises(RuntimeError):  # every document failed: the fault is not theirs
            writer.flush()
        assert archive.count() == 1
        assert archive.con.execute("SELECT count(*) FROM raw_documents").fetchone()[0] == 1


def test_a_document_that_cannot_be_written_is_refused_and_the_rest_written(db, monkeypatch):
    with Archive(db) as archive:
        writer = ArchiveWriter(archive)
        assign = writer.deduplicator.assign

        def fails_on_one(con, ids, *rest):
            texts = dict(archive.con.execute("SELECT id, text FROM articles").fetchall())
            if any("unwritable" in texts[i] for i in ids):
                raise ValueError("cannot place this text")
            return assign(con, ids, *rest)

        monkeypatch.setattr(writer.deduplicator, "assign", fails_on_one)
        for name in ("a", "b", "c"):
            writer.add(*pair(f"https://example.org/{name}", f"article {name}, unwritable" if name == "b" else name))
        stats = writer.close()
        assert archive.con.execute("SELECT url FROM articles ORDER BY url").fetchall() == [
            ("https://example.org/a",),
            ("https://example.org/c",),
        ]
        assert archive.con.execute("SELECT count(*) FROM raw_documents").fetchone()[0] == 2
        assert (stats.read, stats.archived) == (3, 2)
        assert [str(r) for r in stats.rejections] == [
            "https://example.org/b: not written: ValueError: cannot place this text"
        ]
        # The refusal is in the run's rejection log, as any other rejection.
        assert archive.con.execute("SELECT input, reason FROM rejections").fetchall() == [
            ("https://example.org/b", "not written: ValueError: cannot place this text")
        ]


def test_locked_archive_is_a_named_error(db):
    Archive(db).close()
    with (
        archive_held_by_another_process(db) as holder,
        pytest.raises(ArchiveLocked, match=f"in use by process {holder}"),
    ):
        Archive(db)


def test_reader_needs_an_existing_archive(tmp_path):
    with pytest.raises(ArchiveError, match="no archive here yet"):
        Archive(tmp_path / "missing.duckdb", read_only=True)


def test_not_a_database(tmp_path):
    bogus = tmp_path / "notes.duckdb"
    bogus.write_text("just some notes, not a database\n" * 100)
    with pytest.raises(ArchiveError, match=r"notes\.duckdb"):
        Archive(bogus)


def setting(archive: Archive, name: str) -> str:
    return archive.con.execute("SELECT current_setting(?)", [name]).fetchone()[0]


def memory_limit_of(archive: Archive) -> str:
    return setting(archive, "memory_limit")


def test_a_writer_bounds_duckdb_memory_and_a_reader_does_not(db, monkeypatch):
    monkeypatch.delenv("NEWSARCHIVE_MEMORY_LIMIT", raising=False)
    with Archive(db) as writer:
        assert memory_limit_of(writer) == "953.6 MiB"  # 1GB, as DuckDB reports it
        assert setting(writer, "checkpoint_threshold") == "244.1 MiB"  # 256MB, not every 16 MB of WAL
    with Archive(db, read_only=True) as reader:  # DuckDB's default: 80 % of RAM
        assert memory_limit_of(reader) != "953.6 MiB"
    monkeypatch.setenv("NEWSARCHIVE_MEMORY_LIMIT", "300MB")
    with Archive(db) as writer:
        assert memory_limit_of(writer) == "286.1 MiB"


def test_a_bad_memory_limit_is_a_named_error(db, monkeypatch):
    monkeypatch.setenv("NEWSARCHIVE_MEMORY_LIMIT", "lots")
    with pytest.raises(ArchiveError, match=r"^\$NEWSARCHIVE_MEMORY_LIMIT 'lots': "):
        Archive(db)

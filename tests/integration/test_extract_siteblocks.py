"""Per-site boilerplate learning and re-extraction over an archive of small hand-written pages."""

from __future__ import annotations

from click.testing import CliRunner

from archive.cli import cli
from archive.ingest.pool import guarded_extract
from archive.ingest.reextract import reextract
from archive.ingest.writer import ArchiveWriter
from archive.models import RawDocument
from archive.store import Archive

TOPICS = ["harbour", "school", "museum", "bridge", "market", "stadium", "hospital"]
# Looks like prose and sits inside the article element, so single-page rules keep it.
SHARED = [
    "Latest news from the Coast Courier, updated every hour by our newsroom staff.",
    "Storm warning issued for the northern coast tonight, with winds of up to ninety kilometres an hour.",
    "Council election results will be announced on Thursday evening at the town hall.",
]


def page(topic: str, shared: bool = True) -> bytes:
    paras = [
        f"The {topic} in Port Ellis will close for repairs next month, the town council announced on Wednesday after a long debate.",
        f"Officials said the work on the {topic} would take about six weeks and cost less than the council had feared earlier this year.",
        f"Residents who use the {topic} every day said they were relieved that the repairs would finally start before the winter.",
    ]
    block = "".join(f"<p>{line}</p>" for line in SHARED) if shared else ""
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (
        f"<html lang='en'><head><title>Port Ellis {topic} closes for repairs</title></head><body><article>"
        f"<h1>Port Ellis {topic} closes for repairs</h1>{body}{block}</article></body></html>"
    ).encode()


def raw(topic: str, shared: bool = True, site: str = "coastcourier.example") -> RawDocument:
    return RawDocument(url=f"https://{site}/news/{topic}", source=site, origin="html", body=page(topic, shared))


def ingest(archive: Archive, raws: list[RawDocument], batch_size: int = 200) -> None:
    writer = ArchiveWriter(archive, batch_size=batch_size)
    for item in raws:
        writer.add(item, guarded_extract(item))
    writer.close()


def texts(archive: Archive) -> dict[str, str]:
    return dict(archive.con.execute("SELECT url, text FROM articles").fetchall())


def test_single_page_rules_keep_the_shared_block():
    article = guarded_extract(raw("harbour"))
    assert SHARED[1] in article.text  # this is what per-site learning is for


def test_five_pages_of_one_site_sharing_latest_news_lose_it(tmp_path):
    with Archive(tmp_path / "a.duckdb") as archive:
        ingest(archive, [raw(t) for t in TOPICS[:5]])
        for url, text in texts(archive).items():
            assert not any(line in text for line in SHARED), url
            assert "will close for repairs next month" in text
        removed = archive.con.execute(
            "SELECT count(*) FROM articles WHERE meta->>'$.removed_blocks.\"site-boilerplate\"' = '3'"
        ).fetchone()[0]
        assert removed == 5


def test_two_pages_are_not_enough_and_other_sites_are_not_affected(tmp_path):
    with Archive(tmp_path / "a.duckdb") as archive:
        ingest(archive, [raw("harbour"), raw("school"), raw("museum", site="other.example")])
        assert all(SHARED[1] in text for text in texts(archive).values())


def test_exact_copies_count_once(tmp_path):
    copies = [
        RawDocument(
            url=f"https://coastcourier.example/copy{i}",
            source="coastcourier.example",
            origin="html",
            body=page("harbour"),
        )
        for i in range(4)
    ]
    with Archive(tmp_path / "a.duckdb") as archive:
        ingest(archive, copies)
        assert all(SHARED[1] in text for text in texts(archive).values())


def test_reextract_applies_what_was_learned_later_and_regroups_duplicates(tmp_path):
    with Archive(tmp_path / "a.duckdb") as archive:
        # one page per batch: the first pages are archived before the block is known to repeat
        ingest(archive, [raw(t) for t in TOPICS[:5]], batch_size=1)
        before = texts(archive)
        assert SHARED[1] in before["https://coastcourier.example/news/harbour"]
        stats = reextract(archive, workers=1)
        after = texts(archive)
        assert stats.read == 5 and stats.changed == stats.text_changed >= 2
        assert not any(SHARED[1] in text for text in after.values())
        # a second run changes nothing
        assert reextract(archive, workers=1).changed == 0
        # The articles a block's share is taken over, as forgotten and learned again: one per text.
        counted = "SELECT source, count(*) FROM site_texts GROUP BY ALL ORDER BY 1"
        distinct = "SELECT source, count(DISTINCT text_hash) FROM site_blocks GROUP BY ALL ORDER BY 1"
        assert (
            archive.con.execute(counted).fetchall()
            == archive.con.execute(distinct).fetchall()
            == [("coastcourier.example", 5)]
        )


def test_reextract_updates_metadata_in_place_and_respects_source(tmp_path):
    db = tmp_path / "a.duckdb"
    with Archive(db) as archive:
        ingest(archive, [raw("harbour", shared=False), raw("school", shared=False, site="other.example")])
        archive.con.execute(
            "UPDATE articles SET title = 'stale', text = 'stale text', text_hash = 'x', extractor = '0'"
        )
    result = CliRunner().invoke(cli, ["--db", str(db), "reextract", "--source", "other.example", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "re-extracted 1 articles: 1 changed (1 with new text)" in result.output
    with Archive(db, read_only=True) as archive:
        rows = dict(archive.con.execute("SELECT source, title FROM articles").fetchall())
    assert rows == {"other.example": "Port Ellis school closes for repairs", "coastcourier.example": "stale"}


def test_reextract_joins_articles_whose_text_became_identical(tmp_path):
    with Archive(tmp_path / "a.duckdb") as archive:
        ingest(archive, [raw("harbour", shared=False), raw("harbour", shared=False, site="mirror.example")])
        assert archive.con.execute("SELECT count(*) FROM duplicates").fetchone()[0] == 1
        archive.con.execute(
            "UPDATE articles SET text = text || ' edited', text_hash = 'y' WHERE source = 'mirror.example'"
        )
        archive.con.execute("DELETE FROM duplicates")
        archive.con.execute("UPDATE articles SET cluster_id = id")
        stats = reextract(archive, workers=1)
        assert stats.text_changed == 1
        assert archive.con.execute("SELECT count(*) FROM duplicates").fetchone()[0] == 1
        assert archive.con.execute("SELECT count(DISTINCT cluster_id) FROM articles").fetchone()[0] == 1


def test_plain_text_files_of_one_folder_share_learning(tmp_path):
    footer = "Reporting by the Port Ellis Gazette desk; send tips to our newsroom by phone."
    raws = []
    for topic in TOPICS[:4]:
        text = (
            f"Port Ellis {topic} closes for repairs\n\nThe {topic} will close next month, the council said on Wednesday after a debate.\n"
            f"Officials said work on the {topic} would take six weeks and cost less than feared.\n{footer}\n"
        )
        raws.append(
            RawDocument(
                url=f"file:///data/gazette/{topic}.txt",
                source="gazette",
                origin="txt",
                body=text.encode(),
                content_type="text/plain",
            )
        )
    with Archive(tmp_path / "a.duckdb") as archive:
        ingest(archive, raws)
        assert all(footer not in text and "will close next month" in text for text in texts(archive).values())


def test_a_failed_reextract_batch_leaves_its_articles_as_they_were(tmp_path, monkeypatch):
    import pytest

    from archive.dedup import Deduplicator

    def disk_full(self, archive, ids):
        raise OSError(28, "No space left on device")  # the archive's own failure, not the article's

    with Archive(tmp_path / "a.duckdb") as archive:
        ingest(archive, [raw("harbour", shared=False)])
        archive.con.execute("UPDATE articles SET text = 'stale text', text_hash = 'x'")
        monkeypatch.setattr(Deduplicator, "reindex", disk_full)
        with pytest.raises(OSError, match="No space left"):
            reextract(archive, workers=1)
        assert list(texts(archive).values()) == ["stale text"]
        assert archive.con.execute("SELECT status FROM runs ORDER BY id").fetchall() == [("finished",), ("failed",)]


def test_a_background_sentence_reused_by_a_few_articles_is_kept_but_a_promo_line_is_not():
    background = (
        "The river has flooded the old town four times since the embankment was built in 1972, most recently in 2021."
    )
    promo = "Watch our daily video briefing"
    raws = []
    for i in range(20):
        extra = [background, promo] if i < 3 else []
        paras = [
            f"Story number {i} about the Port Ellis council meeting, which discussed item {i} of the agenda for an hour.",
            f"Members voted on proposal {i} after a long debate, and the result will be published on the town website.",
            *extra,
        ]
        text = "\n".join(paras) + "\n"
        raws.append(
            RawDocument(
                url=f"file:///data/courier/{i}.txt",
                source="courier",
                origin="txt",
                body=text.encode(),
                content_type="text/plain",
            )
        )
    with Archive(":memory:") as archive:
        ingest(archive, raws)
        stored = texts(archive)
    kept = [t for t in stored.values() if background in t]
    assert len(kept) == 3  # 3 of 20 articles: under the share that prose needs
    assert not any(promo in t for t in stored.values())


def test_groups_of_a_stopped_reextract_are_placed_by_the_next_writer(tmp_path, monkeypatch):
    from archive.ingest.writer import ArchiveWriter as Writer

    with Archive(tmp_path / "a.duckdb") as archive:
        ingest(archive, [raw("harbour", shared=False), raw("harbour", shared=False, site="mirror.example")])
        archive.con.execute(
            "UPDATE articles SET text = text || ' edited', text_hash = 'y' WHERE source = 'mirror.example'"
        )
        archive.con.execute("DELETE FROM duplicates")
        archive.con.execute("UPDATE articles SET cluster_id = id")
        monkeypatch.setattr(Writer, "regroup", lambda self: None)  # as if stopped before its end
        reextract(archive, workers=1)
        assert archive.con.execute("SELECT count(*) FROM duplicates").fetchone()[0] == 0
        assert archive.dedup.regroup_pending()
        monkeypatch.undo()
        ingest(archive, [])  # any writer that opens next places them
        assert archive.con.execute("SELECT count(*) FROM duplicates").fetchone()[0] == 1
        assert not archive.dedup.regroup_pending()

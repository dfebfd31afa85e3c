"""Dedup in the archive: groups, kinds, representatives, re-pointing, idempotency, config, refresh."""

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from dedup_texts import INDEPENDENT, ORIGINAL, REORDERED, REWRITE, SYNDICATED, TRUNCATED, UNRELATED, text

from archive.dedup import Deduplicator
from archive.dedup.config import DedupConfig
from archive.dedup.features import text_features
from archive.dedup.verify import Verifier
from archive.errors import ConfigMismatch
from archive.ingest.files import ingest
from archive.ingest.writer import ArchiveWriter
from archive.models import Article, RawDocument
from archive.store import Archive
from archive.textnorm import text_hash

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def day(n: int) -> datetime:
    return datetime(2024, 3, n, 9, 0, tzinfo=timezone.utc)


def pair(name: str, paragraphs, published=None, source: str | None = None):
    url = f"https://{source or name}.example/{name}"
    body = text(paragraphs)
    raw = RawDocument(url=url, source=source or f"{name}.example", origin="html", body=body.encode())
    return raw, Article(
        url=url, source=raw.source, origin="html", text=body, text_hash=text_hash(body), published=published
    )


def write(archive, *pairs, deduplicator=None, batch_size=200):
    writer = ArchiveWriter(archive, batch_size=batch_size, deduplicator=deduplicator)
    for raw, article in pairs:
        writer.add(raw, article)
    writer.flush()
    return writer.stats


def groups(archive) -> dict[str, tuple[str, str | None]]:
    """url host -> (host of its group's representative, its kind)."""
    rows = archive.con.execute(
        """SELECT a.source, r.source, d.kind FROM articles a JOIN articles r ON r.id = a.cluster_id
           LEFT JOIN duplicates d ON d.article_id = a.id"""
    ).fetchall()
    return {source.split(".")[0]: (rep.split(".")[0], kind) for source, rep, kind in rows}


STORY = [
    ("original", ORIGINAL, day(1)),
    ("syndicated", SYNDICATED, day(2)),
    ("truncated", TRUNCATED, day(2)),
    ("reordered", REORDERED, day(3)),
    ("rewrite", REWRITE, day(4)),
    ("independent", INDEPENDENT, day(1)),
    ("unrelated", UNRELATED, day(1)),
]


@pytest.mark.parametrize("batch_size", [200, 1], ids=["one-batch", "article-by-article"])
def test_copies_join_the_original_and_look_alikes_stay_apart(db, batch_size):
    with Archive(db) as archive:
        stats = write(archive, *(pair(n, p, d) for n, p, d in STORY), batch_size=batch_size)
        found = groups(archive)
    assert stats.duplicates == 4
    assert found == {
        "original": ("original", None),
        "syndicated": ("original", "near"),
        "truncated": ("original", "near"),
        "reordered": ("original", "near"),
        "rewrite": ("original", "rewrite"),
        "independent": ("independent", None),
        "unrelated": ("unrelated", None),
    }


def test_group_id_is_stable_when_later_copies_join(db):
    with Archive(db) as archive:
        write(archive, pair("original", ORIGINAL, day(1)), pair("syndicated", SYNDICATED, day(2)))
        before = archive.con.execute("SELECT id, cluster_id FROM articles ORDER BY id").fetchall()
        write(archive, pair("truncated", TRUNCATED, day(3)), pair("rewrite", REWRITE, day(4)))
        after = archive.con.execute("SELECT id, cluster_id FROM articles ORDER BY id").fetchall()
        assert after[:2] == before
        assert {cluster for _, cluster in after} == {before[0][0]}
        assert archive.con.execute("SELECT count(*) FROM unique_articles").fetchone()[0] == 1


def test_original_arriving_after_its_copies_becomes_the_representative(db):
    with Archive(db) as archive:
        write(archive, pair("syndicated", SYNDICATED, day(2)), pair("truncated", TRUNCATED, day(3)))
        write(archive, pair("original", ORIGINAL, day(1)))
        original = archive.con.execute("SELECT id FROM articles WHERE source = 'original.example'").fetchone()[0]
        assert {row[0] for row in archive.con.execute("SELECT cluster_id FROM articles").fetchall()} == {original}
        rows = archive.con.execute("SELECT duplicate_of, kind FROM duplicates").fetchall()
        assert sorted(rows) == [(original, "near"), (original, "near")]
        assert archive.con.execute("SELECT id FROM unique_articles").fetchall() == [(original,)]


def test_one_weak_edge_does_not_merge_two_groups(db):
    # A digest quoting half of one story and most of another is a weak copy of both.
    digest = ORIGINAL[:4] + UNRELATED[:3]
    verifier = Verifier(DedupConfig())
    for story in (ORIGINAL, UNRELATED):
        edge = verifier.verify(text_features(text(digest), 2), text_features(text(story), 2))
        assert edge is not None and edge.similarity < DedupConfig().strong_similarity
    with Archive(db) as archive:
        write(
            archive,
            pair("original", ORIGINAL, day(1)),
            pair("syndicated", SYNDICATED, day(2)),
            pair("unrelated", UNRELATED, day(1)),
            pair("unrelatedcopy", UNRELATED[:3] + ["Weather: rain later."], day(2)),
        )
        write(archive, pair("digest", digest, day(3)))
        found = groups(archive)
    assert found["syndicated"][0] == "original" and found["unrelatedcopy"][0] == "unrelated"
    assert found["digest"][0] in {"original", "unrelated"}


def test_reingesting_the_same_articles_changes_nothing(db):
    with Archive(db) as archive:
        write(archive, *(pair(n, p, d) for n, p, d in STORY))
        snapshot = [
            archive.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in ("duplicates", "dedup_edges")
        ]
        clusters = archive.con.execute("SELECT id, cluster_id FROM articles ORDER BY id").fetchall()
        stats = write(archive, *(pair(n, p, d) for n, p, d in STORY))
        assert stats.archived == 0 and stats.duplicates == 0
        assert [
            archive.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in ("duplicates", "dedup_edges")
        ] == snapshot
        assert archive.con.execute("SELECT id, cluster_id FROM articles ORDER BY id").fetchall() == clusters


def test_archive_built_with_other_parameters_is_refused_until_rebuilt(db):
    other = Deduplicator(replace(DedupConfig(), near_containment=0.7))
    with Archive(db) as archive:
        write(archive, pair("original", ORIGINAL, day(1)), pair("truncated", TRUNCATED, day(2)))
        with pytest.raises(ConfigMismatch, match="dedup --rebuild"):
            ArchiveWriter(archive, deduplicator=other)
        with archive.transaction():
            assert other.rebuild(archive) == 1
        write(archive, pair("rewrite", REWRITE, day(3)), deduplicator=other)
        with pytest.raises(ConfigMismatch):
            ArchiveWriter(archive)  # the default parameters are now the foreign ones
        assert len(groups(archive)) == 3


def test_rebuild_reproduces_the_groups(db):
    with Archive(db) as archive:
        write(archive, *(pair(n, p, d) for n, p, d in STORY))
        before = groups(archive)
        with archive.transaction():
            assert Deduplicator().rebuild(archive) == 4
        assert groups(archive) == before


def test_refresh_regroups_an_article_whose_text_changed(db):
    with Archive(db) as archive:
        write(
            archive,
            pair("original", ORIGINAL, day(1)),
            pair("syndicated", SYNDICATED, day(2)),
            pair("unrelated", UNRELATED, day(1)),
        )
        changed = archive.con.execute("SELECT id FROM articles WHERE source = 'syndicated.example'").fetchone()[0]
        with archive.transaction():
            archive.con.execute("UPDATE articles SET text = ? WHERE id = ?", [text(UNRELATED[:3]), changed])
            Deduplicator().refresh(archive, [changed])
        found = groups(archive)
    assert found["syndicated"] == ("unrelated", "near")
    assert found["original"] == ("original", None)


def test_seeds_group_only_the_rewrite_pair(db):
    with Archive(db) as archive:
        ingest(archive, [str(SEEDS)], workers=1)
        rows = archive.con.execute(
            """SELECT a.url, r.url, d.kind FROM duplicates d JOIN articles a ON a.id = d.article_id
               JOIN articles r ON r.id = d.duplicate_of"""
        ).fetchall()
    assert [(Path(a).name[:3], Path(r).name[:3], kind) for a, r, kind in rows] in (
        [("003", "001", "rewrite")],
        [("001", "003", "rewrite")],
    )


# Many copies of two stories and digests bridging them: with at most two candidates read per
# article, which copies an article sees decides its group, so batch boundaries would show.
TANGLE = [
    ("original", ORIGINAL),
    ("unrelated", UNRELATED),
    ("syndicated", SYNDICATED),
    ("unrelatedcopy", UNRELATED[:3] + ["Weather: rain later."]),
    ("digest1", ORIGINAL[:4] + UNRELATED[:3]),
    ("digestcopy1", ORIGINAL[:4] + UNRELATED[:3]),  # exact copies rank first among candidates
    ("digestcopy2", ORIGINAL[:4] + UNRELATED[:3]),
    ("truncated", TRUNCATED),
    ("reordered", REORDERED),
    ("rewrite", REWRITE),
    ("short", ORIGINAL[:2]),
    ("independent", INDEPENDENT),
    ("again", ORIGINAL[2:]),
    ("unrelatedtail", UNRELATED[2:]),
]
CAPPED = replace(DedupConfig(), max_candidates=2)


def partition(archive) -> set[frozenset[str]]:
    """Groups as sets of sources: comparable whatever the group ids are."""
    members: dict[int, set[str]] = {}
    for source, cluster in archive.con.execute("SELECT source, cluster_id FROM articles").fetchall():
        members.setdefault(cluster, set()).add(source.split(".")[0])
    return {frozenset(m) for m in members.values()}


def ingest_tangle(path, batch_size, texts=None, tail_rows=None):
    archive = Archive(path)
    if tail_rows is not None:  # band rows kept in SQL before they go to a sorted run beside the archive
        archive.dedup.band_runs.tail_rows = tail_rows
    write(
        archive,
        *(
            pair(name, (texts or {}).get(name, paragraphs), day(1 + i % 5))
            for i, (name, paragraphs) in enumerate(TANGLE)
        ),
        deduplicator=Deduplicator(CAPPED),
        batch_size=batch_size,
    )
    return archive


def test_partition_depends_on_texts_and_order_not_on_batches_rebuild_or_refresh(tmp_path):
    with ingest_tangle(tmp_path / "whole.duckdb", 200) as archive:
        expected = partition(archive)
        assert len(expected) < len(TANGLE) - 4  # the fixture does group, and not all into one
        assert len(expected) > 2
        with archive.transaction():
            Deduplicator(CAPPED).rebuild(archive)
        assert partition(archive) == expected
    for batch_size in (1, 2, 3, 5):
        with ingest_tangle(tmp_path / f"batch{batch_size}.duckdb", batch_size) as archive:
            assert partition(archive) == expected, f"batches of {batch_size}"

    # refresh after a text changed gives what ingesting the changed text in the same order gives.
    changed = {"again": UNRELATED[1:], "digest1": ORIGINAL[:2] + UNRELATED[:5]}
    with ingest_tangle(tmp_path / "refresh.duckdb", 3) as archive:
        ids = []
        with archive.transaction():
            for name, paragraphs in changed.items():
                body = text(paragraphs)
                (article,) = archive.con.execute(
                    "UPDATE articles SET text = ?, text_hash = ? WHERE source = ? RETURNING id",
                    [body, text_hash(body), f"{name}.example"],
                ).fetchone()
                ids.append(article)
            Deduplicator(CAPPED).refresh(archive, ids)
        refreshed = partition(archive)
    with ingest_tangle(tmp_path / "changed.duckdb", 200, changed) as archive:
        assert refreshed == partition(archive)
    assert refreshed != expected


def test_band_runs_beside_the_archive_find_the_candidates_the_sql_join_finds(tmp_path):
    """Band keys of committed articles go to sorted runs in <archive>.bands/ (binary searches, not a
    scan per batch): the groups are those of the plain SQL join, also after band keys are deleted."""
    import json

    later = [pair("latecopy", ORIGINAL[1:], day(9)), pair("latealone", UNRELATED[:3], day(9))]
    with ingest_tangle(tmp_path / "sql.duckdb", 200) as archive:  # one batch: every key joined in SQL
        expected = partition(archive)
        write(archive, *later, deduplicator=Deduplicator(CAPPED))
        expected_later = partition(archive)
    assert not (tmp_path / "sql.duckdb.bands").exists()
    manifest_path = tmp_path / "runs.duckdb.bands" / "manifest.json"
    with ingest_tangle(tmp_path / "runs.duckdb", 2, tail_rows=1) as archive:  # a run after (nearly) every batch
        assert partition(archive) == expected
        manifest = json.loads(manifest_path.read_text())
        (highest,) = archive.con.execute("SELECT max(id) FROM articles").fetchone()
        assert 0 < manifest["covered"] < highest  # committed batches only, not the last one placed
        assert 1 <= len(manifest["runs"]) < len(TANGLE) // 2  # runs of similar size were merged
        with archive.transaction():  # deletes every band key: the runs no longer match the archive
            Deduplicator(CAPPED).rebuild(archive)
        assert partition(archive) == expected
        (token,) = archive.con.execute("SELECT token FROM dedup_band_token").fetchone()
        assert json.loads(manifest_path.read_text())["token"] != token
        write(archive, *later, deduplicator=Deduplicator(CAPPED), batch_size=1)
        assert partition(archive) == expected_later
        assert json.loads(manifest_path.read_text())["token"] == token  # rebuilt from the archive's keys


def test_copies_of_one_story_on_one_site_keep_their_text_and_are_grouped(db):
    """Site boilerplate learning must not take a re-posted story for the site's boilerplate:
    the fourth copy keeps its paragraphs, and all copies form one group."""
    from archive.extract.siteblocks import SiteBoilerplate

    site = "herald.example"
    pages = []
    for n in range(6):
        # Each page is the story inside more of its own text (comments, links): the story is
        # less than half of it, so only the rule for copies keeps it.
        comments = [
            f"Comment {n}-{k} by reader {n * 100 + k}: my street flooded {k} times since {1990 + n}" for k in range(24)
        ]
        pages.append(pair(f"copy{n}", ORIGINAL + comments, day(1 + n), source=site))
    with Archive(db) as archive:
        writer = ArchiveWriter(archive, site_boilerplate=SiteBoilerplate())
        for raw, article in pages:
            writer.add(raw, article)
        writer.flush()
        stored = [row[0] for row in archive.con.execute("SELECT text FROM articles ORDER BY id").fetchall()]
        clusters = {row[0] for row in archive.con.execute("SELECT cluster_id FROM articles").fetchall()}
    assert all(paragraph in body for body in stored for paragraph in ORIGINAL)
    assert len(clusters) == 1


def test_members_come_representative_first_in_representative_order(db):
    with Archive(db) as archive:
        write(
            archive,
            pair("syndicated", SYNDICATED, day(3)),
            pair("truncated", TRUNCATED, None),
            pair("original", ORIGINAL, day(1)),
            pair("reordered", REORDERED, day(2)),
        )
        (cluster,) = {row[0] for row in archive.con.execute("SELECT cluster_id FROM articles").fetchall()}
        group = archive.catalog.group(cluster)
    assert group.cluster_id == cluster
    assert [m.source.split(".")[0] for m in group.members] == ["original", "reordered", "syndicated", "truncated"]
    assert group.members[0].duplicate_kind is None and {m.duplicate_kind for m in group.members[1:]} == {"near"}

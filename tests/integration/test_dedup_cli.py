"""The dups and dedup commands."""

import json

from dedup_texts import INDEPENDENT, ORIGINAL, REWRITE, SYNDICATED, text


def articles_jsonl(tmp_path):
    rows = [
        {
            "url": "https://herald.example/barrier",
            "text": text(ORIGINAL),
            "title": "Portville votes for flood barrier",
            "published": "2024-03-01",
        },
        {
            "url": "https://westshore.example/barrier",
            "text": text(SYNDICATED),
            "title": "Flood barrier approved",
            "published": "2024-03-02",
        },
        {
            "url": "https://farm.example/barrier",
            "text": text(REWRITE),
            "title": "Harbour Board backs barrier",
            "published": "2024-03-03",
        },
        {
            "url": "https://courier.example/meeting",
            "text": text(INDEPENDENT),
            "title": "A night at the customs house",
            "published": "2024-03-01",
        },
    ]
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_dups_lists_groups_with_kinds(run_cli, tmp_path):
    run_cli("ingest", "--quiet", "--workers", "1", str(articles_jsonl(tmp_path)))
    table = run_cli("dups").output
    assert "group 1: 3 articles, representative 1 (herald.example)" in table
    for expected in ("near", "rewrite", "0.9", "farm.example", "2024-03-03"):
        assert expected in table
    assert "customs house" not in table

    groups = [json.loads(line) for line in run_cli("dups", "--json").output.splitlines()]
    assert len(groups) == 1 and groups[0]["size"] == 3
    members = groups[0]["members"]
    assert [m["kind"] for m in members] == ["representative", "near", "rewrite"]
    assert members[0]["url"] == "https://herald.example/barrier"
    assert 0.5 <= members[2]["similarity"] <= 1

    assert run_cli("dups", "--json", "--kind", "exact").output == ""
    assert len(run_cli("dups", "--json", "--kind", "rewrite").output.splitlines()) == 1
    one = json.loads(run_cli("dups", "--json", "--article", "3").output)
    assert one["group"] == 1 and one["size"] == 3
    assert "article 4 has no duplicates" in run_cli("dups", "--article", "4").output
    missing = run_cli("dups", "--article", "99", expect=1)
    assert missing.output.strip() == "Error: no article with id 99"


def test_dedup_status_and_rebuild(run_cli, tmp_path, db):
    run_cli("ingest", "--quiet", "--workers", "1", str(articles_jsonl(tmp_path)))
    assert "(current)" in run_cli("dedup").output
    assert run_cli("dedup", "--rebuild").output.startswith("rebuilt: 2 duplicates in 1 groups")

    import duckdb

    con = duckdb.connect(str(db))
    con.execute("UPDATE dedup_config SET fingerprint = 'other'")
    con.close()
    refused = run_cli("ingest", "--quiet", str(articles_jsonl(tmp_path)), expect=1)
    assert refused.output.strip().startswith("Error: this archive was deduplicated with other parameters")
    assert "dedup --rebuild" in run_cli("dedup").output
    run_cli("dedup", "--rebuild")
    run_cli("ingest", "--quiet", "--workers", "1", str(articles_jsonl(tmp_path)))


def test_sql_examples_in_the_dedup_guide_run(run_cli, tmp_path, db):
    import re
    from pathlib import Path

    import duckdb

    guide = (Path(__file__).resolve().parents[2] / "docs" / "dedup.md").read_text(encoding="utf-8")
    queries = re.findall(r"```sql\n(.*?)```", guide, re.S)
    assert len(queries) >= 3
    run_cli("ingest", "--quiet", "--workers", "1", str(articles_jsonl(tmp_path)))
    con = duckdb.connect(str(db), read_only=True)
    results = [con.execute(q).fetchall() for q in queries]
    assert results[0][0][3] == 3  # largest group: three copies
    assert {row[1] for row in results[1]} == {"westshore.example", "farm.example"}


def test_in_process_ingest_signs_the_stored_text_with_datasketch(run_cli, tmp_path, db):
    """Every stored signature is datasketch's LeanMinHash of the stored text's shingles, also for
    texts that per-site boilerplate learning changed after extraction."""
    import sys

    import duckdb
    import numpy as np
    from datasketch import LeanMinHash, MinHash

    from archive.dedup.config import DedupConfig
    from archive.dedup.features import signature_input

    footer = "Sign up for the Courier morning briefing and get the news before breakfast every day."
    stories = [text([p, f"{p} More on this story in our print edition.", footer]) for p in (ORIGINAL + INDEPENDENT)[:6]]
    path = tmp_path / "courier.jsonl"
    path.write_text(
        "\n".join(json.dumps({"url": f"https://courier.example/{i}", "text": t}) for i, t in enumerate(stories)) + "\n",
        encoding="utf-8",
    )
    run_cli("ingest", "--quiet", "--workers", "1", str(path))
    assert "datasketch" in sys.modules
    config = DedupConfig()
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        """SELECT a.text, s.n_shingles, s.n_anchors, s.signature, s.anchor_signature, s.shingles
           FROM articles a JOIN dedup_signatures s ON s.article_id = a.id ORDER BY a.id"""
    ).fetchall()
    con.close()
    assert len(rows) == len(stories)
    assert sum(footer not in stored for stored, *_ in rows) >= 3  # site boilerplate changed these texts
    for stored, n_shingles, n_anchors, signature, anchor_signature, shingles in rows:
        expected_shingles, expected_anchors, _ = signature_input(stored, config.shingle_size)
        assert (n_shingles, n_anchors) == (len(expected_shingles), len(expected_anchors))
        assert np.array_equal(np.frombuffer(shingles, dtype=np.uint32), expected_shingles)
        for blob, values, perm, seed in (
            (signature, expected_shingles, config.num_perm, config.seed),
            (anchor_signature, expected_anchors, config.anchor_perm, config.seed + 1),
        ):
            reference = MinHash(num_perm=perm, seed=seed, hashfunc=int)
            reference.update_batch(values.tolist())
            assert np.array_equal(np.frombuffer(blob, dtype=np.uint32), LeanMinHash(reference).hashvalues)

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

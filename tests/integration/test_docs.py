"""The README documents every command, and every command's help shows an example."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import cli

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


def test_readme_has_the_two_setup_commands():
    assert "make demo" in README and "make test" in README


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_documented_in_readme(name):
    assert re.search(rf"^### `{name}`", README, re.MULTILINE), f"README has no '### `{name}`' section"
    assert f"newsarchive {name}" in README, f"README shows no example of 'newsarchive {name}'"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_has_an_example(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and f"newsarchive {name}" in result.output


def readme_sql_statements():
    blocks = re.findall(r"```sql\n(.*?)```", README, re.DOTALL)
    statements = []
    for block in blocks:
        lines = [line for line in block.splitlines() if not line.strip().startswith("--")]
        statements += [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
    return statements


def test_readme_sql_examples_run(tmp_path):
    import duckdb

    db = tmp_path / "archive.duckdb"
    seeds = Path(__file__).resolve().parents[2] / "seeds"
    result = CliRunner().invoke(cli, ["--db", str(db), "ingest", "-q", "-w", "1", str(seeds)])
    assert result.exit_code == 0, result.output
    statements = readme_sql_statements()
    assert len(statements) >= 8
    con = duckdb.connect(str(db), read_only=True)
    for statement in statements:
        con.execute(statement).fetchall()


def test_every_command_is_registered_when_run_as_a_module():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "archive.cli", "--help"], capture_output=True, text=True, check=True)
    listed = {line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()}
    assert listed == set(COMMANDS)

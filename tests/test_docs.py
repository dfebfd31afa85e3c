"""The README documents every command, and every command's help shows an example."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
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

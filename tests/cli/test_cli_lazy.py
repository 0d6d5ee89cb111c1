"""The command table: every command is reachable, and validate starts without the heavy modules."""

from __future__ import annotations

import subprocess
import sys

import click

from xuncha.cli.main import LAZY_COMMANDS, cli


def test_every_lazy_command_resolves_to_a_command() -> None:
    ctx = click.Context(cli)
    for name in LAZY_COMMANDS:
        command = cli.get_command(ctx, name)
        assert isinstance(command, click.Command), name
        assert command.name == name


def test_validate_does_not_import_site_office_git_or_scoring_modules() -> None:
    code = (
        "import sys, xuncha.cli.main\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('mkdocs', 'openpyxl', 'docx', 'git', 'ruamel', 'jieba') "
        "or m.startswith('xuncha.cli.') and m != 'xuncha.cli.main']\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_history_can_start_git_before_it_loads_the_rules_that_read_the_changes() -> None:
    found = subprocess.run(
        [sys.executable, "-c", HISTORY_IMPORTS], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert found == "[]"


HISTORY_IMPORTS = """
import sys, click
from xuncha.cli.main import cli
cli.get_command(click.Context(cli), "history")
print([m for m in sys.modules if m.startswith("xuncha.rules") or m == "xuncha.review.history"])
"""

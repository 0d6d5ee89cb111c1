"""The command table: every command is reachable, and validate starts without the heavy modules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


def test_a_replayed_overdue_or_score_imports_no_engine(minimal_repo: Path) -> None:
    """A repeat with nothing changed answers from the stamps: no pipeline, deadlines or scoring loaded."""
    code = (
        "import sys\n"
        "from xuncha.cli.main import cli\n"
        "for args in (['overdue', '--as-of', '2025-08-01'], ['score', '--all', '--as-of', '2025-08-01']):\n"
        "    cli.main(['--root', sys.argv[1], *args], standalone_mode=False)\n"
        "engines = ('xuncha.pipeline', 'xuncha.rules.deadlines', 'xuncha.rules.scoring',"
        " 'xuncha.render.score')\n"
        "print([m for m in engines if m in sys.modules], file=sys.stderr)\n"
    )
    command = [sys.executable, "-c", code, str(minimal_repo)]
    first = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "'xuncha.pipeline'" in first.stderr.splitlines()[-1]  # computed the first time
    again = subprocess.run(command, capture_output=True, text=True, check=True)
    assert again.stdout == first.stdout
    assert again.stderr.splitlines()[-1] == "[]"

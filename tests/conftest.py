"""Shared fixtures: a minimal valid repository copied into a temp dir for each test."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from xuncha.cli.main import cli

REPO = Path(__file__).resolve().parents[1]
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"

# the demo-copy fixtures (`demo`, `xuncha`) shared by the clerk-command tests
pytest_plugins = ["clerk_support"]


@pytest.fixture
def minimal_repo(tmp_path: Path) -> Path:
    """A small, valid repository (two units, one round, one unit folder) to break on purpose."""
    root = tmp_path / "repo"
    shutil.copytree(MINIMAL, root, symlinks=False, ignore=shutil.ignore_patterns("schemas"))
    shutil.copytree(REPO / "schemas", root / "schemas")
    return root


@pytest.fixture
def run_cli() -> Callable[..., Result]:
    """Run ``xuncha`` in-process with the given arguments."""

    def run(*args: str) -> Result:
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return run

"""Helpers for the clerk's command tests: a git copy of the demo repository, byte-level comparisons."""

from __future__ import annotations

import atexit
import difflib
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import git
import pytest
from click.testing import Result

REPO = Path(__file__).resolve().parents[1]
DATA = ("units", "rounds")


_TEMPLATE: list[Path] = []


def make_demo(tmp_path: Path) -> Path:
    """The demo data, schemas and pyproject.toml in a git repository (branch main, one commit).

    Built once per test process from the working copy, then copied: reading /work is the slow part.
    """
    if not _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="xuncha-demo-"))
        atexit.register(shutil.rmtree, folder, True)
        _TEMPLATE.append(_build(folder / "demo"))
    root = tmp_path / "demo"
    shutil.copytree(_TEMPLATE[0], root, symlinks=True)
    return root


def _build(root: Path) -> Path:
    root.mkdir(parents=True)
    for name in (*DATA, "schemas"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("evidence"))
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")
    repo = git.Repo.init(root, initial_branch="main")
    with repo.config_writer() as config:
        config.set_value("user", "name", "测试专员")
        config.set_value("user", "email", "clerk@example.cn")
    commit(root, "演示数据")
    return root


def commit(root: Path, message: str) -> None:
    repo = git.Repo(root)
    repo.git.add("-A", "--", *DATA)
    repo.git.commit("-m", message)


def tree(root: Path) -> dict[str, bytes]:
    """Every file below units/ and rounds/, by relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for top in DATA
        for p in (root / top).rglob("*")
        if p.is_file()
    }


def inserted(before: bytes, after: bytes) -> str:
    """The lines ``after`` adds to ``before``; fails if any line of ``before`` was changed or removed."""
    old, new = before.decode().splitlines(True), after.decode().splitlines(True)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    changed = [op for op in matcher.get_opcodes() if op[0] not in ("equal", "insert")]
    assert not changed, f"lines changed or removed: {changed}"
    return "".join(
        line for tag, _, _, j1, j2 in matcher.get_opcodes() if tag == "insert" for line in new[j1:j2]
    )


def only_changed(before: dict[str, bytes], after: dict[str, bytes], *files: str) -> None:
    """Every file except ``files`` is byte-identical, and no file appeared or vanished besides them."""
    assert {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)} == set(files)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A git-initialised copy of the demo repository, for commands that edit records."""
    return make_demo(tmp_path)


@pytest.fixture
def xuncha(run_cli: Callable[..., Result], demo: Path) -> Callable[..., Result]:
    """Run ``xuncha --root <demo copy> …`` in-process."""

    def run(*args: object) -> Result:
        return run_cli("--root", demo, *args)

    return run

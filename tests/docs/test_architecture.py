"""The README's ARCHITECTURE section matches the tree: every stage it lists exists and every stage
that exists is listed, tests have a folder per stage (and one for the README, one for the
benchmarks), and every path it names is there."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "tools" / "xuncha"
NOT_STAGES = {"__init__.py", "__main__.py"}


def section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return text.split("## 代码结构（ARCHITECTURE）", 1)[1].split("\n## ", 1)[0]


def listed() -> set[str]:
    """The stages of the tree drawn under ``tools/xuncha/``: two-space indented names."""
    tree = section().split("tools/xuncha/\n", 1)[1].split("```", 1)[0]
    return set(re.findall(r"^  (\w+/|\w+\.py)", tree, re.M))


def present() -> set[str]:
    packages = {f"{p.parent.name}/" for p in PACKAGE.glob("*/__init__.py")}
    modules = {p.name for p in PACKAGE.glob("*.py")} - NOT_STAGES
    return packages | modules


def test_the_tree_drawn_is_the_tree_there() -> None:
    assert listed() == present()


def test_tests_have_one_folder_per_stage() -> None:
    stages = {name.rstrip("/") for name in present() if name.endswith("/")}
    folders = {p.name for p in (REPO / "tests").iterdir() if p.is_dir() and any(p.glob("test_*.py"))}
    assert stages <= folders, stages - folders
    assert folders - stages <= {"docs", "bench"}, folders - stages  # the README, tools/bench/


def test_every_path_the_section_names_exists() -> None:
    named = set(re.findall(r"`((?:\w+/)+[\w*.-]+\.(?:py|yaml))`", section()))
    assert named, "the section names no paths"
    missing = [n for n in named if not any(list(top.glob(n)) for top in (PACKAGE, REPO))]
    assert missing == []

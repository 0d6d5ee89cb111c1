"""``xuncha review`` refuses a change that adds a link or special file to the data folders:
in a commit (git mode 120000), in the staged index (pre-commit) and in the working tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gitrepo import Git

STATUS = "rounds/2025-t-r1/t-unit/status"
LINK = f"{STATUS}/P09.yaml"
GUARD_SECONDS = 60


@pytest.fixture
def git(minimal_repo: Path) -> Git:
    repo = Git(minimal_repo)
    repo.init()
    repo.branch("t-unit/progress")
    return repo


def review(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("xuncha")), "--root", str(root), "review", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=GUARD_SECONDS, check=False)


def violations(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """file → message of each violation, from ``--format json``."""
    assert "Traceback" not in result.stderr
    return {v["file"]: v["message"] for v in json.loads(result.stdout)["violations"] if v["code"] == "XC503"}


def test_a_committed_symlink_is_refused(git: Git) -> None:
    (git.root / LINK).symlink_to("/etc/passwd")
    git.commit("加入链接")
    result = review(git.root, "--base", "main", "--head", "HEAD", "--format", "json")
    assert result.returncode == 1
    assert violations(result) == {LINK: "改动在数据目录中加入了符号链接，不是普通文件"}


def test_a_staged_symlinked_folder_is_refused(git: Git) -> None:
    (git.root / "rounds/2025-t-r1/t-unit/status2").symlink_to("status")
    git.run("add", "-A")
    result = review(git.root, "--staged", "--format", "json")
    assert result.returncode == 1
    assert "rounds/2025-t-r1/t-unit/status2" in violations(result)


def test_a_committed_folder_named_like_a_record_is_refused(git: Git) -> None:
    (git.root / LINK).mkdir()
    (git.root / LINK / "inner.yaml").write_text("id: P09\n", encoding="utf-8")
    git.commit("加入文件夹")
    result = review(git.root, "--base", "main", "--head", "HEAD", "--format", "json")
    assert result.returncode == 1
    assert "以记录文件命名的文件夹" in violations(result)[LINK]


def test_a_fifo_in_the_working_tree_is_refused_unread(git: Git) -> None:
    """Git cannot hold a FIFO; the working-tree review must still not open it (it would hang)."""
    os.mkfifo(git.root / LINK)
    result = review(git.root, "--format", "json")
    assert result.returncode == 1
    assert "命名管道" in violations(result)[LINK]


def test_a_link_already_on_main_is_not_this_change(git: Git) -> None:
    git.checkout("main")
    (git.root / LINK).symlink_to("/etc/passwd")
    git.commit("历史遗留的链接")
    git.branch("t-unit/other")
    result = review(git.root, "--base", "main", "--head", "HEAD", "--format", "json")
    assert violations(result) == {}

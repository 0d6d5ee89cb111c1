"""git for the clerk's commands: the IDs history has used, what changed, and the proposal commit.

Reading complements :mod:`xuncha.review.gitio`; writing is limited to what ``xuncha propose``
promises: create (or stay on) a branch and commit exactly the given paths. Nothing
here pushes, stages other paths or touches the working tree.
"""

from __future__ import annotations

from pathlib import Path

import git

from xuncha.model.layout import DATA_ROOTS
from xuncha.review.gitlog import GitError


def _repo(root: Path) -> git.Repo | None:
    """The repository at ``root`` with at least one commit, or None (history then is empty)."""
    try:
        repo = git.Repo(root)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    return repo if repo.head.is_valid() else None


def history_text(root: Path, relpath: str) -> str:
    """Every version of one file on every branch, as one ``git log -p`` text (empty without git)."""
    repo = _repo(root)
    if repo is None:
        return ""
    out: str = repo.git.log("--all", "-p", "--no-renames", "--format=", "--", relpath)
    return out


def history_paths(root: Path, under: str) -> set[str]:
    """Every path below ``under`` that ever existed on any branch (one ``git log --name-only``)."""
    repo = _repo(root)
    if repo is None:
        return set()
    out: str = repo.git.log("--all", "--no-renames", "--name-only", "--format=", "--", under)
    return {line for line in out.splitlines() if line}


def open_for_commit(root: Path) -> git.Repo:
    repo = _repo(root)
    if repo is None:
        raise GitError(f"{root} 不是 git 仓库，或还没有任何提交：请先克隆团队的仓库。")
    return repo


def changed_paths(repo: git.Repo) -> list[str]:
    """Added, modified and deleted files below rounds/ and units/ (untracked ones included)."""
    out: str = repo.git.status("--porcelain=v1", "-z", "--untracked-files=all", "--", *DATA_ROOTS)
    paths: list[str] = []
    fields = iter(out.split("\0"))
    for field in fields:
        if not field:
            continue
        status, path = field[:2], field[3:]
        if "R" in status or "C" in status:
            next(fields, None)  # a rename's source follows; the new path is what changed here
        paths.append(path)
    return sorted(set(paths))


def current_branch(repo: git.Repo) -> str | None:
    return None if repo.head.is_detached else str(repo.active_branch.name)


def branches(repo: git.Repo) -> set[str]:
    return {str(head.name) for head in repo.heads}


def remote_url(repo: git.Repo, name: str = "origin") -> str | None:
    try:
        return str(repo.remote(name).url)
    except ValueError:
        return None


def commit(repo: git.Repo, branch: str | None, paths: list[str], message: str) -> str:
    """Switch to a new ``branch`` (if given, keeping the working tree), commit only ``paths``."""
    try:
        if branch is not None:
            repo.git.switch("-c", branch)
        repo.git.add("-A", "--", *paths)
        repo.git.commit("-m", message, "--", *paths)
    except git.GitCommandError as error:
        detail = str(error.stderr or "").strip().removeprefix("stderr:").strip(" '\n")
        if "Please tell me who you are" in detail or "user.email" in detail:
            detail = '请先设置提交人：git config user.name "姓名"；git config user.email "邮箱"'
        raise GitError(f"提交失败：{detail}") from None
    return str(repo.head.commit.hexsha)

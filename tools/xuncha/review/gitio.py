"""The repository through GitPython: snapshots of a tree, of the staged index and of the working
tree for a review, and the one write, :func:`import_history`. Reading the history (refs,
``git log``, blobs) is :mod:`xuncha.review.gitlog`, plain pipes.

A tree's data files are listed with one ``ls-tree`` (or ``ls-files`` for the staged index) and
their contents read through one ``cat-file --batch --buffer`` process
(:func:`xuncha.review.gitlog.read_blobs`). Nothing here rewrites an existing repository.
"""

from __future__ import annotations

import hashlib
import stat
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import git

from xuncha.model import ondisk
from xuncha.model.layout import DATA_ROOTS
from xuncha.model.ondisk import RECORD_SUFFIXES, refused
from xuncha.model.repo import config, data_files
from xuncha.review.gitlog import GitError, is_data, mainline, read_blobs, resolve, run


@dataclass
class Snapshot:
    """The data files of one side of a review: path → blob id, contents read on demand."""

    label: str
    ids: dict[str, str]
    _root: Path | None = None  # the repository to read the blobs from
    _cached: dict[str, bytes] = field(default_factory=dict)
    special: dict[str, str] = field(default_factory=dict)  # path → what it is: a link, a special file…

    def read(self, paths: Iterable[str]) -> dict[str, bytes]:
        """Contents of ``paths`` (those that exist on this side), in one batch."""
        wanted = [p for p in paths if p in self.ids]
        missing = [self.ids[p] for p in wanted if p not in self._cached]
        if missing and self._root is not None:
            blobs = read_blobs(self._root, missing)
            self._cached.update((p, blobs[self.ids[p]]) for p in wanted if p not in self._cached)
        return {p: self._cached[p] for p in wanted}


def open_repo(root: Path) -> git.Repo:
    """The git repository holding ``root`` (which must be its top level)."""
    try:
        repo = git.Repo(root)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GitError(f"{root} 不是 git 仓库的根目录：审阅和台账需要 git 历史。") from None
    return repo


def top(repo: git.Repo) -> Path:
    return Path(str(repo.working_dir))


def merge_base(repo: git.Repo, ref: str = "HEAD") -> str:
    """Where ``ref`` branched off main: the default base of a review."""
    main = mainline(top(repo))
    if main is None:
        raise GitError("找不到 main 分支：请用 --base 指定审阅的基线（例如 --base origin/master）。")
    bases = repo.merge_base(main, ref)
    if not bases:
        raise GitError(f"{ref} 与 {main} 没有共同的祖先提交：请用 --base 指定基线。")
    return str(bases[0].hexsha)


# What git can hold besides regular files and folders: a link, a submodule (ondisk names the rest)
GIT_SPECIAL = {b"120000": "符号链接", b"160000": "子模块（gitlink）"}


def _listed(snapshot: Snapshot, mode: bytes, sha: bytes, name: str) -> None:
    """Put one entry of ``ls-tree``/``ls-files`` into the snapshot: a data file by its blob id,
    anything in the data folders that is no regular file (or lies in a folder named like a
    record) among its special entries."""
    if name.split("/", 1)[0] not in DATA_ROOTS:
        return
    folders = name.split("/")[:-1]
    named = next((i for i, part in enumerate(folders) if part.endswith(RECORD_SUFFIXES)), None)
    if named is not None:
        snapshot.special["/".join(folders[: named + 1])] = refused(stat.S_IFDIR, folders[named]) or ""
    elif mode in GIT_SPECIAL:
        snapshot.special[name] = GIT_SPECIAL[mode]
    elif is_data(name):
        snapshot.ids[name] = sha.decode()


def at_ref(repo: git.Repo, ref: str, label: str | None = None) -> Snapshot:
    """The data files of a commit: one ``ls-tree``; contents come later in one batch."""
    sha = resolve(top(repo), ref)
    out = run(top(repo), "ls-tree", "-r", "-z", "--full-tree", sha, "--", *DATA_ROOTS)
    snapshot = Snapshot(label or f"{ref}（{sha[:7]}）", {}, top(repo))
    for item in out.split(b"\0"):
        if item:
            meta, path = item.split(b"\t", 1)
            mode, _kind, blob = meta.split()
            _listed(snapshot, mode, blob, path.decode("utf-8", errors="surrogateescape"))
    return snapshot


def empty(label: str = "（空仓库）") -> Snapshot:
    """The base of a review in a repository with no commits yet."""
    return Snapshot(label, {})


def staged(repo: git.Repo) -> Snapshot:
    """What ``git commit`` would record: the index (stage 0; conflicted entries are left out)."""
    out = run(top(repo), "ls-files", "-s", "-z", "--", *DATA_ROOTS)
    snapshot = Snapshot("暂存区", {}, top(repo))
    for item in out.split(b"\0"):
        if item:
            meta, path = item.split(b"\t", 1)
            mode, sha, stage = meta.split()
            if stage == b"0":
                _listed(snapshot, mode, sha, path.decode("utf-8", errors="surrogateescape"))
    return snapshot


def worktree(root: Path) -> Snapshot:
    """The files on disk (tracked or not); ids are git blob ids, so unchanged files compare equal.
    Links and special files are listed as such, never read; nor is a file over the size cap."""
    snapshot = Snapshot("工作区", {})
    limit = ondisk.max_bytes(config(root))
    for relpath in data_files(root):
        try:
            raw = ondisk.read(str(root / relpath), limit)[0]
        except ondisk.Refused as error:
            snapshot.special[relpath] = error.kind
            continue
        except ondisk.TooLarge:
            snapshot.special[relpath] = "超过大小上限（record_max_mb）的文件"
            continue
        snapshot.ids[relpath] = blob_id(raw)
        snapshot._cached[relpath] = raw
    return snapshot


def blob_id(raw: bytes) -> str:
    """The id git gives these bytes as a blob."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw, usedforsecurity=False).hexdigest()


def import_history(out: Path, stream: bytes, branch: str = "main") -> None:
    """Create a new repository at ``out`` from a fast-import stream and check out ``branch``."""
    if out.exists() and any(out.iterdir()):
        raise GitError(f"{out} 已存在且不为空：演示历史只写入新的目录。")
    out.mkdir(parents=True, exist_ok=True)
    repo = git.Repo.init(out, initial_branch=branch)
    process = repo.git.fast_import("--quiet", istream=subprocess.PIPE, as_process=True)
    _, errors = process.communicate(stream)
    if process.returncode != 0:
        raise GitError(f"git fast-import 失败：{errors.decode('utf-8', errors='replace').strip()}")
    repo.git.checkout("-f", branch)

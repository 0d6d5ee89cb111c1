"""The only module that talks to git (through GitPython). Everything else is pure.

Reading is built for volume: a tree's data files are listed with one ``ls-tree``
(or ``ls-files`` for the staged index) and their contents read through one
``cat-file --batch --buffer`` process; the history is one ``git log --raw``.
One git call per file would be a hundred times slower on a 10,000-commit ledger.

Writing happens only in :func:`import_history`, which creates a *new* repository
from a fast-import stream (the demo history); nothing here rewrites an existing one.
"""

from __future__ import annotations

import hashlib
import io
import stat
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

import git

from xuncha.model import ondisk
from xuncha.model.layout import DATA_ROOTS
from xuncha.model.ondisk import RECORD_SUFFIXES, refused
from xuncha.model.repo import config, data_files

EMPTY_BLOB = "0" * 40
_M = TypeVar("_M")
_R = TypeVar("_R")
RECORD = b"\x1e"  # begins each commit in the format of :func:`log`
MAINLINES = ("main", "origin/main")


class GitError(Exception):
    """A git problem the user must fix (no repository, unknown ref); the message is Chinese."""


@dataclass(frozen=True)
class FileChange:
    """One data file changed by one commit: blob ids before and after (None when absent)."""

    path: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Commit:
    """One commit as ``git log`` reports it; dates are ISO 8601 with the committer's offset."""

    sha: str
    parents: tuple[str, ...]
    author: str
    author_email: str
    authored: str
    committer: str
    committed: str
    message: str
    changes: tuple[FileChange, ...] = ()

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]


@dataclass
class Snapshot:
    """The data files of one side of a review: path → blob id, contents read on demand."""

    label: str
    ids: dict[str, str]
    _repo: git.Repo | None = None
    _cached: dict[str, bytes] = field(default_factory=dict)
    special: dict[str, str] = field(default_factory=dict)  # path → what it is: a link, a special file…

    def read(self, paths: Iterable[str]) -> dict[str, bytes]:
        """Contents of ``paths`` (those that exist on this side), in one batch."""
        wanted = [p for p in paths if p in self.ids]
        missing = [self.ids[p] for p in wanted if p not in self._cached]
        if missing and self._repo is not None:
            blobs = read_blobs(self._repo, missing)
            self._cached.update((p, blobs[self.ids[p]]) for p in wanted if p not in self._cached)
        return {p: self._cached[p] for p in wanted}


def open_repo(root: Path) -> git.Repo:
    """The git repository holding ``root`` (which must be its top level)."""
    try:
        repo = git.Repo(root)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GitError(f"{root} 不是 git 仓库的根目录：审阅和台账需要 git 历史。") from None
    return repo


def _run(repo: git.Repo, *args: str) -> bytes:
    with _failing(args[0]):
        out: bytes = repo.git.execute(["git", *args], stdout_as_string=False, strip_newline_in_stdout=False)
    return out


def _run_meanwhile(
    repo: git.Repo, meanwhile: Callable[[], _M], parse: Callable[[bytes], _R], *args: str
) -> tuple[list[_R], _M]:
    """:func:`_run`, with ``meanwhile()`` done here while git works, and git's output parsed as it
    comes: a thread cuts it into records (each begins with ``\\x1e``) and ``parse`` reads each one.

    Parsing the 11,000 commits of the history benchmark takes ~0.07 s of CPU: done while git
    still walks the history, instead of after it (``tools/bench/bench_history.py``)."""
    with _failing(args[0]):
        process = repo.git.execute(["git", *args], as_process=True)
        reader = _Records(process.stdout, parse)
        reader.start()
        try:
            made = meanwhile()
        finally:
            reader.join()
            process.wait()
    return reader.result(), made


class _Records(threading.Thread, Generic[_R]):
    """Reads a stream of ``\\x1e``-led records in blocks and parses each as soon as it is whole."""

    def __init__(self, stream: io.BufferedReader, parse: Callable[[bytes], _R]) -> None:
        super().__init__(daemon=True)
        self.stream, self.parse = stream, parse
        self.parsed: list[_R] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            tail = b""
            while block := self.stream.read1(1 << 16):
                *whole, tail = (tail + block).split(RECORD)
                self.parsed.extend(self.parse(record) for record in whole if record)
            if tail:
                self.parsed.append(self.parse(tail))
        except BaseException as error:  # handed to the caller: a thread's error would be lost
            self.error = error

    def result(self) -> list[_R]:
        if self.error is not None:
            raise self.error
        return self.parsed


@contextmanager
def _failing(command: str) -> Iterator[None]:
    """A failed git call as a Chinese error naming the command and what git said."""
    try:
        yield
    except git.GitCommandError as error:
        detail = (error.stderr or "").strip().removeprefix("stderr:").strip(" '\n")
        raise GitError(f"git {command} 失败：{detail}") from None


def has_commits(repo: git.Repo) -> bool:
    return repo.head.is_valid()


def is_shallow(repo: git.Repo) -> bool:
    """A shallow clone's history stops short: its oldest commit would seem to add every file."""
    return _run(repo, "rev-parse", "--is-shallow-repository").strip() == b"true"


def resolve(repo: git.Repo, ref: str) -> str:
    """The commit id of ``ref``, or a Chinese error naming it."""
    try:
        return str(repo.commit(ref).hexsha)
    except (git.BadName, ValueError, git.GitCommandError):
        raise GitError(f"找不到提交或分支“{ref}”。") from None


def mainline(repo: git.Repo) -> str | None:
    """The name of the main branch (local first, then the remote's), if there is one."""
    for name in MAINLINES:
        try:
            repo.commit(name)
        except (git.BadName, ValueError, git.GitCommandError):
            continue
        return name
    return None


def merge_base(repo: git.Repo, ref: str = "HEAD") -> str:
    """Where ``ref`` branched off main: the default base of a review."""
    main = mainline(repo)
    if main is None:
        raise GitError("找不到 main 分支：请用 --base 指定审阅的基线（例如 --base origin/master）。")
    bases = repo.merge_base(main, ref)
    if not bases:
        raise GitError(f"{ref} 与 {main} 没有共同的祖先提交：请用 --base 指定基线。")
    return str(bases[0].hexsha)


def _is_data(path: str) -> bool:
    return path.split("/", 1)[0] in DATA_ROOTS and path.endswith(RECORD_SUFFIXES)


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
    elif _is_data(name):
        snapshot.ids[name] = sha.decode()


def at_ref(repo: git.Repo, ref: str, label: str | None = None) -> Snapshot:
    """The data files of a commit: one ``ls-tree``; contents come later in one batch."""
    sha = resolve(repo, ref)
    out = _run(repo, "ls-tree", "-r", "-z", "--full-tree", sha, "--", *DATA_ROOTS)
    snapshot = Snapshot(label or f"{ref}（{sha[:7]}）", {}, repo)
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
    out = _run(repo, "ls-files", "-s", "-z", "--", *DATA_ROOTS)
    snapshot = Snapshot("暂存区", {}, repo)
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


def read_blobs(repo: git.Repo, shas: Iterable[str]) -> dict[str, bytes]:
    """Many blobs through one ``cat-file --batch --buffer`` process, requests and replies pipelined."""
    with BlobStream(repo) as stream:
        for sha in shas:
            stream.ask(sha)
        return stream.blobs()


class BlobStream:
    """Blobs read through one ``cat-file --batch --buffer``, asked for while their ids are still being
    found: :meth:`ask` sends an id (the first time), git answers as it goes and a thread collects
    the answers; :meth:`blobs` ends the requests and returns every blob asked for.

    ``xuncha history`` asks for the file versions as :func:`log` reads the commits naming them,
    so git reads them while ``git log`` still runs: on the benchmark's 11,001 commits this saves
    the ~0.07 s a batch of 10,000 blobs took once the log was done (``tools/bench/bench_history.py``).
    The process starts with the first request: when every version is cached, none starts.
    """

    def __init__(self, repo: git.Repo) -> None:
        self.repo = repo
        self.asked: dict[str, None] = {}
        self.process: git.Git.AutoInterrupt | None = None
        self.reader: threading.Thread | None = None
        self.out = b""

    def ask(self, sha: str) -> None:
        if sha in self.asked or sha == EMPTY_BLOB:
            return
        if self.process is None:
            self.process = self.repo.git.cat_file(
                "--batch", "--buffer", as_process=True, istream=subprocess.PIPE
            )
            self.reader = threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True)
            self.reader.start()
        self.asked[sha] = None
        self.process.stdin.write(f"{sha}\n".encode())

    def blobs(self) -> dict[str, bytes]:
        self.close()
        return _parse_batch(list(self.asked), self.out) if self.asked else {}

    def close(self) -> None:
        """End the requests and wait for the last answers."""
        if self.process is not None and self.reader is not None and not self.process.stdin.closed:
            self.process.stdin.close()
            self.reader.join()
            self.process.wait()

    def __enter__(self) -> BlobStream:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _read(self, stream: io.BufferedReader) -> None:
        self.out = stream.read()


def _parse_batch(todo: list[str], out: bytes) -> dict[str, bytes]:
    blobs: dict[str, bytes] = {}
    pos = 0
    for sha in todo:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        if header[-1] == b"missing":
            raise GitError(f"git 对象 {sha} 不存在（仓库可能是浅克隆：请用 fetch-depth: 0 完整克隆）。")
        size = int(header[2])
        blobs[sha] = out[end + 1 : end + 1 + size]
        pos = end + 2 + size
    return blobs


_FIELDS = ("%H", "%P", "%an", "%ae", "%aI", "%cn", "%cI", "%B")
_FORMAT = "%x1e" + "%x1f".join(_FIELDS) + "%x1f"


def log(
    repo: git.Repo, ref: str, meanwhile: Callable[[], _M], seen: Callable[[Commit], object] = lambda _: None
) -> tuple[list[Commit], _M]:
    """Every commit reachable from ``ref``, parents before children, with its data-file changes;
    and ``meanwhile()``, done while git walks the history (on a core of its own). Each commit is
    ``seen`` as soon as git has written it out (newest first, on the thread reading git's output).

    One ``git log --raw`` (blob ids included, so no ``ls-tree`` per commit); merges
    list no changes of their own, which is what an audit trail wants: the change
    belongs to the commit that made it, the merge is its approval.
    """
    sha = resolve(repo, ref)
    options = (
        "--date-order",
        "--root",
        "--no-renames",
        "--raw",
        "--no-abbrev",
        "--no-color",
        "-z",
    )

    def parse(record: bytes) -> Commit:
        commit = _commit(record)
        seen(commit)
        return commit

    commits, made = _run_meanwhile(repo, meanwhile, parse, "log", sha, *options, f"--format={_FORMAT}")
    commits.reverse()  # not git's --reverse, which makes git slower: 0.27 s instead of 0.31 s (medians)
    # for the benchmark's 11,001 commits, 15 alternated runs each
    return commits, made


def _commit(chunk: bytes) -> Commit:
    parts = chunk.split(b"\x1f", len(_FIELDS))
    sha, parents, author, email, authored, committer, committed, message = (
        p.decode("utf-8", errors="replace") for p in parts[: len(_FIELDS)]
    )
    return Commit(
        sha,
        tuple(parents.split()),
        author,
        email,
        authored,
        committer,
        committed,
        message.strip(),
        tuple(_raw_changes(parts[len(_FIELDS)])),
    )


def _raw_changes(raw: bytes) -> Iterable[FileChange]:
    """``:old-mode new-mode old new status\\0path\\0`` records, data files only."""
    tokens = raw.lstrip(b"\0\n").split(b"\0")
    for meta, path in zip(tokens[::2], tokens[1::2], strict=False):
        if not meta.startswith(b":"):
            continue
        fields = meta[1:].split()
        name = path.decode("utf-8", errors="surrogateescape")
        if _is_data(name):
            old, new = fields[2].decode(), fields[3].decode()
            yield FileChange(name, None if old == EMPTY_BLOB else old, None if new == EMPTY_BLOB else new)


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

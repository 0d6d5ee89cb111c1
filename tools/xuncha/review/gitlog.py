"""Reading git history as plain pipes: refs, one ``git log --raw``, blobs through ``cat-file``.

Apart from :mod:`xuncha.review.gitio` (GitPython: snapshots of a tree, the staged index,
writing a new history) because nothing here needs more than a process and its output, and
importing GitPython costs ``xuncha history`` 0.04 s before ``git log`` could start. Every
function takes the repository's top folder; a failing git becomes a :class:`GitError` whose
message is Chinese and names the command.

Reading is built for volume: the history is one ``git log --raw`` (blob ids included, so no
``ls-tree`` per commit), parsed as it streams in, and the file versions it names go through
one ``cat-file --batch --buffer`` asked while the log still runs. One git call per file would be
a hundred times slower on a 10,000-commit ledger.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Generic, TypeVar

from xuncha.model.layout import DATA_ROOTS
from xuncha.model.ondisk import RECORD_SUFFIXES

EMPTY_BLOB = "0" * 40
RECORD = b"\x1e"  # begins each commit in the format of :func:`log`
MAINLINES = ("main", "origin/main")
_M = TypeVar("_M")
_R = TypeVar("_R")


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


def run(root: Path, *args: str) -> bytes:
    """What ``git args`` writes, run in ``root``; a :class:`GitError` if it fails."""
    process = start(root, *args, stdin=False)
    out, errors = process.communicate()
    _check(process, args[0], errors)
    return out


def start(root: Path, *args: str, stdin: bool) -> subprocess.Popen[bytes]:
    """``git args`` started in ``root``, its output to be read from ``stdout``.

    Messages in English, as GitPython asks for them: a failure is shown with git's own words."""
    env = {**os.environ, "LANGUAGE": "C", "LC_ALL": "C"}
    try:
        return subprocess.Popen(
            ["git", "-C", str(root), *args],
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
    except FileNotFoundError:
        raise GitError("找不到 git 程序：请先安装 git。") from None


def _check(process: subprocess.Popen[bytes], command: str, errors: bytes) -> None:
    if process.wait() != 0:
        detail = errors.decode("utf-8", errors="replace").strip()
        raise GitError(f"git {command} 失败：{detail}")


def top_level(root: Path) -> Path:
    """``root`` itself, checked to be the top folder of a git working tree."""
    with start(root, "rev-parse", "--show-toplevel", stdin=False) as process:
        out, errors = process.communicate()
    top = out.decode("utf-8", errors="surrogateescape").strip()
    if process.returncode == 0 and Path(top).resolve() == root.resolve():
        return root
    said = errors.decode("utf-8", errors="replace").strip()
    why = "" if not said or "not a git repository" in said else f"（git：{said.splitlines()[0]}）"
    raise GitError(f"{root} 不是 git 仓库的根目录{why}：审阅和台账需要 git 历史。")


def has_commits(root: Path) -> bool:
    return _commit_of(root, "HEAD") is not None


def is_shallow(root: Path) -> bool:
    """A shallow clone's history stops short: its oldest commit would seem to add every file."""
    return run(root, "rev-parse", "--is-shallow-repository").strip() == b"true"


def resolve(root: Path, ref: str) -> str:
    """The commit id of ``ref``, or a Chinese error naming it."""
    sha = _commit_of(root, ref)
    if sha is None:
        raise GitError(f"找不到提交或分支“{ref}”。")
    return sha


def mainline(root: Path) -> str | None:
    """The name of the main branch (local first, then the remote's), if there is one."""
    return next((name for name in MAINLINES if _commit_of(root, name) is not None), None)


def _commit_of(root: Path, ref: str) -> str | None:
    return _output(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")


def _output(root: Path, *args: str) -> str | None:
    """What a git query answers, None when it answers no (a missing git program is still an error)."""
    with start(root, *args, stdin=False) as process:
        out, _ = process.communicate()
    return out.decode("utf-8", errors="surrogateescape").strip() if process.returncode == 0 else None


def is_data(path: str) -> bool:
    return path.split("/", 1)[0] in DATA_ROOTS and path.endswith(RECORD_SUFFIXES)


# --- the history --------------------------------------------------------------------------------

_FIELDS = ("%H", "%P", "%an", "%ae", "%aI", "%cn", "%cI", "%B")
_FORMAT = "%x1e" + "%x1f".join(_FIELDS) + "%x1f"


def log(
    root: Path, sha: str, meanwhile: Callable[[], _M], seen: Callable[[Commit], object] = lambda _: None
) -> tuple[list[Commit], _M]:
    """Every commit reachable from commit ``sha`` (as :func:`resolve` gives it), parents before
    children, with its data-file changes; and ``meanwhile()``, done while git walks the history
    (on a core of its own). Each commit is ``seen`` as soon as git has written it out (newest
    first, on the thread reading git's output).

    Merges list no changes of their own, which is what an audit trail wants: the change
    belongs to the commit that made it, the merge is its approval.
    """
    options = ("--date-order", "--root", "--no-renames", "--raw", "--no-abbrev", "--no-color", "-z")

    def parse(record: bytes) -> Commit:
        commit = _commit(record)
        seen(commit)
        return commit

    log = ("log", *options, f"--format={_FORMAT}", "--end-of-options", sha)
    commits, made = run_meanwhile(root, meanwhile, parse, *log)
    commits.reverse()  # not git's --reverse, which makes git slower: 0.27 s instead of 0.31 s (medians)
    # for the benchmark's 11,001 commits, 15 alternated runs each
    return commits, made


def run_meanwhile(
    root: Path, meanwhile: Callable[[], _M], parse: Callable[[bytes], _R], *args: str
) -> tuple[list[_R], _M]:
    """:func:`run`, with ``meanwhile()`` done here while git works, and git's output parsed as it
    comes: a thread cuts it into records (each begins with ``\\x1e``) and ``parse`` reads each one.

    Parsing the 11,000 commits of the history benchmark takes ~0.07 s of CPU: done while git
    still walks the history, instead of after it (``tools/bench/bench_history.py``)."""
    with start(root, *args, stdin=False) as process:
        assert process.stdout is not None and process.stderr is not None
        reader = _Records(process.stdout, parse)
        reader.start()
        try:
            made = meanwhile()
        finally:
            reader.join()
            _check(process, args[0], process.stderr.read())
    return reader.result(), made


class _Records(threading.Thread, Generic[_R]):
    """Reads a stream of ``\\x1e``-led records in blocks and parses each as soon as it is whole."""

    def __init__(self, stream: IO[bytes], parse: Callable[[bytes], _R]) -> None:
        super().__init__(daemon=True)
        self.stream, self.parse = stream, parse
        self.parsed: list[_R] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            tail = b""
            while block := self.stream.read1(1 << 16):  # type: ignore[attr-defined]
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
        if is_data(name):
            old, new = fields[2].decode(), fields[3].decode()
            yield FileChange(name, None if old == EMPTY_BLOB else old, None if new == EMPTY_BLOB else new)


# --- file versions ------------------------------------------------------------------------------


def read_blobs(root: Path, shas: Iterable[str]) -> dict[str, bytes]:
    """Many blobs through one ``cat-file --batch --buffer`` process, requests and replies pipelined."""
    with BlobStream(root) as stream:
        for sha in shas:
            stream.ask(sha)
        return stream.blobs()


class BlobStream:
    """Blobs read through one ``cat-file --batch --buffer``, asked for while their ids are still being
    found: :meth:`ask` sends an id (the first time), git answers as it goes and a thread cuts the
    answers into blobs as they come; :meth:`blobs` ends the requests and returns every blob asked
    for.

    ``xuncha history`` asks for the file versions as :func:`log` reads the commits naming them,
    so git reads them while ``git log`` still runs: on the benchmark's 11,001 commits this saves
    the ~0.07 s a batch of 10,000 blobs took once the log was done (``tools/bench/bench_history.py``).
    The process starts with the first request: when every version is cached, none starts.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.asked: set[str] = set()
        self.found: dict[str, bytes] = {}
        self.missing: list[str] = []
        self.process: subprocess.Popen[bytes] | None = None
        self.reader: threading.Thread | None = None
        self.errors = b""
        self.error: BaseException | None = None

    def ask(self, sha: str) -> None:
        if sha in self.asked or sha == EMPTY_BLOB:
            return
        if self.process is None:
            self.process = start(self.root, "cat-file", "--batch", "--buffer", stdin=True)
            self.reader = threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True)
            self.reader.start()
        self.asked.add(sha)
        assert self.process.stdin is not None
        self.process.stdin.write(f"{sha}\n".encode())

    def blobs(self) -> dict[str, bytes]:
        self.close()
        if self.process is not None:
            _check(self.process, "cat-file", self.errors)
        if self.error is not None:
            raise self.error
        if self.missing:
            raise GitError(
                f"git 对象 {self.missing[0]} 不存在（仓库可能是浅克隆：请用 fetch-depth: 0 完整克隆）。"
            )
        return self.found

    def close(self) -> None:
        """End the requests and wait for the last answers."""
        if self.process is None or self.reader is None or self.process.returncode is not None:
            return
        with self.process as process:
            assert process.stdin is not None and process.stderr is not None
            process.stdin.close()
            self.reader.join()
            self.errors = process.stderr.read()

    def __enter__(self) -> BlobStream:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _read(self, stream: IO[bytes]) -> None:
        try:
            pending = b""
            while block := stream.read1(1 << 16):  # type: ignore[attr-defined]
                pending = self._cut(pending + block)
        except BaseException as error:  # handed to the caller: a thread's error would be lost
            self.error = error

    def _cut(self, out: bytes) -> bytes:
        """Take the whole answers off the front of ``out`` (``<id> blob <size>\\n<bytes>\\n`` or
        ``<id> missing\\n``) and give back the rest, an answer still coming in."""
        pos = 0
        while (end := out.find(b"\n", pos)) >= 0:
            header = out[pos:end].split()
            if header[-1] == b"missing":
                self.missing.append(header[0].decode())
                pos = end + 1
                continue
            stop = end + 1 + int(header[2])
            if stop >= len(out):
                break
            self.found[header[0].decode()] = out[end + 1 : stop]
            pos = stop + 1
        return out[pos:]

"""Every problem's change history for the internal site, read from git in one pass.

The I/O shell of the problem pages' "变更记录": one ``git log --raw`` of the
mainline and one ``cat-file --batch`` for the file versions it names, for the
whole repository, then :func:`xuncha.review.history.by_problem` splits the trail per
problem. One git call per problem page would cost minutes at 10,000 problems.
Only the internal site asks: the names of clerks and approvers are internal.

No history is not an error: a copy without ``.git``, a shallow clone, or a
machine without git still builds, and the pages say that there is no history.
"""

from __future__ import annotations

import importlib
import os
from collections import ChainMap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from xuncha.load import forked
from xuncha.load.collector import without_collector
from xuncha.model import schemas
from xuncha.review import blobcache, targets

if TYPE_CHECKING:
    from xuncha.model.merges import Merge
    from xuncha.review.blobcache import Shelf
    from xuncha.review.gitlog import BlobStream, Commit
    from xuncha.review.history import Entry, Meaning, MeaningRow, ProblemKey, Step
    from xuncha.review.pull_request import SchemaCheck
    from xuncha.review.targets import FolderKey, VersionKey


_M = TypeVar("_M")


@dataclass(frozen=True)
class Trails:
    """Each problem's changes, oldest first; ``by_problem`` is None when there is no usable history."""

    by_problem: Mapping[ProblemKey, Sequence[Entry]] | None
    note: str | None = None  # why there is none, for the build log
    merges: Sequence[Merge] | None = None  # every unit folder's changes, for the supervisor assessment


_READ: dict[Path, tuple[str, Trails]] = {}  # per repository: the tip read last, and its trails


@without_collector  # thousands of commits and file versions, none cyclic
def read_trail(
    root: Path, tip: str, wanted: Callable[[str], bool], problem: str | None = None
) -> list[Entry]:
    """The trail of the wanted files on the line ending at ``tip``: one ``git log``, one blob batch.

    While git walks the history, what reads the changes is made ready (:func:`_prepare`), and the
    file versions the commits name are looked up as they stream in: those an
    earlier run parsed come from the cache (:mod:`xuncha.review.blobcache`), the others are asked of
    ``cat-file`` at once. Then each unit folder's changes are read whole by one process, on every
    core: its versions not cached are parsed, and what each change means is worked out (the
    meaning of a change reads only its own folder's plan and extensions). The process that parsed
    a folder's versions keeps them in that folder's shard, for the next run.
    """
    from xuncha.review import gitlog

    sha = gitlog.resolve(root, tip)
    shelf = blobcache.Shelf(root, blobcache.fingerprint(schemas.schema_dir(root)))
    with gitlog.BlobStream(root) as fetch:
        named = _Named(wanted, shelf, fetch)
        commits, _ = gitlog.log(root, sha, partial(_prepare, root), named.add)
        blobs = fetch.blobs()
    from xuncha.review import history  # imported while git walked the history

    todo = history.steps(commits, wanted)
    found, meant = _read_meanwhile(root, todo, shelf, blobs, partial(history.approvals, commits, sha))
    return history.assemble(commits, found, todo, meant, problem)


def _prepare(root: Path) -> None:
    """While git walks the history: load what reads the changes (the rules among them) and compile
    the record schemas, which every process reading folders then shares."""
    importlib.import_module("xuncha.review.history")
    schemas.compile_all(schemas.schema_dir(root))


class _Named:
    """The file versions a trail reads, gathered as ``git log`` streams in; those not cached are
    asked of git at once."""

    def __init__(self, wanted: Callable[[str], bool], shelf: Shelf, fetch: BlobStream) -> None:
        self.wanted, self.shelf, self.fetch = wanted, shelf, fetch
        self.seen: set[tuple[FolderKey, VersionKey]] = set()

    def add(self, commit: Commit) -> None:
        for folder, key in targets.versions(commit, self.wanted):
            if (folder, key) not in self.seen:
                self.seen.add((folder, key))
                if not self.shelf.has(folder, key):
                    self.fetch.ask(key[0])


def _read_meanwhile(
    root: Path, todo: Sequence[Step], shelf: Shelf, blobs: Mapping[str, bytes], meanwhile: Callable[[], _M]
) -> tuple[_M, list[Meaning]]:
    """What each step means, one unit folder's steps at a time on every core; ``meanwhile`` runs here."""
    from xuncha.review import history

    folders: dict[FolderKey, list[int]] = {}
    for n, (_, change) in enumerate(todo):
        folders.setdefault(targets.folder_of(change.path), []).append(n)
    check = partial(schemas.check, schemas.schema_dir(root))
    work = partial(_read_folders, todo=todo, shelf=shelf, blobs=blobs, check=check)
    chunks, jobs = forked.deal(list(folders.values()), os.cpu_count() or 1)
    done, made = forked.run(work, chunks, jobs, meanwhile)
    meant: list[Meaning] = [None] * len(todo)
    for rows in done:
        for n, row in rows:
            meant[n] = history.from_row(row)
    return made, meant


def _read_folders(
    chunk: Sequence[Sequence[int]],
    todo: Sequence[Step],
    shelf: Shelf,
    blobs: Mapping[str, bytes],
    check: SchemaCheck,
) -> list[tuple[int, MeaningRow]]:
    """The meanings of some folders' steps as plain data, what a worker hands back."""
    from xuncha.review import history

    rows: list[tuple[int, MeaningRow]] = []
    for folder in chunk:
        meant = _read_folder([todo[n] for n in folder], shelf, blobs, check)
        rows += zip(folder, map(history.meaning_row, meant), strict=True)
    return rows


def _read_folder(
    steps: Sequence[Step], shelf: Shelf, blobs: Mapping[str, bytes], check: SchemaCheck
) -> list[Meaning]:
    """What one folder's steps mean; its versions not cached are parsed, and kept in its shard."""
    from xuncha.review import history

    folder = targets.folder_of(steps[0][1].path)
    known = shelf.of(folder)
    named = dict(version for _, change in steps for version in targets.change_versions(change))
    fresh = dict(history.parse_versions([kp for kp in named.items() if kp[0] not in known], blobs, check))
    if fresh:
        blobcache.save(shelf.root, shelf.stamp, folder, {**known, **fresh})
    return history.meanings(steps, history.Versions(ChainMap(fresh, known)))


@without_collector  # splitting the trail per problem makes as many small objects again
def read(root: Path) -> Trails:
    """All problems' trails on the mainline (as ``xuncha history``: main, else HEAD), kept per tip.

    ``xuncha serve`` rebuilds on every save; the history only changes with a new commit.
    """
    from xuncha.review import gitlog, history

    try:
        gitlog.top_level(root)
        if not gitlog.has_commits(root):
            return Trails(None, "仓库还没有任何提交：问题页不显示变更记录。")
        if gitlog.is_shallow(root):
            return Trails(
                None, "仓库是浅克隆，历史不完整：问题页不显示变更记录（请用 fetch-depth: 0 完整克隆）。"
            )
        tip = gitlog.resolve(root, gitlog.mainline(root) or "HEAD")
        kept = _READ.get(root)
        if kept is not None and kept[0] == tip:
            return kept[1]
        entries = read_trail(root, tip, history.any_reviewed_path)
    except gitlog.GitError as error:
        return Trails(None, f"{error}问题页不显示变更记录。")
    trails = Trails(history.by_problem(entries), merges=history.merges(entries))
    _READ[root] = (tip, trails)
    return trails

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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from xuncha.load import forked
from xuncha.load.collector import without_collector
from xuncha.model import schemas
from xuncha.review import targets

if TYPE_CHECKING:  # GitPython refuses to load without a git program: imported where used
    from git import Repo

    from xuncha.model.merges import Merge
    from xuncha.review.blobcache import Shelf
    from xuncha.review.gitio import BlobStream, Commit
    from xuncha.review.history import Entry, Parsed, ProblemKey
    from xuncha.review.targets import VersionKey


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
    root: Path, repo: Repo, tip: str, wanted: Callable[[str], bool], problem: str | None = None
) -> list[Entry]:
    """The trail of the wanted files on the line ending at ``tip``: one ``git log``, one blob batch.

    While git walks the history, the modules that read the changes (the rules among them) are
    imported, and the file versions the commits name are looked up as they stream in: those an
    earlier run parsed come from the cache (:mod:`xuncha.review.blobcache`), the others are asked of
    ``cat-file`` at once. Those are parsed on every core, and then kept for the next run.
    """
    from xuncha.review import blobcache, gitio

    cached = blobcache.Shelf(root, blobcache.fingerprint(schemas.schema_dir(root)))
    with gitio.BlobStream(repo) as fetch:
        named = _Named(wanted, cached, fetch)
        importing = partial(importlib.import_module, "xuncha.review.history")
        commits, _ = gitio.log(repo, tip, importing, named.add)
        blobs = fetch.blobs()
    from xuncha.review import history  # imported while git walked the history

    todo = [(key, path) for key, path in named.paths.items() if key not in cached.found]
    found, fresh = _parsed_meanwhile(
        root, todo, blobs, partial(history.approvals, commits, gitio.resolve(repo, tip))
    )
    entries = history.trail(commits, found, history.Versions({**cached.found, **fresh}), wanted, problem)
    if fresh:
        blobcache.save(root, cached.stamp, cached.found, fresh)
    return entries


class _Named:
    """The file versions a trail reads, each with the newest path that held it, gathered as
    ``git log`` streams in (newest commit first); those not cached are asked of git at once."""

    def __init__(self, wanted: Callable[[str], bool], cached: Shelf, fetch: BlobStream) -> None:
        self.wanted, self.cached, self.fetch = wanted, cached, fetch
        self.paths: dict[VersionKey, str] = {}

    def add(self, commit: Commit) -> None:
        for key, path in targets.versions(commit, self.wanted):
            if key not in self.paths:
                self.paths[key] = path
                if key not in self.cached:
                    self.fetch.ask(key[0])


def _parsed_meanwhile(
    root: Path,
    todo: Sequence[tuple[VersionKey, str]],
    blobs: Mapping[str, bytes],
    meanwhile: Callable[[], _M],
) -> tuple[_M, dict[VersionKey, Parsed]]:
    """Parse the versions no earlier run left in the cache on every core, ``meanwhile`` running here."""
    from xuncha.review import history

    work = partial(
        history.parse_versions, blobs=blobs, check=partial(schemas.check, schemas.schema_dir(root))
    )
    chunks, jobs = forked.spread(todo, os.cpu_count() or 1)
    done, made = forked.run(work, chunks, jobs, meanwhile)
    return made, {key: data for rows in done for key, data in rows}


@without_collector  # splitting the trail per problem makes as many small objects again
def read(root: Path) -> Trails:
    """All problems' trails on the mainline (as ``xuncha history``: main, else HEAD), kept per tip.

    ``xuncha serve`` rebuilds on every save; the history only changes with a new commit.
    """
    try:
        from xuncha.review import gitio, history
    except ImportError:
        return Trails(None, "找不到 git 程序：问题页不显示变更记录。")
    try:
        repo = gitio.open_repo(root)
        if not gitio.has_commits(repo):
            return Trails(None, "仓库还没有任何提交：问题页不显示变更记录。")
        if gitio.is_shallow(repo):
            return Trails(
                None, "仓库是浅克隆，历史不完整：问题页不显示变更记录（请用 fetch-depth: 0 完整克隆）。"
            )
        tip = gitio.resolve(repo, gitio.mainline(repo) or "HEAD")
        kept = _READ.get(root)
        if kept is not None and kept[0] == tip:
            return kept[1]
        entries = read_trail(root, repo, tip, history.any_reviewed_path)
    except gitio.GitError as error:
        return Trails(None, f"{error}问题页不显示变更记录。")
    trails = Trails(history.by_problem(entries), merges=history.merges(entries))
    _READ[root] = (tip, trails)
    return trails

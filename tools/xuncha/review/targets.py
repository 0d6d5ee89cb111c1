"""What an audit trail is asked for: one problem's files, or a whole round's.

Apart from :mod:`xuncha.review.history` (which imports the rules the changes are read with),
so that ``xuncha history`` can start ``git log`` before it loads them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from xuncha.model.layout import place_of as _place_of

if TYPE_CHECKING:
    from xuncha.review.gitlog import Commit, FileChange

PROBLEM_ID = re.compile(r"^(?P<round>[^/]+)/(?P<unit>[^/]+)/(?P<problem>P[0-9]{2,3}(\.[0-9]{1,3}){0,2})$")
# Files whose changes may concern one problem; the rest of a folder concerns the unit.
PROBLEM_FILES = ("feedback.yaml", "plan.yaml", "extensions.yaml", "supervision.yaml")
# A trail asks each changed path's place several times (versions, records, entries), of ~10,000 paths
place_of = lru_cache(maxsize=1 << 16)(_place_of)
VersionKey = tuple[str, str]  # a file version: its blob id and the kind of record it is read as
FolderKey = tuple[str | None, str | None]  # round and unit of a unit folder's file; fewer for the rest


def problem_paths(round_id: str, unit: str, problem: str) -> Callable[[str], bool]:
    """Which files can say something about one problem."""
    folder = f"rounds/{round_id}/{unit}/"
    wanted = {f"{folder}status/{problem}.yaml", *(folder + name for name in PROBLEM_FILES)}
    return wanted.__contains__


def round_paths(round_id: str) -> Callable[[str], bool]:
    prefix = f"rounds/{round_id}/"
    return lambda path: path.startswith(prefix)


def versions(commit: Commit, wanted: Callable[[str], bool]) -> Iterator[tuple[FolderKey, VersionKey]]:
    """The file versions of the wanted files a commit's changes name (before and after), each with
    the folder whose changes read it: what a trail parses (what a version parses to depends on its
    bytes and its kind only)."""
    for change in commit.changes:
        if wanted(change.path):
            folder = folder_of(change.path)
            yield from ((folder, key) for key, _path in change_versions(change))


def change_versions(change: FileChange) -> Iterator[tuple[VersionKey, str]]:
    """The versions one change names (before and after), each with the change's path."""
    place = place_of(change.path)
    if place is not None:
        yield from (((blob, place.kind), change.path) for blob in (change.old, change.new) if blob)


def folder_of(path: str) -> FolderKey:
    """The unit folder a file belongs to: the meaning of a change reads no other folder (its plan
    and extensions as of that commit), so the changes of different folders can be read apart."""
    place = place_of(path)
    return (place.round, place.unit) if place is not None else (None, None)

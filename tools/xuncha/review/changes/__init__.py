"""What a change to one record file *means*, in Chinese words, and which review rules it breaks.

Shared by ``xuncha review`` (base → head of a pull request) and ``xuncha history``
(each commit's version of a file against the one before). Pure: records in,
:class:`Change` lines and findings out. Records are schema-valid (callers parse
and check them first), so required fields can be read directly.

The comparison of each kind of record lives in :mod:`.problems` (progress logs, feedback),
:mod:`.plans` (plan, extensions) and :mod:`.records` (the rest); the words in :mod:`.wording`.
"""

from __future__ import annotations

from xuncha.model.index import Folder, Index, Record
from xuncha.review.changes import plans, problems, records
from xuncha.review.changes.diff import SECTIONS, Change, Comparer, Diff
from xuncha.review.changes.lists import kept_records
from xuncha.review.changes.wording import NONE, show

__all__ = ["NONE", "SECTIONS", "Change", "Diff", "all_records", "compare", "show"]

COMPARERS: dict[str, Comparer] = {**problems.COMPARERS, **plans.COMPARERS, **records.COMPARERS}


def compare(old: Record | None, new: Record | None, head: Folder | None = None) -> Diff:
    """The meaning of ``old`` → ``new`` (either may be None); ``head`` is the new unit folder, for context."""
    record = new or old
    assert record is not None
    diff = Diff(record)
    if new is None:
        diff.add("files", f"删除记录文件 {record.file}")
        return diff
    if old is not None and old.data == new.data:
        return diff
    kept_records(diff, old.data if old else None, new.data)
    COMPARERS[new.place.kind](diff, old.data if old else None, new.data, head)
    return diff


def all_records(index: Index) -> dict[str, Record]:
    """Every record of an index by file path (units, rounds, and each folder's files)."""
    found: dict[str, Record] = {r.file: r for r in (*index.units.values(), *index.rounds.values())}
    for folder in index.folders.values():
        for record in (*folder.records.values(), *folder.statuses.values(), *folder.notices.values()):
            found[record.file] = record
    return found

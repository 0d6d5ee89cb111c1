"""Append-only lists (corrections, extensions, meetings, reports, clues…): what was added, and
XC505/XC506 for items removed or, once approved, edited."""

from __future__ import annotations

from collections.abc import Iterator

from xuncha.model.index import Json
from xuncha.review.changes.diff import Diff

# (kind, list key) → (what a reader calls one item, frozen once filed)
RECORD_LISTS: dict[tuple[str, str], tuple[str, bool]] = {
    ("feedback", "corrections"): ("更正记录", True),
    ("extensions", "extensions"): ("延期记录", True),
    ("reports", "meetings"): ("会议记录", False),
    ("reports", "reports"): ("报告记录", False),
    ("clues", "clues"): ("问题线索", False),
    ("clues", "petitions"): ("信访件", False),
    ("supervision", "actions"): ("督查督办记录", False),
    ("participation", "surveys"): ("满意度测评", True),
    ("participation", "hearings"): ("质询答辩", True),
}


def kept_records(diff: Diff, old: Json | None, new: Json) -> None:
    """XC505/XC506: numbered records are never removed; approved ones are never edited."""
    if old is None:
        return
    for (kind, key), (label, frozen) in RECORD_LISTS.items():
        if kind != diff.record.place.kind:
            continue
        now = {str(item["id"]): (i, item) for i, item in enumerate(new.get(key, []))}
        for item in old.get(key, []):
            found = now.get(str(item["id"]))
            if found is None:
                diff.refuse(
                    "XC505",
                    f"{label} {item['id']} 被删除（记录只能新增，不能删除）",
                    "恢复这条记录；情况有变的，新增一条记录说明。",
                    (key,),
                )
            elif frozen and found[1] != item:
                diff.refuse(
                    "XC506",
                    f"{label} {item['id']} 已经批准，不能修改",
                    "恢复原记录；确需调整的，新增一条记录（使用新的编号）。",
                    (key, found[0]),
                )


def added(old: Json | None, new: Json, key: str) -> Iterator[tuple[int, Json]]:
    """Items of list ``key`` whose id the old version did not have."""
    before = {str(item["id"]) for item in (old or {}).get(key, [])}
    for i, item in enumerate(new.get(key, [])):
        if str(item["id"]) not in before:
            yield i, item

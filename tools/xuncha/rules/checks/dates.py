"""Dates in order: a round's own dates, nothing before feedback, no end before its start.

Dates are validated ``YYYY-MM-DD`` text by the time a record is indexed, so
comparing them as text compares them as dates.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from xuncha.model.findings import Finding, at
from xuncha.model.index import Folder, Index, Record

Path = tuple[str | int, ...]


def round_dates(index: Index) -> Iterator[Finding]:
    """XC301/XC302: entry ≤ exit < each unit's feedback date."""
    for record in index.rounds.values():
        entry, exit_ = record.data.get("entry_date"), record.data.get("exit_date")
        if entry and exit_ and exit_ < entry:
            yield at(
                record.file,
                "XC301",
                f"撤离日期 {exit_} 早于进驻日期 {entry}",
                "核对进驻、撤离日期。",
                path=("exit_date",),
            )
        for i, unit in enumerate(record.data.get("units", [])):
            feedback = unit.get("feedback_date")
            if feedback and exit_ and feedback <= exit_:
                yield at(
                    record.file,
                    "XC302",
                    f"反馈日期 {feedback} 不晚于撤离日期 {exit_}",
                    "巡察意见在撤离之后反馈：核对反馈日期。",
                    path=("units", i, "feedback_date"),
                )


def nothing_before_feedback(index: Index) -> Iterator[Finding]:
    """XC303: plans, progress, meetings, reports, checks and notices come after feedback."""
    for folder in index.folders.values():
        entry = index.round_unit(folder.round, folder.unit)
        feedback = entry.get("feedback_date") if entry else None
        if not feedback:
            continue
        for record, path, value in _dated(folder):
            if value < feedback:
                yield at(
                    record.file,
                    "XC303",
                    f"日期 {value} 早于反馈日期 {feedback}",
                    "反馈之后才有整改活动：核对日期（年份是否写错）。",
                    path=path,
                )


def _dated(folder: Folder) -> Iterator[tuple[Record, Path, str]]:
    for record in folder.statuses.values():
        for i, entry in enumerate(record.data["log"]):
            yield record, ("log", i, "date"), entry["date"]
    for kind, key, fields in DATED:
        for record, i, item in folder.items(kind, key):
            yield from ((record, (key, i, f), item[f]) for f in fields if item.get(f))
    for record, i, report in folder.items("reports", "reports"):
        for j, submission in enumerate(report["submissions"]):
            yield record, ("reports", i, "submissions", j, "date"), submission["date"]
    for notice in folder.notices.values():
        yield notice, ("date",), notice.data["date"]


DATED = (
    ("plan", "submissions", ("date", "result_date")),
    ("reports", "meetings", ("date", "materials_filed")),
    ("reports", "disclosures", ("date",)),
    ("extensions", "extensions", ("requested", "approved")),
    ("supervision", "actions", ("date",)),
    ("participation", "surveys", ("date",)),
    ("participation", "hearings", ("date",)),
)


def logs_in_order(index: Index) -> Iterator[Finding]:
    """XC304: progress logs and submission histories run forward in time."""
    for folder in index.folders.values():
        for record in folder.statuses.values():
            yield from _ascending(record, record.data.get("log", []), ("log",))
        plan = folder.records.get("plan")
        if plan is not None:
            yield from _ascending(plan, plan.data.get("submissions", []), ("submissions",))
        for record, i, report in folder.items("reports", "reports"):
            yield from _ascending(record, report["submissions"], ("reports", i, "submissions"))


def _ascending(record: Record, items: list[dict[str, Any]], path: Path) -> Iterator[Finding]:
    for i in range(1, len(items)):
        before, after = items[i - 1]["date"], items[i]["date"]
        if after < before:
            yield at(
                record.file,
                "XC304",
                f"第 {i + 1} 条的日期 {after} 早于上一条 {before}",
                "按时间先后记录：新的一条写在最后，核对日期。",
                path=(*path, i, "date"),
            )


ORDERED_PAIRS = (
    # (kind, list key, start field, end field, what)
    ("plan", "submissions", "date", "result_date", "审核日期早于报送日期"),
    ("clues", "clues", "received", "disposal_plan", "处置方案日期早于接收日期"),
    ("clues", "clues", "received", "disposed", "办结日期早于接收日期"),
    ("clues", "petitions", "received", "closed", "办结日期早于交办日期"),
    ("clues", "petitions", "received", "deadline", "办理时限早于交办日期"),
    ("extensions", "extensions", "requested", "approved", "批准日期早于申请日期"),
    ("reports", "meetings", "date", "materials_filed", "材料报备日期早于会议日期"),
)


def ends_after_starts(index: Index) -> Iterator[Finding]:
    """XC305: no end before its start (closing, approving, filing, signing)."""
    for folder in index.folders.values():
        for kind, key, start, end, what in ORDERED_PAIRS:
            for record, i, item in folder.items(kind, key):
                if item.get(start) and item.get(end) and item[end] < item[start]:
                    yield _reversed(record, (key, i, end), what, item[start], item[end])
        for notice in folder.notices.values():
            if notice.data["date"] < notice.data["as_of"]:
                yield _reversed(
                    notice, ("date",), "发布日期早于统计截至日期", notice.data["as_of"], notice.data["date"]
                )
            for i, signoff in enumerate(notice.data.get("signoffs", [])):
                if signoff["date"] > notice.data["date"]:
                    yield _reversed(
                        notice,
                        ("signoffs", i, "date"),
                        "签署日期晚于发布日期",
                        signoff["date"],
                        notice.data["date"],
                    )


def _reversed(record: Record, path: Path, what: str, first: str, second: str) -> Finding:
    return at(record.file, "XC305", f"{what}（{first} → {second}）", "核对这两个日期。", path=path)


RULES = (round_dates, nothing_before_feedback, logs_in_order, ends_after_starts)

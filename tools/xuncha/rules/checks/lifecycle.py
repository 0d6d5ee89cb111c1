"""The status lifecycle inside one problem's log: no skipped step, no silent reopen, no bare close."""

from __future__ import annotations

from collections.abc import Iterator

from xuncha.model.findings import Finding, at
from xuncha.model.index import Index, Record
from xuncha.model.lifecycle import DONE, NEXT, REOPENED, START_STATES


def log_follows_lifecycle(index: Index) -> Iterator[Finding]:
    """XC310–XC313: legal transitions, reasons for reopening, evidence for closing."""
    for folder in index.folders.values():
        for record in folder.statuses.values():
            yield from _check_log(record)


def _check_log(record: Record) -> Iterator[Finding]:
    log = record.data["log"]
    if log[0]["state"] not in START_STATES:
        yield at(
            record.file,
            "XC310",
            f"进展日志第一条不能是“{log[0]['state']}”",
            "销号须在“已完成”之后由审核方记录：先记一条“已完成”。",
            path=("log", 0, "state"),
        )
    for i in range(1, len(log)):
        yield from _transition(record, i, log[i - 1]["state"], log[i])
    for i, entry in enumerate(log):
        if entry["state"] == "已销号" and not entry.get("evidence"):
            yield at(
                record.file,
                "XC312",
                "销号缺少佐证材料",
                "在这一条下填写 evidence（文件、台账）。",
                path=("log", i),
            )


def _transition(record: Record, i: int, before: str, entry: dict[str, object]) -> Iterator[Finding]:
    after = str(entry["state"])
    if after not in NEXT[before]:
        yield at(
            record.file,
            "XC310",
            f"状态不能从“{before}”直接变为“{after}”",
            f"“{before}”之后可以是：{'、'.join(sorted(NEXT[before]))}。",
            path=("log", i, "state"),
        )
    elif before in DONE and after == REOPENED and not entry.get("reopen"):
        yield at(
            record.file,
            "XC311",
            f"问题从“{before}”重新回到“整改中”，但没有说明原因",
            "填写 reopen: 抽查发现未完成 或 reopen: 问题反弹。",
            path=("log", i),
        )
    if entry.get("reopen") and not (before in DONE and after == REOPENED):
        yield at(
            record.file,
            "XC313",
            "只有已完成或已销号的问题重新整改时才填写 reopen",
            "删除 reopen，或核对状态。",
            path=("log", i, "reopen"),
        )


RULES = (log_follows_lifecycle,)

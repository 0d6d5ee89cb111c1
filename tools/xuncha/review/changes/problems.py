"""Changes to a problem's progress log (state transitions, XC510–XC513) and to the feedback's
verbatim problem list (XC503/XC504)."""

from __future__ import annotations

from collections.abc import Sequence

from xuncha.model.index import Folder, Json, iter_nodes
from xuncha.model.lifecycle import DONE, NEXT, REOPENED, START_STATES
from xuncha.review.changes.diff import Comparer, Diff
from xuncha.review.changes.lists import added
from xuncha.review.changes.wording import NONE, comma, evidence, labelled, parts

CLOSED, COMPLETED = "已销号", "已完成"


def _status(diff: Diff, old: Json | None, new: Json, _head: Folder | None) -> None:
    problem = str(new["problem"])
    before_log: list[Json] = old["log"] if old else []
    log: list[Json] = new["log"]
    keep = _common_prefix(before_log, log)
    if keep < len(before_log):
        diff.refuse(
            "XC510",
            f"{problem} 的进展日志第 {keep + 1} 条被修改或删除（日志只能追加）",
            "恢复原有的记录，把新的进展追加在日志末尾。",
            ("log", min(keep, len(log) - 1)),
        )
    for i in range(keep, len(log)):
        before = str(log[i - 1]["state"]) if i else None
        _status_line(diff, problem, log, i, before)
        _transition(diff, problem, i, before, log[i])
    if old is not None and (old.get("summary"), old.get("outcomes")) != (
        new.get("summary"),
        new.get("outcomes"),
    ):
        diff.add("status", f"{problem}：整改情况和成效的公开表述已更新", problem)


def _common_prefix(before: Sequence[Json], after: Sequence[Json]) -> int:
    n = 0
    while n < min(len(before), len(after)) and before[n] == after[n]:
        n += 1
    return n


def _status_line(diff: Diff, problem: str, log: list[Json], i: int, before: str | None) -> None:
    entry = log[i]
    if entry["state"] == CLOSED:
        done = next((e["date"] for e in reversed(log[:i]) if e["state"] == COMPLETED), NONE)
        head = f"{problem}：销号（{comma(entry['date'], entry.get('by'))}）"
        diff.add("closed", parts(head, f"完成日期：{done}", evidence(entry)), problem)
        return
    head = f"{problem}：{before or NONE} → {entry['state']}（{entry['date']}）"
    reopen = labelled("重新整改原因", entry.get("reopen"))
    text = parts(head, reopen, labelled("说明", entry.get("note")), evidence(entry))
    diff.add("status", text, problem)


def _transition(diff: Diff, problem: str, i: int, before: str | None, entry: Json) -> None:
    """XC511–XC513: the lifecycle table of checks.lifecycle, applied to the new entries."""
    after, where = str(entry["state"]), ("log", i, "state")
    if after == CLOSED and before != COMPLETED:
        diff.refuse(
            "XC513",
            f"{problem}：销号前没有“已完成”记录（缺少完成日期）",
            "先追加一条“已完成”（写明完成日期和佐证），经核查后再销号。",
            where,
        )
    elif before is None and after not in START_STATES:
        diff.refuse("XC511", f"{problem}：进展日志不能以“{after}”开始", "第一条写实际的起始状态。", where)
    elif before is not None and after not in NEXT[before]:
        diff.refuse(
            "XC511",
            f"{problem}：状态不能从“{before}”直接变为“{after}”",
            f"“{before}”之后可以是：{'、'.join(sorted(NEXT[before]))}；不能跳过中间步骤。",
            where,
        )
    elif before in DONE and after == REOPENED and not entry.get("reopen"):
        diff.refuse(
            "XC512",
            f"{problem}：从“{before}”回到“整改中”，没有说明原因",
            "填写 reopen: 抽查发现未完成 或 reopen: 问题反弹。",
            ("log", i),
        )
    if after == CLOSED and not entry.get("evidence"):
        diff.refuse(
            "XC513", f"{problem}：销号缺少佐证材料", "在这一条下填写 evidence（文件、台账）。", ("log", i)
        )


VERBATIM_HINT = (
    "恢复原文；确需更正的，在 corrections 中新增一条更正记录（target、reason、new_text、approved_by）。"
)


def _feedback(diff: Diff, old: Json | None, new: Json, _head: Folder | None) -> None:
    before = dict(iter_nodes(old)) if old else {}
    after = dict(iter_nodes(new))
    _aspects_kept(diff, old, new)
    for node_id, node in before.items():
        now = after.get(node_id)
        if now is None:
            diff.refuse(
                "XC503", f"反馈问题 {node_id} 被删除（已合并的反馈意见不得删除）", VERBATIM_HINT, node.path
            )
            continue
        for key in ("title", "text"):
            if node.data.get(key) != now.data.get(key):
                diff.refuse(
                    "XC504",
                    f"反馈问题 {node_id} 的原文被修改（反馈意见须原汁原味）",
                    VERBATIM_HINT,
                    (*now.path, key),
                )
    for node_id, node in after.items():
        if node_id not in before:
            diff.add("added", f"{node_id}：{node.wording}", node_id)
    for _, item in added(old, new, "corrections"):
        approved = comma(item["approved_by"], item["date"])
        why = "（" + parts(f"理由：{item['reason']}", f"批准：{approved}") + "）"
        text = f"{item['target']} 更正 {item['id']}：“{item['new_text']}”{why}"
        diff.add("corrected", text, str(item["target"]))


def _aspects_kept(diff: Diff, old: Json | None, new: Json) -> None:
    titles = {str(a["id"]): (i, a["title"]) for i, a in enumerate(new.get("aspects", []))}
    for i, aspect in enumerate((old or {}).get("aspects", [])):
        found = titles.get(str(aspect["id"]))
        if found is None:
            diff.refuse("XC503", f"反馈方面 {aspect['id']} 被删除", VERBATIM_HINT, ("aspects", i))
        elif found[1] != aspect["title"]:
            diff.refuse(
                "XC504",
                f"反馈方面 {aspect['id']} 的标题被修改（反馈意见须原汁原味）",
                VERBATIM_HINT,
                ("aspects", found[0], "title"),
            )


COMPARERS: dict[str, Comparer] = {"status": _status, "feedback": _feedback}

"""Changes to the rectification plan (XC520: a deadline moved without an extension) and extensions."""

from __future__ import annotations

from xuncha.model.index import Folder, Json
from xuncha.review.changes.diff import Comparer, Diff
from xuncha.review.changes.lists import added
from xuncha.review.changes.wording import NONE, parts, show, submissions

PLAN_FIELDS = {
    "lead_leader": "牵头领导",
    "lead_department": "牵头部门",
    "responsible_person": "责任人",
    "departments": "配合部门",
    "deadline": "整改时限",
    "long_term": "长期整改",
    "milestones": "阶段目标",
}


def _plan(diff: Diff, old: Json | None, new: Json, head: Folder | None) -> None:
    before = {str(e["problem"]): e for e in (old or {}).get("entries", [])}
    approved = old is not None and any(s.get("result") == "通过" for s in old.get("submissions", []))
    for i, entry in enumerate(new["entries"]):
        problem = str(entry["problem"])
        previous = before.pop(problem, None)
        if previous is None:
            diff.add("plan", f"{problem} 整改条目：{_entry(entry)}", problem)
            continue
        _entry_changes(diff, problem, previous, entry)
        moved = previous.get("deadline") != entry.get("deadline")
        if moved and approved and not _extended(head, problem, entry.get("deadline")):
            diff.refuse(
                "XC520",
                f"{problem} 的整改时限在方案批准后被改动（{show(previous.get('deadline'))} → "
                f"{show(entry.get('deadline'))}），没有对应的延期记录",
                "方案中的时限保持不动；延期须在 extensions.yaml 新增一条经批准的延期记录"
                "（problem、new_deadline、reason、approved_by、approved）。",
                ("entries", i, "deadline"),
            )
    for problem in before:
        diff.add("plan", f"{problem} 整改条目被删去", problem)
    for line in submissions("整改方案", (old or {}).get("submissions", []), new.get("submissions", [])):
        diff.add("plan", line)
    studied = new.get("collectively_studied")
    if studied and studied != (old or {}).get("collectively_studied"):
        diff.add("plan", f"领导班子集体研究整改方案（{studied}）")


def _entry(entry: Json) -> str:
    return parts(
        f"牵头领导 {show(entry.get('lead_leader'))}",
        f"牵头部门 {show(entry.get('lead_department'))}",
        f"责任人 {show(entry.get('responsible_person'))}",
        f"时限 {show(entry.get('deadline'))}" + ("（长期整改）" if entry.get("long_term") else ""),
        f"措施 {len(entry['measures'])} 项",
    )


def _entry_changes(diff: Diff, problem: str, old: Json, new: Json) -> None:
    for key, label in PLAN_FIELDS.items():
        if old.get(key) != new.get(key):
            diff.add("plan", f"{problem} {label}：{show(old.get(key))} → {show(new.get(key))}", problem)
    for measure in new["measures"]:
        if measure not in old["measures"]:
            diff.add("plan", f"{problem} 整改措施：新增“{measure}”", problem)
    for measure in old["measures"]:
        if measure not in new["measures"]:
            diff.add("plan", f"{problem} 整改措施：删去“{measure}”", problem)


def _extended(head: Folder | None, problem: str, deadline: object) -> bool:
    if head is None:
        return False
    return any(
        item["problem"] == problem and item["new_deadline"] == deadline
        for _, _, item in head.items("extensions", "extensions")
    )


def _extensions(diff: Diff, old: Json | None, new: Json, head: Folder | None) -> None:
    items: list[Json] = new["extensions"]
    for i, item in added(old, new, "extensions"):
        problem = str(item["problem"])
        before = _deadline_before(items[:i], problem, head)
        approved = f"{item['approved_by']}（{item['approved']}）"
        text = parts(
            f"{problem} 延期 {item['id']}：整改时限 {before} → {item['new_deadline']}",
            f"理由：{item['reason']}",
            f"批准：{approved}",
        )
        diff.add("extended", text, problem)


def _deadline_before(earlier: list[Json], problem: str, head: Folder | None) -> str:
    """The deadline an extension moves: the last earlier extension's, else the plan's."""
    for item in reversed(earlier):
        if item["problem"] == problem:
            return str(item["new_deadline"])
    if head is not None:
        for _, _, entry in head.items("plan", "entries"):
            if entry["problem"] == problem and entry.get("deadline"):
                return str(entry["deadline"])
    return NONE


COMPARERS: dict[str, Comparer] = {"plan": _plan, "extensions": _extensions}

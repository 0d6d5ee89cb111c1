"""What a change to one record file *means*, in Chinese words, and which review rules it breaks.

Shared by ``xuncha review`` (base → head of a pull request) and ``xuncha history``
(each commit's version of a file against the one before). Pure: records in,
:class:`Change` lines and findings out. Records are schema-valid (callers parse
and check them first), so required fields can be read directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from .checks.lifecycle import DONE, NEXT, REOPENED, START_STATES
from .findings import Finding, at
from .index import Folder, Index, Json, Record, iter_nodes

CLOSED, COMPLETED = "已销号", "已完成"
NONE = "（无）"

# Sections of a review, in the order a reviewer reads them.
SECTIONS = {
    "setup": "轮次和单位",
    "added": "新增问题",
    "corrected": "更正",
    "status": "状态变化",
    "closed": "销号",
    "extended": "延期",
    "plan": "整改方案",
    "reports": "报告和会议",
    "assessment": "质效评估",
    "notices": "通报",
    "supervision": "督查督办",
    "clues": "问题线索和信访件",
    "files": "文件",
}


@dataclass(frozen=True)
class Change:
    """One line of the summary: ``section`` (a key of SECTIONS), the words, and what it is about."""

    section: str
    text: str
    round: str | None = None
    unit: str | None = None
    problems: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        """``round/unit`` for a unit folder's records; rounds and units name themselves in the text."""
        return f"{self.round}/{self.unit}" if self.round and self.unit else ""

    def as_json(self) -> dict[str, object]:
        return {
            "section": self.section,
            "title": SECTIONS[self.section],
            "round": self.round,
            "unit": self.unit,
            "problems": list(self.problems),
            "text": self.text,
        }


@dataclass
class Diff:
    """Everything one file's change says: lines for the summary, findings for the rules."""

    record: Record
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def add(self, section: str, text: str, *problems: str) -> None:
        place = self.record.place
        self.changes.append(Change(section, text, place.round, place.unit, problems))

    def refuse(self, code: str, message: str, hint: str, path: tuple[str | int, ...]) -> None:
        self.findings.append(at(self.record.file, code, message, hint, path=path))


Comparer = Callable[[Diff, Json | None, Json, Folder | None], None]


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
    _kept_records(diff, old.data if old else None, new.data)
    COMPARERS[new.place.kind](diff, old.data if old else None, new.data, head)
    return diff


# --- formatting -------------------------------------------------------------------------------


def show(value: object) -> str:
    """A field value as a reviewer reads it."""
    if value is None or value == [] or value == "":
        return NONE
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(show(v) for v in value)
    if isinstance(value, dict):
        return " ".join(show(v) for v in value.values())
    return str(value)


def _parts(*parts: str) -> str:
    """Clauses joined with "；" (a clause's own final "。" would read as "。；")."""
    return "；".join(p.rstrip("。") for p in parts if p)


def _comma(*parts: object) -> str:
    return "，".join(str(p) for p in parts if p)


def _evidence(entry: Json) -> str:
    titles = [str(e["title"]) for e in entry.get("evidence", [])]
    return f"佐证：{'、'.join(titles)}" if titles else ""


def _labelled(label: str, value: object) -> str:
    return f"{label}：{value}" if value else ""


def _verdict(item: Json) -> str:
    """``通过（2025-07-18，区委第一巡察组）`` for a submission that has a result."""
    details = _comma(item.get("result_date"), item.get("reviewer"))
    return f"{item['result']}（{details}）" if details else str(item["result"])


# --- append-only lists ------------------------------------------------------------------------

# (kind, list key) → (what a reader calls one item, frozen once filed)
RECORD_LISTS: dict[tuple[str, str], tuple[str, bool]] = {
    ("feedback", "corrections"): ("更正记录", True),
    ("extensions", "extensions"): ("延期记录", True),
    ("reports", "meetings"): ("会议记录", False),
    ("reports", "reports"): ("报告记录", False),
    ("clues", "clues"): ("问题线索", False),
    ("clues", "petitions"): ("信访件", False),
    ("supervision", "actions"): ("督查督办记录", False),
}


def _kept_records(diff: Diff, old: Json | None, new: Json) -> None:
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


def _added(old: Json | None, new: Json, key: str) -> Iterator[tuple[int, Json]]:
    """Items of list ``key`` whose id the old version did not have."""
    before = {str(item["id"]) for item in (old or {}).get(key, [])}
    for i, item in enumerate(new.get(key, [])):
        if str(item["id"]) not in before:
            yield i, item


# --- status ------------------------------------------------------------------------------------


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
        head = f"{problem}：销号（{_comma(entry['date'], entry.get('by'))}）"
        diff.add("closed", _parts(head, f"完成日期：{done}", _evidence(entry)), problem)
        return
    head = f"{problem}：{before or NONE} → {entry['state']}（{entry['date']}）"
    reopen = _labelled("重新整改原因", entry.get("reopen"))
    text = _parts(head, reopen, _labelled("说明", entry.get("note")), _evidence(entry))
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


# --- feedback ----------------------------------------------------------------------------------

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
    for _, item in _added(old, new, "corrections"):
        approved = _comma(item["approved_by"], item["date"])
        why = "（" + _parts(f"理由：{item['reason']}", f"批准：{approved}") + "）"
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


# --- plan and extensions -----------------------------------------------------------------------

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
    for line in _submissions("整改方案", (old or {}).get("submissions", []), new.get("submissions", [])):
        diff.add("plan", line)
    studied = new.get("collectively_studied")
    if studied and studied != (old or {}).get("collectively_studied"):
        diff.add("plan", f"领导班子集体研究整改方案（{studied}）")


def _entry(entry: Json) -> str:
    return _parts(
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


def _submissions(label: str, old: list[Json], new: list[Json]) -> Iterator[str]:
    for i, item in enumerate(new):
        previous = old[i] if i < len(old) else None
        if previous is None:
            verdict = f"；审核结果：{_verdict(item)}" if item.get("result") else ""
            yield f"{label}报送（{item['date']}）{verdict}"
        elif item.get("result") and item != previous:
            yield f"{label}审核结果：{_verdict(item)}"


def _extensions(diff: Diff, old: Json | None, new: Json, head: Folder | None) -> None:
    items: list[Json] = new["extensions"]
    for i, item in _added(old, new, "extensions"):
        problem = str(item["problem"])
        before = _deadline_before(items[:i], problem, head)
        approved = f"{item['approved_by']}（{item['approved']}）"
        text = _parts(
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


# --- reports, assessment, notices, supervision, clues ------------------------------------------


def _reports(diff: Diff, old: Json | None, new: Json, _head: Folder | None) -> None:
    meetings = {str(m["id"]): m for m in (old or {}).get("meetings", [])}
    for meeting in new.get("meetings", []):
        previous = meetings.get(str(meeting["id"]))
        stage = f"（{meeting['stage']}）" if meeting.get("stage") else ""
        if previous is None:
            diff.add("reports", f"会议 {meeting['id']}：{meeting['kind']}{stage}（{meeting['date']}）")
        filed = meeting.get("materials_filed")
        if filed and filed != (previous or {}).get("materials_filed"):
            diff.add("reports", f"会议 {meeting['id']} 材料报备（{filed}）")
    reports = {str(r["id"]): r for r in (old or {}).get("reports", [])}
    for report in new.get("reports", []):
        period = f"，{report['period']}" if report.get("period") else ""
        label = f"报告 {report['id']}（{report['kind']}{period}）"
        before = reports.get(str(report["id"]), {}).get("submissions", [])
        for line in _submissions(label, before, report["submissions"]):
            diff.add("reports", line)
    known = len((old or {}).get("disclosures", []))
    for item in new.get("disclosures", [])[known:]:
        diff.add("reports", f"整改公开：{item['kind']}（{item['date']}）")


def _assessment(diff: Diff, old: Json | None, new: Json, _head: Folder | None) -> None:
    totals = (old or {}).get("total"), new.get("total")
    counts = len((old or {}).get("deductions", [])), len(new.get("deductions", []))
    what = _parts(
        "新录入" if old is None else "",
        f"总分 {show(totals[0])} → {show(totals[1])}" if totals[0] != totals[1] else "",
        f"酌情扣分 {counts[0]} → {counts[1]} 项" if counts[0] != counts[1] else "",
    )
    diff.add("assessment", f"质效评估（{new['assessor']}，{new['date']}）：{what or '内容已修改'}")


SIGNOFF_ROLES = frozenset({"巡察组组长", "被巡察党组织主要负责人", "巡察办"})


def _notice(diff: Diff, old: Json | None, new: Json, _head: Folder | None) -> None:
    notice = str(new["id"])
    if old is None:
        diff.add("notices", f"通报 {notice} 拟稿：《{new['title']}》（截至 {new['as_of']}）")
    elif {k: v for k, v in old.items() if k != "signoffs"} != {
        k: v for k, v in new.items() if k != "signoffs"
    }:
        diff.add("notices", f"通报 {notice} 内容已修改")
    signed = (old or {}).get("signoffs", [])
    for item in new.get("signoffs", []):
        if item not in signed:
            diff.add("notices", f"通报 {notice} 把关：{item['role']}（{item['by']}，{item['date']}）")
    roles = {s["role"] for s in new.get("signoffs", [])}
    if roles >= SIGNOFF_ROLES and not {s["role"] for s in signed} >= SIGNOFF_ROLES:
        diff.add("notices", f"通报 {notice} 三把关已完成，可以发布")


def _supervision(diff: Diff, old: Json | None, new: Json, _head: Folder | None) -> None:
    for _, item in _added(old, new, "actions"):
        problems = tuple(str(p) for p in item.get("problems", []))
        head = f"督办 {item['id']}：{item['kind']}（{_comma(item['date'], item.get('by'))}）"
        text = _parts(
            head,
            _labelled("涉及", "、".join(problems)),
            _labelled("发现", item.get("finding")),
        )
        diff.add("supervision", text, *problems)


def _clues(diff: Diff, _old: Json | None, _new: Json, _head: Folder | None) -> None:
    diff.add("clues", "问题线索和信访件台账有更新（内容保密，此处不列明细）")


# --- rounds and units --------------------------------------------------------------------------


def _round(diff: Diff, old: Json | None, new: Json, _head: Folder | None) -> None:
    if old is None:
        diff.add("setup", f"新增轮次 {new['id']}：{new['name']}（{new['kind']}）")
    known = {u["unit"] for u in (old or {}).get("units", [])}
    for unit in new["units"]:
        if old is not None and unit["unit"] not in known:
            diff.add("setup", f"轮次 {new['id']} 新增被巡察单位 {unit['unit']}（{unit['group']}）")


UNIT_FIELDS = {"type": "单位类型", "supervisors": "监督单位", "parent": "上级单位"}


def _unit(diff: Diff, old: Json | None, new: Json, _head: Folder | None) -> None:
    if old is None:
        diff.add("setup", f"新增被巡察单位 {new['id']}：{new['name']}（{new['type']}）")
        return
    for key, label in UNIT_FIELDS.items():
        if old.get(key) != new.get(key):
            diff.add("setup", f"单位 {new['id']} {label}：{show(old.get(key))} → {show(new.get(key))}")


COMPARERS: dict[str, Comparer] = {
    "status": _status,
    "feedback": _feedback,
    "plan": _plan,
    "extensions": _extensions,
    "reports": _reports,
    "assessment": _assessment,
    "notice": _notice,
    "supervision": _supervision,
    "clues": _clues,
    "round": _round,
    "unit": _unit,
}


def all_records(index: Index) -> dict[str, Record]:
    """Every record of an index by file path (units, rounds, and each folder's files)."""
    found: dict[str, Record] = {r.file: r for r in (*index.units.values(), *index.rounds.values())}
    for folder in index.folders.values():
        for record in (*folder.records.values(), *folder.statuses.values(), *folder.notices.values()):
            found[record.file] = record
    return found

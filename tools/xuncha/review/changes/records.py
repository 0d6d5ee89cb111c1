"""Changes to the other records: reports and meetings, assessment, notices, supervision, clues,
rounds and units."""

from __future__ import annotations

from xuncha.model.index import Folder, Json
from xuncha.review.changes.diff import Comparer, Diff
from xuncha.review.changes.lists import added
from xuncha.review.changes.wording import comma, labelled, parts, show, submissions


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
        for line in submissions(label, before, report["submissions"]):
            diff.add("reports", line)
    known = len((old or {}).get("disclosures", []))
    for item in new.get("disclosures", [])[known:]:
        diff.add("reports", f"整改公开：{item['kind']}（{item['date']}）")


def _assessment(diff: Diff, old: Json | None, new: Json, _head: Folder | None) -> None:
    totals = (old or {}).get("total"), new.get("total")
    counts = len((old or {}).get("deductions", [])), len(new.get("deductions", []))
    what = parts(
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
    for _, item in added(old, new, "actions"):
        problems = tuple(str(p) for p in item.get("problems", []))
        head = f"督办 {item['id']}：{item['kind']}（{comma(item['date'], item.get('by'))}）"
        text = parts(
            head,
            labelled("涉及", "、".join(problems)),
            labelled("发现", item.get("finding")),
        )
        diff.add("supervision", text, *problems)


def _participation(diff: Diff, old: Json | None, new: Json, _head: Folder | None) -> None:
    for _, survey in added(old, new, "surveys"):
        votes = sum(survey["results"].values())
        head = (
            f"满意度测评 {survey['id']}：{survey['kind']}（{comma(survey['date'], survey.get('held_by'))}）"
        )
        who = "、".join(survey["groups"])
        diff.add("participation", f"{head}，{who}，参加 {survey['invited']} 人，有效票 {votes} 张")
    for _, hearing in added(old, new, "hearings"):
        head = f"质询答辩 {hearing['id']}（{comma(hearing['date'], hearing['held_by'])}）"
        diff.add("participation", f"{head}：提问 {hearing['questions']} 个")


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
    "reports": _reports,
    "assessment": _assessment,
    "notice": _notice,
    "supervision": _supervision,
    "participation": _participation,
    "clues": _clues,
    "round": _round,
    "unit": _unit,
}

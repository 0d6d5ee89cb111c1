"""References: every round, unit and problem a record names exists (and is the right kind)."""

from __future__ import annotations

from collections.abc import Iterator

from xuncha.model.findings import Finding, at
from xuncha.model.index import Folder, Index, Record


def units_exist(index: Index) -> Iterator[Finding]:
    """XC204: rounds and parents name units that have a file under units/."""
    for record in index.rounds.values():
        for i, entry in enumerate(record.data.get("units", [])):
            if entry.get("unit") not in index.units and index.missing(f"units/{entry.get('unit')}.yaml"):
                yield _missing_unit(record, entry.get("unit"), ("units", i, "unit"))
    for record in index.units.values():
        parent = record.data.get("parent")
        if parent is not None and parent not in index.units and index.missing(f"units/{parent}.yaml"):
            yield _missing_unit(record, parent, ("parent",))


def _missing_unit(record: Record, unit: object, path: tuple[str | int, ...]) -> Finding:
    return at(
        record.file,
        "XC204",
        f"单位 {unit} 不存在",
        f"先在 units/{unit}.yaml 建立该单位，或改正编号。",
        path=path,
    )


def folders_belong(index: Index) -> Iterator[Finding]:
    """XC203/XC204: a unit folder sits in an existing round that lists the unit."""
    for folder in index.folders.values():
        first = _first_record(folder)
        if not index.missing(f"rounds/{folder.round}/round.yaml"):
            continue
        if folder.round not in index.rounds:
            yield at(
                first.file,
                "XC203",
                f"轮次 {folder.round} 不存在（缺少 rounds/{folder.round}/round.yaml）",
                "先建立轮次文件，或把文件移到正确的轮次文件夹。",
                line=1,
                column=1,
            )
        elif index.round_unit(folder.round, folder.unit) is None:
            yield at(
                first.file,
                "XC204",
                f"单位 {folder.unit} 不在轮次 {folder.round} 的被巡察单位名单中",
                f"在 rounds/{folder.round}/round.yaml 的 units 中加入该单位，或改正文件夹名。",
                line=1,
                column=1,
            )


def _first_record(folder: Folder) -> Record:
    return next(iter([*folder.records.values(), *folder.statuses.values(), *folder.notices.values()]))


def problems_exist(index: Index) -> Iterator[Finding]:
    """XC205/XC206: plans, statuses, extensions, checks and grades name leaf problems."""
    for folder in index.folders.values():
        if folder.feedback is None and not index.missing(
            f"rounds/{folder.round}/{folder.unit}/feedback.yaml"
        ):
            continue  # the invalid feedback file is reported itself
        for record, path, problem_id in _problem_refs(folder):
            yield from _check_problem(folder, record, path, problem_id)
        feedback = folder.feedback
        if feedback is None:
            continue
        for i, correction in enumerate(feedback.data.get("corrections", [])):
            if correction.get("target") not in folder.nodes:
                yield _unknown(feedback, correction.get("target"), ("corrections", i, "target"))


def _problem_refs(folder: Folder) -> Iterator[tuple[Record, tuple[str | int, ...], str]]:
    for record in folder.statuses.values():
        yield record, ("problem",), record.data.get("problem", "")
    for kind, key, field in (
        ("plan", "entries", "problem"),
        ("extensions", "extensions", "problem"),
        ("assessment", "task_grades", "problem"),
    ):
        for record, i, item in folder.items(kind, key):
            yield record, (key, i, field), item.get(field, "")
    for record, i, action in folder.items("supervision", "actions"):
        for j, problem_id in enumerate(action.get("problems", [])):
            yield record, ("actions", i, "problems", j), problem_id


def _check_problem(
    folder: Folder, record: Record, path: tuple[str | int, ...], problem_id: str
) -> Iterator[Finding]:
    if folder.feedback is None:
        yield at(
            record.file,
            "XC205",
            f"引用了问题 {problem_id}，但本单位本轮还没有反馈意见（feedback.yaml）",
            "先提交反馈意见，再填写方案和进展。",
            path=path,
        )
        return
    node = folder.nodes.get(problem_id)
    if node is None:
        yield _unknown(record, problem_id, path)
    elif not node.is_leaf:
        leaves = "、".join(node.children)
        yield at(
            record.file,
            "XC206",
            f"问题 {problem_id} 下还有细分条目，应引用末级条目",
            f"改为引用其下的 {leaves}。",
            path=path,
        )


def _unknown(record: Record, problem_id: object, path: tuple[str | int, ...]) -> Finding:
    return at(
        record.file,
        "XC205",
        f"问题 {problem_id} 在本单位本轮的反馈意见中不存在",
        "核对 feedback.yaml 中的问题编号（例如 P03.2）。",
        path=path,
    )


def plan_covers_feedback(index: Index) -> Iterator[Finding]:
    """XC207: once the plan is submitted, every leaf problem has a plan entry (照单全收)."""
    for folder in index.folders.values():
        plan = folder.records.get("plan")
        if plan is None or not plan.data.get("submissions") or folder.feedback is None:
            continue
        planned = {entry.get("problem") for entry in plan.data.get("entries", [])}
        missing = [leaf.id for leaf in folder.leaves() if leaf.id not in planned]
        if missing:
            yield at(
                plan.file,
                "XC207",
                f"整改方案已报送，但缺少问题 {'、'.join(missing)} 的整改条目",
                "反馈问题须照单全收：为每个末级问题写一条 entries。",
                path=("entries",),
            )


RULES = (units_exist, folders_belong, problems_exist, plan_covers_feedback)

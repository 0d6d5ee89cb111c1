"""Assessments against their rubric: known items and rules, the inputs a rubric needs, a stated total.

Where ``assessment.yaml`` states ``total``, the score is recomputed from the record as of
the assessment's own date and a mismatch fails validation (XC410), so a reviewer can
trust the figure they approve. The rubric files themselves are checked here too.
The rubrics and deadline rules are the ones shipped with the tool (read once per process).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from fractions import Fraction
from functools import cache

from xuncha.model.findings import Finding, Severity, at
from xuncha.model.index import Folder, Index, Record
from xuncha.rules import scoring
from xuncha.rules.rubrics import CHECKOUT, Item, Rubric, Setting, builtin, load_setting
from xuncha.rules.scoring import ZERO, Assessment


@cache
def setting() -> Setting:
    """Rubrics and deadline rules, for recomputing a stated total (the other checks need the rubrics only)."""
    return load_setting(CHECKOUT)


def rubric_files(index: Index) -> Iterator[Finding]:
    """XC42x: the rubric files' own findings (header/item sums, verbatim text, known metrics)."""
    yield from builtin().findings


def assessments_fit_rubric(index: Index) -> Iterator[Finding]:
    """XC401–XC408: the rubric exists and fits the unit; deductions name its items and manual rules."""
    for folder in index.folders.values():
        record = folder.records.get("assessment")
        if record is None:
            continue
        rubric = builtin().rubrics.get(str(record.data["rubric"]))
        if rubric is None:
            yield _unknown_rubric(record)
            continue
        yield from _fits_unit(index, record, rubric)
        yield from _deductions(record, rubric)
        yield from _inputs(folder, record, rubric)


def _unknown_rubric(record: Record) -> Finding:
    known = "、".join(sorted(builtin().rubrics))
    return at(
        record.file,
        "XC401",
        f"评分细则 {record.data['rubric']} 不存在",
        f"可用的评分细则：{known}（见 tools/xuncha/rules/data/rubrics/）。",
        path=("rubric",),
    )


def _fits_unit(index: Index, record: Record, rubric: Rubric) -> Iterator[Finding]:
    unit = index.units.get(str(record.data["unit"]))
    kind = unit.data.get("type") if unit else None
    if rubric.applies_to and kind is not None and kind not in rubric.applies_to:
        yield at(
            record.file,
            "XC407",
            f"评分细则 {rubric.id} 适用于{'、'.join(sorted(rubric.applies_to))}，本单位类型为{kind}",
            "核对 rubric：村、社区用 wujiang-villages，其他单位用 wujiang-units。",
            path=("rubric",),
            severity=Severity.WARNING,
        )


def _deductions(record: Record, rubric: Rubric) -> Iterator[Finding]:
    totals: dict[str, tuple[Fraction, int]] = {}
    for i, deduction in enumerate(record.data.get("deductions", [])):
        where = ("deductions", i)
        item = rubric.item(str(deduction["item"]))
        if item is None:
            hint = f'本细则的序号为 1 至 {sum(1 for _ in rubric.items())}，写成带引号的文本，例如 "6"。'
            yield at(
                record.file, "XC402", f"评分细则中没有第{deduction['item']}项", hint, path=(*where, "item")
            )
        elif item.formula is not None:
            message = f"第{item.id}项按公式计分（{item.criteria}），不能酌情扣分"
            yield at(record.file, "XC406", message, "删除这条扣分。", path=(*where, "item"))
        else:
            points = Fraction(str(deduction["points"]))
            totals[item.id] = (totals.get(item.id, (ZERO, i))[0] + points, i)
            yield from _rule_of(record, where, item, deduction.get("rule"), points)
    for item_id, (total, last) in totals.items():
        item = rubric.item(item_id)
        if item is not None and total > item.max:
            message = f"第{item_id}项酌情扣分合计{float(total):g}分，超过本项分值{float(item.max):g}分"
            hint = "每项得分不低于0，超出部分不计；核对扣分是否重复。"
            path = ("deductions", last, "points")
            yield at(record.file, "XC405", message, hint, path=path, severity=Severity.WARNING)


def _rule_of(
    record: Record, where: tuple[str | int, ...], item: Item, rule_id: object, points: Fraction
) -> Iterator[Finding]:
    if rule_id is None:
        return
    rule = item.rule(str(rule_id))
    if rule is None or rule.automatic:
        manual = "、".join(r.id for r in item.rules if not r.automatic) or "（无）"
        why = "由记录自动计算，不在此填写" if rule is not None else "不存在"
        hint = f"第{item.id}项的酌情扣分规则：{manual}；不填 rule 表示对本项酌情扣分。"
        yield at(record.file, "XC403", f"第{item.id}项的规则 {rule_id} {why}", hint, path=(*where, "rule"))
    elif rule.limit is not None and points > rule.limit:
        message = f"规则 {rule_id} 规定扣{float(rule.limit):g}分，这里填了{float(points):g}分"
        hint = "按规定分值填写；超出部分不计。"
        yield at(record.file, "XC404", message, hint, path=(*where, "points"), severity=Severity.WARNING)


def _inputs(folder: Folder, record: Record, rubric: Rubric) -> Iterator[Finding]:
    """XC408: what the rubric's formulas read from the assessment is there."""
    kinds = {item.formula.kind: item for item in rubric.items() if item.formula is not None}
    needs = {"satisfaction": "satisfaction", "overall": "overall_points"}
    if any(True for _ in folder.items("participation", "surveys")):
        needs.pop("satisfaction")  # the surveys on record make the satisfaction
    for kind, field in needs.items():
        if kind in kinds and field not in record.data:
            item = kinds[kind]
            yield _missing_input(
                record, f"第{item.id}项（{item.criteria}）需要 {field}，评估记录没有填写，本项记0分"
            )
    if "task_grades" in kinds:
        graded = {g.get("problem") for g in record.data.get("task_grades", [])}
        missing = [leaf.id for leaf in folder.leaves() if leaf.id not in graded]
        if missing:
            shown = "、".join(missing[:5]) + ("等" if len(missing) > 5 else "")
            item_id = kinds["task_grades"].id
            message = f"第{item_id}项逐项评定：{len(missing)}项任务未评定等次（{shown}），未评定的不得分"
            yield _missing_input(record, message)


def _missing_input(record: Record, message: str) -> Finding:
    return at(record.file, "XC408", message, "补填评估记录。", line=1, column=1, severity=Severity.WARNING)


def stated_totals_match(index: Index) -> Iterator[Finding]:
    """XC410: a stated total equals the score recomputed as of the assessment's date."""
    for (round_id, unit_id), folder in index.folders.items():
        record = folder.records.get("assessment")
        if record is None or record.data.get("total") is None:
            continue
        assessment = Assessment.of(record)
        as_of = date.fromisoformat(assessment.date)
        sheets = scoring.score_round(index, setting(), round_id, as_of, [unit_id])
        if not sheets or assessment.total is None:
            continue  # unknown rubric: XC401 says so
        computed = sheets[0].total
        if not scoring.stated_total_matches(assessment.total, computed):
            yield at(
                record.file,
                "XC410",
                f"填写的总分 {record.data['total']} 与按记录重新计算的 {scoring.number(computed):g} 不符",
                f"运行 xuncha score {round_id} {unit_id} --as-of {assessment.date} 查看评分表，核对后改正。",
                path=("total",),
            )


def surveys_add_up(index: Index) -> Iterator[Finding]:
    """XC409: a survey's valid votes (the sum of its results) are no more than the people asked."""
    for folder in index.folders.values():
        for record, i, survey in folder.items("participation", "surveys"):
            votes = sum(survey["results"].values())
            if votes > survey["invited"]:
                yield at(
                    record.file,
                    "XC409",
                    f"测评 {survey['id']} 的有效票合计 {votes} 张，多于参加人数 {survey['invited']} 人",
                    "核对测评结果和参加人数：每人只投一票，未投或无效的票不写入 results。",
                    path=("surveys", i, "results"),
                )


RULES = (rubric_files, assessments_fit_rubric, stated_totals_match, surveys_add_up)

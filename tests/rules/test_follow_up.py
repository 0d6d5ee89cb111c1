"""Result use: each grade's follow-up action is an obligation with its own deadline and light."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result

from worked_record import R, build, put
from xuncha.pipeline import validate
from xuncha.rules import follow_up
from xuncha.rules.deadlines import State
from xuncha.rules.profiles import Light
from xuncha.rules.rubrics import load_setting

SUPERVISION = f"""\
round: {R}
unit: t-bureau
actions:
  - id: S1
    kind: 抽查
    date: 2025-12-20
    by: 派驻第一纪检监察组
  - id: S2
    kind: 约谈
    date: {{day}}
    by: 派驻第一纪检监察组
    note: 约谈主要负责人，限期整改。
"""


@pytest.fixture
def worked(minimal_repo: Path) -> Path:
    return build(minimal_repo)


def follow_ups(root: Path, as_of: str) -> dict[str, follow_up.Obligation]:
    found, findings = follow_up.obligations(
        validate(root, use_cache=False).index, load_setting(root), date.fromisoformat(as_of)
    )
    assert findings == []
    return {str(o.unit): o for o in found}


def test_each_grade_owes_its_action(worked: Path) -> None:
    assert follow_ups(worked, "2026-07-14") == {}  # the assessments are dated 2026-07-15
    found = follow_ups(worked, "2026-09-01")
    # t-bureau, seed 001: 67.48 → 一般 → 第十四条 约谈, within 1 month: due 2026-08-15, overdue 17 days
    bureau = found["t-bureau"]
    assert bureau.title == "评估结果运用：约谈（一般，67.48分）"
    assert (bureau.start, bureau.due, bureau.days) == (date(2026, 7, 15), date(2026, 8, 15), 17)
    assert bureau.citation.startswith("对评为“一般”的") and bureau.citation.endswith("进行约谈，并限期整改")
    assert bureau.state is State.OVERDUE and bureau.light is Light.RED and bureau.done is None
    # t-unit, annex 5: 44 → 较差 → annex 3 纪检监察建议, within 1 month: due 2026-08-15
    unit = found["t-unit"]
    assert unit.title == "评估结果运用：纪检监察建议（较差，44分）" and unit.state is State.OVERDUE
    assert unit.citation == "对整改质效差的，发出纪检监察建议，限期整改到位" and unit.due == date(2026, 8, 15)
    # t-village, annex 6: 74.5 → 一般 → annex 3 持续督促, within a quarter: due 2026-10-15, 44 days left
    village = found["t-village"]
    assert village.title == "评估结果运用：持续督促（一般，74.5分）"
    assert (village.due, village.state, village.light, village.days) == (
        date(2026, 10, 15),
        State.OPEN,
        Light.GREEN,
        44,
    )


def test_the_talk_on_record_closes_it(worked: Path) -> None:
    put(worked, f"rounds/{R}/t-bureau/supervision.yaml", SUPERVISION.format(day="2026-08-03"))
    bureau = follow_ups(worked, "2026-09-01")["t-bureau"]
    # the 抽查 before the assessment does not count; the 约谈 of 08-03 does, 12 days early
    assert bureau.done == date(2026, 8, 3) and bureau.state is State.ON_TIME and bureau.light is Light.GREEN
    assert bureau.days == 12


def test_overdue_lists_it_with_its_light(run_cli: Callable[..., Result], worked: Path) -> None:
    result = run_cli("--root", worked, "overdue", "--as-of", "2026-09-01", "--unit", "t-bureau")
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if "评估结果运用" in line)
    assert line.split()[:2] == ["红", "已逾期"] and "supervision.yaml" in line

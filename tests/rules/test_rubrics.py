"""Rubrics as data: the three shipped rubrics load, match the seeds, and bad files are reported.

The loader trusts items, not headers: annex 5 prints 66 points for 整改任务落实 while its
items add to 61; the shipped file resolves that (``resolution:``), a file that does not is
reported (XC421), also by ``xuncha validate``.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import Result

from xuncha.model.findings import Severity
from xuncha.rules.checks import assessment
from xuncha.rules.rubrics import RUBRIC_DIR, RubricSet, builtin, load_rubrics

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "seeds"
SHAPES = {
    # id: (items, base, printed group headers, computed group sums)
    "wujiang-units": (16, 95, [18, 66, 8, 8, 10], [18, 61, 8, 8, 10]),
    "wujiang-villages": (13, 100, [18, 66, 8, 8, 10], [18, 66, 8, 8, 10]),
    "provincial-bureau": (16, 100, [10, 60, 15, 5, 10], [10, 60, 15, 5, 10]),
    "supervisors": (4, 100, [30, 20, 30, 20], [30, 20, 30, 20]),
}


def test_shipped_rubrics_load_cleanly() -> None:
    found = builtin()
    assert found.findings == ()
    assert set(found.rubrics) == set(SHAPES)


@pytest.mark.parametrize("rubric_id", SHAPES)
def test_shape_of_each_rubric(rubric_id: str) -> None:
    rubric = builtin().rubrics[rubric_id]
    count, base, printed, sums = SHAPES[rubric_id]
    assert len(list(rubric.items())) == count
    assert rubric.base == base
    assert [g.printed for g in rubric.groups] == printed
    assert [g.points for g in rubric.groups] == sums
    assert [(g.name, g.min) for g in rubric.grades] == [("好", 90), ("较好", 75), ("一般", 60), ("较差", 0)]
    for item in rubric.items():
        assert (item.formula is None) == bool(item.rules), item.id
        for rule in item.rules:
            assert rule.text in item.criteria, rule.id


def test_annex5_header_disagreement_is_resolved_and_shown() -> None:
    rubric = builtin().rubrics["wujiang-units"]
    (group,) = [g for g in rubric.groups if g.printed != g.points]
    assert (group.title, group.printed, group.points) == ("整改任务落实", 66, 61)
    assert rubric.sheet_notes[0].startswith("“整改任务落实”表头印为66分，各项分值合计61分：以各条分值为准")


def test_automatic_rules_of_annex5() -> None:
    rubric = builtin().rubrics["wujiang-units"]
    auto = {
        r.id: (r.metrics, r.effect.value, r.points) for i in rubric.items() for r in i.rules if r.automatic
    }
    assert auto["5.2"][0] == (
        "plan_missing_lead_leader",
        "plan_missing_lead_department",
        "plan_missing_responsible_person",
        "plan_missing_deadline",
    )
    assert auto["6.3"] == (("overdue_open",), "per_occurrence", 3)
    assert auto["5.8"] == (("plan_returned_twice",), "zero", None)
    assert auto["11.1"] == (("late_submissions",), "per_occurrence", 2)
    assert auto["12.1"] == (("petitions_late",), "per_occurrence", 1)
    villages = builtin().rubrics["wujiang-villages"]
    assert villages.item("4").rule("4.3").points == 2  # 扣2分 in annex 6 where annex 5 says 3


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not available")
def test_texts_are_verbatim_from_the_seeds() -> None:
    seeds = {p.name[:3]: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    sources = {"wujiang-units": "000", "wujiang-villages": "000", "provincial-bureau": "001"}
    for rubric_id, seed in sources.items():
        rubric = builtin().rubrics[rubric_id]
        for item in rubric.items():
            for text in (item.title, item.content, item.criteria):
                assert text in seeds[seed], (rubric_id, item.id, text)
        for grade in rubric.grades:
            assert grade.action in seeds[seed], (rubric_id, grade.name)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not available")
def test_supervisor_rubric_quotes_seeds_004_and_000() -> None:
    """Seed 004 says what to assess, not the points: each criterion quotes seed 004 or seed 000."""
    seeds = {p.name[:3]: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    rubric = builtin().rubrics["supervisors"]
    for item in rubric.items():
        for phrase in item.criteria.split("；"):
            assert phrase in seeds["004"] or phrase in seeds["000"], (item.id, phrase)
        for rule in item.rules:
            assert rule.automatic and rule.text in item.criteria, rule.id
    assert all(grade.action in seeds["004"] for grade in rubric.grades)
    assert set(rubric.parameters) == {"review", "spot_check", "urge"}


def test_supervisor_rubric_is_never_a_units_rubric() -> None:
    assert builtin().select("supervisors", "区级机关") is None


def test_selection_by_assessment_or_unit_type() -> None:
    found = builtin()
    assert found.select("provincial-bureau", "村").id == "provincial-bureau"  # type: ignore[union-attr]
    assert found.select(None, "村").id == "wujiang-villages"  # type: ignore[union-attr]
    assert found.select(None, "社区").id == "wujiang-villages"  # type: ignore[union-attr]
    assert found.select(None, "区级机关").id == "wujiang-units"  # type: ignore[union-attr]
    assert found.select(None, None).id == "wujiang-units"  # type: ignore[union-attr]
    assert found.select("no-such", "村") is None


def copy_rubric(tmp_path: Path, edit: Callable[[str], str], name: str = "wujiang-units") -> RubricSet:
    """Load one shipped rubric after editing its text."""
    folder = tmp_path / "rubrics"
    folder.mkdir()
    text = (RUBRIC_DIR / f"{name}.yaml").read_text(encoding="utf-8")
    (folder / f"{name}.yaml").write_text(edit(text), encoding="utf-8")
    return load_rubrics(folder, REPO / "schemas")


def line_of(tmp_path: Path, needle: str, name: str = "wujiang-units") -> int:
    """The last line containing ``needle``."""
    lines = (tmp_path / "rubrics" / f"{name}.yaml").read_text(encoding="utf-8").splitlines()
    return max(n for n, line in enumerate(lines, 1) if needle in line)


def test_unresolved_header_is_a_warning_at_its_line(tmp_path: Path) -> None:
    found = copy_rubric(
        tmp_path, lambda t: "\n".join(x for x in t.splitlines() if "resolution:" not in x) + "\n"
    )
    (finding,) = found.findings
    assert (finding.code, finding.severity) == ("XC421", Severity.WARNING)
    assert finding.message == "评估项目“整改任务落实”表头为66分，但各项分值合计61分"
    assert finding.line == line_of(tmp_path, "printed_points: 66")
    assert "wujiang-units" in found.rubrics  # a warning: the rubric still scores (by its items)


@pytest.mark.parametrize(
    ("old", "new", "code", "where"),
    [
        (
            "text: 未召开专题民主生活会的扣1分。",
            "text: 未召开民主生活会的扣1分。",
            "XC422",
            "text: 未召开民主生活会",
        ),
        ("metrics: [overdue_open]", "metrics: [overdue]", "XC423", "metrics: [overdue]"),
        ("effect: per_occurrence, points: 3}", "effect: per_occurrence}", "XC425", "effect: per_occurrence}"),
        ("min: 60", "min: 80", "XC426", "- grade: 好"),
        ("id: wujiang-units", "id: wujiang-unit", "XC420", "id: wujiang-unit"),
        ('id: "6.5"', 'id: "6.3"', "XC424", 'id: "6.3"'),  # the second 6.3 is the duplicate
        ("max: 28", "max: 二十八", "XC102", "max: 二十八"),
    ],
)
def test_inconsistent_rubric_is_reported(tmp_path: Path, old: str, new: str, code: str, where: str) -> None:
    found = copy_rubric(tmp_path, lambda t: t.replace(old, new, 1))
    assert [f.code for f in found.findings] == [code]
    finding = found.findings[0]
    assert finding.file.endswith("rubrics/wujiang-units.yaml")
    assert finding.line == line_of(tmp_path, where)
    assert found.rubrics == {}


def test_validate_reports_rubric_findings(
    tmp_path: Path, minimal_repo: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "XC42" not in run_cli("--root", minimal_repo, "validate", "--no-cache").stdout
    broken = copy_rubric(
        tmp_path, lambda t: "\n".join(x for x in t.splitlines() if "resolution:" not in x) + "\n"
    )
    monkeypatch.setattr(assessment, "builtin", lambda: broken)
    result = run_cli("--root", minimal_repo, "validate", "--no-cache")
    assert result.exit_code == 0  # a warning
    line = line_of(tmp_path, "printed_points: 66")
    assert f"rubrics/wujiang-units.yaml:{line}:" in result.output
    assert "XC421 [警告] 评估项目“整改任务落实”表头为66分，但各项分值合计61分" in result.output
    assert run_cli("--root", minimal_repo, "validate", "--no-cache", "--strict").exit_code == 1


def test_rule_points_are_exact_fractions() -> None:
    factors = builtin().rubrics["provincial-bureau"].item("7").formula.table  # type: ignore[union-attr]
    assert factors == {
        "好": 1,
        "较好": Fraction(4, 5),
        "一般": Fraction(3, 5),
        "较差": Fraction(2, 5),
        "差": 0,
    }

"""Deadline profiles as data: both seeds' profiles load, citations are verbatim, bad data is a finding."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from xuncha.pipeline import validate
from xuncha.rules.profiles import Event, Light, parse_profile, parse_selector
from xuncha.rules.ruledata import RULES_DIR, check_rules, load_rules
from xuncha.rules.workdays import Offset, Unit

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def profiles() -> Any:
    rules = load_rules(REPO)
    assert rules.findings == ()
    return rules.profiles


def offsets(profile: Any) -> dict[str, Offset | None]:
    return {rule.id: rule.offset for rule in profile.rules}


def test_wujiang_profile_has_every_seed_000_deadline(profiles: Any) -> None:
    wujiang = profiles["wujiang"]
    assert offsets(wujiang) == {
        "plan": Offset(1, Unit.MONTHS),
        "life-meeting-materials": Offset(1, Unit.MONTHS),
        "progress-report": Offset(3, Unit.MONTHS),
        "principal-report": Offset(3, Unit.MONTHS),
        "quarterly-progress": Offset(0, Unit.DAYS),
        "completion-report": Offset(1, Unit.YEARS),
        "clue-disposal-plan": Offset(1, Unit.MONTHS),
        "clue-quarter-status": Offset(0, Unit.DAYS),
        "urge-reply": None,  # the letter's own reply_by
        "petition-closed": None,
    }
    rules = {rule.id: rule for rule in wujiang.rules}
    assert rules["quarterly-progress"].every is not None and rules["quarterly-progress"].every.next_quarter
    assert (
        rules["clue-quarter-status"].every is not None and not rules["clue-quarter-status"].every.next_quarter
    )
    assert rules["clue-disposal-plan"].event is Event.ITEM
    assert "村" not in rules["life-meeting-materials"].unit_types
    assert wujiang.recipients[Light.RED] == ("责任人", "牵头领导", "单位党组织书记", "监督单位")
    assert wujiang.recipients[Light.GREEN] == ("责任人",)


def test_xinghai_profile_has_every_seed_003_deadline(profiles: Any) -> None:
    xinghai = profiles["xinghai"]
    assert offsets(xinghai) == {
        "leading-group-hearing": Offset(10, Unit.WORKDAYS),
        "standing-committee-hearing": Offset(1, Unit.MONTHS),
        "secretary-meeting-hearing": Offset(1, Unit.MONTHS),
        "report-to-prefecture": Offset(15, Unit.WORKDAYS),
        "feedback-drafted": Offset(5, Unit.WORKDAYS),
        "archive-handover": Offset(10, Unit.WORKDAYS),
        "plan": Offset(10, Unit.WORKDAYS),
        "progress-report": Offset(2, Unit.MONTHS),
        "principal-report": Offset(2, Unit.MONTHS),
    }
    rules = {rule.id: rule for rule in xinghai.rules}
    assert rules["feedback-drafted"].proceeding == "常委会听取汇报"
    assert rules["report-to-prefecture"].proceeding == "书记专题会听取汇报"
    assert rules["leading-group-hearing"].per_round and not rules["archive-handover"].per_round


@pytest.mark.parametrize(("profile", "seed"), [("wujiang", "000_"), ("xinghai", "003_")])
def test_citations_are_verbatim_from_the_seed(profiles: Any, profile: str, seed: str) -> None:
    found = sorted(SEEDS.glob(f"{seed}*.txt")) if SEEDS.is_dir() else []
    if not found:
        pytest.skip("seed documents not available")
    text = re.sub(r"\s+", "", found[0].read_text(encoding="utf-8"))
    quotes = [profiles[profile].problem_citation, *(rule.citation for rule in profiles[profile].rules)]
    for quote in quotes:
        assert re.sub(r"\s+", "", quote) in text, quote


def test_selectors_pick_by_index_condition_quarter_and_unit() -> None:
    data = {
        "reports": [
            {"kind": "季度进展", "period": "2025Q3", "submissions": [{"date": "2025-09-28"}]},
            {
                "kind": "季度进展",
                "period": "2025Q4",
                "submissions": [{"date": "2026-01-05"}, {"date": "2025-12-30"}],
            },
            {"kind": "办结报告", "submissions": [{"date": "2026-06-01"}]},
        ],
        "proceedings": [
            {"kind": "档案移交", "unit": "a", "date": "2025-11-25"},
            {"kind": "档案移交", "unit": "b", "date": "2025-11-20"},
        ],
    }
    quarterly = parse_selector("reports.reports[kind=季度进展,period={quarter}].submissions[0].date")
    assert (
        quarterly.first_date(data, quarter="2025Q4") == "2026-01-05"
    )  # the first submission, not the earliest
    assert quarterly.first_date(data, quarter="2026Q1") is None
    either = parse_selector("reports.reports[kind=办结报告|季度进展].submissions[0].date")
    assert either.first_date(data) == "2025-09-28"  # several match: the earliest
    archive = parse_selector("round.proceedings[kind=档案移交].date")
    assert archive.first_date(data, unit="a") == "2025-11-25"  # another unit's hand-over does not count
    assert archive.first_date(data) == "2025-11-20"
    assert (
        parse_selector("disposal_plan", relative=True).first_date({"disposal_plan": "2025-08-01"})
        == "2025-08-01"
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("planx.submissions[0].date", "记录类型"),
        ("plan", "缺少字段"),
        ("plan.submissions..date", "写法不对"),
        ("plan.submissions[kind].date", "条件"),
    ],
)
def test_bad_selectors_are_explained(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_selector(text)


def profile_data() -> dict[str, Any]:
    data = yaml.safe_load((RULES_DIR / "profiles" / "xinghai.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_semantic_problems_are_findings() -> None:
    data = profile_data()
    data["rules"][1]["id"] = data["rules"][0]["id"]
    data["rules"][3]["start"] = {"event": "巡后程序"}
    data["rules"][4]["done"] = "round.proceedings[kind].date"
    profile, findings = parse_profile("xinghai.yaml", data)
    assert profile is None
    assert [(f.code, f.path[:2]) for f in findings] == [
        ("XC601", ("rules", 1)),
        ("XC601", ("rules", 3)),
        ("XC601", ("rules", 4)),
    ]


def test_round_kinds_and_unit_types_restrict_a_rule() -> None:
    data = profile_data()
    data["rules"][6]["round_kinds"] = ["专项"]
    data["rules"][7]["unit_types"] = ["村", "社区"]
    profile, findings = parse_profile("xinghai.yaml", data)
    assert profile is not None and not findings
    plan, progress = profile.rules[6], profile.rules[7]
    assert not plan.applies("常规", "区镇") and plan.applies("专项", "区镇")
    assert progress.applies("常规", "村") and not progress.applies("常规", "区镇")


def copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def test_validate_reports_broken_rule_files_with_lines(tmp_path: Path, minimal_repo: Path) -> None:
    rules_dir = copy_rules(tmp_path)
    path = rules_dir / "profiles" / "xinghai.yaml"
    text = path.read_text(encoding="utf-8").replace("unit: 工作日}", "unit: 周}", 1)
    path.write_text(text, encoding="utf-8")
    (rules_dir / "profiles" / "other.yaml").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    index = validate(minimal_repo).index
    findings = check_rules(minimal_repo, index, load_rules(minimal_repo, rules_dir))
    bad_line = 1 + text.splitlines().index("    offset: {count: 10, unit: 周}")
    assert {(f.code, Path(f.file).name, f.line) for f in findings} >= {
        ("XC103", "xinghai.yaml", bad_line),
        ("XC103", "other.yaml", bad_line),
    }
    assert all(f.line > 0 for f in findings)


def test_profile_named_unlike_its_file_is_a_finding(tmp_path: Path, minimal_repo: Path) -> None:
    rules_dir = copy_rules(tmp_path)
    shutil.move(rules_dir / "profiles" / "xinghai.yaml", rules_dir / "profiles" / "haixing.yaml")
    rules = load_rules(minimal_repo, rules_dir)
    assert [(f.code, f.line) for f in rules.findings] == [("XC603", 6)]
    assert set(rules.profiles) == {"wujiang"}


def test_unknown_profiles_in_rounds_and_config_are_findings(minimal_repo: Path) -> None:
    round_file = minimal_repo / "rounds" / "2025-t-r1" / "round.yaml"
    round_file.write_text(round_file.read_text(encoding="utf-8") + "profile: nowhere\n", encoding="utf-8")
    (minimal_repo / "pyproject.toml").write_text('[tool.xuncha]\nprofile = "elsewhere"\n', encoding="utf-8")
    report = validate(minimal_repo)
    found = [(f.file, f.code, f.line) for f in report.findings if f.code == "XC604"]
    assert found == [("pyproject.toml", "XC604", 1), ("rounds/2025-t-r1/round.yaml", "XC604", 11)]
    assert report.failed


def test_known_profiles_pass_validate(minimal_repo: Path) -> None:
    (minimal_repo / "pyproject.toml").write_text('[tool.xuncha]\nprofile = "wujiang"\n', encoding="utf-8")
    assert validate(minimal_repo).findings == []

"""``xuncha codeowners``: who reviews what, from the responsibility matrix (seed 000 annex 1) as data."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from click.testing import Result

from gitrepo import edit, write
from xuncha.load.parse import load_bytes
from xuncha.review.owners import parse

Run = Callable[..., Result]
REPO = Path(__file__).resolve().parents[2]
OWNERS = REPO / "tools" / "xuncha" / "rules" / "data" / "owners.yaml"
TOWN = "id: t-town\nname: 测试镇\ntype: 区镇\njurisdiction: 测试区\nsupervisors: [区纪委监委第二监督检查室]\n"
VILLAGE = (
    "id: t-vill\nname: 测试村\ntype: 村\nparent: t-town\njurisdiction: 测试区\nsupervisors: [湖西镇纪委]\n"
)


@pytest.fixture
def repo(minimal_repo: Path) -> Path:
    """The minimal repository with real body names: an agency, a town and a village in one round."""
    edit(
        minimal_repo,
        "units/t-unit.yaml",
        "type: 区级机关\n",
        "type: 区级机关\nsupervisors: [区纪委监委派驻第三纪检监察组]\n",
    )
    write(minimal_repo, "units/t-town.yaml", TOWN)
    write(minimal_repo, "units/t-vill.yaml", VILLAGE)
    edit(minimal_repo, "rounds/2025-t-r1/round.yaml", "group: 第一巡察组", "group: 区委第一巡察组")
    units = "  - {unit: t-town, group: 区委第三巡察组}\n  - {unit: t-vill, group: 区委第三巡察组}\n"
    (minimal_repo / "rounds/2025-t-r1/round.yaml").write_text(
        (minimal_repo / "rounds/2025-t-r1/round.yaml").read_text(encoding="utf-8") + units, encoding="utf-8"
    )
    return minimal_repo


def generate(run_cli: Run, root: Path, flavour: str) -> list[str]:
    result = run_cli("--root", root, "codeowners", "--flavour", flavour)
    assert result.exit_code == 0, result.output
    return (root / f".{flavour}" / "CODEOWNERS").read_text(encoding="utf-8").splitlines()


def test_github_lines_follow_annex_1_per_unit_type(run_cli: Run, repo: Path) -> None:
    lines = generate(run_cli, repo, "github")
    unit, town, village = (
        "/rounds/2025-t-r1/t-unit/",
        "/rounds/2025-t-r1/t-town/",
        "/rounds/2025-t-r1/t-vill/",
    )
    # 区级机关: plan first checked by the resident discipline group, approved by the inspection group
    assert f"{unit}plan.yaml @chenghu/pz-3 @chenghu/xcz-1" in lines
    assert f"{unit}status/ @chenghu/pz-3" in lines
    # assessment led by the related supervision room, coordinated by the inspection office
    assert f"{unit}assessment.yaml @chenghu/jcs-3 @chenghu/xunchaban" in lines
    # 区镇: the supervision room supervises; 村: the town's discipline committee
    assert f"{town}reports.yaml @chenghu/jcs-2" in lines
    assert f"{village}plan.yaml @chenghu/hxz-jw @chenghu/xcz-3" in lines
    assert f"{village}assessment.yaml @chenghu/jcs-2 @chenghu/xunchaban" in lines
    assert f"{unit}notices/ @chenghu/xunchaban" in lines
    assert "# 2025-t-r1 测试区测试局（区级机关）" in lines


def test_gitlab_sections_require_every_step(run_cli: Run, repo: Path) -> None:
    lines = generate(run_cli, repo, "gitlab")
    first_check = lines[lines.index("[初审]") + 1 :]
    approval = lines[lines.index("[审核]") + 1 : lines.index("[协调]")]
    assert "/rounds/2025-t-r1/t-unit/plan.yaml @chenghu/pz-3" in first_check
    assert "/rounds/2025-t-r1/t-unit/plan.yaml @chenghu/xcz-1" in approval


def test_gitea_uses_escaped_regular_expressions(run_cli: Run, repo: Path) -> None:
    lines = generate(run_cli, repo, "gitea")
    assert "rounds/2025-t-r1/t-unit/plan\\\\.yaml @chenghu/pz-3 @chenghu/xcz-1" in lines
    assert "rounds/2025-t-r1/t-unit/status/.* @chenghu/pz-3" in lines
    assert "rounds/[^/]*/round\\\\.yaml @chenghu/xunchaban" in lines


def test_check_detects_a_stale_file(run_cli: Run, repo: Path) -> None:
    generate(run_cli, repo, "github")
    assert run_cli("--root", repo, "codeowners", "--check").exit_code == 0
    edit(repo, "units/t-unit.yaml", "区纪委监委派驻第三纪检监察组", "区纪委监委派驻第五纪检监察组")
    result = run_cli("--root", repo, "codeowners", "--check")
    assert result.exit_code == 1
    plan_line = generate_line(repo, "/rounds/2025-t-r1/t-unit/feedback.yaml") + 1
    assert (
        f".github/CODEOWNERS:{plan_line}:1: XC534 [错误] CODEOWNERS 已过期：从第 {plan_line} 行起"
        in result.output
    )
    assert "运行 xuncha codeowners --flavour github 重新生成" in result.output


def generate_line(root: Path, prefix: str) -> int:
    lines = (root / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(prefix))


def test_a_body_without_a_team_is_an_error(run_cli: Run, repo: Path) -> None:
    edit(repo, "units/t-unit.yaml", "区纪委监委派驻第三纪检监察组", "区纪委监委派驻第九纪检监察组")
    result = run_cli("--root", repo, "codeowners")
    assert result.exit_code == 1
    assert "XC531 [错误] 机构“区纪委监委派驻第九纪检监察组”没有对应的审核团队" in result.output


def test_a_unit_without_supervisors_falls_back_to_the_office_with_a_warning(run_cli: Run, repo: Path) -> None:
    edit(repo, "units/t-unit.yaml", "supervisors: [区纪委监委派驻第三纪检监察组]\n", "")
    result = run_cli("--root", repo, "codeowners")
    assert result.exit_code == 0
    assert (
        "XC532 [警告] 单位 t-unit 没有填写监督单位（supervisors），相关审核暂由区委巡察办负责"
        in result.output
    )
    assert "/rounds/2025-t-r1/t-unit/status/ @chenghu/xunchaban" in generate(run_cli, repo, "github")


def test_the_matrix_is_valid_data() -> None:
    schema = json.loads((REPO / "schemas" / "owners.schema.json").read_text(encoding="utf-8"))
    data = load_bytes("owners.yaml", OWNERS.read_bytes()).data
    jsonschema.Draft202012Validator(schema).validate(data)
    assert isinstance(data, dict)
    matrix, findings = parse("owners.yaml", data)
    assert findings == []
    assert set(matrix.by_type) == {"区级机关", "企事业单位", "区镇", "街道", "村", "社区"}


def test_a_unit_type_in_two_groups_is_reported() -> None:
    data = load_bytes("owners.yaml", OWNERS.read_bytes()).data
    assert isinstance(data, dict)
    data["matrix"][1]["types"].append("村")
    assert [f.code for f in parse("owners.yaml", data)[1]] == ["XC530"]

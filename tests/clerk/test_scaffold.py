"""``xuncha new``: the right path, a new ID, every required field, Chinese comments, flagged placeholders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from clerk_support import commit, only_changed, tree
from xuncha.clerk import scaffold
from xuncha.load.parse import load_bytes
from xuncha.model import fields, schemas
from xuncha.model.findings import Finding
from xuncha.pipeline import validate

Run = Callable[..., Result]


def _data(text: str | bytes) -> Any:
    """A record as the project reads it (dates stay text)."""
    return load_bytes("", text.encode() if isinstance(text, str) else text).data


JTJ = "rounds/2026-ch-r2/ch-jtj"
HYSQ = "rounds/2026-ch-r2/ch-dhjd-hysq"


def _findings(root: Path, file: str) -> list[Finding]:
    return [f for f in validate(root, [file], use_cache=False).findings if f.file == file]


# (command, file it writes, kind)
NEW = [
    (("unit", "ch-sjj"), "units/ch-sjj.yaml", "unit"),
    (("round", "2027-ch-r3"), "rounds/2027-ch-r3/round.yaml", "round"),
    (("feedback", "2026-ch-r2", "ch-jtj"), None, "feedback"),
    (("plan", "2026-ch-r2", "ch-dhjd-hysq"), f"{HYSQ}/plan.yaml", "plan"),
    (("progress", "2026-ch-r2/ch-jtj/P06.2"), f"{JTJ}/status/P06.2.yaml", "status"),
    (("extension", "2026-ch-r2/ch-jtj/P01.1"), f"{JTJ}/extensions.yaml", "extensions"),
    (("notice", "2026-ch-r2", "ch-jtj"), f"{JTJ}/notices/N2.yaml", "notice"),
]


@pytest.mark.parametrize(("args", "file", "kind"), NEW, ids=[a[0] for a, _, _ in NEW])
def test_new_writes_every_required_field_explained_and_flags_what_is_open(
    xuncha: Run, demo: Path, args: tuple[str, ...], file: str | None, kind: str
) -> None:
    if file is None:  # feedback: make room in a unit folder that has one
        file = f"{JTJ}/feedback.yaml"
        (demo / file).unlink()
    elif kind == "status":
        (demo / file).unlink()
    before = tree(demo)
    result = xuncha("new", *args)
    assert result.exit_code == 0, result.output
    only_changed(before, tree(demo), file)
    text = (demo / file).read_text(encoding="utf-8")
    data = _data(text)
    schema = schemas.load_schemas(demo / "schemas")[kind]
    assert set(schema["required"]) <= set(data)
    for key in data:  # every field carries its title as a comment above it
        assert f"# {schema['properties'][key]['title']}" in text.split(f"\n{key}:")[0].rsplit("\n", 2)[-1]
    found = _findings(demo, file)
    assert found, "the placeholders must fail validation"
    assert {f.code for f in found} == {"XC020"}
    assert all("尚未填写" in f.message and f.hint.startswith("把“待填写”换成实际内容。") for f in found)


def test_filling_the_placeholders_makes_the_record_valid(xuncha: Run, demo: Path) -> None:
    file = f"{JTJ}/status/P06.2.yaml"
    (demo / file).unlink()
    commit(demo, "P06.2 还没有进展")
    assert xuncha("new", "progress", "2026-ch-r2/ch-jtj/P06.2", "--date", "2026-11-20").exit_code == 0
    text = (demo / file).read_text(encoding="utf-8")
    assert text.count(f": {fields.PLACEHOLDER}\n") == 2  # note and by
    (demo / file).write_text(
        text.replace(f": {fields.PLACEHOLDER}\n", ": 质量安全监督站\n"), encoding="utf-8"
    )
    assert _findings(demo, file) == []
    review = xuncha("review")
    assert "P06.2：（无） → 整改中（2026-11-20）" in review.output
    assert review.exit_code == 0, review.output


def test_a_placeholder_in_a_date_is_reported_once_as_unfilled(demo: Path) -> None:
    file = f"{JTJ}/status/P03.2.yaml"
    path = demo / file
    path.write_text(
        path.read_text(encoding="utf-8").replace("date: 2026-08-12", "date: 待填写"), encoding="utf-8"
    )
    found = _findings(demo, file)
    assert [(f.code, f.line, f.message) for f in found] == [(("XC020", 5, "“log[1].date”尚未填写"))]
    assert "日期：状态变化的日期。" in found[0].hint


def test_a_placeholder_behind_a_yaml_escape_is_still_found(demo: Path) -> None:
    """validate skips the placeholder walk for texts without “待填写”, but not past an escape."""
    file = f"{JTJ}/status/P03.2.yaml"
    path = demo / file
    escaped = 'date: "\\u5f85\\u586b\\u5199"'
    path.write_text(path.read_text(encoding="utf-8").replace("date: 2026-08-12", escaped), encoding="utf-8")
    assert fields.PLACEHOLDER.encode() not in path.read_bytes()
    assert [(f.code, f.line) for f in _findings(demo, file)] == [("XC020", 5)]


def test_new_plan_has_one_entry_per_leaf_with_its_wording(xuncha: Run, demo: Path) -> None:
    assert xuncha("new", "plan", "2026-ch-r2", "ch-dhjd-hysq").exit_code == 0
    plan = _data((demo / HYSQ / "plan.yaml").read_text(encoding="utf-8"))
    feedback = validate(demo, [HYSQ]).index.folders[("2026-ch-r2", "ch-dhjd-hysq")]
    assert [e["problem"] for e in plan["entries"]] == [leaf.id for leaf in feedback.leaves()]
    text = (demo / HYSQ / "plan.yaml").read_text(encoding="utf-8")
    for leaf in feedback.leaves():
        assert f"  # {leaf.id} {leaf.wording}\n" in text
    again = xuncha("new", "plan", "2026-ch-r2", "ch-dhjd-hysq")
    assert again.exit_code == 1
    assert "XC716" in again.output


def test_list_records_get_the_next_id_and_never_a_deleted_one(xuncha: Run, demo: Path) -> None:
    file = f"{JTJ}/clues.yaml"
    assert (
        xuncha(
            "new", "clue", "2026-ch-r2", "ch-jtj", "--category", "了解关注类", "--received", "2026-07-20"
        ).exit_code
        == 0
    )
    clues = _data((demo / file).read_text(encoding="utf-8"))["clues"]
    assert [c["id"] for c in clues] == ["C01", "C02", "C03"]
    assert clues[-1] == {"id": "C03", "category": "了解关注类", "received": "2026-07-20"}
    commit(demo, "C03")
    text = (demo / file).read_text(encoding="utf-8")
    (demo / file).write_text(
        text[: text.index("  - id: C03")] + text[text.index("petitions:") :], encoding="utf-8"
    )
    commit(demo, "删除 C03")
    assert xuncha("new", "petition", "2026-ch-r2", "ch-jtj").exit_code == 0
    assert xuncha("new", "clue", "2026-ch-r2", "ch-jtj").exit_code == 0
    data = _data((demo / file).read_text(encoding="utf-8"))
    assert [c["id"] for c in data["clues"]] == ["C01", "C02", "C04"]
    assert [p["id"] for p in data["petitions"]] == ["XF01", "XF02"]


def test_a_deleted_notice_or_unit_id_is_not_reused(xuncha: Run, demo: Path) -> None:
    (demo / JTJ / "notices/N1.yaml").unlink()
    commit(demo, "删除 N1")
    assert xuncha("new", "notice", "2026-ch-r2", "ch-jtj").exit_code == 0
    assert (demo / JTJ / "notices/N1.yaml").exists() is False
    assert (
        "关于巡察整改进展情况的通报"
        in (demo / JTJ / "notices/N1.yaml").parent.joinpath("N2.yaml").read_text()
    )
    (demo / "units/ch-fgw.yaml").rename(demo / "units/ch-fgw.bak")
    refused = xuncha("new", "unit", "ch-fgw")
    assert refused.exit_code == 1
    assert "这个编号曾经使用过" in refused.output


def test_folder_commands_need_the_unit_in_the_round(xuncha: Run) -> None:
    result = xuncha("new", "report", "2026-ch-r2", "ch-fgw")
    assert result.exit_code == 2
    assert "轮次 2026-ch-r2 中没有单位 ch-fgw" in result.output


def test_scaffold_is_pure_and_uses_recommended_fields(demo: Path) -> None:
    loaded = schemas.load_schemas(demo / "schemas")
    data = scaffold.skeleton(
        loaded, "plan", {"round": "2026-ch-r2", "unit": "u", "entries": [{"problem": "P01"}]}
    )
    assert data["entries"] == [
        {
            "problem": "P01",
            "measures": ["待填写"],
            "lead_leader": "待填写",
            "lead_department": "待填写",
            "responsible_person": "待填写",
            "deadline": "待填写",
        }
    ]
    text = scaffold.render(loaded, "plan", data, {("entries", 0, "problem"): "P01 原文"})
    assert "  # P01 原文\n  # 问题：问题清单中末级条目的编号。\n  - problem: P01\n" in text


# --- a clerk at a terminal ---------------------------------------------------------------------


def _tmux() -> str:
    found = shutil.which("tmux")
    if found is None:
        pytest.skip("没有 tmux（apt-get install -y tmux），跳过终端交互测试")
    return found


def _wait(tmux: list[str], text: str, timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = subprocess.run(
            [*tmux, "capture-pane", "-p", "-t", "clerk"], capture_output=True, text=True
        ).stdout
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"终端上没有出现“{text}”：\n{screen}")


def test_new_progress_asks_in_chinese_at_a_terminal(demo: Path) -> None:
    tmux = [_tmux(), "-u", "-L", f"xuncha-test-{os.getpid()}"]
    file = demo / JTJ / "status/P06.2.yaml"
    file.unlink()
    xuncha = f"{sys.executable} -m xuncha --root {demo}"
    command = f"{xuncha} new progress 2026-ch-r2/ch-jtj/P06.2; echo 退出码=$?; sleep 30"
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", "clerk", "-x", "200", "-y", "50", command], check=True, env=env
    )
    try:
        for prompt, answer in (
            ("日期：状态变化的日期。（YYYY-MM-DD）", "2026-11-31"),  # not a date: asked again
            ("不是有效日期", "2026-11-20"),
            ("可选：未启动、整改中", ""),  # Enter keeps the default 整改中
            ("说明：本次进展说明。", "监理日志抽查办法已起草"),
            ("填报人：填报或销号的单位、部门。", "区交通工程质量安全监督站"),
            ("佐证文件路径（可留空）", ""),
        ):
            _wait(tmux, prompt)
            subprocess.run([*tmux, "send-keys", "-t", "clerk", answer, "Enter"], check=True)
        screen = _wait(tmux, "退出码=")
    finally:
        subprocess.run([*tmux, "kill-server"], check=False)
    assert "退出码=0" in screen
    assert f"已写入 {JTJ}/status/P06.2.yaml" in screen
    entry = _data(file.read_text(encoding="utf-8"))["log"][0]
    assert entry == {
        "date": "2026-11-20",
        "state": "整改中",
        "note": "监理日志抽查办法已起草",
        "by": "区交通工程质量安全监督站",
    }
    assert _findings(demo, f"{JTJ}/status/P06.2.yaml") == []

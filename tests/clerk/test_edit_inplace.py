"""In-place edits: progress, complete, extend, submit append what they must and leave every other byte."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result

from clerk_support import REPO, commit, inserted, only_changed, tree
from xuncha.clerk import roundtrip
from xuncha.load.parse import load_bytes
from xuncha.model.layout import place_of

Run = Callable[..., Result]


def _data(text: str | bytes) -> Any:
    """A record as the project reads it (dates stay text)."""
    return load_bytes("", text.encode() if isinstance(text, str) else text).data


JTJ = "rounds/2026-ch-r2/ch-jtj"


def _clean(xuncha: Run, root: Path, *paths: str) -> None:
    result = xuncha("validate", *(root / p for p in paths))
    assert result.exit_code == 0, result.output
    assert "0 个错误" in result.output


def test_the_longest_demo_record_of_each_kind_round_trips_byte_for_byte() -> None:
    """The writer's settings match the project's style: loading and dumping changes nothing."""
    longest: dict[str, Path] = {}
    for path in (p for top in ("units", "rounds") for p in (REPO / top).rglob("*.yaml")):
        place = place_of(path.relative_to(REPO).as_posix())
        if place is not None and path.stat().st_size > longest.get(place.kind, path).stat().st_size:
            longest[place.kind] = path
        elif place is not None:
            longest.setdefault(place.kind, path)
    assert len(longest) >= 10
    for path in longest.values():
        text = path.read_text(encoding="utf-8")
        assert roundtrip.edit(text, lambda data: None) == text, path


def test_progress_appends_one_entry_and_nothing_else(xuncha: Run, demo: Path) -> None:
    file = f"{JTJ}/status/P03.2.yaml"
    before = tree(demo)
    result = xuncha(
        "progress",
        "2026-ch-r2/ch-jtj/P03.2",
        "--date",
        "2026-11-20",
        "--note",
        "评标专家改为系统随机抽取：已上线",
        "--by",
        "建设管理科",
    )
    assert result.exit_code == 0, result.output
    after = tree(demo)
    only_changed(before, after, file)
    assert inserted(before[file], after[file]) == (
        "  - date: 2026-11-20\n    state: 整改中\n"
        "    note: 评标专家改为系统随机抽取：已上线\n    by: 建设管理科\n"
    )
    _clean(xuncha, demo, file)
    review = xuncha("review")
    assert review.exit_code == 0, review.output
    assert "P03.2：整改中 → 整改中（2026-11-20）；说明：评标专家改为系统随机抽取：已上线" in review.output


def test_complete_files_evidence_with_its_hash_and_validate_sees_a_replacement(
    xuncha: Run, demo: Path, tmp_path: Path
) -> None:
    source = tmp_path / "评标监督台账.pdf"
    source.write_bytes(b"%PDF-1.4 ledger\n")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    file = f"{JTJ}/status/P03.2.yaml"
    before = tree(demo)
    result = xuncha(
        "complete",
        "2026-ch-r2/ch-jtj/P03.2",
        "--date",
        "2026-11-22",
        "--evidence",
        source,
        "--by",
        "建设管理科",
    )
    assert result.exit_code == 0, result.output
    filed = f"{JTJ}/evidence/P03.2/评标监督台账.pdf"
    after = tree(demo)
    only_changed(before, after, file, filed)
    assert after[filed] == source.read_bytes()
    entry = _data(after[file])["log"][-1]
    assert entry["state"] == "已完成"
    assert entry["evidence"] == [
        {"title": "评标监督台账", "file": "evidence/P03.2/评标监督台账.pdf", "sha256": digest}
    ]
    _clean(xuncha, demo, file)
    assert "P03.2：整改中 → 已完成（2026-11-22）" in xuncha("review").output

    (demo / filed).write_bytes(b"%PDF-1.4 something else\n")
    replaced = xuncha("validate", demo / file)
    assert replaced.exit_code == 1
    line = after[file].decode().splitlines().index(f"        sha256: {digest}") + 1
    assert f"{file}:{line}:17: XC704" in replaced.output
    (demo / filed).unlink()
    assert "XC703" in xuncha("validate", demo / file).output


def test_lifecycle_refusal_writes_nothing_and_speaks_like_review(
    xuncha: Run, demo: Path, tmp_path: Path
) -> None:
    source = tmp_path / "x.pdf"
    source.write_bytes(b"%PDF")
    before = tree(demo)
    result = xuncha("complete", "2026-ch-r2/ch-jtj/P06.2", "--date", "2026-11-22", "--evidence", source)
    assert result.exit_code == 1
    assert "XC511" in result.output
    assert "P06.2：状态不能从“未启动”直接变为“已完成”" in result.output
    assert "未写入任何文件" in result.output
    assert tree(demo) == before


def test_reopening_a_closed_problem_needs_a_reason(xuncha: Run, demo: Path) -> None:
    args = ("progress", "2026-ch-r2/ch-jtj/P05", "--date", "2026-11-20", "--note", "抽查发现个别工地未公示")
    refused = xuncha(*args)
    assert refused.exit_code == 1
    assert "XC512" in refused.output
    assert xuncha(*args, "--reopen", "抽查发现未完成").exit_code == 0
    _clean(xuncha, demo, f"{JTJ}/status/P05.yaml")


def test_unknown_or_non_leaf_problem_is_refused(xuncha: Run) -> None:
    assert (
        "没有问题 P99"
        in xuncha("progress", "2026-ch-r2/ch-jtj/P99", "--date", "2026-11-20", "--note", "x").output
    )
    parent = xuncha("progress", "2026-ch-r2/ch-jtj/P02.2", "--date", "2026-11-20", "--note", "x")
    assert "请指定 P02.2.1、P02.2.2" in parent.output
    assert xuncha("progress", "P03.2", "--date", "2026-11-20", "--note", "x").exit_code == 2


def test_missing_option_is_a_usage_error_in_scripts(xuncha: Run) -> None:
    result = xuncha("progress", "2026-ch-r2/ch-jtj/P03.2", "--note", "x")
    assert result.exit_code == 2
    assert "缺少 --date" in result.output
    assert xuncha("progress", "2026-ch-r2/ch-jtj/P03.2", "--note", "x", "--date", "2026-11-31").exit_code == 2


def test_extend_appends_after_commented_items_and_leaves_the_plan(xuncha: Run, demo: Path) -> None:
    folder = "rounds/2025-ch-r1/ch-ctjt"
    file = f"{folder}/extensions.yaml"
    before = tree(demo)
    result = xuncha(
        "extend", "2025-ch-r1/ch-ctjt/P01.2", "--to", "2027-06-30", "--reason", "产权补办尚未完成。",
        "--requested", "2026-11-10", "--approved-by", "区委第二巡察组", "--approved", "2026-11-20",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    after = tree(demo)
    only_changed(before, after, file)
    assert inserted(before[file], after[file]) == (
        "  - id: E3\n    problem: P01.2\n    new_deadline: 2027-06-30\n    reason: 产权补办尚未完成。\n"
        "    requested: 2026-11-10\n    approved_by: 区委第二巡察组\n    approved: 2026-11-20\n"
    )
    _clean(xuncha, demo, file)
    assert "P01.2 延期 E3：整改时限 2026-12-31 → 2027-06-30" in xuncha("review").output


def test_extend_creates_the_file_with_comments(xuncha: Run, demo: Path) -> None:
    result = xuncha(
        "extend", "2026-ch-r2/ch-jtj/P01.1", "--to", "2027-03-31", "--reason", "冬季施工受限。",
        "--approved-by", "区委第一巡察组", "--approved", "2026-11-21",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (demo / JTJ / "extensions.yaml").read_text(encoding="utf-8")
    assert "  # 延期编号：例如 E1。\n  - id: E1\n" in text
    assert "待填写" not in text
    _clean(xuncha, demo, f"{JTJ}/extensions.yaml")


def test_submit_follows_a_return_and_refuses_otherwise(xuncha: Run, demo: Path) -> None:
    refused = xuncha("submit", "2026-ch-r2/ch-jtj/plan", "--date", "2026-11-22")
    assert refused.exit_code == 1
    assert "XC713" in refused.output
    assert "已经通过" in refused.output
    file = "rounds/2025-ch-r1/ch-hxz/reports.yaml"
    text = (demo / file).read_text(encoding="utf-8")
    returned = text.replace(
        "      - date: 2026-10-16\n        result: 通过\n        result_date: 2026-10-21\n"
        "        reviewer: 区纪委监委第二监督检查室\n",
        "",
    )
    (demo / file).write_text(returned, encoding="utf-8")
    commit(demo, "R6 退回")
    before = (demo / file).read_bytes()
    assert xuncha("submit", "2025-ch-r1/ch-hxz/R6", "--date", "2026-10-16").exit_code == 0
    assert inserted(before, (demo / file).read_bytes()) == "      - date: 2026-10-16\n"
    again = xuncha("submit", "2025-ch-r1/ch-hxz/R6", "--date", "2026-10-17")
    assert "还在审核中" in again.output


def test_placeholders_block_a_plan_submission(xuncha: Run, demo: Path) -> None:
    assert xuncha("new", "plan", "2026-ch-r2", "ch-dhjd-hysq").exit_code == 0
    result = xuncha("submit", "2026-ch-r2/ch-dhjd-hysq/plan", "--date", "2026-11-22")
    assert result.exit_code == 1
    assert "XC714" in result.output


STATUS = """\
# 手工写的文件：注释、引号和 CRLF 换行都要原样保留
round: 2026-ch-r2
unit: ch-jtj
problem: P03.2
log:
  - date: 2026-08-12
    state: "整改中"   # 行尾注释
    by: '建设管理科'

  # 这条注释介绍下面的 summary，新的进展不应插到它下面
summary: 评标专家抽取改为系统随机抽取。
"""


def test_hand_written_style_survives_and_comments_stay_with_their_key(xuncha: Run, demo: Path) -> None:
    file = f"{JTJ}/status/P03.2.yaml"
    (demo / file).write_bytes(STATUS.replace("\n", "\r\n").encode())
    before = (demo / file).read_bytes()
    result = xuncha("progress", "2026-ch-r2/ch-jtj/P03.2", "--date", "2026-11-20", "--note", "系统已上线")
    assert result.exit_code == 0, result.output
    after = (demo / file).read_bytes()
    assert inserted(before, after) == "  - date: 2026-11-20\r\n    state: 整改中\r\n    note: 系统已上线\r\n"
    assert after.decode().index("系统已上线") < after.decode().index("\r\n\r\n  # 这条注释")


def test_a_file_the_writer_cannot_preserve_is_refused(xuncha: Run, demo: Path) -> None:
    file = f"{JTJ}/status/P03.2.yaml"
    odd = "round: 2026-ch-r2\nunit: ch-jtj\nproblem: P03.2\nlog:\n- date: 2026-08-12\n  state: 整改中\n"
    (demo / file).write_text(odd, encoding="utf-8")
    result = xuncha("progress", "2026-ch-r2/ch-jtj/P03.2", "--date", "2026-11-20", "--note", "x")
    assert result.exit_code == 1
    assert "XC710" in result.output
    assert (demo / file).read_text(encoding="utf-8") == odd


def test_evidence_type_and_name_clash_are_refused(xuncha: Run, demo: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "台账.txt"
    wrong.write_text("x", encoding="utf-8")
    result = xuncha(
        "progress", "2026-ch-r2/ch-jtj/P03.2", "--date", "2026-11-20", "--note", "x", "--evidence", wrong
    )
    assert result.exit_code == 1
    assert "类型不允许" in result.output
    first = tmp_path / "a" / "台账.pdf"
    first.parent.mkdir()
    first.write_bytes(b"%PDF one")
    assert (
        xuncha(
            "progress", "2026-ch-r2/ch-jtj/P03.2", "--date", "2026-11-20", "--note", "x", "--evidence", first
        ).exit_code
        == 0
    )
    second = tmp_path / "台账.pdf"
    second.write_bytes(b"%PDF two")
    clash = xuncha(
        "progress", "2026-ch-r2/ch-jtj/P03.2", "--date", "2026-11-21", "--note", "y", "--evidence", second
    )
    assert clash.exit_code == 1
    assert "同名但内容不同" in clash.output
    assert (demo / JTJ / "evidence/P03.2/台账.pdf").read_bytes() == b"%PDF one"


def test_evidence_size_limit_comes_from_pyproject(xuncha: Run, demo: Path, tmp_path: Path) -> None:
    pyproject = demo / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert "\nevidence_max_mb = 20\n" in text  # the documented default
    pyproject.write_text(
        text.replace("\nevidence_max_mb = 20\n", "\nevidence_max_mb = 0.001\n"), encoding="utf-8"
    )
    big = tmp_path / "照片.png"
    big.write_bytes(b"\0" * 2048)
    result = xuncha(
        "progress", "2026-ch-r2/ch-jtj/P03.2", "--date", "2026-11-20", "--note", "x", "--evidence", big
    )
    assert result.exit_code == 1
    assert "超过大小上限" in result.output


def test_what_validate_would_reject_is_refused_before_writing(xuncha: Run, demo: Path) -> None:
    before = tree(demo)
    early = xuncha("progress", "2026-ch-r2/ch-jtj/P03.2", "--date", "2026-07-01", "--note", "x")
    assert early.exit_code == 1
    assert "XC303 [错误] 日期 2026-07-01 早于反馈日期 2026-07-14" in early.output
    assert "XC304" in early.output
    assert tree(demo) == before


def test_validate_checks_where_evidence_is_filed_and_its_type(xuncha: Run, demo: Path) -> None:
    file = f"{JTJ}/status/P01.2.yaml"
    path = demo / file
    text = path.read_text(encoding="utf-8")
    assert "file: evidence/P01.2/前期工作管理规定.pdf" in text
    path.write_text(
        text.replace("evidence/P01.2/前期工作管理规定.pdf", "../前期工作管理规定.pdf"), encoding="utf-8"
    )
    assert "XC702" in xuncha("validate", path).output
    path.write_text(text.replace("前期工作管理规定.pdf", "前期工作管理规定.txt"), encoding="utf-8")
    assert "XC701" in xuncha("validate", path).output
    path.write_text(
        text.replace("evidence/P01.2/前期工作管理规定.pdf", "http://oa.example.cn/doc/1"), encoding="utf-8"
    )
    _clean(xuncha, demo, file)

"""Loader hygiene (XC001–XC012): every hazard of a hand-edited file is a finding with its line.

First on ``load_bytes`` directly (pure, fast), then through the CLI on a copy of the
minimal repository, breaking ``units/t-town.yaml`` (a unit nothing else refers to,
so the hazard is the only thing that can be reported).
"""

from __future__ import annotations

import json
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from yaml.resolver import BaseResolver

from xuncha.load.parse import BOM, load_bytes
from xuncha.load.yamlsafe import RESOLVERS, compose
from xuncha.model.findings import Finding

TOWN = "units/t-town.yaml"
VALID_TOWN = "id: t-town\nname: 测试镇\ntype: 区镇\njurisdiction: 测试区\n"


def only(text: str | bytes) -> Finding:
    """The single finding for ``text``; fails when there are none or several."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    findings = load_bytes(TOWN, raw).findings
    assert len(findings) == 1, findings
    return findings[0]


def yaml_text(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# --- encoding and bytes -------------------------------------------------------------------


def test_xc001_gbk_file_is_named_as_gbk() -> None:
    found = only("id: t-town\nname: 测试镇\n".encode("gbk"))
    assert (found.code, found.line) == ("XC001", 2)
    assert "UTF-8" in found.message and "GBK" in found.message


def test_xc001_undecodable_bytes_without_gbk_guess() -> None:
    found = only(b"id: t-town\nname: \xff\xfe\xff\n")
    assert (found.code, found.line) == ("XC001", 2)
    assert "GBK" not in found.message


def test_xc002_bom_is_reported_but_the_record_is_still_read() -> None:
    loaded = load_bytes(TOWN, BOM + VALID_TOWN.encode("utf-8"))
    assert [(f.code, f.line, f.column) for f in loaded.findings] == [("XC002", 1, 1)]
    assert "BOM" in loaded.findings[0].message
    assert loaded.data == {"id": "t-town", "name": "测试镇", "type": "区镇", "jurisdiction": "测试区"}


def test_xc003_nul_byte_reports_its_line() -> None:
    found = only(b"id: t-town\nname: \xe6\xb5\x8b\x00\njurisdiction: x\n")
    assert (found.code, found.line) == ("XC003", 2)
    assert "0x00" in found.message


@pytest.mark.parametrize("byte", range(256))
def test_xc003_every_control_byte_and_no_other(byte: int) -> None:
    """Control characters other than tab, newline and carriage return; everything else passes."""
    loaded = load_bytes(TOWN, VALID_TOWN.encode().replace(b"\nname", bytes([b"\n"[0], byte]) + b"name", 1))
    control = (byte < 0x20 and byte not in b"\t\n\r") or byte == 0x7F
    assert ("XC003" in [f.code for f in loaded.findings]) == control


def test_xc003_binary_file() -> None:
    found = only(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert found.code == "XC003"
    assert "二进制" in found.message


@pytest.mark.parametrize(
    "text", ["", "\n\n", "# 只有注释\n# 还没有填写内容\n"], ids=["empty", "blank", "comments"]
)
def test_xc004_empty_or_comment_only_file(text: str) -> None:
    found = only(text)
    assert (found.code, found.line) == ("XC004", 1)
    assert "空" in found.message


def test_xc005_tab_indentation_points_at_the_tab() -> None:
    found = only("id: t-town\ncontact:\n\tphone: 0512-1\n")
    assert (found.code, found.line, found.column) == ("XC005", 3, 1)
    assert "Tab" in found.message


def test_xc005_tab_after_spaces() -> None:
    found = only("id: t-town\ncontact:\n  phone: 1\n  \temail: a@b.cn\n")
    assert (found.code, found.line, found.column) == ("XC005", 4, 3)


# --- syntax -------------------------------------------------------------------------------

SYNTAX_MISTAKES = {
    # name: (text, line, column, phrase in the message)
    "colon-in-value": ("id: t-town\nnote: 时间: 6月\n", 2, 9, "冒号"),
    "unclosed-double-quote": ('id: t-town\nname: "测试镇\ntype: 区镇\n', 2, 7, "引号"),
    "unclosed-single-quote": ("id: t-town\nname: '测试镇\ntype: 区镇\n", 2, 7, "引号"),
    "missing-space-after-colon": ("id: t-town\nname:测试镇\ntype: 区镇\n", 2, 1, "冒号"),
    "list-item-misaligned": ("units:\n  - unit: a\n - unit: b\n", 3, 2, "缩进"),
    "key-dedented-too-far": ("id: t-town\ncontact:\n  phone: 1\n junk\n", 4, 2, "缩进"),
    "key-in-list-without-dash": ("measures:\n  - 一\n  二: 1\n", 3, 3, "列表"),
    "unclosed-bracket": ("id: t-town\nmeasures: [一, 二\ntype: 区镇\n", 2, 11, "括号"),
    "two-documents": ("id: t-town\n---\nid: t-unit\n", 2, 1, "---"),
    "undefined-alias": ("id: t-town\nname: *town\n", 2, 7, "别名"),
}


@pytest.mark.parametrize(("text", "line", "column", "phrase"), SYNTAX_MISTAKES.values(), ids=SYNTAX_MISTAKES)
def test_xc006_syntax_error_has_line_and_chinese_message(
    text: str, line: int, column: int, phrase: str
) -> None:
    found = only(text)
    assert (found.code, found.line, found.column) == ("XC006", line, column)
    assert found.message.startswith("YAML 语法错误")
    assert phrase in found.message + found.hint
    assert found.hint


def test_xc007_duplicate_key_points_at_the_second_key() -> None:
    found = only("id: t-town\nname: 测试镇\ntype: 区镇\nname: 另一个\n")
    assert (found.code, found.line, found.column) == ("XC007", 4, 1)
    assert "重复" in found.message and "name" in found.message


def test_xc007_every_duplicate_is_reported() -> None:
    text = "id: t-town\ncontact:\n  phone: 1\n  phone: 2\nid: t-town\n"
    findings = load_bytes(TOWN, text.encode()).findings
    assert [(f.code, f.line, f.column) for f in findings] == [("XC007", 4, 3), ("XC007", 5, 1)]


# --- unsafe and oversized YAML --------------------------------------------------------------


def python_tag(marker: Path) -> str:
    """A document that would create ``marker`` if any YAML constructor ever ran it."""
    return f'id: t-town\nname: !!python/object/apply:os.system ["touch {marker}"]\n'


def test_xc008_python_tag_is_refused_and_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    loaded = load_bytes(TOWN, python_tag(marker).encode())
    assert [(f.code, f.line, f.column) for f in loaded.findings] == [("XC008", 2, 7)]
    assert "python/object/apply:os.system" in loaded.findings[0].message
    assert loaded.data is None
    assert not marker.exists()


@pytest.mark.parametrize(
    "text",
    [
        "id: !!python/name:os.system x\n",
        "id: !!binary aGVsbG8=\n",
        "id: !!set {a, b}\n",
        "id: !custom x\n",
    ],
    ids=["python-name", "binary", "set", "local-tag"],
)
def test_xc008_other_tags_are_refused(text: str) -> None:
    found = only(text)
    assert (found.code, found.line) == ("XC008", 1)


def test_xc008_merge_key_is_refused() -> None:
    text = "base: &base\n  phone: 1\ncontact:\n  <<: *base\n  email: a@b.cn\n"
    found = only(text)
    assert (found.code, found.line, found.column) == ("XC008", 4, 3)
    assert "<<" in found.message


def test_xc009_billion_laughs_is_stopped_quickly() -> None:
    lines = ['a0: &a0 ["哈"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    started = time.perf_counter()
    loaded = load_bytes(TOWN, "\n".join(lines).encode())
    assert time.perf_counter() - started < 2
    assert [f.code for f in loaded.findings] == ["XC009"]
    assert loaded.findings[0].line > 1
    assert "别名" in loaded.findings[0].message
    assert loaded.data is None


def test_a_few_aliases_are_fine() -> None:
    loaded = load_bytes(TOWN, b"a: &x [1, 2]\nb: *x\n")
    assert loaded.findings == ()
    assert loaded.data == {"a": [1, 2], "b": [1, 2]}


@pytest.mark.parametrize(
    "text", ["- id: t-town\n- id: t-unit\n", "测试镇\n", "42\n"], ids=["list", "text", "number"]
)
def test_xc010_top_level_must_be_a_mapping(text: str) -> None:
    found = only(text)
    assert (found.code, found.line) == ("XC010", 1)
    assert "映射" in found.message


def test_dates_stay_text() -> None:
    loaded = load_bytes(TOWN, b"date: 2025-06-16\n")
    assert loaded.data == {"date": "2025-06-16"}


# --- through the CLI, on a repository ---------------------------------------------------------

CLI_HAZARDS = {
    # name: (bytes written to units/t-town.yaml, code, line)
    "XC001-gbk": (VALID_TOWN.encode("gbk"), "XC001", 2),
    "XC002-bom": (BOM + VALID_TOWN.encode(), "XC002", 1),
    "XC003-nul": (VALID_TOWN.encode().replace(b"\xe9\x95\x87", b"\x00"), "XC003", 2),
    "XC004-comments": ("# 测试镇\n".encode(), "XC004", 1),
    "XC005-tab": (b"id: t-town\ncontact:\n\tphone: '1'\n", "XC005", 3),
    "XC006-syntax": (VALID_TOWN.replace("name: ", "name:").encode(), "XC006", 2),
    "XC007-duplicate": ((VALID_TOWN + "type: 街道\n").encode(), "XC007", 5),
    "XC008-merge": (b"x: &x {id: t-town}\n<<: *x\n", "XC008", 2),
    "XC010-list": (b"- id: t-town\n", "XC010", 1),
}


def json_findings(result: Result) -> list[dict[str, object]]:
    findings = json.loads(result.stdout)
    assert isinstance(findings, list)
    return findings


@pytest.mark.parametrize(("raw", "code", "line"), CLI_HAZARDS.values(), ids=CLI_HAZARDS)
def test_cli_reports_each_hazard(
    minimal_repo: Path, run_cli: Callable[..., Result], raw: bytes, code: str, line: int
) -> None:
    (minimal_repo / TOWN).write_bytes(raw)
    result = run_cli("--root", minimal_repo, "validate", "--no-cache", "--format", "json")
    findings = json_findings(result)
    assert [(f["file"], f["code"], f["line"]) for f in findings] == [(TOWN, code, line)]
    assert result.exit_code == 1


def test_cli_python_tag_never_runs(
    minimal_repo: Path, run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    (minimal_repo / TOWN).write_text(python_tag(marker), encoding="utf-8")
    result = run_cli("--root", minimal_repo, "validate", "--no-cache")
    assert result.exit_code == 1
    assert f"{TOWN}:2:7: XC008" in result.stdout
    assert not marker.exists()


def test_cli_billion_laughs_finishes(minimal_repo: Path, run_cli: Callable[..., Result]) -> None:
    lines = ["a0: &a0 [哈]"] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    (minimal_repo / TOWN).write_text("\n".join(lines), encoding="utf-8")
    started = time.perf_counter()
    result = run_cli("--root", minimal_repo, "validate", "--no-cache", "--format", "json")
    assert time.perf_counter() - started < 5
    assert {f["code"] for f in json_findings(result)} == {"XC009"}
    assert result.exit_code == 1


def test_xc011_yaml_in_an_unknown_place_is_a_warning(
    minimal_repo: Path, run_cli: Callable[..., Result]
) -> None:
    draft = minimal_repo / "rounds" / "2025-t-r1" / "t-unit" / "草稿.yaml"
    draft.write_text(yaml_text("# 还没想好放哪里\nnote: 草稿\n"), encoding="utf-8")
    result = run_cli("--root", minimal_repo, "validate", "--no-cache", "--format", "json")
    findings = json_findings(result)
    assert [(f["file"], f["code"], f["line"], f["severity"]) for f in findings] == [
        ("rounds/2025-t-r1/t-unit/草稿.yaml", "XC011", 1, "warning")
    ]
    assert "不认识的文件位置" in str(findings[0]["message"])
    assert result.exit_code == 0


def test_xc011_warning_fails_with_strict(minimal_repo: Path, run_cli: Callable[..., Result]) -> None:
    (minimal_repo / "units" / "草稿").mkdir()
    (minimal_repo / "units" / "草稿" / "x.yaml").write_text("note: 草稿\n", encoding="utf-8")
    assert run_cli("--root", minimal_repo, "validate", "--no-cache").exit_code == 0
    assert run_cli("--root", minimal_repo, "validate", "--no-cache", "--strict").exit_code == 1


def test_xc012_yml_extension(minimal_repo: Path, run_cli: Callable[..., Result]) -> None:
    town = minimal_repo / TOWN
    town.rename(town.with_suffix(".yml"))
    result = run_cli("--root", minimal_repo, "validate", "--no-cache", "--format", "json")
    findings = json_findings(result)
    assert [(f["file"], f["code"], f["line"]) for f in findings] == [("units/t-town.yml", "XC012", 1)]
    assert ".yaml" in str(findings[0]["message"])
    assert result.exit_code == 1


RESOLVED = (
    "", "~", "null", "Null", "NULL", "nULL", "nul", "nothing", "note", "yes", "Yes", "YES", "yEs", "y", "n",
    "no", "No", "NO", "on", "On", "ON", "oN", "off", "Off", "OFF", "true", "True", "TRUE", "tRUE", "false",
    "False", "FALSE", "t", "f", "o", "title", "type", "状态", "0", "0512", "1_000", "-1", "+1", ".5", ".inf",
    "-.inf", ".NaN", "1e3", "6.8523015e+5", "0x1F", "0o17", "0b101", "2025-07-01", "=", "<<", "<", "12:30:00",
    "190:20:30", "2025-07-01 10:00", "12-34", "0-1", "1.0e-5", "1.5E-3", "6.8523015e-5x", "1e-5", "2e-", "9-",
    "1.0e+5-1", "3-e5", "１２", "0x1F-2",
)  # fmt: skip


class Reference(BaseResolver):
    """PyYAML's own resolution over the same table."""

    yaml_implicit_resolvers = RESOLVERS


def test_the_table_has_no_timestamps() -> None:
    tags = {tag for resolvers in RESOLVERS.values() for tag, _ in resolvers}
    assert "tag:yaml.org,2002:timestamp" not in tags and "tag:yaml.org,2002:int" in tags


@pytest.mark.parametrize("value", RESOLVED)
def test_scalars_resolve_as_pyyaml_resolves_them_without_timestamps(value: str) -> None:
    for text, implicit in ((f"v: {value}", (True, False)), (f"v: '{value}'", (False, True))):
        node = compose(text)
        assert isinstance(node, yaml.MappingNode)
        expected = Reference().resolve(yaml.ScalarNode, value, implicit)  # type: ignore[no-untyped-call]
        assert node.value[0][1].tag == expected, text


def test_collections_take_the_default_tags() -> None:
    node = compose("m: {a: 1}\ns: [1]\n")
    assert isinstance(node, yaml.MappingNode)
    assert [value.tag for _, value in node.value] == ["tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"]


def test_a_collection_tagged_as_a_string_is_refused_as_before() -> None:
    loaded = load_bytes("x.yaml", b"a: !!str {b: 1}\nc: !!str [1]\n")
    assert [f.code for f in loaded.findings] == ["XC008", "XC008"]

"""The JSON Schemas: compiled once per process, errors turned into Chinese findings."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from xuncha.model.fields import PLACEHOLDER, describe, placeholders, resolve, words
from xuncha.model.findings import Finding, at

SCHEMA_DIR_NAME = "schemas"


def schema_dir(root: Path) -> Path:
    """Schemas live in the repository (``schemas/``) so clerks' editors see the same files."""
    return root / SCHEMA_DIR_NAME


@cache
def load_schemas(directory: Path) -> dict[str, dict[str, Any]]:
    """Every ``<kind>.schema.json`` in ``directory``, by kind."""
    return {
        path.name.removesuffix(".schema.json"): json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(directory.glob("*.schema.json"))
    }


SCHEMA_URI = "file:///xuncha/schemas/{}"


@cache
def _registry(directory: Path) -> tuple[Any, dict[str, dict[str, Any]]]:
    """One registry of every schema in ``directory``, and the schemas as registered.

    Schema files carry no ``$id``: editors then resolve ``common.schema.json#…``
    next to the file, offline; here each schema is registered under a local URI.
    """
    import jsonschema_rs  # 0.01–0.02 s: only when a record is checked, not for the schemas' words

    schemas = {
        kind: {k: v for k, v in s.items() if k != "$id"} for kind, s in load_schemas(directory).items()
    }
    registry = jsonschema_rs.Registry([(_uri(kind), schema) for kind, schema in schemas.items()])
    return registry, schemas


def _uri(kind: str) -> str:
    return SCHEMA_URI.format(f"{kind}.schema.json")


@cache
def validator(directory: Path, kind: str) -> Any:
    """The compiled Draft 2020-12 validator of one record kind, compiled when first asked for:
    a process checks a few of the kinds (the rubrics only ``rubric``)."""
    import jsonschema_rs

    registry, schemas = _registry(directory)
    return jsonschema_rs.validator_for(
        schemas[kind], registry=registry, validate_formats=True, base_uri=_uri(kind)
    )


def compile_all(directory: Path) -> None:
    """Every kind's validator, compiled now: done before forking workers, they share them instead
    of each importing jsonschema_rs and compiling its own."""
    for kind in load_schemas(directory):
        validator(directory, kind)


def check(directory: Path, kind: str, file: str, data: object, *, unfilled: bool = True) -> list[Finding]:
    """Schema findings for one record, plus XC020 for each “待填写” left; empty when valid.

    ``unfilled=False``: the caller saw that the text cannot hold the placeholder, so the
    data is not walked for it (a tenth of parsing time).
    """
    compiled = validator(directory, kind)
    blanks = [_unfilled(directory, kind, file, path) for path in placeholders(data)] if unfilled else []
    if compiled.is_valid(data):
        return blanks
    findings = [_finding(file, error, pattern_help(directory)) for error in _leaf_errors(compiled, data)]
    dated = {f.path for f in findings if f.code in ("XC110", "XC111")}
    findings = [f for f in findings if not (f.code == "XC104" and f.path in dated)]
    blank_paths = {f.path for f in blanks}  # “待填写” in a date or choice is unfilled, not a bad value
    findings = [f for f in findings if f.path not in blank_paths]
    return blanks + list(dict.fromkeys(findings))  # pattern and format may both reject one date


def _unfilled(directory: Path, kind: str, file: str, path: tuple[str | int, ...]) -> Finding:
    """XC020: a scaffolded field still holds the placeholder; the hint is the schema's own words."""
    title, description = describe(load_schemas(directory), kind, path)
    return at(
        file,
        "XC020",
        f"{_where(path)}尚未填写",
        f"把“{PLACEHOLDER}”换成实际内容。{words(title, description)}",
        path=path,
    )


def _leaf_errors(validator: Any, data: object) -> Iterator[Any]:
    """Drop the vague anyOf wrapper when something more precise was reported."""
    errors = list(validator.iter_errors(data))
    precise = [e for e in errors if type(e.kind).__name__ != "AnyOf"]
    yield from precise or errors


_DATE_LIKE = re.compile(r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?$")


@cache
def pattern_help(directory: Path) -> dict[str, str]:
    """Each ``pattern`` used by the schemas → the Chinese description written beside it."""
    helps: dict[str, str] = {}

    def visit(node: object) -> None:
        if isinstance(node, dict):
            if "pattern" in node and "description" in node:
                helps.setdefault(node["pattern"], node["description"])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(load_schemas(directory))
    return helps


def _finding(file: str, error: Any, helps: dict[str, str]) -> Finding:
    path = tuple(error.instance_path)
    kind = type(error.kind).__name__
    where = _where(path)
    code, message, hint = _translate(kind, error, where)
    if code == "XC104":
        hint = helps.get(getattr(error.kind, "pattern", ""), hint)
    if code == "XC105":  # locate the stray key itself, not the top of the mapping holding it
        path = (*path, error.kind.unexpected[0])
    return at(file, code, message, hint, path=path)


def _where(path: tuple[str | int, ...]) -> str:
    text = "".join(f"[{p + 1}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    return f"“{text}”" if text else "文件顶层"


def _translate(kind: str, error: Any, where: str) -> tuple[str, str, str]:
    value = error.instance
    if kind == "Required":
        name = error.kind.property
        return "XC101", f"{where}缺少必填字段“{name}”", f"补上 `{name}:` 及其内容（编辑器悬停可看字段说明）。"
    if kind == "AdditionalProperties":
        names = "、".join(error.kind.unexpected)
        return (
            "XC105",
            f"{where}出现未定义的字段：{names}",
            "检查拼写（键用英文小写加下划线），或删除该字段。",
        )
    if kind == "Type":
        return _type_message(value, where, error)
    if kind == "Enum":
        options = "、".join(str(o) for o in error.kind.options)
        return "XC103", f"{where}的值“{value}”不在可选范围内", f"可选值：{options}。"
    if kind in ("Pattern", "Format"):
        return _pattern_message(value, where, error)
    if kind == "Constant":
        return (
            "XC106",
            f"{where}必须为 {json.dumps(error.kind.expected_value, ensure_ascii=False)}",
            "逐项确认后填写 true。",
        )
    if kind == "MaxLength":
        return (
            "XC107",
            f"{where}过长（{len(str(value))} 字，上限 {error.kind.limit} 字）",
            "这里只写标题或要点；长篇材料（全文、清单、说明）另存为 PDF 等文件，"
            "放在 evidence/<问题编号>/ 下作为佐证材料登记。",
        )
    if kind in ("MinItems", "MinLength"):
        return "XC106", f"{where}不能为空", "至少填写一项内容。"
    return "XC106", f"{where}不符合要求：{error.message}", "对照字段说明修改。"


def _type_message(value: object, where: str, error: Any) -> tuple[str, str, str]:
    expected = str(error.kind.types)
    if "string" in expected and isinstance(value, int | float) and not isinstance(value, bool):
        return "XC102", f"{where}应为文本，实际是数字 {value}", f'给值加上引号，例如 "{value}"。'
    if "string" in expected and value is None:
        return "XC102", f"{where}是空值", "填写内容，或删除这一行。"
    names = {
        "string": "文本",
        "integer": "整数",
        "number": "数字",
        "boolean": "true/false",
        "array": "列表（每项以 “- ” 开头）",
        "object": "映射（键: 值）",
    }
    wanted = "或".join(name for key, name in names.items() if key in expected)
    return "XC102", f"{where}的类型不对，应为{wanted}", "对照字段说明修改。"


def _pattern_message(value: object, where: str, error: Any) -> tuple[str, str, str]:
    text = str(value)
    if _DATE_LIKE.match(text) or "date" in str(getattr(error.kind, "format", "")):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return "XC111", f"{where}的日期 {text} 不存在", "检查月份和日期（例如 2 月没有 30 日）。"
        return (
            "XC110",
            f"{where}的日期“{text}”格式不对",
            "日期写作 YYYY-MM-DD，月、日补足两位，例如 2024-06-07。",
        )
    return (
        "XC104",
        f"{where}的值“{text}”格式不对",
        f"应符合格式 {getattr(error.kind, 'pattern', '')}（见字段说明）。",
    )


def public_fields(directory: Path) -> dict[str, set[tuple[str, ...]]]:
    """Per kind, the property paths marked ``x-public: true`` (the public build's allow-list)."""
    return marked_fields(directory, ("x-public",))


def exportable_fields(directory: Path) -> dict[str, set[tuple[str, ...]]]:
    """Per kind, the paths a snapshot for the city and province may carry (``xuncha export-parquet``):
    everything public, and what ``x-export: true`` adds for superiors (report dates, problem flags).
    Clues and petitions carry neither marker: they never leave the county."""
    return marked_fields(directory, ("x-public", "x-export"))


def marked_fields(directory: Path, markers: tuple[str, ...]) -> dict[str, set[tuple[str, ...]]]:
    """Per kind, the property paths carrying any of ``markers`` as true, under marked parents only."""
    schemas = load_schemas(directory)
    common = schemas.get("common", {}).get("$defs", {})
    return {
        kind: set(_marked_paths(schema, common, (), markers))
        for kind, schema in schemas.items()
        if kind != "common"
    }


def _marked_paths(
    node: dict[str, Any], common: dict[str, Any], prefix: tuple[str, ...], markers: tuple[str, ...]
) -> Iterator[tuple[str, ...]]:
    node = _deref(node, common)
    for name, prop in node.get("properties", {}).items():
        if any(prop.get(marker) is True for marker in markers):
            yield (*prefix, name)
            yield from _marked_paths(prop, common, (*prefix, name), markers)
    items = node.get("items")
    if isinstance(items, dict):
        yield from _marked_paths(items, common, prefix, markers)


def _deref(node: dict[str, Any], common: dict[str, Any]) -> dict[str, Any]:
    return resolve(node, common)

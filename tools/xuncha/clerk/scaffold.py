"""New records from the schemas: every required field present, each explained in a Chinese comment.

What the clerk did not say becomes ``待填写`` (:data:`xuncha.model.fields.PLACEHOLDER`),
which ``validate`` reports (XC020) until it is replaced. Pure: schemas and the
known values in, YAML text out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from xuncha.clerk import roundtrip
from xuncha.model.fields import (
    PLACEHOLDER,
    DataPath,
    Schema,
    common_defs,
    describe,
    placeholders,
    resolve,
    words,
)

STAR = "*"
# Optional in the schema, but a record is not complete without them (the rubric deducts, the
# reviewer asks): scaffolded like required fields. Paths use "*" for any list item.
RECOMMENDED: dict[str, frozenset[tuple[str, ...]]] = {
    "round": frozenset({("units", STAR, "feedback_date")}),
    "feedback": frozenset({("aspects", STAR, "problems", STAR, "text")}),
    "plan": frozenset(
        {
            ("collectively_studied",),
            *(("entries", STAR, name) for name in ("lead_leader", "lead_department", "responsible_person")),
            ("entries", STAR, "deadline"),
        }
    ),
    "status": frozenset({("log", STAR, "note"), ("log", STAR, "by")}),
    "extensions": frozenset({("extensions", STAR, "requested")}),
}


def skeleton(schemas: Mapping[str, Schema], kind: str, given: Mapping[str, object]) -> dict[str, Any]:
    """The data of a new ``kind`` record: ``given`` values, placeholders for the rest that is needed."""
    filler = _Filler(common_defs(schemas), RECOMMENDED.get(kind, frozenset()))
    data = filler.fill(schemas[kind], given, ())
    assert isinstance(data, dict)
    return data


class _Filler:
    def __init__(self, common: Mapping[str, Schema], recommended: frozenset[tuple[str, ...]]) -> None:
        self.common = common
        self.recommended = recommended

    def fill(self, node: Schema, given: object, pattern: tuple[str, ...]) -> object:
        node = resolve(node, self.common)
        if "properties" in node:
            known = given if isinstance(given, Mapping) else {}
            required = set(node.get("required", []))
            return {
                name: self.fill(prop, known.get(name), (*pattern, name))
                for name, prop in node["properties"].items()
                if name in known or name in required or (*pattern, name) in self.recommended
            }
        if node.get("type") == "array":
            items = given if isinstance(given, list) else [None]
            return [self.fill(node.get("items", {}), item, (*pattern, STAR)) for item in items]
        return PLACEHOLDER if given is None else given


def render(
    schemas: Mapping[str, Schema], kind: str, data: Mapping[str, object], notes: Mapping[DataPath, str] = {}
) -> str:
    """YAML text for ``data`` with a header and, above each field's first use, its title and description.

    ``notes`` adds comments above given keys (e.g. the problem's wording above its plan entry).
    """
    text = roundtrip.dump(_commented(roundtrip.plain(data)))
    lines = text.splitlines(True)
    above: dict[int, list[str]] = defaultdict(list)
    seen: set[tuple[str, ...]] = set()
    for path, line in _key_lines(roundtrip.load(text), ()):
        if path in notes:
            above[line].append(notes[path])
        pattern = tuple(STAR if isinstance(step, int) else step for step in path)
        if pattern not in seen:
            seen.add(pattern)
            above[line].append(words(*describe(schemas, kind, path)))
    out = _header(schemas[kind], data)
    for i, text_line in enumerate(lines):
        indent = text_line[: len(text_line) - len(text_line.lstrip(" "))]
        out += [f"{indent}# {comment}\n" for comment in above.get(i, [])]
        out.append(text_line)
    return "".join(out)


def _commented(value: object) -> CommentedMap:
    assert isinstance(value, CommentedMap)
    return value


def _header(root: Schema, data: Mapping[str, object]) -> list[str]:
    lines = [f"# {words(str(root.get('title', '')), str(root.get('description', '')))}\n"]
    if next(placeholders(data), None) is not None:
        lines.append(f"# 把每个“{PLACEHOLDER}”换成实际内容；xuncha validate 会列出尚未填写的字段。\n")
    return lines


def _key_lines(node: object, path: DataPath) -> list[tuple[DataPath, int]]:
    """(data path of each mapping key, its 0-based line), in document order."""
    found: list[tuple[DataPath, int]] = []
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            found.append(((*path, str(key)), node.lc.key(key)[0]))
            found += _key_lines(value, (*path, str(key)))
    elif isinstance(node, CommentedSeq):
        for i, value in enumerate(node):
            found += _key_lines(value, (*path, i))
    return found

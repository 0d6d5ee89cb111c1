"""The schemas' own words about each field, and the placeholder that marks a field not yet filled.

Scaffolded records put ``待填写`` wherever the clerk still has to write something;
``validate`` reports each one as XC020 with the field's Chinese title and
description (the same words the scaffold writes as comments and the prompts ask
with). Pure: the schemas come in as data (``schemas.load_schemas``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

PLACEHOLDER = "待填写"
PLACEHOLDER_BYTES = PLACEHOLDER.encode()
COMMON_REF = "common.schema.json#/$defs/"

Schema = dict[str, Any]
DataPath = tuple[str | int, ...]


def resolve(node: Schema, common: Mapping[str, Schema]) -> Schema:
    """A property with its ``common.schema.json`` definition merged in (the property's own words win)."""
    ref = str(node.get("$ref", ""))
    if not ref.startswith(COMMON_REF):
        return node
    base = resolve(common[ref.removeprefix(COMMON_REF)], common)
    return {**base, **{k: v for k, v in node.items() if k != "$ref"}}


def common_defs(schemas: Mapping[str, Schema]) -> Mapping[str, Schema]:
    common: Mapping[str, Schema] = schemas.get("common", {}).get("$defs", {})
    return common


def trail(schemas: Mapping[str, Schema], kind: str, path: DataPath) -> list[Schema]:
    """The schema nodes met walking ``path`` through ``kind``: root first, shorter if it leaves the schema."""
    common = common_defs(schemas)
    node = resolve(schemas[kind], common)
    nodes = [node]
    for step in path:
        child = node.get("items") if isinstance(step, int) else node.get("properties", {}).get(step)
        if not isinstance(child, dict):
            break
        node = resolve(child, common)
        nodes.append(node)
    return nodes


def describe(schemas: Mapping[str, Schema], kind: str, path: DataPath) -> tuple[str, str]:
    """(title, description) of the field at ``path``: the nearest titled node (list items have none)."""
    for node in reversed(trail(schemas, kind, path)[1:]):
        if node.get("title"):
            return str(node["title"]), str(node.get("description", ""))
    return "", ""


def words(title: str, description: str) -> str:
    """``标题：说明`` without repeating a description that only restates the title."""
    if not description or description.rstrip("。") == title:
        return title
    return f"{title}：{description}" if title else description


def placeholders(data: object, path: DataPath = ()) -> Iterator[DataPath]:
    """Where ``data`` still holds the placeholder, in document order."""
    if data == PLACEHOLDER:
        yield path
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from placeholders(value, (*path, str(key)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from placeholders(value, (*path, i))


def may_hold_placeholder(raw: bytes) -> bool:
    """Whether a record's text can hold the placeholder: written out, or behind a YAML escape
    (\\u5f85…). When it cannot, its data need not be walked for one (a tenth of parsing time)."""
    return PLACEHOLDER_BYTES in raw or b"\\" in raw

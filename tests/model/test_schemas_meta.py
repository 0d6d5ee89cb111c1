"""The schemas themselves: valid 2020-12, every property explained in Chinese and marked public or not."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from xuncha.model.layout import schema_globs
from xuncha.model.schemas import public_fields

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = sorted((REPO / "schemas").glob("*.schema.json"))
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def properties(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (path, property schema) under ``properties`` anywhere in a schema."""
    if isinstance(node, dict):
        for name, prop in node.get("properties", {}).items():
            yield f"{where}.{name}", prop
        for key, value in node.items():
            yield from properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from properties(value, f"{where}[{i}]")


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_is_valid_draft_2020_12(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert "$id" not in schema, "an $id would make editors fetch $refs from the network"


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_every_property_has_chinese_title_description_and_public_marker(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    found = list(properties(schema))
    for where, prop in found:
        assert CHINESE.search(prop.get("title", "")), f"{path.name}{where}: no Chinese title"
        assert CHINESE.search(prop.get("description", "")), f"{path.name}{where}: no Chinese description"
        assert isinstance(prop.get("x-public"), bool), f"{path.name}{where}: x-public must be true or false"
    assert found or path.name == "common.schema.json"


def test_confidential_records_have_no_public_field() -> None:
    public = public_fields(REPO / "schemas")
    assert public["clues"] == set()
    assert ("internal_note",) not in public["status"]
    assert ("summary",) in public["status"]
    assert public["assessment"] == set()


def test_vscode_maps_every_record_kind_to_its_schema() -> None:
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    expected = {f"./schemas/{kind}.schema.json": globs for kind, globs in schema_globs().items()}
    mapped = {k: v for k, v in settings["yaml.schemas"].items() if k in expected}
    assert mapped == expected
    for schema in settings["yaml.schemas"]:
        assert (REPO / schema).is_file(), schema

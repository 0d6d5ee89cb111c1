"""No confidential value reaches the public site.

A copy of the demo data gets a unique canary in every field that is not public
— found by walking the schemas: a property is public only when it and all its
parents say ``x-public: true`` — including clues, petitions, progress notes,
evidence, plan names, deductions and internal notes. Free-text fields get a
string canary, numbers a canary number (enums, dates and ids cannot hold one
and stay valid). Then the public site is built for real with ``mkdocs build``
and no output file may contain any canary.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from xuncha.model.layout import place_of
from xuncha.model.repo import data_files
from xuncha.model.schemas import load_schemas
from xuncha.pipeline import validate

REPO = Path(__file__).resolve().parents[2]
PREFIX = "QZXCANARY"
NUMBER = 9876.54321
Json = dict[str, Any]


class Planter:
    """Plants canaries following one schema; remembers where (file, path) for the report."""

    def __init__(self, schemas: dict[str, Json]) -> None:
        self.common = schemas["common"]["$defs"]
        self.planted: list[str] = []

    def _deref(self, node: Json) -> Json:
        ref = node.get("$ref", "")
        if ref.startswith("common.schema.json#/$defs/"):
            return {**self.common[ref.rsplit("/", 1)[1]], **{k: v for k, v in node.items() if k != "$ref"}}
        return node

    def canary(self, where: str) -> str:
        self.planted.append(where)
        return f"{PREFIX}{len(self.planted):05d}"

    def plant(self, schema: Json, data: Json, where: str, public: bool = True) -> None:
        for name, prop in self._deref(schema).get("properties", {}).items():
            prop = self._deref(prop)
            visible = public and prop.get("x-public") is True
            spot = f"{where}.{name}"
            if not visible and _free_text(prop):
                data[name] = self.canary(spot)
            elif not visible and prop.get("type") == "number" and name in data:
                data[name] = min(NUMBER, prop.get("maximum", NUMBER) * 0.987654321)
                self.planted.append(spot)
            elif name in data:
                self._into(prop, data, name, spot, visible)

    def _into(self, prop: Json, data: Json, name: str, spot: str, visible: bool) -> None:
        value = data[name]
        if isinstance(value, dict):
            self.plant(prop, value, spot, visible)
        elif isinstance(value, list):
            items = self._deref(prop.get("items", {}))
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    self.plant(items, item, f"{spot}[{i}]", visible)
                elif not visible and _free_text(items):
                    value[i] = self.canary(f"{spot}[{i}]")


def _free_text(prop: Json) -> bool:
    """A string any text may fill without breaking the schema."""
    constrained = {"pattern", "enum", "format", "const", "$ref"}
    return prop.get("type") == "string" and not constrained & prop.keys()


@pytest.fixture(scope="module")
def planted_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("leak") / "repo"
    for name in ("rounds", "units", "schemas", "docs"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / "tools").symlink_to(REPO / "tools")
    schemas = load_schemas(root / "schemas")
    planter = Planter(schemas)
    for relpath in data_files(root):
        place = place_of(relpath)
        if place is None:
            continue
        path = root / relpath
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        planter.plant(schemas[place.kind], data, relpath)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root, planter.planted


def test_canaries_cover_the_confidential_fields(planted_repo: tuple[Path, list[str]]) -> None:
    _, planted = planted_repo
    text = "\n".join(planted)
    for field in (
        "clues.yaml.clues[0].outcome",
        "clues.yaml.petitions[0].outcome",
        ".internal_note",
        ".log[0].note",
        ".evidence[0].title",
        "assessment.yaml.deductions[0].reason",
        "assessment.yaml.deductions[0].points",
        "assessment.yaml.comment",
        "plan.yaml.entries[0].lead_leader",
        "plan.yaml.entries[0].responsible_person",
        "plan.yaml.entries[0].measures[0]",
        "units/miluo-xcjg.yaml.party_secretary",
        "round.yaml.units[0].group_leader",
        "notices/N1.yaml.signoffs[0].by",
        "supervision.yaml.actions[0].note",
        "extensions.yaml.extensions[0].reason",
    ):
        assert field in text, f"没有在 {field} 植入金丝雀"


def test_planted_records_stay_valid(planted_repo: tuple[Path, list[str]]) -> None:
    """Otherwise they would be dropped before publishing and the leak test would prove nothing."""
    root, _ = planted_repo
    schema_errors = [f for f in validate(root, use_cache=False).findings if f.code.startswith("XC1")]
    assert schema_errors == []


def _output(site: Path) -> Iterator[Path]:
    return (p for p in site.rglob("*") if p.is_file())


def test_no_canary_in_the_built_public_site(planted_repo: tuple[Path, list[str]]) -> None:
    root, _ = planted_repo
    site = root / "public-site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "XUNCHA_AS_OF": "2026-11-23"}
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "-f",
        str(root / "docs" / "public.yml"),
        "-d",
        str(site),
    ]
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "巡察办" in done.stderr  # the unsigned notice is named with what it lacks
    pages = [p for p in _output(site) if p.suffix == ".html"]
    assert any("问题二十三" in p.read_text(encoding="utf-8") for p in pages), "公开网站没有生成通报"
    leaks = [
        str(p.relative_to(site))
        for p in _output(site)
        if PREFIX.lower() in p.read_bytes().decode("utf-8", "replace").lower()
    ]
    assert leaks == []
    numbers = [
        str(p.relative_to(site))
        for p in _output(site)
        if b"9876.5" in p.read_bytes() or b"0.9754" in p.read_bytes()
    ]
    assert numbers == []
    copied = [p.name for p in _output(site) if p.suffix in (".yaml", ".yml")]
    assert copied == []

"""The rollup manifest: which repositories a city or province rolls up, checked like every other file.

The file is parsed by the safe loader and validated against ``schemas/manifest.schema.json``
with the same Chinese findings (file, line, hint); two rules the schema cannot say well are
added here: each member has exactly one of ``path`` and ``git`` (a ``git`` one with its ``ref``),
and names are unique (they key every table of the rollup).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xuncha.load.parse import load_bytes, located
from xuncha.model.findings import Finding, at
from xuncha.model.index import Json
from xuncha.model.schemas import check

KIND = "manifest"


@dataclass(frozen=True)
class Member:
    """One member repository: a local folder (``path``) or a git remote (``git`` at ``ref``)."""

    name: str
    parent: str | None
    path: Path | None
    git: str | None
    ref: str | None
    site: str | None


@dataclass(frozen=True)
class Manifest:
    name: str
    level: str
    members: tuple[Member, ...]


def read(path: Path, schemas: Path) -> tuple[Manifest | None, list[Finding]]:
    """The manifest, or None with the findings that keep it from being used."""
    raw = path.read_bytes()
    file = path.name
    loaded = load_bytes(file, raw)
    findings = list(loaded.findings)
    if loaded.data is not None and not findings:
        findings = check(schemas, KIND, file, loaded.data)
        if not findings and isinstance(loaded.data, dict):
            findings = _rules(file, loaded.data)
    findings = located(findings, lambda _: raw)
    if findings or not isinstance(loaded.data, dict):
        return None, findings
    return _manifest(loaded.data, path.parent), []


def _rules(file: str, data: Json) -> list[Finding]:
    out, seen = [], set()
    for i, member in enumerate(data["members"]):
        where = ("members", i)
        name = member["name"]
        if ("path" in member) == ("git" in member):
            out.append(
                at(
                    file,
                    "XC901",
                    f"成员“{name}”须且只须填写 path 或 git 之一",
                    "本地仓库写 path，远程仓库写 git 和 ref。",
                    path=where,
                )
            )
        elif "git" in member and "ref" not in member:
            out.append(
                at(
                    file,
                    "XC901",
                    f"成员“{name}”填写了 git 但没有 ref",
                    "写明汇总所用的分支、标签或提交，例如 ref: main。",
                    path=where,
                )
            )
        if name in seen:
            out.append(
                at(
                    file,
                    "XC902",
                    f"成员名称“{name}”重复",
                    "每个成员用不同的名称（汇总表以名称区分成员）。",
                    path=(*where, "name"),
                )
            )
        seen.add(name)
    return out


def _remote(git: str | None, base: Path) -> str | None:
    """A git address; one without a scheme or host (``../repos/a``) is a folder beside the manifest."""
    if git is None or ":" in git:
        return git
    return str((base / git).resolve())


def _manifest(data: Json, base: Path) -> Manifest:
    members = tuple(
        Member(
            name=str(m["name"]),
            parent=m.get("parent"),
            path=(base / m["path"]).resolve() if "path" in m else None,
            git=_remote(m.get("git"), base),
            ref=m.get("ref"),
            site=m.get("site"),
        )
        for m in data["members"]
    )
    return Manifest(str(data["name"]), str(data.get("level", "市")), members)

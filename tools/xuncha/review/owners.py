"""Who reviews what: the responsibility matrix (seed 000 annex 1) → CODEOWNERS for three forges.

Pure. The matrix is data (``tools/xuncha/rules/data/owners.yaml``): per unit type and
record kind, the review steps and who takes them, as roles (the unit's
supervisors, the round's inspection group, the related supervision room, the
inspection office) or body names; bodies map to forge teams. Rules come out in a
fixed order, so the generated file is stable and ``--check`` can compare it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from xuncha.model.findings import Finding, Severity, at
from xuncha.model.index import Index, Json, Record

# Record kind (matrix key) → path inside rounds/<round>/<unit>/
KIND_PATHS = {
    "feedback": "feedback.yaml",
    "plan": "plan.yaml",
    "extensions": "extensions.yaml",
    "status": "status/",
    "evidence": "evidence/",
    "reports": "reports.yaml",
    "supervision": "supervision.yaml",
    "participation": "participation.yaml",
    "clues": "clues.yaml",
    "assessment": "assessment.yaml",
    "notices": "notices/",
}
FLAVOURS = {"github": ".github/CODEOWNERS", "gitea": ".gitea/CODEOWNERS", "gitlab": ".gitlab/CODEOWNERS"}
RULES_FILE = "tools/xuncha/rules/data/owners.yaml"
Steps = tuple[tuple[str, tuple[str, ...]], ...]  # (step name, who: roles or body names)


@dataclass(frozen=True)
class Matrix:
    """The parsed owners.yaml."""

    office: str
    offices: dict[str, str]  # jurisdiction → its inspection office
    teams: dict[str, str]
    rooms: dict[str, str]
    repository: tuple[tuple[str, Steps], ...]
    by_type: dict[str, dict[str, Steps]]


@dataclass(frozen=True)
class Rule:
    """One CODEOWNERS rule: a path and, per review step, the forge handles that may approve it."""

    path: str
    steps: tuple[tuple[str, tuple[str, ...]], ...]
    heading: str = ""

    @property
    def handles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(h for _, handles in self.steps for h in handles))


def parse(file: str, data: Json) -> tuple[Matrix, list[Finding]]:
    """Schema-valid owners.yaml → Matrix; a unit type listed in two groups is an error (XC530)."""
    by_type: dict[str, dict[str, Steps]] = {}
    findings = []
    for i, group in enumerate(data["matrix"]):
        records = {kind: _steps(reviews) for kind, reviews in group["records"].items()}
        for j, unit_type in enumerate(group["types"]):
            if unit_type in by_type:
                findings.append(
                    at(
                        file,
                        "XC530",
                        f"单位类型“{unit_type}”在审核矩阵中出现了两次",
                        "每种单位类型只写在一组 types 中。",
                        path=("matrix", i, "types", j),
                    )
                )
            by_type.setdefault(unit_type, records)
    repository = tuple((str(r["path"]), _steps(r["reviews"])) for r in data.get("repository", []))
    offices, rooms = dict(data.get("offices", {})), dict(data.get("rooms", {}))
    matrix = Matrix(str(data["office"]), offices, dict(data["teams"]), rooms, repository, by_type)
    return matrix, findings


def _steps(reviews: list[Json]) -> Steps:
    return tuple((str(r["step"]), tuple(str(b) for b in r["by"])) for r in reviews)


@dataclass
class _Resolver:
    """Turns roles into bodies and bodies into handles, collecting what is missing."""

    matrix: Matrix
    file: str
    findings: dict[Finding, None] = field(default_factory=dict)

    def bodies(self, who: str, unit: Record | None, group: str | None) -> list[str]:
        supervisors = [str(s) for s in unit.data.get("supervisors", [])] if unit else []
        office = self.office(unit)
        roles: dict[str, list[str]] = {
            "office": [office],
            "group": [group] if group else [],
            "supervisors": supervisors,
            "room": list(dict.fromkeys(self.matrix.rooms.get(s, s) for s in supervisors)),
        }
        found = roles.get(who, [who])
        if not found and unit is not None:
            self._warn_unsupervised(unit)
            return [office]
        return found

    def office(self, unit: Record | None) -> str:
        jurisdiction = str(unit.data.get("jurisdiction", "")) if unit else ""
        return self.matrix.offices.get(jurisdiction, self.matrix.office)

    def handles(self, bodies: list[str]) -> tuple[str, ...]:
        out = []
        for body in bodies:
            handle = self.matrix.teams.get(body)
            if handle is None:
                self._missing_team(body)
            else:
                out.append(handle)
        return tuple(dict.fromkeys(out))

    def _warn_unsupervised(self, unit: Record) -> None:
        finding = at(
            unit.file,
            "XC532",
            f"单位 {unit.data['id']} 没有填写监督单位（supervisors），相关审核暂由{self.office(unit)}负责",
            "在单位文件中填写 supervisors（派驻纪检监察组、监督检查室或区镇、街道纪（工）委）。",
            path=("supervisors",) if "supervisors" in unit.data else ("type",),
            severity=Severity.WARNING,
        )
        self.findings[finding] = None

    def _missing_team(self, body: str) -> None:
        finding = at(
            self.file,
            "XC531",
            f"机构“{body}”没有对应的审核团队",
            f'在 teams 中为它加一行，例如 {body}: "@组织/团队"。',
            path=("teams",),
        )
        self.findings[finding] = None


def rules(matrix: Matrix, index: Index, file: str = RULES_FILE) -> tuple[list[Rule], list[Finding]]:
    """Every CODEOWNERS rule: repository files first, then each round's unit folders in order."""
    resolver = _Resolver(matrix, file)
    out = [
        Rule(path, _resolve(resolver, steps, None, None), "仓库文件" if i == 0 else "")
        for i, (path, steps) in enumerate(matrix.repository)
    ]
    findings: list[Finding] = []
    for round_id in sorted(index.rounds):
        for entry in index.rounds[round_id].data["units"]:
            unit = index.units.get(str(entry["unit"]))
            if unit is not None:
                out += _unit_rules(resolver, round_id, entry, unit, findings)
    return out, findings + list(resolver.findings)


def _unit_rules(
    resolver: _Resolver, round_id: str, entry: Json, unit: Record, findings: list[Finding]
) -> Iterator[Rule]:
    records = resolver.matrix.by_type.get(str(unit.data["type"]))
    if records is None:
        findings.append(
            at(
                unit.file,
                "XC533",
                f"审核矩阵中没有单位类型“{unit.data['type']}”",
                f"在 {resolver.file} 的 matrix 中把它加入某一组 types。",
                path=("type",),
            )
        )
        return
    heading = f"{round_id} {unit.data.get('short_name') or unit.data['name']}（{unit.data['type']}）"
    for kind, path in KIND_PATHS.items():
        steps = records.get(kind)
        if steps:
            resolved = _resolve(resolver, steps, unit, str(entry["group"]))
            yield Rule(f"rounds/{round_id}/{entry['unit']}/{path}", resolved, heading)
            heading = ""


def _resolve(
    resolver: _Resolver, steps: Steps, unit: Record | None, group: str | None
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(
        (name, resolver.handles([b for w in who for b in resolver.bodies(w, unit, group)]))
        for name, who in steps
    )


def approver(matrix: Matrix, unit: Record, group: str, kind: str) -> str:
    """The first body of the last review step of ``kind`` for ``unit``: who merges such a change."""
    resolver = _Resolver(matrix, RULES_FILE)
    steps = matrix.by_type.get(str(unit.data["type"]), {}).get(kind)
    if not steps:
        return resolver.office(unit)
    bodies = [body for who in steps[-1][1] for body in resolver.bodies(who, unit, group)]
    return bodies[0] if bodies else resolver.office(unit)


# --- rendering ---------------------------------------------------------------------------------

HEADER = (
    "# 审核分工（CODEOWNERS）：由 `xuncha codeowners --flavour {flavour}` 根据 "
    f"{RULES_FILE}、units/ 和 rounds/ 生成，请勿手工修改。",
    "# 依据：吴江区巡察整改督查督办工作规程附件1（督查督办责任主体）。数据改动后重新生成并提交。",
)


def render(found: list[Rule], flavour: str) -> str:
    """The CODEOWNERS text for ``github``, ``gitea`` (Go regexps) or ``gitlab`` (one [section] per step)."""
    lines = [line.format(flavour=flavour) for line in HEADER]
    if flavour == "gitlab":
        lines += _gitlab(found)
    else:
        pattern = _gitea_pattern if flavour == "gitea" else _github_pattern
        for rule in found:
            lines += [f"\n# {rule.heading}"] if rule.heading else []
            lines.append(f"{pattern(rule.path)} {' '.join(rule.handles)}".rstrip())
    return "\n".join(lines) + "\n"


def _gitlab(found: list[Rule]) -> Iterator[str]:
    """GitLab requires an approval in every section that matches: one section per review step."""
    sections = list(dict.fromkeys(name for rule in found for name, _ in rule.steps))
    for section in sections:
        yield f"\n[{section}]"
        for rule in found:
            for name, handles in rule.steps:
                if name == section:
                    yield f"{_github_pattern(rule.path)} {' '.join(handles)}".rstrip()


def _github_pattern(path: str) -> str:
    return "/" + path


_REGEX_SPECIAL = re.compile(r"([.+?()|\[\]{}^$\\])")


def _gitea_pattern(path: str) -> str:
    """Gitea matches Go regular expressions, written with ``\\\\`` before special characters."""
    escaped = _REGEX_SPECIAL.sub(r"\\\\\1", path).replace("*", "[^/]*")
    return escaped + ".*" if path.endswith("/") else escaped


def stale(expected: str, actual: str | None, file: str, flavour: str) -> Finding | None:
    """XC534 when the committed CODEOWNERS is missing or differs from what the data says."""
    hint = f"运行 xuncha codeowners --flavour {flavour} 重新生成，并提交 {file}。"
    if actual is None:
        return at(file, "XC534", "CODEOWNERS 文件不存在", hint, line=1, column=1)
    if actual == expected:
        return None
    pairs = zip(actual.splitlines(), expected.splitlines(), strict=False)
    line = next((i for i, (a, b) in enumerate(pairs, 1) if a != b), None)
    line = line or min(len(actual.splitlines()), len(expected.splitlines())) + 1
    return at(
        file, "XC534", f"CODEOWNERS 已过期：从第 {line} 行起与审核分工数据不一致", hint, line=line, column=1
    )

"""The clerk's records, written for them: which file, which new ID, which entry, and whether
the review rules allow it.

Every write goes through :meth:`Desk.judge`: the old and new versions are compared
with :func:`xuncha.review.changes.compare`, the very rules (and Chinese messages) that
``xuncha review`` applies to a pull request, so a command refuses exactly what a
reviewer would reject. Pure: texts and the repository index in, new texts out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap

from xuncha.clerk import roundtrip, scaffold
from xuncha.load.parse import load_bytes
from xuncha.model.fields import PLACEHOLDER, Schema, placeholders, trail
from xuncha.model.findings import Finding, Severity, at
from xuncha.model.index import Folder, Index, Node, Record, build_index
from xuncha.model.layout import place_of
from xuncha.review.changes import Change, all_records, compare
from xuncha.review.pull_request import SchemaCheck, located, parse_record
from xuncha.rules.checks import run_all

# `xuncha new KIND` for records kept as items of a list: kind → (file kind, list key, ID prefix, digits)
LIST_ITEMS = {
    "extension": ("extensions", "extensions", "E", 1),
    "report": ("reports", "reports", "R", 1),
    "clue": ("clues", "clues", "C", 2),
    "petition": ("clues", "petitions", "XF", 2),
}
NOTICE_PREFIX = "N"
_TARGET = re.compile(r"^(?P<round>[^/\s]+)/(?P<unit>[^/\s]+)/(?P<item>[^/\s]+)$")
_ID_LINE = re.compile(r"^[+-]?[ -]*id:\s*['\"]?([A-Z]{1,3}[0-9]{1,4})['\"]?\s*(?:#.*)?$", re.MULTILINE)


class Refused(Exception):
    """An operation the rules forbid; nothing was written. Carries the findings to show."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("refused")
        self.findings = findings


@dataclass(frozen=True)
class Target:
    """``ROUND/UNIT/ITEM``: a problem (P03.1), a report (R3) or ``plan`` of one unit folder."""

    round: str
    unit: str
    item: str

    @property
    def folder(self) -> str:
        return f"rounds/{self.round}/{self.unit}"

    @property
    def status_file(self) -> str:
        return f"{self.folder}/status/{self.item}.yaml"

    def __str__(self) -> str:
        return f"{self.round}/{self.unit}/{self.item}"


def parse_target(text: str) -> Target:
    """``2025-ch-r1/ch-fgw/P03.1``, or a status file's path; ValueError (Chinese) otherwise."""
    place = place_of(text.strip().removeprefix("./"))
    if place is not None and place.kind == "status":
        return Target(str(place.round), str(place.unit), str(place.stem))
    found = _TARGET.match(text.strip())
    if found is None:
        raise ValueError(f"“{text}”应写作 轮次/单位/编号，例如 2025-ch-r1/ch-fgw/P03.1")
    return Target(found["round"], found["unit"], found["item"])


def ids_in(text: str) -> set[str]:
    """Record IDs written in a file's text, or in the lines of its ``git log -p`` history."""
    return set(_ID_LINE.findall(text))


def next_id(prefix: str, digits: int, used: Iterable[str]) -> str:
    """One past the highest ``prefix`` number ever used: IDs are never reused, gaps never filled."""
    pattern = re.compile(rf"^{prefix}([0-9]+)$")
    numbers = [int(found[1]) for found in map(pattern.match, used) if found]
    return f"{prefix}{max(numbers, default=0) + 1:0{digits}d}"


@dataclass(frozen=True)
class Written:
    """A record's new text, and what the change means in the reviewer's words."""

    file: str
    text: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Desk:
    """What every operation reads: the schemas, their check, and the repository as it is."""

    schemas: Mapping[str, Schema]
    check: SchemaCheck
    index: Index

    def folder(self, target: Target) -> Folder | None:
        return self.index.folders.get((target.round, target.unit))

    def leaf(self, target: Target) -> Node:
        """The leaf problem ``target`` names, or Refused with the reason."""
        folder = self.folder(target)
        node = folder.nodes.get(target.item) if folder else None
        if node is None:
            raise Refused(
                [_usage(target, f"{target.round}/{target.unit} 的反馈意见中没有问题 {target.item}")]
            )
        if not node.is_leaf:
            leaves = "、".join(node.children)
            raise Refused([_usage(target, f"问题 {target.item} 下还有细分条目，请指定 {leaves}")])
        return node

    def item(self, kind: str, key: str, given: Mapping[str, object], *, fill: bool) -> dict[str, Any]:
        """One list item in the schema's key order; ``fill`` adds placeholders for what is missing."""
        if fill:
            data = scaffold.skeleton(self.schemas, kind, {key: [given]})
            item: dict[str, Any] = data[key][0]
            return item
        order = trail(self.schemas, kind, (key, 0))[-1].get("properties", {})
        return {name: given[name] for name in order if given.get(name) is not None}

    def create(self, file: str, data: Mapping[str, object], notes: Mapping[Any, str] = {}) -> Written:
        """A new file from the scaffold (placeholders allowed: validate lists them)."""
        kind = _kind(file)
        text = scaffold.render(self.schemas, kind, data, notes)
        return self.judge(file, None, text, unfilled_ok=True)

    def append(
        self,
        file: str,
        old: str | None,
        path: tuple[str | int, ...],
        item: object,
        *,
        unfilled_ok: bool = False,
    ) -> Written:
        """``item`` appended to the list at ``path`` (created where the schema orders it); a missing
        file is created from the scaffold with ``item`` as its only entry."""
        if old is None:
            place = place_of(file)
            assert place is not None and len(path) == 1
            data = scaffold.skeleton(self.schemas, place.kind, {"round": place.round, "unit": place.unit})
            return self.create(file, {**data, str(path[0]): [item]})
        kind = _kind(file)

        def change(data: CommentedMap) -> None:
            owner, key = _walk(data, path[:-1]), str(path[-1])
            if key in owner:
                owner[key].append(roundtrip.plain(item))
            else:
                order = trail(self.schemas, kind, path[:-1])[-1].get("properties", {})
                roundtrip.put(owner, key, [item], list(order))

        return self.edit(file, old, change, unfilled_ok=unfilled_ok)

    def edit(
        self, file: str, old: str, change: Callable[[CommentedMap], None], *, unfilled_ok: bool = False
    ) -> Written:
        try:
            new = roundtrip.edit(old, change)
        except roundtrip.NotPreserved as error:
            raise Refused(
                [
                    at(
                        file,
                        "XC710",
                        f"无法在保持原文不变的情况下自动修改：{error}",
                        "请手工编辑这个文件（写法参照同类文件），然后运行 xuncha validate。",
                        line=1,
                        column=1,
                    )
                ]
            ) from None
        return self.judge(file, old, new, unfilled_ok=unfilled_ok)

    def judge(self, file: str, old: str | None, new: str, *, unfilled_ok: bool = False) -> Written:
        """The review's verdict on ``old`` → ``new``: Refused with its findings, or the change's meaning.

        ``unfilled_ok``: placeholders may stay (a scaffold, or a list that grows with open items).
        """
        check = _unfilled_allowed(self.check) if unfilled_ok else self.check
        before = None
        if old is not None:
            before, errors = parse_record(file, old.encode(), check)
            if before is None:
                raise Refused(located(errors, {file: old.encode()}) or [_broken(file)])
        after, errors = parse_record(file, new.encode(), check)
        if after is None:
            raise Refused(located(errors, {file: new.encode()}) or [_broken(file)])
        place = after.place
        folder = self.index.folders.get((str(place.round), str(place.unit)))
        diff = compare(before, after, folder)
        broken = diff.findings or ([] if unfilled_ok else self._new_errors(after))
        if broken:
            raise Refused(located(broken, {file: new.encode()}))
        return Written(file, new, tuple(diff.changes))

    def _new_errors(self, after: Record) -> list[Finding]:
        """Errors the cross-file rules (validate's) would newly report for ``after``: dates out of
        order, before the feedback… Checked before writing, so a refused edit leaves no trace."""
        known = {(f.code, f.message) for f in run_all(self.index) if f.file == after.file}
        records = [r for r in all_records(self.index).values() if r.file != after.file]
        index = build_index([*records, after], self.index.broken - {after.file})
        return [
            f
            for f in run_all(index)
            if f.file == after.file and f.severity is Severity.ERROR and (f.code, f.message) not in known
        ]


def _unfilled_allowed(check: SchemaCheck) -> SchemaCheck:
    """The schema check less XC020: a scaffold may be written with placeholders left to fill."""

    def lenient(kind: str, path: str, data: object, *, unfilled: bool = True) -> list[Finding]:
        return [f for f in check(kind, path, data, unfilled=unfilled) if f.code != "XC020"]

    return lenient


def _kind(file: str) -> str:
    place = place_of(file)
    assert place is not None, file
    return place.kind


def _walk(data: CommentedMap, path: tuple[str | int, ...]) -> CommentedMap:
    node: Any = data
    for step in path:
        node = node[step]
    assert isinstance(node, CommentedMap)
    return node


def _usage(target: Target, message: str) -> Finding:
    return at(
        target.status_file,
        "XC711",
        message,
        "核对 轮次/单位/问题编号（见 feedback.yaml）。",
        line=1,
        column=1,
    )


def _broken(file: str) -> Finding:
    return at(file, "XC712", "文件无法读取", "运行 xuncha validate 查看原因并改正。", line=1, column=1)


def submission_path(file: str, text: str, item: str) -> tuple[str | int, ...]:
    """Where a new submission of the plan (``item`` = "plan") or report ``item`` goes, or Refused.

    XC713: a submission follows a return (退回), never a pending or approved one;
    XC714: a plan with placeholders left is not ready; XC717: no such report.
    """
    data = load_bytes(file, text.encode()).data
    if not isinstance(data, dict):
        raise Refused([_broken(file)])
    path: tuple[str | int, ...] = ("submissions",)
    owner: dict[str, Any] = data
    if item != "plan":
        found = [i for i, report in enumerate(data.get("reports", [])) if report.get("id") == item]
        if not found:
            raise Refused(
                [
                    at(
                        file,
                        "XC717",
                        f"没有编号为 {item} 的报告",
                        "核对 reports.yaml 中的报告编号。",
                        line=1,
                        column=1,
                    )
                ]
            )
        path, owner = ("reports", found[0], "submissions"), data["reports"][found[0]]
    refusal = _resubmission(file, path, owner.get("submissions", []))
    left = list(placeholders(data)) if item == "plan" else []
    if refusal is None and left:
        refusal = at(
            file,
            "XC714",
            f"还有 {len(left)} 处“{PLACEHOLDER}”，不能报送",
            "运行 xuncha validate 找到这些位置，填写后再报送。",
            path=left[0],
        )
    if refusal is not None:
        raise Refused(located([refusal], {file: text.encode()}))
    return path


def _resubmission(file: str, path: tuple[str | int, ...], submissions: list[Any]) -> Finding | None:
    if not submissions or submissions[-1].get("result") == "退回":
        return None
    result = submissions[-1].get("result")
    state = "已经通过" if result == "通过" else "还在审核中（尚无审核结果）"
    return at(
        file,
        "XC713",
        f"上一次报送（{submissions[-1].get('date')}）{state}，不能再次报送",
        "审核单位退回后（result: 退回）才能重新报送；已通过的材料需要更正时，请联系审核单位。",
        path=(*path, len(submissions) - 1),
    )


def plan_entries(folder: Folder) -> tuple[list[dict[str, object]], dict[tuple[str | int, ...], str]]:
    """One plan entry per leaf problem (照单全收), with the problem's wording as a comment above it."""
    leaves = folder.leaves()
    entries: list[dict[str, object]] = [{"problem": leaf.id} for leaf in leaves]
    notes: dict[tuple[str | int, ...], str] = {
        ("entries", i, "problem"): f"{leaf.id} {leaf.wording}" for i, leaf in enumerate(leaves)
    }
    return entries, notes

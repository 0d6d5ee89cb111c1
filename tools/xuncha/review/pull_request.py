"""A pull request as a review: what the change means, in Chinese, and which rules it breaks.

Pure: the two sides come in as {path → blob id} plus the bytes of the files
that matter (see :func:`scope`), the schema check as a function. Each side is
indexed with :func:`xuncha.model.index.build_index`; :mod:`xuncha.review.changes` says what
each changed record means; this module adds the file-level rule (nothing is
deleted or renamed) and renders the summary for a pull-request comment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Protocol

from xuncha.load.parse import load_bytes
from xuncha.load.parse import located as locate
from xuncha.model.fields import may_hold_placeholder
from xuncha.model.findings import Finding, Severity, at, by_place
from xuncha.model.index import Index, Record, build_index
from xuncha.model.layout import place_of
from xuncha.review.changes import NONE, SECTIONS, Change, all_records, compare


class SchemaCheck(Protocol):
    """(kind, file, data) → findings; ``unfilled=False`` when the text cannot hold the placeholder
    (:func:`xuncha.model.schemas.check`)."""

    def __call__(self, kind: str, file: str, data: object, /, *, unfilled: bool = True) -> list[Finding]: ...


Scorer = Callable[[Index, str, str], str | None]  # (index, round, unit) → the computed total, as text


@dataclass(frozen=True)
class Review:
    """The outcome: summary lines in section order, and the violations (exit 1 when any)."""

    base: str
    head: str
    changes: list[Change]
    findings: list[Finding]

    @property
    def failed(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)


def scope(base: Mapping[str, str], head: Mapping[str, str]) -> set[str]:
    """The files worth reading: changed ones plus their unit folders and round files (context)."""
    changed = {p for p in base.keys() | head.keys() if base.get(p) != head.get(p)}
    folders: set[str] = set()
    for path in changed:
        parts = PurePosixPath(path).parts
        if parts[0] == "rounds" and len(parts) >= 3:
            folders.add(f"rounds/{parts[1]}/round.yaml")
            if len(parts) >= 4:
                folders.add(f"rounds/{parts[1]}/{parts[2]}/")
                folders.add(f"units/{parts[2]}.yaml")  # its type picks the rubric of a computed score
    return changed | {p for p in base.keys() | head.keys() if any(p.startswith(f) for f in folders)}


def index_side(files: Mapping[str, bytes], check: SchemaCheck) -> tuple[Index, list[Finding]]:
    """Parse and schema-check one side; invalid files are left out, each with one XC500 finding."""
    records: list[Record] = []
    bad: list[Finding] = []
    for path in sorted(files):
        if place_of(path) is None:
            continue
        record, errors = parse_record(path, files[path], check)
        if record is None:
            bad.append(_unreadable(path, errors))
        else:
            records.append(record)
    return build_index(records, frozenset(f.file for f in bad)), bad


def parse_record(path: str, raw: bytes, check: SchemaCheck) -> tuple[Record | None, list[Finding]]:
    """One version of a record file → the record, or None and the errors that keep it out."""
    place = place_of(path)
    loaded = load_bytes(path, raw)
    errors = [f for f in loaded.findings if f.severity is Severity.ERROR]
    if place is None or not isinstance(loaded.data, dict) or errors:
        return None, errors
    found = check(place.kind, path, loaded.data, unfilled=may_hold_placeholder(raw))
    errors = [f for f in found if f.severity is Severity.ERROR]
    return (None if errors else Record(path, place, loaded.data)), errors


def _unreadable(path: str, errors: list[Finding]) -> Finding:
    first = errors[0] if errors else None
    detail = f"：{first.code} {first.message}" if first else ""
    return at(
        path,
        "XC500",
        f"文件未通过校验，无法审阅其改动{detail}",
        f"运行 xuncha validate {path}，按提示改正后再审阅。",
        line=first.line if first else 1,
        column=first.column if first else 1,
        path=first.path if first else (),
    )


def review(
    base: Mapping[str, str],
    head: Mapping[str, str],
    base_files: Mapping[str, bytes],
    head_files: Mapping[str, bytes],
    check: SchemaCheck,
    labels: tuple[str, str] = ("基线", "改动"),
    score: Scorer | None = None,
    special: tuple[Mapping[str, str], Mapping[str, str]] = ({}, {}),
) -> Review:
    """Compare the two sides: ``base``/``head`` map every data file to its blob id, the ``*_files``
    hold at least the files of :func:`scope`; ``score`` (optional) computes an assessment's total;
    ``special``: each side's links and special files in the data folders (path → what it is)."""
    base_index, _ = index_side(base_files, check)
    head_index, findings = index_side(head_files, check)
    findings += removed_files(base, head) + special_files(*special)
    before, after = all_records(base_index), all_records(head_index)
    changes: list[Change] = []
    for path in sorted(before.keys() | after.keys()):
        old, new = before.get(path), after.get(path)
        if new is None and path in head_index.broken:
            continue  # reported as XC500; the file is still there
        record = new or old
        assert record is not None
        place = record.place
        folder = head_index.folders.get((place.round, place.unit)) if place.round and place.unit else None
        diff = compare(old, new, folder)
        changes += diff.changes
        findings += diff.findings
    if score is not None:
        changes = [_with_score(c, base_index, head_index, score) for c in changes]
    order = list(SECTIONS)
    changes.sort(key=lambda c: order.index(c.section))
    return Review(labels[0], labels[1], changes, located(findings, head_files))


def _with_score(change: Change, base: Index, head: Index, score: Scorer) -> Change:
    """An assessment line also shows the score the records give, before and after."""
    if change.section != "assessment" or not change.round or not change.unit:
        return change
    before = score(base, change.round, change.unit) or NONE
    after = score(head, change.round, change.unit) or NONE
    return replace(change, text=f"{change.text}；按记录计算得分 {before} → {after}")


def removed_files(base: Mapping[str, str], head: Mapping[str, str]) -> list[Finding]:
    """XC501/XC502: a record file never disappears; the ledger only grows."""
    added = {blob: path for path, blob in head.items() if path not in base}
    findings = []
    for path, blob in sorted(base.items()):
        if path in head or place_of(path) is None:
            continue
        if blob in added:
            findings.append(
                at(
                    added[blob],
                    "XC502",
                    f"记录文件 {path} 被改名或移动为 {added[blob]}（记录文件不得改名）",
                    "改回原来的文件名和位置；编号写错的，以新记录更正。",
                    line=1,
                    column=1,
                )
            )
        else:
            findings.append(
                at(
                    path,
                    "XC501",
                    "记录文件被删除（整改台账只增不删）",
                    f"恢复该文件：git checkout <基线> -- {path}；内容有误的，以新的记录更正。",
                    line=1,
                    column=1,
                )
            )
    return findings


def special_files(base: Mapping[str, str], head: Mapping[str, str]) -> list[Finding]:
    """XC503: the change adds a link or special file to the data folders (``validate`` refuses
    them as XC013: a reviewer sees a path, the run would read something else, or nothing)."""
    return [
        at(
            path,
            "XC503",
            f"改动在数据目录中加入了{kind}，不是普通文件",
            "rounds/ 和 units/ 中只能提交普通文件：删除它（git rm），提交真正的文件（不是链接）；"
            "以 .yaml 结尾的文件夹请改名。",
            line=1,
            column=1,
        )
        for path, kind in sorted(head.items())
        if base.get(path) != kind
    ]


def located(findings: list[Finding], files: Mapping[str, bytes]) -> list[Finding]:
    """Fill in line/column from each finding's path in the head files; in reading order."""
    return by_place(locate(findings, files.get))


# --- rendering ---------------------------------------------------------------------------------


def markdown(result: Review) -> str:
    """The Chinese summary posted on the pull request (and printed by pre-commit)."""
    lines = [f"## 巡察整改变更审阅：{result.base} → {result.head}", ""]
    sections: dict[str, list[Change]] = defaultdict(list)
    for change in result.changes:
        sections[change.section].append(change)
    for key, title in SECTIONS.items():
        if sections[key]:
            lines += [f"### {title}（{len(sections[key])}）", ""]
            lines += [f"- {_where(c)}{c.text}" for c in sections[key]]
            lines.append("")
    if not result.changes:
        lines += ["本次改动不涉及整改数据。", ""]
    if result.findings:
        lines += [f"### 违规（{len(result.findings)} 项，改正后才能合并）", ""]
        lines += [_violation(f) for f in result.findings]
    else:
        lines.append("未发现违反整改规则的改动。")
    return "\n".join(lines) + "\n"


def _where(change: Change) -> str:
    return f"{change.where} " if change.where else ""


def _violation(finding: Finding) -> str:
    hint = f"提示：{finding.hint}" if finding.hint else ""
    return f"- `{finding.file}:{finding.line}` {finding.code} {finding.message}。{hint}"


def as_json(result: Review) -> dict[str, object]:
    return {
        "base": result.base,
        "head": result.head,
        "changes": [c.as_json() for c in result.changes],
        "violations": [f.as_json() for f in result.findings],
    }

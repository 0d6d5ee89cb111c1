"""Take one repository's snapshot: validate it, project it, write its Parquet files (the I/O side).

A repository with validation errors yields no snapshot at all: a rollup leaves such a member
out by name rather than mixing half of it in. A member given as a git remote (or a local
repository at a ref) is cloned to a temporary folder first and exported from there.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from xuncha.model.findings import Severity
from xuncha.model.repo import NotARepository, find_root
from xuncha.model.schemas import exportable_fields, schema_dir
from xuncha.pipeline import validate
from xuncha.rollup import parquet
from xuncha.rollup.export import Row, Stamp, project, unexportable
from xuncha.rollup.manifest import Member
from xuncha.rules.rubrics import load_setting

SHOWN = 5  # validation errors quoted per member left out
TRACKED = ("rounds", "units", "schemas", "pyproject.toml")


class Refused(Exception):
    """The repository cannot be exported; the message (Chinese) says why and what to do."""


@dataclass(frozen=True)
class Outcome:
    """What became of one member: its commit and problem count, or why it was left out."""

    name: str
    commit: str
    problems: int
    reasons: tuple[str, ...] = ()

    @property
    def included(self) -> bool:
        return not self.reasons


def commit_of(root: Path) -> str:
    """HEAD's id, with ``-dirty`` when the data differs from it; empty when the repository is not
    itself a git repository (a folder inside another one does not take that one's commit)."""
    top = _git(root, "rev-parse", "--show-toplevel")
    head = _git(root, "rev-parse", "HEAD")
    if top is None or head is None or Path(top).resolve() != root.resolve():
        return ""
    dirty = _git(root, "status", "--porcelain", "--", *TRACKED)
    return head + ("-dirty" if dirty else "")


def _git(root: Path, *args: str) -> str | None:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def take(root: Path, stamp: Stamp, *, jobs: int = 0) -> dict[str, list[Row]]:
    """The tables of a valid repository; :class:`Refused` when it has errors or unmarked columns."""
    missing = unexportable(exportable_fields(schema_dir(root)))
    if missing:
        raise Refused(
            f"模式没有把以下字段标为可导出（x-public 或 x-export）：{'、'.join(missing)}；"
            "请把 schemas/ 更新到与 xuncha 同一版本。"
        )
    report = validate(root, jobs=jobs)
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    if errors:
        quoted = [f"{f.file}:{f.line}: {f.code} {f.message}" for f in errors[:SHOWN]]
        more = (
            [f"……共 {len(errors)} 个错误（在该仓库运行 xuncha validate 查看）"] if len(errors) > SHOWN else []
        )
        raise Refused("校验未通过：" + "；".join([*quoted, *more]))
    return project(report.index, load_setting(root), stamp)


def export_member(member: Member, as_of: str, out: Path) -> Outcome:
    """Export one member to ``out`` (a process-pool task: plain arguments, a picklable result)."""
    try:
        if member.git is None and member.ref is None:
            assert member.path is not None  # the manifest rules: path or git
            return _export(member, _root(member.path), date.fromisoformat(as_of), out)
        with tempfile.TemporaryDirectory(prefix="xuncha-rollup-") as scratch:
            checkout = _checkout(member, Path(scratch) / "repo")
            return _export(member, _root(checkout), date.fromisoformat(as_of), out)
    except Refused as refused:
        return Outcome(member.name, "", 0, (str(refused),))


def _export(member: Member, root: Path, as_of: date, out: Path) -> Outcome:
    commit = commit_of(root)
    tables = take(root, Stamp(member.name, commit, as_of), jobs=1)  # one process per member already
    parquet.write(tables, out)
    return Outcome(member.name, commit, len(tables["problems"]))


def _root(folder: Path) -> Path:
    if not folder.is_dir():
        raise Refused(f"仓库目录 {folder} 不存在：检查汇总清单中的 path。")
    try:
        root = find_root(folder)
    except NotARepository:
        raise Refused(f"{folder} 不是 xuncha 仓库（找不到 schemas/ 和 rounds/ 或 units/）。") from None
    if root != folder.resolve():
        raise Refused(f"{folder} 不是 xuncha 仓库的根目录（根目录是 {root}）。")
    return root


def _checkout(member: Member, into: Path) -> Path:
    source = member.git or str(member.path)
    steps = [
        ["git", "clone", "--quiet", "--no-checkout", source, str(into)],
        ["git", "-C", str(into), "checkout", "--quiet", "--detach", member.ref or "HEAD"],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise Refused(f"无法取得 {source} 的 {member.ref or 'HEAD'}：{done.stderr.strip()}")
    return into

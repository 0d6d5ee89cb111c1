"""Entries the clerk adds to records, for ``new`` and the top-level commands alike: a progress-log
entry with its evidence files (``new progress``, ``progress``, ``complete``), a numbered list item
(``new report/clue/petition``) and an extension (``new extension``, ``extend``).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from xuncha.clerk.records import LIST_ITEMS, Target, Written, next_id
from xuncha.cli.desk import (
    DATE,
    Field,
    Session,
    finish,
    open_session,
    refusals,
    refused,
    target_of,
    writable,
)
from xuncha.model.repo import config
from xuncha.rules.checks.evidence import ALLOWED_TYPES, FOLDER, max_bytes

LOG = ("log", 0)

EVIDENCE = Field(
    "--evidence",
    "佐证文件（可多次给出）：复制到本单位的 evidence/<问题编号>/，并记录 SHA-256 校验值。",
    click.Path(exists=True, dir_okay=False, path_type=Path),
    multiple=True,
)

# `new progress`: the first entry of a status file (the evidence is asked for last)
FIRST_ENTRY = (
    Field("--date", "日期 YYYY-MM-DD。", DATE, under=LOG),
    Field(
        "--state",
        "起始状态（默认 整改中）。",
        click.Choice(["未启动", "整改中", "长期整改"]),
        under=LOG,
        suggested="整改中",
    ),
    Field("--note", "进展说明。", under=LOG),
    Field("--by", "填报的单位、部门。", under=LOG),
)

EXTENDED = ("extensions", 0)
EXTENSION = (
    Field("--to", "批准后的新时限 YYYY-MM-DD。", DATE, under=EXTENDED, dest="new_deadline"),
    Field("--reason", "延期理由：难以按期完成的原因和后续计划。", under=EXTENDED),
    Field("--requested", "申请日期 YYYY-MM-DD。", DATE),
    Field("--approved-by", "批准延期的巡察组或监督单位。", under=EXTENDED),
    Field("--approved", "批准日期 YYYY-MM-DD。", DATE, under=EXTENDED),
)


# --- progress log ----------------------------------------------------------------------------------


def log_progress(
    ctx: click.Context, problem: str, values: dict[str, Any], evidence: Sequence[Path], *, new: bool
) -> None:
    """Append one entry to a problem's progress log; ``new`` starts the status file with it."""
    target = target_of(problem)
    session = open_session(ctx, target.folder)
    with refusals(ctx):
        session.desk.leaf(target)
        if new:
            values = session.ask_all("status", FIRST_ENTRY, values)
            evidence = [*evidence, *_ask_evidence(session)]
        else:
            values["date"] = session.need(values.get("date"), "--date", "status", (*LOG, "date"))
            values["note"] = session.need(values.get("note"), "--note", "status", (*LOG, "note"))
        attached = _attach(session, target, evidence)
        values["evidence"] = [a.item for a in attached] or None
        written = _log_written(session, target, values, new=new)
        _file_evidence(attached)
    finish(ctx, session, written)


def _ask_evidence(session: Session) -> list[Path]:
    if not session.interactive:
        return []
    while True:
        answer = str(click.prompt("佐证文件路径（可留空）", default="", show_default=False)).strip()
        path = Path(answer).expanduser()
        if not answer or path.is_file():
            return [path] if answer else []
        click.echo(f"找不到文件：{answer}", err=True)


def _log_written(session: Session, target: Target, values: dict[str, Any], *, new: bool) -> Written:
    desk, file = session.desk, target.status_file
    old = session.read(file)
    if new:
        if old is not None:
            raise refused(file, "XC716", "进展文件已存在", f"追加进展用：xuncha progress {target}")
        given = {k: v for k, v in values.items() if v is not None}
        entry = desk.item("status", "log", {"state": "整改中", **given}, fill=True)
        head = {"round": target.round, "unit": target.unit, "problem": target.item}
        return desk.create(file, {**head, "log": [entry]})
    if old is None:
        raise refused(file, "XC716", "这个问题还没有进展文件", f"先新建：xuncha new progress {target}")
    return desk.append(file, old, ("log",), desk.item("status", "log", values, fill=False))


# --- evidence files ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attached:
    """An evidence file to file under the unit folder, and the item that records it."""

    source: Path
    target: Path
    relpath: str
    item: dict[str, str]


def _attach(session: Session, target: Target, sources: Sequence[Path]) -> list[Attached]:
    """Check type, size and name clashes now; copying waits until the record edit is accepted."""
    limit = max_bytes(config(session.root))
    out: list[Attached] = []
    for source in sources:
        relative = f"{FOLDER}/{target.item}/{source.name}"
        writable(session.root, f"{target.folder}/{relative}")
        destination = session.root / target.folder / relative
        digest = _sha256(source)
        why = ""
        if source.suffix.lower() not in ALLOWED_TYPES:
            why = f"类型不允许（允许：{'、'.join(t.lstrip('.') for t in ALLOWED_TYPES)}）"
        elif source.stat().st_size > limit:
            why = (
                f"超过大小上限 {limit / 1024 / 1024:g} MB（pyproject.toml 的 [tool.xuncha] evidence_max_mb）"
            )
        elif destination.is_file() and _sha256(destination) != digest:
            why = f"与已登记的 {relative} 同名但内容不同：已登记的佐证不能替换，请换一个文件名"
        if why:
            raise refused(target.status_file, "XC715", f"佐证文件 {source.name} {why}", "")
        item = {"title": source.stem, "file": relative, "sha256": digest}
        out.append(Attached(source, destination, f"{target.folder}/{relative}", item))
    return out


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _file_evidence(attached: Sequence[Attached]) -> None:
    for item in attached:
        item.target.parent.mkdir(parents=True, exist_ok=True)
        if item.source.resolve() != item.target.resolve():
            shutil.copyfile(item.source, item.target)
        click.echo(f"已归档佐证 {item.relpath}")


# --- list records: extensions, reports, clues, petitions -----------------------------------------------


def append_item(
    ctx: click.Context,
    session: Session,
    kind: str,
    target: Target,
    given: dict[str, Any],
    *,
    fill: bool = True,
) -> None:
    """A new numbered item at the end of its list file (created when missing); ``fill``: placeholders."""
    file_kind, key, prefix, digits = LIST_ITEMS[kind]
    file = f"{target.folder}/{file_kind}.yaml"
    with refusals(ctx):
        given = {"id": next_id(prefix, digits, session.used_ids(file)), **given}
        item = session.desk.item(file_kind, key, {k: v for k, v in given.items() if v is not None}, fill=fill)
        written = session.desk.append(file, session.read(file), (key,), item, unfilled_ok=fill)
    finish(ctx, session, written)


def extension(ctx: click.Context, problem: str, values: dict[str, Any], *, required: bool) -> None:
    """An extension of ``problem``'s deadline; ``required``: every approval detail given (``extend``),
    else what is missing stays a placeholder (``new extension``)."""
    target = target_of(problem)
    session = open_session(ctx, target.folder)
    with refusals(ctx):
        session.desk.leaf(target)
    values = session.ask_all("extensions", EXTENSION, values, needed=required)
    given = {"problem": target.item, **values}
    append_item(ctx, session, "extension", Target(target.round, target.unit, ""), given, fill=not required)

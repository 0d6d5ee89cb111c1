"""The clerk's commands: ``new``, ``progress``, ``complete``, ``extend``, ``submit`` and ``propose``.

A shell: it reads files, asks in Chinese when a person is typing (flags otherwise),
hands texts to :mod:`xuncha.clerk`, files evidence, writes, validates what it wrote
and prints. Exit codes: 0 done, 1 refused or findings, 2 usage errors.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import click

from . import clerkgit, gitio, propose, review, schemas
from .checks.evidence import ALLOWED_TYPES, FOLDER, max_bytes
from .clerk import (
    LIST_ITEMS,
    NOTICE_PREFIX,
    Desk,
    Refused,
    Target,
    Written,
    ids_in,
    next_id,
    parse_target,
    plan_entries,
    submission_path,
)
from .cli import EXIT_FINDINGS, cli, repository
from .fields import PLACEHOLDER, describe, trail, words
from .findings import Severity, at
from .layout import place_of
from .loader import load_bytes
from .repo import config
from .scaffold import skeleton
from .validate import validate

Path_ = tuple[str | int, ...]
MAINLINE_NAMES = ("main", "master")


class DateText(click.ParamType[str]):
    """A real date written ``YYYY-MM-DD``, kept as text the way records store it."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value).strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                date.fromisoformat(text)
                return text
            except ValueError:
                pass
        self.fail(f"“{text}”不是有效日期：应写作 YYYY-MM-DD，例如 2026-11-30", param, ctx)


DATE = DateText()


@dataclass
class Session:
    """One command's view: the repository root, the clerk's desk, and whether a person is typing."""

    root: Path
    desk: Desk
    interactive: bool

    def ask(self, value: Any, kind: str, path: Path_, *, default: str | None = None) -> Any:
        """A value that may stay open (then a placeholder): asked in a terminal, else taken as given."""
        if value is not None or not self.interactive:
            return value
        return self._prompt(kind, path, default if default is not None else "", optional=True)

    def need(self, value: Any, option: str, kind: str, path: Path_) -> Any:
        """A value the command cannot do without: asked in a terminal, else a usage error."""
        if value is not None:
            return value
        if not self.interactive:
            raise click.UsageError(f"缺少 {option}（{words(*describe(self.desk.schemas, kind, path))}）")
        return self._prompt(kind, path, None, optional=False)

    def _prompt(self, kind: str, path: Path_, default: str | None, *, optional: bool) -> str | None:
        """Ask with the schema's words; choices and dates are checked, a wrong answer asked again."""
        node = trail(self.desk.schemas, kind, path)[-1]
        label = words(*describe(self.desk.schemas, kind, path))
        options: list[str] = [str(o) for o in node.get("enum", [])]
        if options:
            label += f"\n  可选：{'、'.join(options)}"
        if node.get("format") == "date":
            label += "（YYYY-MM-DD）"
        if optional and not default:
            label += "（可留空，稍后填写）"
        while True:
            answer = str(click.prompt(label, default=default, show_default=bool(default))).strip()
            if not answer and optional:
                return None
            if options and answer not in options:
                click.echo(f"请从可选值中选择：{'、'.join(options)}", err=True)
            elif node.get("format") == "date" and not _is_date(answer):
                click.echo(f"“{answer}”不是有效日期：应写作 YYYY-MM-DD，例如 2026-11-30", err=True)
            elif answer:
                return answer

    def read(self, relpath: str) -> str | None:
        """A record's text; one that is not UTF-8 is refused with the loader's finding."""
        path = self.root / relpath
        if not path.is_file():
            return None
        raw = path.read_bytes()
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(list(load_bytes(relpath, raw).findings)) from None

    def used_ids(self, relpath: str) -> set[str]:
        """IDs in the file now and in every version git remembers: none is ever reused."""
        return ids_in(self.read(relpath) or "") | ids_in(clerkgit.history_text(self.root, relpath))


def _is_date(text: str) -> bool:
    try:
        DATE.convert(text, None, None)
    except click.BadParameter:
        return False
    return True


def _session(ctx: click.Context, *scope: str) -> Session:
    root = repository(ctx)
    directory = schemas.schema_dir(root)
    index = validate(root, [s for s in scope if (root / s).exists()] or ["units"]).index
    desk = Desk(schemas.load_schemas(directory), partial(schemas.check, directory), index)
    return Session(root, desk, sys.stdin.isatty())


@contextmanager
def _refusals(ctx: click.Context) -> Iterator[None]:
    """Refused → its findings and exit 1 (nothing written); git problems → usage error (exit 2)."""
    try:
        yield
    except Refused as refused:
        for finding in refused.findings:
            click.echo(finding.as_text(), err=True)
        click.echo("未写入任何文件。", err=True)
        ctx.exit(EXIT_FINDINGS)
    except gitio.GitError as error:
        raise click.UsageError(str(error)) from None


def _target(text: str) -> Target:
    try:
        return parse_target(text)
    except ValueError as error:
        raise click.UsageError(str(error)) from None


def _refused(file: str, code: str, message: str, hint: str) -> Refused:
    return Refused([at(file, code, message, hint, line=1, column=1)])


def _finish(ctx: click.Context, session: Session, written: Written) -> None:
    """Write, then validate the file: findings printed, exit 1 on errors other than “待填写”."""
    path = session.root / written.file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(written.text.encode("utf-8"))
    click.echo(f"已写入 {written.file}")
    for change in written.changes:
        click.echo(f"  · {change.text}")
    findings = [f for f in validate(session.root, [written.file]).findings if f.file == written.file]
    for finding in findings:
        if finding.code != "XC020":
            click.echo(finding.as_text())
    unfilled = [f for f in findings if f.code == "XC020"]
    if unfilled:
        click.echo(f"还有 {len(unfilled)} 处“{PLACEHOLDER}”（第一处在第 {unfilled[0].line} 行）：")
        click.echo(f"填写后运行 xuncha validate {written.file} 检查。")
    failed = any(f.severity is Severity.ERROR and f.code != "XC020" for f in findings)
    ctx.exit(EXIT_FINDINGS if failed else 0)


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
            raise _refused(target.status_file, "XC715", f"佐证文件 {source.name} {why}", "")
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


def _evidence_option(required: bool) -> Callable[[Any], Any]:
    return click.option(
        "--evidence",
        multiple=True,
        required=required,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="佐证文件（可多次给出）：复制到本单位的 evidence/<问题编号>/，并记录 SHA-256 校验值。",
    )


# --- progress log ----------------------------------------------------------------------------------

LOG = ("log", 0)


def _log(
    ctx: click.Context, problem: str, values: dict[str, Any], evidence: Sequence[Path], *, new: bool
) -> None:
    """Append one entry to a problem's progress log; ``new`` starts the status file with it."""
    target = _target(problem)
    session = _session(ctx, target.folder)
    with _refusals(ctx):
        session.desk.leaf(target)
        if new:
            values["date"] = session.ask(values.get("date"), "status", (*LOG, "date"))
            values["state"] = session.ask(values.get("state"), "status", (*LOG, "state"), default="整改中")
            values["note"] = session.ask(values.get("note"), "status", (*LOG, "note"))
            values["by"] = session.ask(values.get("by"), "status", (*LOG, "by"))
            evidence = [*evidence, *_ask_evidence(session)]
        else:
            values["date"] = session.need(values.get("date"), "--date", "status", (*LOG, "date"))
            values["note"] = session.need(values.get("note"), "--note", "status", (*LOG, "note"))
        attached = _attach(session, target, evidence)
        values["evidence"] = [a.item for a in attached] or None
        written = _log_written(session, target, values, new=new)
        _file_evidence(attached)
    _finish(ctx, session, written)


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
            raise _refused(file, "XC716", "进展文件已存在", f"追加进展用：xuncha progress {target}")
        given = {k: v for k, v in values.items() if v is not None}
        entry = desk.item("status", "log", {"state": "整改中", **given}, fill=True)
        head = {"round": target.round, "unit": target.unit, "problem": target.item}
        return desk.create(file, {**head, "log": [entry]})
    if old is None:
        raise _refused(file, "XC716", "这个问题还没有进展文件", f"先新建：xuncha new progress {target}")
    return desk.append(file, old, ("log",), desk.item("status", "log", values, fill=False))


@cli.command("progress")
@click.argument("problem")
@click.option("--date", type=DATE, help="进展日期 YYYY-MM-DD。")
@click.option("--note", help="本次进展说明。")
@click.option(
    "--state",
    type=click.Choice(["未启动", "整改中", "基本完成", "已完成", "已销号", "长期整改"]),
    default="整改中",
    show_default=True,
    help="进展后的状态。",
)
@click.option(
    "--reopen", type=click.Choice(["抽查发现未完成", "问题反弹"]), help="已完成或已销号后重新整改的原因。"
)
@click.option("--by", help="填报的单位、部门。")
@_evidence_option(required=False)
@click.pass_context
def progress_command(ctx: click.Context, /, problem: str, evidence: tuple[Path, ...], **values: Any) -> None:
    """给问题追加一条进展。PROBLEM 写作 轮次/单位/问题，例如 2025-ch-r1/ch-fgw/P03.1。

    只在进展日志末尾追加一条，文件其他内容（注释、顺序、引号、空行）原样不动；
    违反状态流转规则（与 xuncha review 相同）时拒绝写入。
    """
    _log(ctx, problem, values, evidence, new=False)


@cli.command("complete")
@click.argument("problem")
@click.option("--date", type=DATE, help="完成日期 YYYY-MM-DD。")
@click.option("--note", default="整改完成，申请验收销号。", show_default=True, help="完成情况说明。")
@click.option("--by", help="填报的单位、部门。")
@_evidence_option(required=True)
@click.pass_context
def complete_command(ctx: click.Context, /, problem: str, evidence: tuple[Path, ...], **values: Any) -> None:
    """报告问题整改完成（状态“已完成”，待审核单位验收销号），至少附一个佐证文件。"""
    _log(ctx, problem, {**values, "state": "已完成"}, evidence, new=False)


# --- list records: extensions, reports, clues, petitions -----------------------------------------------


def _append_item(
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
    with _refusals(ctx):
        given = {"id": next_id(prefix, digits, session.used_ids(file)), **given}
        item = session.desk.item(file_kind, key, {k: v for k, v in given.items() if v is not None}, fill=fill)
        written = session.desk.append(file, session.read(file), (key,), item, unfilled_ok=fill)
    _finish(ctx, session, written)


EXTENSION_FIELDS = (
    ("--to", "new_deadline"),
    ("--reason", "reason"),
    ("--approved-by", "approved_by"),
    ("--approved", "approved"),
)


def _extension(ctx: click.Context, problem: str, values: dict[str, Any], *, required: bool) -> None:
    target = _target(problem)
    session = _session(ctx, target.folder)
    with _refusals(ctx):
        session.desk.leaf(target)
    for option, name in EXTENSION_FIELDS:
        where = ("extensions", 0, name)
        given = values[name]
        values[name] = (
            session.need(given, option, "extensions", where)
            if required
            else session.ask(given, "extensions", where)
        )
    given = {"problem": target.item, **values}
    _append_item(ctx, session, "extension", Target(target.round, target.unit, ""), given, fill=not required)


def _extension_options(function: Any) -> Any:
    for option in reversed(
        (
            click.option("--to", "new_deadline", type=DATE, help="批准后的新时限 YYYY-MM-DD。"),
            click.option("--reason", help="延期理由：难以按期完成的原因和后续计划。"),
            click.option("--requested", type=DATE, help="申请日期 YYYY-MM-DD。"),
            click.option("--approved-by", "approved_by", help="批准延期的巡察组或监督单位。"),
            click.option("--approved", type=DATE, help="批准日期 YYYY-MM-DD。"),
        )
    ):
        function = option(function)
    return function


@cli.command("extend")
@click.argument("problem")
@_extension_options
@click.pass_context
def extend_command(ctx: click.Context, /, problem: str, **values: Any) -> None:
    """登记一次经批准的延期（extensions.yaml 新增一条，编号 E…）；整改方案中的原时限保持不动。"""
    _extension(ctx, problem, values, required=True)


@cli.command("submit")
@click.argument("report")
@click.option("--date", type=DATE, help="报送日期 YYYY-MM-DD。")
@click.pass_context
def submit_command(ctx: click.Context, /, report: str, date: str | None) -> None:
    """报送整改方案（轮次/单位/plan）或报告（轮次/单位/R3）：追加一条报送记录，等待审核。

    上一次报送尚无审核结果或已通过时拒绝；方案中还有“待填写”时拒绝。
    """
    target = _target(report)
    session = _session(ctx, target.folder)
    kind = "plan" if target.item == "plan" else "reports"
    when = session.need(date, "--date", "plan", ("submissions", 0, "date"))
    file = f"{target.folder}/{kind}.yaml"
    with _refusals(ctx):
        old = session.read(file)
        if old is None:
            raise _refused(file, "XC717", f"找不到 {file}", "先用 xuncha new 建立这份材料。")
        path = submission_path(file, old, target.item)
        written = session.desk.append(file, old, path, {"date": when})
    _finish(ctx, session, written)


# --- new ---------------------------------------------------------------------------------------


@cli.group("new")
def new_group() -> None:
    """新建记录：写在正确的位置、使用新的编号（用过的编号永不复用），必填字段齐全并附中文注释，
    还不知道的内容写“待填写”（xuncha validate 会一直提示，直到填好）。

    在终端中运行时逐项用中文提问；在脚本中用选项给出。
    """


def _folder_session(ctx: click.Context, round_id: str, unit: str) -> tuple[Session, Target]:
    """A session on one unit folder, which the round must list."""
    target, round_file = Target(round_id, unit, ""), f"rounds/{round_id}/round.yaml"
    session = _session(ctx, round_file, target.folder)
    if round_file in session.desk.index.broken:
        raise click.UsageError(
            f"{round_file} 还有错误或“{PLACEHOLDER}”：先改好，再运行 xuncha validate 检查。"
        )
    if session.desk.index.round_unit(round_id, unit) is None:
        raise click.UsageError(
            f"轮次 {round_id} 中没有单位 {unit}：先在 {round_file} 的 units 中加入，或检查拼写。"
        )
    return session, target


def _fresh(
    ctx: click.Context,
    session: Session,
    file: str,
    kind: str,
    values: dict[str, Any],
    notes: Any = None,
    *,
    numbered: bool = False,
) -> None:
    """Create ``file`` from the scaffold, never over an existing one; a ``numbered`` file (unit,
    round, notice) never at a path git once had either: its ID would be reused."""
    with _refusals(ctx):
        if (session.root / file).exists():
            raise _refused(file, "XC716", "文件已存在，不能覆盖", "直接编辑它，或用 xuncha progress 等追加。")
        if numbered and file in clerkgit.history_paths(session.root, file):
            raise _refused(file, "XC716", "这个编号曾经使用过（文件已删除），编号不得复用", "换一个新编号。")
        data = skeleton(session.desk.schemas, kind, {k: v for k, v in values.items() if v is not None})
        written = session.desk.create(file, data, notes or {})
    _finish(ctx, session, written)


@new_group.command("unit")
@click.argument("unit_id")
@click.option("--name", help="单位全称。")
@click.option("--type", "unit_type", help="单位类型：区级机关、企事业单位、区镇、街道、村、社区。")
@click.option("--jurisdiction", help="所属县（市、区）。")
@click.option("--parent", help="上级单位编号（村、社区填所属区镇或街道）。")
@click.pass_context
def new_unit(ctx: click.Context, /, unit_id: str, unit_type: str | None, **values: Any) -> None:
    """新建被巡察单位 units/UNIT_ID.yaml。"""
    session = _session(ctx, "units")
    values = {
        "id": unit_id,
        "name": session.ask(values["name"], "unit", ("name",)),
        "type": session.ask(unit_type, "unit", ("type",)),
        "jurisdiction": session.ask(values["jurisdiction"], "unit", ("jurisdiction",)),
        "parent": values["parent"],
    }
    _fresh(ctx, session, f"units/{unit_id}.yaml", "unit", values, numbered=True)


@new_group.command("round")
@click.argument("round_id")
@click.option("--name", help="轮次名称，例如 十四届区委第三轮巡察。")
@click.option("--kind", help="巡察类型：常规、专项、提级、交叉、机动、回头看。")
@click.option("--body", "inspecting_body", help="巡察主体，例如 中共澄湖区委。")
@click.option("--entry", "entry_date", type=DATE, help="进驻日期。")
@click.option("--exit", "exit_date", type=DATE, help="撤离日期。")
@click.option("--unit", "units", multiple=True, help="被巡察单位编号（可多次给出）。")
@click.pass_context
def new_round(ctx: click.Context, /, round_id: str, units: tuple[str, ...], **values: Any) -> None:
    """新建巡察轮次 rounds/ROUND_ID/round.yaml。"""
    session = _session(ctx, "units")
    asked = {name: session.ask(value, "round", (name,)) for name, value in values.items()}
    listed = [{"unit": unit} for unit in units] or None
    values = {"id": round_id, **asked, "units": listed}
    _fresh(ctx, session, f"rounds/{round_id}/round.yaml", "round", values, numbered=True)


@new_group.command("feedback")
@click.argument("round_id")
@click.argument("unit")
@click.pass_context
def new_feedback(ctx: click.Context, /, round_id: str, unit: str) -> None:
    """新建反馈意见（问题清单）feedback.yaml：方面 A1、问题 P01 起编，原文照录。"""
    session, target = _folder_session(ctx, round_id, unit)
    aspects = [{"id": "A1", "problems": [{"id": "P01"}]}]
    _fresh(
        ctx,
        session,
        f"{target.folder}/feedback.yaml",
        "feedback",
        {"round": round_id, "unit": unit, "aspects": aspects},
    )


@new_group.command("plan")
@click.argument("round_id")
@click.argument("unit")
@click.pass_context
def new_plan(ctx: click.Context, /, round_id: str, unit: str) -> None:
    """新建整改方案 plan.yaml：反馈意见的每个末级问题一条（照单全收），问题原文写在注释里。"""
    session, target = _folder_session(ctx, round_id, unit)
    folder = session.desk.folder(target)
    if folder is None or not folder.nodes:
        raise click.UsageError(f"{target.folder} 还没有可用的反馈意见（feedback.yaml）：先录入并通过校验。")
    entries, notes = plan_entries(folder)
    values = {"round": round_id, "unit": unit, "entries": entries}
    _fresh(ctx, session, f"{target.folder}/plan.yaml", "plan", values, notes)


@new_group.command("progress")
@click.argument("problem")
@click.option("--date", type=DATE, help="日期 YYYY-MM-DD。")
@click.option(
    "--state", type=click.Choice(["未启动", "整改中", "长期整改"]), help="起始状态（默认 整改中）。"
)
@click.option("--note", help="进展说明。")
@click.option("--by", help="填报的单位、部门。")
@_evidence_option(required=False)
@click.pass_context
def new_progress(ctx: click.Context, /, problem: str, evidence: tuple[Path, ...], **values: Any) -> None:
    """新建一个问题的进展文件 status/<问题编号>.yaml，写入第一条进展。"""
    _log(ctx, problem, values, evidence, new=True)


@new_group.command("extension")
@click.argument("problem")
@_extension_options
@click.pass_context
def new_extension(ctx: click.Context, /, problem: str, **values: Any) -> None:
    """新建一条延期记录（extensions.yaml，编号 E…）；没给出的内容写“待填写”。"""
    _extension(ctx, problem, values, required=False)


@new_group.command("report")
@click.argument("round_id")
@click.argument("unit")
@click.option("--kind", help="报告类型：整改进展报告、主要负责人报告、季度进展、办结报告、整改情况报告。")
@click.option("--period", help="季度进展所属季度，例如 2026Q4。")
@click.option("--date", type=DATE, help="报送日期（留空则写“待填写”）。")
@click.pass_context
def new_report(
    ctx: click.Context, round_id: str, unit: str, kind: str | None, period: str | None, date: str | None
) -> None:
    """新建一份报告（reports.yaml，编号 R…），带第一次报送记录。"""
    session, target = _folder_session(ctx, round_id, unit)
    item = {
        "kind": session.ask(kind, "reports", ("reports", 0, "kind")),
        "period": period,
        "submissions": [{"date": session.ask(date, "reports", ("reports", 0, "submissions", 0, "date"))}],
    }
    _append_item(ctx, session, "report", target, item)


@new_group.command("clue")
@click.argument("round_id")
@click.argument("unit")
@click.option("--category", help="类别：进一步了解关注类、了解关注类、其他类。")
@click.option("--received", type=DATE, help="接收日期。")
@click.pass_context
def new_clue(ctx: click.Context, /, round_id: str, unit: str, **values: Any) -> None:
    """登记一条移交的问题线索（clues.yaml，编号 C…）。保密：不要写任何人员姓名。"""
    session, target = _folder_session(ctx, round_id, unit)
    asked = {name: session.ask(value, "clues", ("clues", 0, name)) for name, value in values.items()}
    _append_item(ctx, session, "clue", target, asked)


@new_group.command("petition")
@click.argument("round_id")
@click.argument("unit")
@click.option("--received", type=DATE, help="交办日期。")
@click.option("--deadline", type=DATE, help="办理时限。")
@click.pass_context
def new_petition(ctx: click.Context, /, round_id: str, unit: str, **values: Any) -> None:
    """登记一件交办的信访件（clues.yaml，编号 XF…）。保密：不要写任何人员姓名。"""
    session, target = _folder_session(ctx, round_id, unit)
    asked = {name: session.ask(value, "clues", ("petitions", 0, name)) for name, value in values.items()}
    _append_item(ctx, session, "petition", target, asked)


@new_group.command("notice")
@click.argument("round_id")
@click.argument("unit")
@click.option("--as-of", "as_of", type=DATE, help="统计截至日期。")
@click.pass_context
def new_notice(ctx: click.Context, /, round_id: str, unit: str, as_of: str | None) -> None:
    """新建整改进展通报 notices/N….yaml（发布前须“三把关”签署）。"""
    session, target = _folder_session(ctx, round_id, unit)
    folder = f"{target.folder}/notices"
    used = {Path(p).stem for p in clerkgit.history_paths(session.root, folder)}
    used |= {p.stem for p in (session.root / folder).glob("*.yaml")}
    notice = next_id(NOTICE_PREFIX, 1, used)
    record = session.desk.index.units.get(unit)
    name = record.data.get("name") if record else None
    values = {
        "id": notice,
        "round": round_id,
        "unit": unit,
        "title": f"{name}关于巡察整改进展情况的通报" if name else None,
        "as_of": session.ask(as_of, "notice", ("as_of",)),
    }
    _fresh(ctx, session, f"{folder}/{notice}.yaml", "notice", values, numbered=True)


# --- propose -----------------------------------------------------------------------------------


@cli.command("propose")
@click.option("-m", "--message", required=True, help="这次报审的说明（写进提交说明）。")
@click.pass_context
def propose_command(ctx: click.Context, /, message: str) -> None:
    """把改动的记录提交到新分支，准备合并请求：分支按改动命名（例如 progress/2025-ch-r1-ch-fgw-P03.1），
    只提交 rounds/ 和 units/ 下改动的文件，提交说明写明改了什么、哪个单位、哪些问题。

    不会推送：最后打印推送命令、发起合并请求的地址和审核单位将看到的审阅摘要。
    先校验、再审阅，有错误或违规时不提交（退出码 1）。
    """
    root = repository(ctx)
    with _refusals(ctx):
        repo = clerkgit.open_for_commit(root)
        changed = clerkgit.changed_paths(repo)
        files = [f for f in changed if propose.where(f) is not None]
        for other in (f for f in changed if f not in files):
            click.echo(f"不提交 {other}：不是记录文件，也不是佐证材料", err=True)
        if not files:
            click.echo("没有需要报审的改动（rounds/ 和 units/ 下没有新增、修改或删除的文件）。")
            return
        current = clerkgit.current_branch(repo)
        base = current if current in MAINLINE_NAMES else gitio.mainline(repo) or "main"
        result = _checked(root, repo, files, f"{current or 'HEAD'}（提交前）")
        proposal = propose.propose(files, result.changes, message, clerkgit.branches(repo))
        fresh = current is None or current in MAINLINE_NAMES
        sha = clerkgit.commit(repo, proposal.branch if fresh else None, files, proposal.message)
    branch = proposal.branch if fresh else str(current)
    click.echo(f"已在分支 {branch} 上提交 {sha[:7]}：{proposal.subject}")
    click.echo("提交的文件：" + "".join(f"\n  {f}" for f in files))
    remote = clerkgit.remote_url(repo)
    forge = config(root).get("forge")
    click.echo("\n".join(propose.next_steps(branch, remote, str(forge) if forge else None, base)))
    click.echo("\n审核单位将看到的审阅摘要：\n")
    click.echo(review.markdown(result), nl=False)


def _checked(root: Path, repo: Any, files: list[str], label: str) -> review.Review:
    """Validate the changed records, then review HEAD → working tree (what the reviewer will see);
    Refused on any error or violation."""
    records = [f for f in files if place_of(f) is not None and (root / f).is_file()]
    found = validate(root, records).findings if records else []
    errors = [f for f in found if f.severity is Severity.ERROR and f.file in records]
    if errors:
        raise Refused(errors)
    before, after = gitio.at_ref(repo, "HEAD"), gitio.worktree(root)
    wanted = review.scope(before.ids, after.ids)
    check = partial(schemas.check, schemas.schema_dir(root))
    result = review.review(
        before.ids, after.ids, before.read(wanted), after.read(wanted), check, (label, "本次报审")
    )
    if result.failed:
        click.echo(review.markdown(result), err=True)
        raise Refused([])
    return result

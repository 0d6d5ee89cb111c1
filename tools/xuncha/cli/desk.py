"""What every clerk command shares: the session (root, desk, terminal), Chinese prompts from the
schemas' words, the clerk's options, refusals and the write-then-validate finish.

Used by :mod:`xuncha.cli.new` (``new``), :mod:`xuncha.cli.entries` and :mod:`xuncha.cli.clerk`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import click

from xuncha.clerk import gitops
from xuncha.clerk.records import Desk, Refused, Target, Written, ids_in, parse_target
from xuncha.cli.main import EXIT_FINDINGS, repository
from xuncha.load.parse import load_bytes, unreadable
from xuncha.model import ondisk, schemas
from xuncha.model.fields import PLACEHOLDER, describe, trail, words
from xuncha.model.findings import Severity, at
from xuncha.model.repo import config
from xuncha.pipeline import validate
from xuncha.review import gitlog

Path_ = tuple[str | int, ...]
Decorated = TypeVar("Decorated", bound=Callable[..., Any])


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


@dataclass(frozen=True)
class Field:
    """An option of a clerk command. ``under``: the schema path of the object the field belongs to —
    a person at a terminal is asked for it in the schema's words (``suggested`` offered as the
    answer); None: never asked. ``dest``: the record's field name, when not the flag's own."""

    flag: str
    help: str
    type: click.ParamType[Any] | None = None
    under: Path_ | None = None
    dest: str = ""
    suggested: str | None = None
    multiple: bool = False
    required: bool = False

    @property
    def name(self) -> str:
        return self.dest or self.flag.removeprefix("--").replace("-", "_")


def options(*fields: Field) -> Callable[[Decorated], Decorated]:
    """The fields as click options, listed by --help in the order given."""

    def decorate(function: Decorated) -> Decorated:
        for field in reversed(fields):
            function = click.option(
                field.flag,
                field.name,
                type=field.type,
                multiple=field.multiple,
                required=field.required,
                help=field.help,
            )(function)
        return function

    return decorate


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

    def ask_all(
        self, kind: str, fields: Sequence[Field], given: dict[str, Any], *, needed: bool = False
    ) -> dict[str, Any]:
        """``given`` with the fields that have ``under`` asked for in order: as :meth:`ask` does,
        or as :meth:`need` does when ``needed``."""
        values = dict(given)
        for field in fields:
            if field.under is None:
                continue
            path, value = (*field.under, field.name), values[field.name]
            if needed:
                values[field.name] = self.need(value, field.flag, kind, path)
            else:
                values[field.name] = self.ask(value, kind, path, default=field.suggested)
        return values

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
        """A record's text (None: no such file); a link, special file or file over the size cap
        is refused unread, one that is not UTF-8 with the loader's finding."""
        try:
            raw = ondisk.read(str(self.root / relpath), ondisk.max_bytes(config(self.root)))[0]
        except FileNotFoundError:
            return None
        except OSError as error:
            raise Refused([unreadable(relpath, error)]) from None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(list(load_bytes(relpath, raw).findings)) from None

    def used_ids(self, relpath: str) -> set[str]:
        """IDs in the file now and in every version git remembers: none is ever reused."""
        return ids_in(self.read(relpath) or "") | ids_in(gitops.history_text(self.root, relpath))


def _is_date(text: str) -> bool:
    try:
        DATE.convert(text, None, None)
    except click.BadParameter:
        return False
    return True


def open_session(ctx: click.Context, *scope: str) -> Session:
    """A session whose index holds ``scope`` (what exists of it; else the units)."""
    root = repository(ctx)
    directory = schemas.schema_dir(root)
    index = validate(root, [s for s in scope if (root / s).exists()] or ["units"]).index
    desk = Desk(schemas.load_schemas(directory), partial(schemas.check, directory), index)
    return Session(root, desk, sys.stdin.isatty())


@contextmanager
def refusals(ctx: click.Context) -> Iterator[None]:
    """Refused → its findings and exit 1 (nothing written); git problems → usage error (exit 2)."""
    try:
        yield
    except Refused as refused:
        for finding in refused.findings:
            click.echo(finding.as_text(), err=True)
        click.echo("未写入任何文件。", err=True)
        ctx.exit(EXIT_FINDINGS)
    except gitlog.GitError as error:
        raise click.UsageError(str(error)) from None


def target_of(text: str) -> Target:
    """``ROUND/UNIT/ITEM`` as given on the command line, or a usage error saying how to write it."""
    try:
        return parse_target(text)
    except ValueError as error:
        raise click.UsageError(str(error)) from None


def refused(file: str, code: str, message: str, hint: str) -> Refused:
    return Refused([at(file, code, message, hint, line=1, column=1)])


def writable(root: Path, relpath: str) -> None:
    """Refused when writing ``relpath`` would go through a link (perhaps out of the repository) or
    into a special file: the same refusal as ``validate``'s (XC013)."""
    found = ondisk.refused_on_the_way(str(root), relpath)
    if found is not None:
        raise Refused([unreadable(found[0], ondisk.Refused(found[1]))])


def finish(ctx: click.Context, session: Session, written: Written) -> None:
    """Write, then validate the file: findings printed, exit 1 on errors other than “待填写”."""
    with refusals(ctx):
        writable(session.root, written.file)
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

"""Round-trip YAML, for writing only: an edit adds lines and leaves every other byte alone.

Reading for checks stays on libyaml (:mod:`xuncha.load.yamlsafe`). The clerk's commands
load a file with ruamel.yaml, change the data, dump it, and accept the result only
when the old text survives line for line, with nothing but insertions in between
(comments, key order, quoting and blank lines included). Pure: text in, text out.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from xuncha.load.parse import load_bytes

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_QUIET = re.compile(r"^\s*(#.*)?$")  # a comment or blank line: no data of its own


class NotPreserved(Exception):
    """The file cannot be edited without changing bytes outside the inserted lines."""


def _yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long Chinese sentence onto a second line
    yaml.indent(mapping=2, sequence=4, offset=2)  # the project's style: "  - key: value"
    return yaml


def load(text: str) -> CommentedMap:
    try:
        data = _yaml().load(text)
    except YAMLError as error:
        raise NotPreserved(f"无法解析：{error}") from None
    if not isinstance(data, CommentedMap):
        raise NotPreserved("文件顶层不是“键: 值”映射")
    return data


def dump(data: CommentedMap) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def edit(text: str, change: Callable[[CommentedMap], None]) -> str:
    """``text`` with ``change`` applied to its data, or NotPreserved when that would touch other bytes."""
    body, crlf, final_newline = _normalised(text)
    data = load(body)
    if dump(data) != body:
        raise NotPreserved("这个文件的写法无法原样保留（例如特殊的缩进或引号）")
    change(data)
    result = _settled(body, dump(data))
    if not only_inserted(body, result):
        raise NotPreserved("修改会改动文件中其他行")
    if not final_newline:
        result = result.removesuffix("\n")
    return result.replace("\n", "\r\n") if crlf else result


def _normalised(text: str) -> tuple[str, bool, bool]:
    """LF text ending in a newline, and whether the original used CRLF / had a final newline."""
    crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")
    body = text.replace("\r\n", "\n") if crlf else text
    final_newline = body.endswith("\n")
    return (body if final_newline else body + "\n"), crlf, final_newline


def only_inserted(old: str, new: str) -> bool:
    """True when ``new`` is ``old`` with lines added and none removed or changed."""
    matcher = difflib.SequenceMatcher(a=old.splitlines(True), b=new.splitlines(True), autojunk=False)
    return all(tag in ("equal", "insert") for tag, *_ in matcher.get_opcodes())


def _settled(old: str, new: str) -> str:
    """Move an inserted block above the comments and blank lines just before it.

    ruamel keeps a comment that introduces the *next* key with the last item of a
    list, so an appended item lands below that comment; the comment belongs with
    what follows. Comment lines carry no data, so the data must come out the same
    (checked: inside a block scalar a ``#`` line is text, and then nothing moves).
    """
    before, after = old.splitlines(True), new.splitlines(True)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    inserts = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    if len(inserts) != 1 or inserts[0][0] != "insert":
        return new
    _, at, _, start, end = inserts[0]
    spot = at
    while spot > 0 and _QUIET.match(before[spot - 1]):
        spot -= 1
    moved = "".join([*before[:spot], *after[start:end], *before[spot:]])
    same = load_bytes("", moved.encode()).data == load_bytes("", new.encode()).data
    return moved if same else new


def plain(value: object) -> object:
    """Plain data → ruamel nodes; ``YYYY-MM-DD`` text becomes a date so it is written unquoted."""
    if isinstance(value, Mapping):
        return CommentedMap((str(k), plain(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return CommentedSeq(plain(v) for v in value)
    if isinstance(value, str) and _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def put(mapping: CommentedMap, key: str, value: object, order: Sequence[str]) -> None:
    """Set a new ``key`` where ``order`` (the schema's property order) puts it among the present keys."""
    rank = {name: i for i, name in enumerate(order)}
    mine = rank.get(key, len(order))
    position = sum(1 for k in mapping if rank.get(str(k), len(order)) <= mine)
    mapping.insert(position, key, plain(value))

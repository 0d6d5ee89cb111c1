"""Evidence files: filed in the unit folder's ``evidence/``, of an allowed type, unchanged since recorded.

An evidence item has one canonical form: its file relative to the unit folder, in the
folder of the item's own problem (``evidence/P03.1/台账.xlsx``), or an http(s) intranet
link. Anything else is a finding: another scheme (``file:``), a %-escape or backslash
(``evidence/P01/%2e%2e/x``), a ``..`` step, another problem's folder. (A link or special
file on disk is refused by the walk itself, XC013.) The rules are pure over the index;
the hash rule gets the hashes of the files on disk from the pipeline, so it stays pure
too. All read one :func:`survey` of the index, walked once per run.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from xuncha.model.findings import Finding, at
from xuncha.model.index import Index, Record

ALLOWED_TYPES = (".pdf", ".docx", ".xlsx", ".jpg", ".png")
FOLDER = "evidence"
_PREFIX = f"{FOLDER}/"
WEB = ("http://", "https://")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")  # what starts a link of any kind (or C:)
_ESCAPED = re.compile(r"%[0-9A-Fa-f]{2}|\\")
DEFAULT_MAX_MB = 20  # [tool.xuncha] evidence_max_mb overrides it

DataPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Cited:
    """One evidence item of one record: where it is written and the file it names (repo-relative)."""

    record: Record
    path: DataPath
    item: dict[str, Any]

    @property
    def link(self) -> bool:
        return is_link(str(self.item.get("file", "")))

    @property
    def file(self) -> str | None:
        """The repo-relative path of a local file, or None for a link or no file."""
        name = self.item.get("file")
        if not name or self.link:
            return None
        return f"rounds/{self.record.place.round}/{self.record.place.unit}/{name}"


@dataclass(frozen=True)
class Survey:
    """What the evidence rules need from the items of one index."""

    misfiled: tuple[Finding, ...]  # XC701/XC702/XC705/XC706, in document order
    recorded: tuple[tuple[Cited, str], ...]  # local files with a recorded hash: (item, repo-relative path)


def is_link(name: str) -> bool:
    """An intranet link: the only kind of link an evidence item may be."""
    return name.lower().startswith(WEB) and len(name) > len("https://")


def max_bytes(config: Mapping[str, Any]) -> int:
    """The size limit for one evidence file, from ``[tool.xuncha] evidence_max_mb``."""
    return int(float(config.get("evidence_max_mb", DEFAULT_MAX_MB)) * 1024 * 1024)


def cited(index: Index) -> Iterator[Cited]:
    """Every evidence item of the unit folders: in progress-log entries and assessment deductions."""
    for folder in index.folders.values():
        for record in folder.statuses.values():
            for i, entry in enumerate(record.data["log"]):
                for j, item in enumerate(entry.get("evidence", ())):
                    yield Cited(record, ("log", i, "evidence", j), item)
        for record, i, deduction in folder.items("assessment", "deductions"):
            for j, item in enumerate(deduction.get("evidence", ())):
                yield Cited(record, ("deductions", i, "evidence", j), item)


_last: tuple[weakref.ref[Index], Survey] | None = None


def survey(index: Index) -> Survey:
    """The evidence items sorted out in one walk, kept for the index last asked about (an index is
    not changed once built): a validate run asks three times (XC701/XC702, which files to hash,
    XC703/XC704), and the walk is the cost."""
    global _last
    if _last is None or _last[0]() is not index:
        _last = (weakref.ref(index), _survey(index))
    return _last[1]


def _survey(index: Index) -> Survey:
    misfiled: list[Finding] = []
    recorded: list[tuple[Cited, str]] = []
    for item in cited(index):
        name = str(item.item.get("file", ""))
        if not name or is_link(name):
            continue
        finding = _misfiled(item, name)
        if finding is not None:
            misfiled.append(finding)
        elif item.item.get("sha256") and (file := item.file):  # never a path that climbs out
            recorded.append((item, file))
    return Survey(tuple(misfiled), tuple(recorded))


_CANONICAL = (
    f"写 {FOLDER}/<问题编号>/<文件名>（文件放在本单位本轮文件夹的 {FOLDER}/<问题编号>/ 下），"
    "或 http(s) 内网链接。"
)


def _misfiled(item: Cited, name: str) -> Finding | None:
    folder = name.split("/")[1] if name.count("/") >= 2 else None
    own = item.record.place.stem if item.record.place.kind == "status" else None
    if _SCHEME.match(name):
        code, message = "XC705", f"佐证“{name}”不是允许的写法：只能是本单位的佐证文件或 http(s) 内网链接"
        hint = f"不要用 file: 等其他链接或本机路径；{_CANONICAL}"
    elif _ESCAPED.search(name):
        code, message = "XC705", f"佐证文件“{name}”含有 %xx 编码或反斜杠"
        hint = f"写文件的原名，用“/”分隔；{_CANONICAL}"
    elif _outside(name):
        code, message = "XC702", f"佐证文件“{name}”不在本单位本轮的 {FOLDER}/ 文件夹中"
        hint = f"佐证放在本单位文件夹的 {FOLDER}/<问题编号>/ 下，这里写 {FOLDER}/<问题编号>/<文件名>。"
    elif own is not None and folder != own:
        code, message = "XC706", f"佐证文件“{name}”不在问题 {own} 自己的 {FOLDER}/{own}/ 文件夹中"
        hint = f"本问题的佐证放在 {FOLDER}/{own}/ 下；确属同一材料的，复制一份到 {FOLDER}/{own}/ 再登记。"
    elif not name.lower().endswith(ALLOWED_TYPES):
        code, message = "XC701", f"佐证文件“{name}”的类型不允许"
        hint = f"允许的类型：{'、'.join(t.lstrip('.') for t in ALLOWED_TYPES)}；其他材料请转换为 PDF。"
    else:
        return None
    return at(item.record.file, code, message, hint, path=(*item.path, "file"))


def _outside(name: str) -> bool:
    """Not below ``evidence/``, or a step that is no folder's name: ``..``, ``.``, an empty one
    (tested for every item: the split only when needed)."""
    if not name.startswith(_PREFIX):
        return True
    return ("." in name or "//" in name) and any(part in ("", ".", "..") for part in name.split("/"))


def filed_properly(index: Index) -> Iterator[Finding]:
    """XC701/XC702/XC705/XC706: an evidence item is in its canonical form, in its problem's folder,
    of an allowed type."""
    yield from survey(index).misfiled


def hashed(index: Index) -> list[str]:
    """The local files whose content hash is recorded: the pipeline hashes these on disk."""
    return sorted({file for _, file in survey(index).recorded})


def unchanged(index: Index, on_disk: Mapping[str, str | None]) -> Iterator[Finding]:
    """XC703/XC704: a file with a recorded hash exists and still has that content."""
    for item, file in survey(index).recorded:
        if file not in on_disk or on_disk[file] == item.item["sha256"]:
            continue
        if on_disk[file] is None:
            code, message, key = "XC703", f"佐证文件 {item.item['file']} 不存在", "file"
            hint = "把文件放回原处（文件名不要改动），或改正文件名。"
        else:
            code, key = "XC704", "sha256"
            message = f"佐证文件 {item.item['file']} 的内容与登记时不一致（文件被替换或改动过）"
            hint = "恢复原文件；确需补充材料的，用新文件名另行登记一条佐证。"
        yield at(item.record.file, code, message, hint, path=(*item.path, key))


RULES = (filed_properly,)

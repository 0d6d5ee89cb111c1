"""Evidence files: filed in the unit folder's ``evidence/``, of an allowed type, unchanged since recorded.

An evidence item names its file relative to the unit folder (``evidence/P03.1/台账.xlsx``)
or gives an intranet link. The type rule is pure over the index; the hash rule gets
the hashes of the files on disk from the pipeline (``validate.py`` reads them), so it
stays pure too. Both read one :func:`survey` of the index, walked once per run.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from xuncha.model.findings import Finding, at
from xuncha.model.index import Index, Record

ALLOWED_TYPES = (".pdf", ".docx", ".xlsx", ".jpg", ".png")
FOLDER = "evidence"
_PREFIX = f"{FOLDER}/"
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
        return "://" in str(self.item.get("file", ""))

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

    misfiled: tuple[Finding, ...]  # XC701/XC702, in document order
    recorded: tuple[tuple[Cited, str], ...]  # local files with a recorded hash: (item, repo-relative path)


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
        if not name or "://" in name:
            continue
        finding = _misfiled(item, name)
        if finding is not None:
            misfiled.append(finding)
        if item.item.get("sha256") and (file := item.file):
            recorded.append((item, file))
    return Survey(tuple(misfiled), tuple(recorded))


def _misfiled(item: Cited, name: str) -> Finding | None:
    if _outside(name):
        code, message = "XC702", f"佐证文件“{name}”不在本单位本轮的 {FOLDER}/ 文件夹中"
        hint = f"佐证放在本单位文件夹的 {FOLDER}/<问题编号>/ 下，这里写 {FOLDER}/<问题编号>/<文件名>。"
    elif not name.lower().endswith(ALLOWED_TYPES):
        code, message = "XC701", f"佐证文件“{name}”的类型不允许"
        hint = f"允许的类型：{'、'.join(t.lstrip('.') for t in ALLOWED_TYPES)}；其他材料请转换为 PDF。"
    else:
        return None
    return at(item.record.file, code, message, hint, path=(*item.path, "file"))


def _outside(name: str) -> bool:
    """Not below ``evidence/``, or climbing out of it (tested for every item: the split only when needed)."""
    return not name.startswith(_PREFIX) or (".." in name and ".." in name.split("/"))


def filed_properly(index: Index) -> Iterator[Finding]:
    """XC701/XC702: a local evidence file sits below ``evidence/`` and has an allowed type."""
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

"""IDs: each file's ID matches its place, and no ID is used twice."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from xuncha.model.findings import Finding, Severity, at
from xuncha.model.index import Folder, Index, Record, iter_nodes

LIST_RECORDS = {
    "extensions": ("extensions",),
    "reports": ("meetings", "reports"),
    "clues": ("clues", "petitions"),
    "supervision": ("actions",),
    "participation": ("surveys", "hearings"),
    "feedback": ("corrections",),
}


def ids_match_places(index: Index) -> Iterator[Finding]:
    """XC201: the ID inside a file agrees with its file and folder names."""
    for record in _all_records(index):
        for key, expected in _expected_ids(record).items():
            actual = record.data.get(key)
            if actual is not None and expected is not None and actual != expected:
                yield at(
                    record.file,
                    "XC201",
                    f"“{key}”是 {actual}，但文件位置表明应为 {expected}",
                    "编号与文件名、文件夹名必须一致：改正编号，或把文件移到正确的文件夹。",
                    path=(key,),
                )


def _expected_ids(record: Record) -> dict[str, str | None]:
    place = record.place
    if place.kind == "unit":
        return {"id": place.stem}
    if place.kind == "round":
        return {"id": place.round}
    expected = {"round": place.round, "unit": place.unit}
    if place.kind == "status":
        expected["problem"] = place.stem
    if place.kind == "notice":
        expected["id"] = place.stem
    return expected


def no_duplicate_ids(index: Index) -> Iterator[Finding]:
    """XC202: IDs are never used twice (within a file's lists or a feedback tree)."""
    for first, second in index.duplicates:
        yield at(
            second.file,
            "XC202",
            f"编号与 {first.file} 重复",
            "编号一经使用不得复用：换一个新编号。",
            path=("id",),
        )
    for folder in index.folders.values():
        for kind in folder.records:
            for key in LIST_RECORDS.get(kind, ()):
                yield from _repeats(folder, kind, key, "id")
        if folder.feedback is not None:
            yield from _feedback_repeats(folder.feedback)
        yield from _repeats(folder, "plan", "entries", "problem")
    for record in index.rounds.values():
        units = enumerate(record.data["units"])
        yield from _repeated(record, "units", ((i, u.get("unit")) for i, u in units), "unit")


def _feedback_repeats(record: Record) -> Iterator[Finding]:
    aspects = record.data.get("aspects", [])
    yield from _repeated(record, "aspects", ((i, a.get("id")) for i, a in enumerate(aspects)), "id")
    seen: set[str] = set()
    for node_id, node in iter_nodes(record.data):
        if node_id in seen:
            yield at(
                record.file,
                "XC202",
                f"问题编号 {node_id} 重复",
                "问题编号在整个反馈意见中唯一：换一个未用过的编号。",
                path=(*node.path, "id"),
            )
        seen.add(node_id)


def _repeats(folder: Folder, kind: str, key: str, field: str) -> Iterator[Finding]:
    record = folder.records.get(kind)
    if record is not None:
        values = ((i, item.get(field)) for _, i, item in folder.items(kind, key))
        yield from _repeated(record, key, values, field)


def _repeated(record: Record, key: str, items: Iterable[tuple[int, Any]], field: str) -> Iterator[Finding]:
    seen: set[Any] = set()
    for i, value in items:
        if value in seen:
            yield at(
                record.file,
                "XC202",
                f"“{key}”中的 {value} 重复出现",
                "每项只能出现一次，编号不得复用。",
                path=(key, i, field),
            )
        seen.add(value)


def announced_counts(index: Index) -> Iterator[Finding]:
    """XC208 (warning): the announced “N个方面M个问题” disagrees with the list itself."""
    for folder in index.folders.values():
        record = folder.feedback
        if record is None or "announced" not in record.data:
            continue
        actual = {
            "aspects": len(record.data.get("aspects", [])),
            "problems": sum(1 for n in folder.nodes.values() if n.level == 0),
            "refined": len(folder.leaves()),
        }
        for key, stated in record.data["announced"].items():
            if stated != actual[key]:
                yield at(
                    record.file,
                    "XC208",
                    f"通报口径 {key} 为 {stated}，问题清单实际为 {actual[key]}",
                    "核对反馈原文；口径与清单不一致时，在注释中说明原因。",
                    path=("announced", key),
                    severity=Severity.WARNING,
                )


def _all_records(index: Index) -> Iterator[Record]:
    yield from index.units.values()
    yield from index.rounds.values()
    for folder in index.folders.values():
        yield from folder.records.values()
        yield from folder.statuses.values()
        yield from folder.notices.values()


RULES = (ids_match_places, no_duplicate_ids, announced_counts)

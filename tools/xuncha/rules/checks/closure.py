"""A unit's rectification accepted as finished (``closure`` in round.yaml): only after feedback,
archived no earlier than accepted, and only with every leaf problem completed by then, since an
accepted unit leaves the daily tracking for good."""

from __future__ import annotations

from collections.abc import Iterator

from xuncha.model.findings import Finding, at
from xuncha.model.index import Index, Record
from xuncha.rules.deadlines import DONE_STATES
from xuncha.rules.metrics import state_as_of


def closure_dates(index: Index) -> Iterator[Finding]:
    """XC306: accepted after feedback; archived on or after acceptance."""
    for record, i, closure in _closures(index):
        feedback, accepted = record.data["units"][i].get("feedback_date"), closure["accepted"]
        if feedback and accepted <= feedback:
            yield at(
                record.file,
                "XC306",
                f"认定办结日期 {accepted} 不晚于反馈日期 {feedback}",
                "整改在反馈之后才能办结：核对认定办结日期。",
                path=("units", i, "closure", "accepted"),
            )
        if closure.get("archived") and closure["archived"] < accepted:
            yield at(
                record.file,
                "XC306",
                f"归档日期 {closure['archived']} 早于认定办结日期 {accepted}",
                "办结之后才立卷归档：核对这两个日期。",
                path=("units", i, "closure", "archived"),
            )


def closed_with_open_problems(index: Index) -> Iterator[Finding]:
    """XC320: every leaf problem completed (or closed out) by the day the unit was accepted."""
    for record, i, closure in _closures(index):
        folder = index.folders.get((str(record.data["id"]), str(record.data["units"][i]["unit"])))
        if folder is None:
            continue
        accepted = str(closure["accepted"])
        still_open = [
            leaf.id
            for leaf in folder.leaves()
            if state_as_of(folder.statuses.get(leaf.id), accepted)[0] not in DONE_STATES
        ]
        if still_open:
            shown = "、".join(still_open[:10]) + (f"等{len(still_open)}个" if len(still_open) > 10 else "")
            yield at(
                record.file,
                "XC320",
                f"认定办结（{accepted}）时仍有未完成的问题：{shown}",
                "办结须在所有问题完成整改之后：先记录这些问题的整改进展，或改正认定办结日期。",
                path=("units", i, "closure", "accepted"),
            )


def _closures(index: Index) -> Iterator[tuple[Record, int, dict[str, str]]]:
    for record in index.rounds.values():
        for i, entry in enumerate(record.data.get("units", [])):
            if entry.get("closure"):
                yield record, i, entry["closure"]


RULES = (closure_dates, closed_with_open_problems)

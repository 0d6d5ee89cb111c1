"""The result of comparing two versions of a record: summary lines by section, and findings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from xuncha.model.findings import Finding, at
from xuncha.model.index import Folder, Json, Record

# Sections of a review, in the order a reviewer reads them.
SECTIONS = {
    "setup": "轮次和单位",
    "added": "新增问题",
    "corrected": "更正",
    "status": "状态变化",
    "closed": "销号",
    "extended": "延期",
    "plan": "整改方案",
    "reports": "报告和会议",
    "assessment": "质效评估",
    "notices": "通报",
    "supervision": "督查督办",
    "participation": "群众参与",
    "clues": "问题线索和信访件",
    "files": "文件",
}


@dataclass(frozen=True)
class Change:
    """One line of the summary: ``section`` (a key of SECTIONS), the words, and what it is about."""

    section: str
    text: str
    round: str | None = None
    unit: str | None = None
    problems: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        """``round/unit`` for a unit folder's records; rounds and units name themselves in the text."""
        return f"{self.round}/{self.unit}" if self.round and self.unit else ""

    def as_json(self) -> dict[str, object]:
        return {
            "section": self.section,
            "title": SECTIONS[self.section],
            "round": self.round,
            "unit": self.unit,
            "problems": list(self.problems),
            "text": self.text,
        }


@dataclass
class Diff:
    """Everything one file's change says: lines for the summary, findings for the rules."""

    record: Record
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def add(self, section: str, text: str, *problems: str) -> None:
        place = self.record.place
        self.changes.append(Change(section, text, place.round, place.unit, problems))

    def refuse(self, code: str, message: str, hint: str, path: tuple[str | int, ...]) -> None:
        self.findings.append(at(self.record.file, code, message, hint, path=path))


Comparer = Callable[[Diff, Json | None, Json, Folder | None], None]

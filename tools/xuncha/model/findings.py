"""Findings: what every check yields. A finding never raises; the shells decide exit codes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

Row = tuple[str, int, int, str, str, str, str, tuple[str | int, ...]]


class Severity(StrEnum):
    """Errors fail a run (exit 1); warnings are shown but pass unless ``--strict``."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem found in one place, with a stable code and a fix hint in Chinese.

    ``path`` is the location inside the document (keys and list indexes) when the
    finding is about a value; the pipeline turns it into ``line``/``column`` lazily,
    because only files with findings are worth re-reading for positions.
    """

    file: str
    line: int
    column: int
    code: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    path: tuple[str | int, ...] = field(default=(), compare=False)

    def as_row(self) -> Row:
        """Plain data for ``marshal``: how findings travel between processes and into the verdict."""
        return (
            self.file,
            self.line,
            self.column,
            self.code,
            self.message,
            self.hint,
            self.severity.value,
            self.path,
        )

    @classmethod
    def from_row(cls, row: Row) -> Finding:
        file, line, column, code, message, hint, severity, path = row
        return cls(file, line, column, code, message, hint, Severity(severity), tuple(path))

    def as_json(self) -> dict[str, object]:
        """The machine form promised by ``--format json``."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
        }

    def as_text(self) -> str:
        """``file:line:col: CODE 消息（提示）``, the form editors and CI logs link."""
        level = "错误" if self.severity is Severity.ERROR else "警告"
        hint = f"\n    提示：{self.hint}" if self.hint else ""
        return f"{self.file}:{self.line}:{self.column}: {self.code} [{level}] {self.message}{hint}"


def at(
    file: str,
    code: str,
    message: str,
    hint: str = "",
    *,
    path: tuple[str | int, ...] = (),
    line: int = 0,
    column: int = 0,
    severity: Severity = Severity.ERROR,
) -> Finding:
    """Build a finding; line 0 means 'locate from ``path`` later'."""
    return Finding(file, line, column, code, message, hint, severity, path)


def by_place(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in reading order: file, line, column, then code."""
    return sorted(findings, key=lambda f: (f.file, f.line, f.column, f.code))

"""What ``xuncha validate`` prints: the findings, then a one-line summary."""

from __future__ import annotations

import json
from collections.abc import Sequence

from xuncha.model.findings import Finding, Severity


def rendered(findings: Sequence[Finding], checked: int, unchanged: int, output: str) -> tuple[str, str]:
    """(stdout, stderr) of a run, each ending in a newline when not empty."""
    if output == "json":
        return json.dumps([f.as_json() for f in findings], ensure_ascii=False, indent=2) + "\n", ""
    lines = "".join(f"{finding.as_text()}\n" for finding in findings)
    line = f"{summary(findings, checked, unchanged)}\n"
    return (lines, line) if findings else (line, "")


def summary(findings: Sequence[Finding], checked: int, unchanged: int) -> str:
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = len(findings) - errors
    verdict = "通过" if not errors else "未通过"
    return f"校验{verdict}：{checked} 个文件（{unchanged} 个未改动），{errors} 个错误，{warnings} 个警告。"


def exit_code(findings: Sequence[Finding], strict: bool) -> int:
    """1 when an error was found (or, with ``--strict``, anything at all); else 0."""
    failed = any(f.severity is Severity.ERROR for f in findings) or (strict and bool(findings))
    return 1 if failed else 0

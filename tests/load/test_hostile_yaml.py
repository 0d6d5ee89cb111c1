"""Hostile YAML that once escaped as a usage error (exit 2): a self-referencing alias, deep nesting."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_special_files import RECORD, xuncha

CASES = {
    "alias-to-its-own-list": (b"round: 2025-t-r1\nlog: &x [*x]\n", "XC009", 2, "循环引用"),
    "alias-to-its-own-mapping": (b"round: 2025-t-r1\nlog: &x\n  b: *x\n", "XC009", 2, "循环引用"),
    "alias-inside-a-nested-list": (b"round: 2025-t-r1\nlog:\n  - &x {a: [1, *x]}\n", "XC009", 3, "循环引用"),
    "nesting-python-cannot-build": (b"log: " + b"[" * 600 + b"]" * 600 + b"\n", "XC015", 1, "嵌套的层次过深"),
    "nesting-libyaml-refuses": (b"log: " + b"[" * 5000 + b"]" * 5000 + b"\n", "XC006", 1, "嵌套的层次过深"),
}


@pytest.mark.parametrize("case", CASES)
def test_exit_1_with_file_line_and_chinese_message(minimal_repo: Path, case: str) -> None:
    text, code, line, words = CASES[case]
    (minimal_repo / RECORD).write_bytes(text)
    result = xuncha(minimal_repo, "validate")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{RECORD}:{line}:" in result.stdout and f" {code} " in result.stdout
    assert words in result.stdout and "Traceback" not in result.stderr

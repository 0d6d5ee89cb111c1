"""A clerk's paste accident: a title or note far longer than any real one is a finding, not a page
nobody can open. The limits (schemas' maxLength) are sized from the seeds' longest real texts."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_special_files import RECORD, xuncha

FEEDBACK = "rounds/2025-t-r1/t-unit/feedback.yaml"


def replace(root: Path, relpath: str, old: str, new: str) -> None:
    path = root / relpath
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(
    ("relpath", "old", "new", "line", "limit"),
    [
        (RECORD, "note: 启动专项整治。", "note: " + "启动专项整治。" * 600, 7, 4000),  # 4,200 characters
        (FEEDBACK, "title: 主体责任落实不到位。", "title: " + "主体责任落实不到位" * 30, 8, 200),  # 270
    ],
)
def test_an_overlong_text_is_refused_with_the_evidence_hint(
    minimal_repo: Path, relpath: str, old: str, new: str, line: int, limit: int
) -> None:
    replace(minimal_repo, relpath, old, new)
    result = xuncha(minimal_repo, "validate")
    assert result.returncode == 1
    found = [x for x in result.stdout.splitlines() if x.startswith(f"{relpath}:{line}:") and " XC107 " in x]
    assert found and f"上限 {limit} 字" in found[0], result.stdout
    assert "作为佐证材料登记" in result.stdout


def test_a_six_megabyte_note_is_refused_unread(minimal_repo: Path) -> None:
    replace(minimal_repo, RECORD, "note: 启动专项整治。", "note: " + "长" * (2 << 20))  # 6 MB of UTF-8
    result = xuncha(minimal_repo, "validate")
    assert result.returncode == 1 and f"{RECORD}:1:1: XC014 " in result.stdout

"""Evidence has one canonical form: ``evidence/<问题编号>/<文件名>`` in the unit folder, or an http(s)
intranet link. Other schemes, %-escapes, traversal, links on disk and other problems' folders are findings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_special_files import xuncha

FOLDER = "rounds/2025-t-r1/t-unit"
RECORD = f"{FOLDER}/status/P02.yaml"
CITED = "      - title: 专项整治工作报告\n"


def cite(root: Path, file: str) -> None:
    """P02's second entry cites ``file`` as its evidence."""
    path = root / RECORD
    text = path.read_text(encoding="utf-8")
    assert text.count(CITED) == 1
    path.write_text(text.replace(CITED, f"{CITED}        file: {file}\n"), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "code"),
    [
        ("file:///etc/passwd", "XC705"),
        ("file:/etc/passwd", "XC705"),
        ("FILE://server/share/报告.pdf", "XC705"),
        ("ftp://intranet/报告.pdf", "XC705"),
        ("C:/Users/clerk/报告.pdf", "XC705"),
        ("evidence/P02/%2e%2e/%2e%2e/round.pdf", "XC705"),
        ("evidence/P02/..%2f..%2fsecret.pdf", "XC705"),
        ("evidence\\P02\\报告.pdf", "XC705"),
        ("evidence/P02/../../报告.pdf", "XC702"),
        ("evidence/./P02/报告.pdf", "XC702"),
        ("evidence//P02/报告.pdf", "XC702"),
        ("/etc/报告.pdf", "XC702"),
        ("evidence/P01.1/报告.pdf", "XC706"),
        ("evidence/报告.pdf", "XC706"),
    ],
)
def test_a_non_canonical_evidence_item_is_a_finding(minimal_repo: Path, file: str, code: str) -> None:
    cite(minimal_repo, f'"{file}"' if "\\" not in file else f"'{file}'")
    result = xuncha(minimal_repo, "validate")
    assert result.returncode == 1, result.stdout
    assert f"{RECORD}:13:" in result.stdout and f" {code} " in result.stdout, result.stdout
    assert "佐证" in result.stdout


@pytest.mark.parametrize(
    "file", ["evidence/P02/报告.pdf", "https://oa.example.cn/doc/1", "http://10.1.2.3/a.pdf"]
)
def test_the_canonical_forms_pass(minimal_repo: Path, file: str) -> None:
    cite(minimal_repo, file)
    result = xuncha(minimal_repo, "validate")
    assert result.returncode == 0, result.stdout


def test_an_evidence_file_that_is_a_symlink_is_refused(minimal_repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "外部.pdf"
    outside.write_bytes(b"%PDF-1.4\n")
    (minimal_repo / FOLDER / "evidence/P02").mkdir(parents=True)
    os.symlink(outside, minimal_repo / FOLDER / "evidence/P02/报告.pdf")
    cite(minimal_repo, "evidence/P02/报告.pdf")
    result = xuncha(minimal_repo, "validate")
    assert result.returncode == 1
    assert f"{FOLDER}/evidence/P02/报告.pdf:1:1: XC013 " in result.stdout

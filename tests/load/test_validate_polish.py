"""Edge cases a clerk meets: knock-on errors stay quiet, codes keep their zeros, one report per mistake."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from xuncha.load.parse import load_bytes
from xuncha.model import ondisk
from xuncha.pipeline import validate


def codes(root: Path) -> set[tuple[str, str]]:
    return {(f.file, f.code) for f in validate(root, use_cache=False).findings}


def test_invalid_feedback_does_not_make_every_status_unknown(minimal_repo: Path) -> None:
    feedback = minimal_repo / "rounds/2025-t-r1/t-unit/feedback.yaml"
    feedback.write_text(
        feedback.read_text(encoding="utf-8").replace("round: 2025-t-r1", "round: 2025-t-r1\nbogus: 1"),
        encoding="utf-8",
    )
    assert codes(minimal_repo) == {("rounds/2025-t-r1/t-unit/feedback.yaml", "XC105")}


def test_invalid_round_file_does_not_orphan_its_unit_folders(minimal_repo: Path) -> None:
    round_file = minimal_repo / "rounds/2025-t-r1/round.yaml"
    round_file.write_text(
        round_file.read_text(encoding="utf-8").replace("kind: 常规", "kind: 普通"), encoding="utf-8"
    )
    assert codes(minimal_repo) == {("rounds/2025-t-r1/round.yaml", "XC103")}


def test_invalid_unit_file_is_reported_once(minimal_repo: Path) -> None:
    unit = minimal_repo / "units/t-unit.yaml"
    unit.write_text(
        unit.read_text(encoding="utf-8").replace("type: 区级机关", "type: 机关"), encoding="utf-8"
    )
    assert codes(minimal_repo) == {("units/t-unit.yaml", "XC103")}


def test_digits_with_a_leading_zero_stay_text() -> None:
    loaded = load_bytes("u.yaml", b"postbox: 014400\ncount: 12\nzero: 0\n")
    assert loaded.data == {"postbox": "014400", "count": 12, "zero": 0}


def test_a_misformatted_date_is_reported_once(minimal_repo: Path) -> None:
    status = minimal_repo / "rounds/2025-t-r1/t-unit/status/P02.yaml"
    status.write_text(
        status.read_text(encoding="utf-8").replace("2025-07-01", "07-01-2025"), encoding="utf-8"
    )
    found = [f for f in validate(minimal_repo, use_cache=False).findings]
    assert [(f.code, f.line) for f in found] == [("XC110", 5)]


def test_syntax_error_at_end_of_file_points_inside_the_file() -> None:
    loaded = load_bytes("r.yaml", b"round: 2025-t-r1\nmeetings: [\n")
    (finding,) = loaded.findings
    assert finding.code == "XC006" and finding.line <= 2
    assert "expected" not in finding.message


def test_a_file_is_read_whole_with_the_stat_taken_before(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes("问题: 一\n".encode() * 5000)
    raw, info = ondisk.read(str(path), 1 << 20)
    assert raw == path.read_bytes() and info.st_size == len(raw)


def _stat_says_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a file that grows after the stat looks like to the reader: fstat says 0 bytes."""
    real = os.fstat

    def shrunk(fd: int) -> os.stat_result:
        info = real(fd)
        return os.stat_result((*info[:6], 0, *info[7:10]))

    monkeypatch.setattr(os, "fstat", shrunk)


def test_a_file_longer_than_its_stat_said_is_read_to_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "grows.yaml"
    text = b"note: " + b"x" * 200_000 + b"\n"
    path.write_bytes(text)
    _stat_says_empty(monkeypatch)
    raw, info = ondisk.read(str(path), 1 << 20)
    assert info.st_size == 0 and raw == text


def test_a_file_that_grows_past_the_cap_while_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "grows.yaml"
    path.write_bytes(b"x" * 300_000)
    _stat_says_empty(monkeypatch)
    with pytest.raises(ondisk.TooLarge):
        ondisk.read(str(path), 100_000)

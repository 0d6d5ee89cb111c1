"""Edge cases a clerk meets: knock-on errors stay quiet, codes keep their zeros, one report per mistake."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from xuncha.load.parse import load_bytes
from xuncha.pipeline import _read, validate


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
    raw, info = _read(path)
    assert raw == path.read_bytes() and info.st_size == len(raw)


def test_a_file_longer_than_its_stat_said_is_read_to_the_end(tmp_path: Path) -> None:
    """A FIFO's stat says 0 bytes: what follows is what a file that grows after the stat gets."""
    fifo = tmp_path / "grows.yaml"
    os.mkfifo(fifo)
    text = b"note: " + b"x" * 200_000 + b"\n"
    writer = threading.Thread(target=fifo.write_bytes, args=(text,))
    writer.start()
    raw, info = _read(fifo)
    writer.join()
    assert info.st_size == 0 and raw == text

"""The entry point answers a plain `xuncha validate` itself, exactly as the click command would."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xuncha import pipeline
from xuncha.cli.launch import answer, plain_validate
from xuncha.load.cachefolder import CACHE_DIR

STATUS = "rounds/2025-t-r1/t-unit/status/P02.yaml"
TOWN = "units/t-town.yaml"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["validate"], (None, "text", False)),
        (["--root", "/r", "validate", "--format", "json", "--strict"], ("/r", "json", True)),
        (["--root=/r", "validate", "--format=json"], ("/r", "json", False)),
        (["validate", "--strict", "--format", "text"], (None, "text", True)),
    ],
)
def test_plain_forms_are_recognised(args: list[str], expected: tuple[str | None, str, bool]) -> None:
    assert plain_validate(args) == expected


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["overdue"],
        ["validate", "rounds"],  # a scoped run
        ["validate", "--no-cache"],
        ["validate", "--format", "xml"],  # click's usage error
        ["validate", "--format"],
        ["validate", "--help"],
        ["validate", "--root", "/r"],  # --root belongs before the command
        ["--root"],
    ],
)
def test_anything_else_goes_to_click(args: list[str]) -> None:
    assert plain_validate(args) is None


def xuncha(root: Path, *args: str, entry: str = "xuncha.cli.launch") -> tuple[int, str, str]:
    """The installed entry point (or the click command behind it), run as a user runs it."""
    command = [sys.executable, "-c", f"from {entry} import main; main()", "--root", str(root), *args]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    return done.returncode, done.stdout, done.stderr


def break_two(root: Path) -> None:
    """An error (XC303 in a status) and a warning-free second finding (XC103 in a unit)."""
    status = root / STATUS
    status.write_text(
        status.read_text(encoding="utf-8").replace("2025-07-01", "2025-06-01", 1), encoding="utf-8"
    )
    town = root / TOWN
    town.write_text(town.read_text(encoding="utf-8").replace("type: 区镇", "type: 县镇"), encoding="utf-8")


@pytest.mark.parametrize("args", [(), ("--format", "json"), ("--strict",)])
def test_a_replayed_verdict_prints_what_the_full_run_printed(
    minimal_repo: Path, args: tuple[str, ...]
) -> None:
    break_two(minimal_repo)
    full = xuncha(minimal_repo, "validate", *args)
    replayed = xuncha(minimal_repo, "validate", *args)
    assert full[0] == replayed[0] == 1
    # the summary counts the files not read again: none the first time, all of them replayed
    assert (replayed[1], replayed[2]) == (full[1], full[2].replace("（0 个未改动）", "（6 个未改动）"))
    assert "XC303" in full[1] and "XC103" in full[1]


def test_outside_a_repository_click_reports_the_usage_error(tmp_path: Path) -> None:
    code, _, err = xuncha(tmp_path, "validate")
    assert code == 2
    assert "不在 xuncha 仓库中" in err


@pytest.mark.parametrize("args", [(), ("--format", "json"), ("--strict",)])
def test_a_fresh_run_prints_what_the_click_command_prints(minimal_repo: Path, args: tuple[str, ...]) -> None:
    break_two(minimal_repo)
    by_click = xuncha(minimal_repo, "validate", *args, entry="xuncha.cli.main")
    shutil.rmtree(minimal_repo / CACHE_DIR)
    fresh = xuncha(minimal_repo, "validate", *args)
    assert fresh == by_click
    assert fresh[0] == 1 and "XC303" in fresh[1]


def test_an_internal_error_is_one_chinese_line_not_a_traceback(
    minimal_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("索引损坏")

    monkeypatch.delenv("XUNCHA_DEBUG", raising=False)
    monkeypatch.setattr(pipeline, "validate", broken)
    assert answer(str(minimal_repo), "text", False) == 2
    assert gc.isenabled()  # paused for the run, given back even when it failed
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        captured.err == "内部错误：RuntimeError: 索引损坏（设置 XUNCHA_DEBUG=1 可查看详情，请报告此问题）\n"
    )


def test_a_reader_that_stops_reading_gets_no_traceback(minimal_repo: Path) -> None:
    break_two(minimal_repo)
    command = [
        sys.executable,
        "-c",
        "from xuncha.cli.launch import main; main()",
        "--root",
        str(minimal_repo),
    ]
    for _ in range(2):  # a fresh run, then a replayed one
        process = subprocess.Popen(
            [*command, "validate"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # long before the interpreter has started: the output meets a closed pipe
        err = process.stderr.read()
        assert process.wait() == 1
        assert "Traceback" not in err and "内部错误" not in err

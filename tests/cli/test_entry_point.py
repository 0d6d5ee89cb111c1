"""The installed entry point, run as a user runs it: a repeated `xuncha validate` answers from the
stored verdict exactly as the full run did, and nothing a clerk can do shows them a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from xuncha import pipeline

STATUS = "rounds/2025-t-r1/t-unit/status/P02.yaml"
TOWN = "units/t-town.yaml"


def xuncha(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """``python -m xuncha`` (the same entry point as the command), in its own process."""
    command = [sys.executable, "-m", "xuncha", "--root", str(root), *args]
    done = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1", **(env or {})}
    )
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


def test_outside_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = xuncha(tmp_path, "validate")
    assert code == 2
    assert "不在 xuncha 仓库中" in err


def test_an_internal_error_is_one_chinese_line_not_a_traceback(minimal_repo: Path) -> None:
    """A bug (here: a pipeline that raises) reaches the clerk as one line, exit code 2."""
    probe = (
        "import sys\nfrom xuncha import pipeline\n"
        "def broken(*_, **__): raise RuntimeError('索引损坏')\n"
        "pipeline.validate = broken\nsys.argv[0] = 'xuncha'\n"
        "from xuncha.cli.main import main\nmain()"
    )
    command = [sys.executable, "-c", probe, "--root", str(minimal_repo), "validate"]
    env = {k: v for k, v in os.environ.items() if k != "XUNCHA_DEBUG"}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "内部错误：RuntimeError: 索引损坏（设置 XUNCHA_DEBUG=1 可查看详情，请报告此问题）\n"
    assert pipeline.validate is not None  # (the probe patched its own process only)


def test_a_reader_that_stops_reading_gets_no_traceback(minimal_repo: Path) -> None:
    break_two(minimal_repo)
    command = [sys.executable, "-m", "xuncha", "--root", str(minimal_repo), "validate"]
    for _ in range(2):  # a fresh run, then a replayed one
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # long before the interpreter has started: the output meets a closed pipe
        err = process.stderr.read()
        assert process.wait() == 1
        assert "Traceback" not in err and "内部错误" not in err

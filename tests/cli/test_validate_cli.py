"""``xuncha validate`` as a user runs it: exit codes, output formats, scoped runs, the cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from xuncha.load.cache import CACHE_DIR, Entry, fingerprint, load, shard_file
from xuncha.model.layout import REST, partition_of
from xuncha.model.repo import data_files
from xuncha.pipeline import validate

REPO = Path(__file__).resolve().parents[2]
R = "rounds/2025-t-r1"
STATUS = f"{R}/t-unit/status/P02.yaml"
TOWN_REPORTS = f"{R}/t-town/reports.yaml"
Run = Callable[..., Result]


def edit(root: Path, relpath: str, old: str, new: str) -> None:
    """Replace one unique piece of a file."""
    path = root / relpath
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def codes(result: Result) -> list[tuple[str, str, int]]:
    """(file, code, line) of each finding printed by ``--format json``."""
    return [(f["file"], f["code"], f["line"]) for f in json.loads(result.stdout)]


def break_status(root: Path) -> None:
    """Same-size edit: P02's first progress entry now predates the feedback (XC303, line 5)."""
    edit(root, STATUS, "date: 2025-07-01", "date: 2025-06-01")


# --- exit codes and output -------------------------------------------------------------------


def test_clean_repository_exits_0(minimal_repo: Path, run_cli: Run) -> None:
    result = run_cli("--root", minimal_repo, "validate", "--no-cache")
    assert result.exit_code == 0
    assert result.stdout == "校验通过：6 个文件（0 个未改动），0 个错误，0 个警告。\n"


def test_errors_exit_1_with_located_chinese_text(minimal_repo: Path, run_cli: Run) -> None:
    break_status(minimal_repo)
    result = run_cli("--root", minimal_repo, "validate", "--no-cache")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{STATUS}:5:11: XC303 [错误] 日期 2025-06-01 早于反馈日期 2025-06-16\n")
    assert "    提示：" in result.stdout
    assert "校验未通过：6 个文件（0 个未改动），1 个错误，0 个警告。" in result.stderr


def test_warnings_only_exit_0(minimal_repo: Path, run_cli: Run) -> None:
    edit(
        minimal_repo,
        f"{R}/t-unit/feedback.yaml",
        "unit: t-unit\n",
        "unit: t-unit\nannounced:\n  aspects: 2\n  problems: 2\n",
    )
    result = run_cli("--root", minimal_repo, "validate", "--no-cache")
    assert result.exit_code == 0
    assert "XC208 [警告]" in result.stdout
    assert "校验通过" in result.stderr and "1 个警告" in result.stderr
    assert run_cli("--root", minimal_repo, "validate", "--no-cache", "--strict").exit_code == 1


def test_json_output_shape(minimal_repo: Path, run_cli: Run) -> None:
    break_status(minimal_repo)
    result = run_cli("--root", minimal_repo, "validate", "--no-cache", "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    assert findings == [
        {
            "file": STATUS,
            "line": 5,
            "column": 11,
            "code": "XC303",
            "severity": "error",
            "message": "日期 2025-06-01 早于反馈日期 2025-06-16",
            "hint": findings[0]["hint"],
        }
    ]
    assert "反馈" in findings[0]["hint"]
    assert "早于反馈日期" in result.stdout  # Chinese as is, not \\u escapes


def test_json_output_when_clean_is_an_empty_list(minimal_repo: Path, run_cli: Run) -> None:
    result = run_cli("--root", minimal_repo, "validate", "--no-cache", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def run_module(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("XUNCHA_DEBUG", None)
    command = [sys.executable, "-m", "xuncha", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False)


def test_unknown_option_is_a_chinese_usage_error(minimal_repo: Path) -> None:
    done = run_module("validate", "--bogus", cwd=minimal_repo)
    assert done.returncode == 2
    assert "用法错误" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_missing_path_is_a_usage_error(minimal_repo: Path) -> None:
    done = run_module("validate", "rounds/没有这个文件.yaml", cwd=minimal_repo)
    assert done.returncode == 2
    assert "用法错误：路径不存在" in done.stderr
    assert "Traceback" not in done.stderr


def test_outside_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    done = run_module("validate", cwd=tmp_path)
    assert done.returncode == 2
    assert "不在 xuncha 仓库中" in done.stderr
    assert "Traceback" not in done.stderr


def test_module_run_finds_the_repository_from_cwd(minimal_repo: Path) -> None:
    break_status(minimal_repo)
    done = run_module("validate", "--no-cache", cwd=minimal_repo / "rounds")
    assert done.returncode == 1
    assert f"{STATUS}:5:11: XC303" in done.stdout


# --- scoped runs -----------------------------------------------------------------------------


@pytest.fixture
def two_folders(minimal_repo: Path) -> Path:
    """t-town joins the round with a broken folder; t-unit's status breaks a cross-file rule."""
    with (minimal_repo / R / "round.yaml").open("a", encoding="utf-8") as round_file:
        round_file.write("  - unit: t-town\n    group: 第二巡察组\n    feedback_date: 2025-06-18\n")
    (minimal_repo / TOWN_REPORTS).parent.mkdir()
    (minimal_repo / TOWN_REPORTS).write_text(
        "round: 2025-t-r1\nunit: t-town\nnote: 时间: 6月\n", encoding="utf-8"
    )
    break_status(minimal_repo)
    return minimal_repo


def test_whole_repository_reports_both_folders(two_folders: Path, run_cli: Run) -> None:
    result = run_cli("--root", two_folders, "validate", "--no-cache", "--format", "json")
    assert codes(result) == [(TOWN_REPORTS, "XC006", 3), (STATUS, "XC303", 5)]


@pytest.mark.parametrize("target", [STATUS, f"{R}/t-unit", f"{R}/t-unit/status"])
def test_scoped_run_checks_the_file_with_its_round_and_units(
    two_folders: Path, run_cli: Run, target: str
) -> None:
    result = run_cli(
        "--root", two_folders, "validate", "--no-cache", "--format", "json", two_folders / target
    )
    # XC303 needs the round's feedback date; the round's other unit (t-town) must not look missing
    assert codes(result) == [(STATUS, "XC303", 5)]
    assert result.exit_code == 1


def test_scoped_run_from_inside_the_folder(
    two_folders: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(two_folders / R / "t-unit")
    result = run_cli("validate", "--no-cache", "--format", "json", "status/P02.yaml")
    assert codes(result) == [(STATUS, "XC303", 5)]


def test_scoped_run_of_a_clean_file_passes(two_folders: Path, run_cli: Run) -> None:
    result = run_cli("--root", two_folders, "validate", "--no-cache", two_folders / f"{R}/t-unit/plan.yaml")
    assert codes_text(result) == [f"{STATUS}:5:11: XC303"]  # its folder's broken status is in scope
    assert TOWN_REPORTS not in result.output


def codes_text(result: Result) -> list[str]:
    return [line.split(" [")[0] for line in result.stdout.splitlines() if ": XC" in line]


# --- the cache -------------------------------------------------------------------------------


def summary(result: Result) -> str:
    return result.output.strip().splitlines()[-1]


def test_second_run_uses_the_cache(minimal_repo: Path, run_cli: Run) -> None:
    first = run_cli("--root", minimal_repo, "validate")
    assert "（0 个未改动）" in summary(first)
    assert shards(minimal_repo)
    assert (minimal_repo / CACHE_DIR / ".gitignore").read_text(encoding="utf-8") == "*\n"
    second = run_cli("--root", minimal_repo, "validate")
    assert summary(second) == "校验通过：6 个文件（6 个未改动），0 个错误，0 个警告。"
    assert second.exit_code == 0


def test_cached_run_reports_the_same_findings(minimal_repo: Path, run_cli: Run) -> None:
    break_status(minimal_repo)
    first = run_cli("--root", minimal_repo, "validate", "--format", "json")
    second = run_cli("--root", minimal_repo, "validate", "--format", "json")
    assert first.stdout == second.stdout
    assert codes(second) == [(STATUS, "XC303", 5)]
    assert second.exit_code == 1
    text = run_cli("--root", minimal_repo, "validate")
    assert "（6 个未改动）" in summary(
        text
    )  # a cross-file finding does not keep a valid file out of the cache


def test_same_size_edit_is_seen(minimal_repo: Path, run_cli: Run) -> None:
    assert run_cli("--root", minimal_repo, "validate").exit_code == 0
    size = (minimal_repo / STATUS).stat().st_size
    break_status(minimal_repo)
    assert (minimal_repo / STATUS).stat().st_size == size
    result = run_cli("--root", minimal_repo, "validate", "--format", "json")
    assert codes(result) == [(STATUS, "XC303", 5)]
    again = run_cli("--root", minimal_repo, "validate")
    assert "（6 个未改动）" in summary(again)


def test_edit_that_breaks_the_schema_is_seen_and_not_cached(minimal_repo: Path, run_cli: Run) -> None:
    run_cli("--root", minimal_repo, "validate")
    edit(minimal_repo, "units/t-town.yaml", "type: 区镇", "type: 县镇")
    for _ in range(2):
        result = run_cli("--root", minimal_repo, "validate", "--format", "json")
        assert codes(result) == [("units/t-town.yaml", "XC103", 3)]
    assert validate(minimal_repo).from_cache == 5  # the broken file is parsed again every time


def test_no_cache_neither_reads_nor_writes(minimal_repo: Path, run_cli: Run) -> None:
    result = run_cli("--root", minimal_repo, "validate", "--no-cache")
    assert "（0 个未改动）" in summary(result)
    assert not (minimal_repo / CACHE_DIR).exists()
    run_cli("--root", minimal_repo, "validate")
    again = run_cli("--root", minimal_repo, "validate", "--no-cache")
    assert "（0 个未改动）" in summary(again)


def test_corrupt_cache_is_ignored(minimal_repo: Path, run_cli: Run) -> None:
    run_cli("--root", minimal_repo, "validate", "--no-cache")
    (minimal_repo / CACHE_DIR).mkdir()
    for partition in (REST, partition_of(STATUS)):
        shard_file(minimal_repo, partition).write_bytes(b"not a pickle")
    result = run_cli("--root", minimal_repo, "validate")
    assert result.exit_code == 0
    assert "（0 个未改动）" in summary(result)
    assert "（6 个未改动）" in summary(run_cli("--root", minimal_repo, "validate"))


def test_an_edit_rewrites_only_its_shard_of_the_cache(minimal_repo: Path, run_cli: Run) -> None:
    run_cli("--root", minimal_repo, "validate")
    run_cli("--root", minimal_repo, "validate")  # the copied files were racy: now their times are kept
    before = {shard: shard.read_bytes() for shard in shards(minimal_repo)}
    assert len(before) == 2  # the round's and the rest's
    break_status(minimal_repo)
    edit(minimal_repo, STATUS, "date: 2025-06-01", "date: 2025-07-01")  # valid again, new mtime
    run_cli("--root", minimal_repo, "validate")
    after = {shard: shard.read_bytes() for shard in before}
    assert [n for n in before if before[n] != after[n]] == [shard_file(minimal_repo, partition_of(STATUS))]


def shards(root: Path) -> list[Path]:
    return sorted((root / CACHE_DIR).glob("records-*.marshal"))


def stored(root: Path) -> dict[str, Entry]:
    return load(root, fingerprint(root / "schemas"), {partition_of(f) for f in data_files(root)})


def test_a_deleted_file_leaves_the_cache(minimal_repo: Path, run_cli: Run) -> None:
    run_cli("--root", minimal_repo, "validate")
    assert STATUS in stored(minimal_repo)
    (minimal_repo / STATUS).unlink()
    run_cli("--root", minimal_repo, "validate")  # nothing parsed: the shard is written all the same
    assert STATUS not in stored(minimal_repo) and len(stored(minimal_repo)) == 5


def test_a_file_seen_unchanged_by_its_content_is_stored_with_its_time(
    minimal_repo: Path, run_cli: Run
) -> None:
    run_cli("--root", minimal_repo, "validate")
    an_hour_ago = time.time_ns() - 3600 * 10**9  # as a checkout gives an unchanged file a new time
    assert stored(minimal_repo)[STATUS].mtime_ns != an_hour_ago
    os.utime(minimal_repo / STATUS, ns=(an_hour_ago, an_hour_ago))
    assert "（6 个未改动）" in summary(run_cli("--root", minimal_repo, "validate"))
    assert stored(minimal_repo)[STATUS].mtime_ns == an_hour_ago  # next time a stat will do


def test_schema_change_drops_the_cache(minimal_repo: Path, run_cli: Run) -> None:
    run_cli("--root", minimal_repo, "validate")
    unit_schema = minimal_repo / "schemas" / "unit.schema.json"
    schema = json.loads(unit_schema.read_text(encoding="utf-8"))
    schema["properties"]["type"]["enum"].remove("区镇")
    unit_schema.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    # a new process: compiled schemas are kept for the life of one
    done = run_module("validate", "--format", "json", cwd=minimal_repo)
    assert [(f["file"], f["code"]) for f in json.loads(done.stdout)] == [("units/t-town.yaml", "XC103")]


# --- the real data -----------------------------------------------------------------------------


def test_demo_data_in_the_repository_validates(run_cli: Run) -> None:
    result = run_cli("--root", REPO, "validate", "--no-cache")
    assert result.exit_code == 0, result.output
    assert "校验通过" in summary(result)

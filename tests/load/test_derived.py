"""Replayed answers of ``overdue`` and ``score``: a repeat with nothing changed prints the same bytes
and computes nothing; a change to any input or option computes afresh; a broken cache is no cache."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from pytest import MonkeyPatch

from worked_record import build
from xuncha import pipeline
from xuncha.load import derived, verdict
from xuncha.load.cachefolder import CACHE_DIR
from xuncha.rules import follow_up, scoring

Run = Callable[..., Result]
PLAN = "rounds/2025-t-r1/t-unit/plan.yaml"
COMMANDS = {
    "overdue": ("overdue", "--as-of", "2025-08-01"),
    "score --all": ("score", "--all", "--as-of", "2025-08-01"),
    "score ROUND": ("score", "2025-t-r1", "--as-of", "2025-08-01", "--format", "markdown"),
}


class Counted:
    """The answers computed (each is recorded once), counted."""

    def __init__(self, monkeypatch: MonkeyPatch) -> None:
        self.calls = 0
        monkeypatch.setattr(derived, "_record", self.count(derived._record))

    def count(self, record: Callable[..., None]) -> Callable[..., None]:
        def counted(*args: object, **kwargs: object) -> None:
            self.calls += 1
            record(*args, **kwargs)

        return counted


@pytest.fixture
def worked(minimal_repo: Path) -> Path:
    """The worked record: deadlines under a profile, and assessed units to rank."""
    return build(minimal_repo)


def run(run_cli: Run, root: Path, args: tuple[str, ...]) -> tuple[str, str, int]:
    result = run_cli("--root", root, *args)
    assert result.exit_code in (0, 1), result.output
    return result.stdout, result.stderr, result.exit_code


def fresh(run_cli: Run, root: Path, args: tuple[str, ...]) -> tuple[str, str, int]:
    """The answer computed with no cache at all."""
    shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
    return run(run_cli, root, args)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_repeat_prints_the_same_bytes_and_computes_nothing(
    worked: Path, run_cli: Run, monkeypatch: MonkeyPatch, command: str
) -> None:
    args = COMMANDS[command]
    first = run(run_cli, worked, args)
    assert first[0].strip()

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a replayed answer computes nothing")

    for module, name in (
        (pipeline, "validate"),
        (pipeline, "round_indexes"),
        (follow_up, "round_parts"),
        (scoring, "score_all"),
        (scoring, "score_round"),
    ):
        monkeypatch.setattr(module, name, refuse)
    assert run(run_cli, worked, args) == first


def edit_data(root: Path) -> None:
    path = root / PLAN
    path.write_text(path.read_text(encoding="utf-8") + "# 注释\n", encoding="utf-8")


def edit_schema(root: Path) -> None:
    schema = root / "schemas" / "unit.schema.json"
    schema.write_text(schema.read_text(encoding="utf-8") + "\n", encoding="utf-8")


def edit_rule_data(root: Path) -> None:
    """A profile in (a copy of) xuncha's rule data: stamped like the code."""
    profile = Path(verdict.PACKAGE) / "rules" / "data" / "profiles" / "wujiang.yaml"
    profile.write_text(profile.read_text(encoding="utf-8") + "# 注释\n", encoding="utf-8")


@pytest.mark.parametrize("edit", [edit_data, edit_schema, edit_rule_data])
@pytest.mark.parametrize("command", COMMANDS)
def test_a_changed_input_gives_a_fresh_answer(
    worked: Path,
    run_cli: Run,
    monkeypatch: MonkeyPatch,
    tmp_path: Path,
    command: str,
    edit: Callable[[Path], None],
) -> None:
    package = tmp_path / "xuncha"
    shutil.copytree(verdict.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(verdict, "PACKAGE", str(package))
    args = COMMANDS[command]
    counted = Counted(monkeypatch)
    run(run_cli, worked, args)
    edit(worked)
    again = run(run_cli, worked, args)
    assert counted.calls == 2
    assert again == fresh(run_cli, worked, args)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (COMMANDS["overdue"], ("overdue", "--as-of", "2025-12-31")),
        (COMMANDS["overdue"], (*COMMANDS["overdue"], "--format", "json")),
        (COMMANDS["overdue"], (*COMMANDS["overdue"], "--window", "30")),
        (COMMANDS["score --all"], ("score", "--all", "--as-of", "2026-07-15")),
        (COMMANDS["score --all"], (*COMMANDS["score --all"], "--format", "json")),
        (COMMANDS["score ROUND"], ("score", "2025-t-r1", "t-unit", "--as-of", "2025-08-01")),
    ],
)
def test_another_option_or_date_gives_its_own_answer(
    worked: Path, run_cli: Run, monkeypatch: MonkeyPatch, first: tuple[str, ...], second: tuple[str, ...]
) -> None:
    counted = Counted(monkeypatch)
    run(run_cli, worked, first)
    answer = run(run_cli, worked, second)
    assert counted.calls == 2
    assert answer != run(run_cli, worked, first)  # replayed: each keeps its own
    assert counted.calls == 2
    assert answer == fresh(run_cli, worked, second)


def test_a_changed_baseline_file_gives_a_fresh_answer(
    worked: Path, run_cli: Run, monkeypatch: MonkeyPatch, tmp_path: Path
) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(run(run_cli, worked, (*COMMANDS["overdue"], "--format", "json"))[0], "utf-8")
    args = ("overdue", "--as-of", "2025-12-31", "--baseline", str(baseline))
    counted = Counted(monkeypatch)
    run(run_cli, worked, args)
    earlier = run(run_cli, worked, ("overdue", "--as-of", "2025-07-01", "--format", "json"))[0]
    baseline.write_text(earlier, encoding="utf-8")
    again = run(run_cli, worked, args)
    assert counted.calls == 3
    assert again == fresh(run_cli, worked, args)


@pytest.mark.parametrize("garbage", [b"", b"\x00garbage", b"\xe3\x01\x00\x00\x00"])
def test_a_corrupt_cache_file_is_ignored(
    worked: Path, run_cli: Run, monkeypatch: MonkeyPatch, garbage: bytes
) -> None:
    args = COMMANDS["score --all"]
    first = run(run_cli, worked, args)
    stored = list((worked / CACHE_DIR).glob("derived-*.marshal"))
    assert len(stored) == 1
    stored[0].write_bytes(garbage)
    counted = Counted(monkeypatch)
    assert run(run_cli, worked, args) == first
    assert counted.calls == 1
    assert run(run_cli, worked, args) == first  # stored again
    assert counted.calls == 1


def test_only_the_answers_written_last_are_kept(worked: Path, run_cli: Run, monkeypatch: MonkeyPatch) -> None:
    monkeypatch.setitem(derived.KEEP, derived.PREFIX, 2)
    counted = Counted(monkeypatch)
    for day in ("2025-08-01", "2025-09-01", "2025-10-01"):
        run(run_cli, worked, ("overdue", "--as-of", day))
    assert len(list((worked / CACHE_DIR).glob("derived-*.marshal"))) == 2
    run(run_cli, worked, ("overdue", "--as-of", "2025-10-01"))
    assert counted.calls == 3  # the last one kept
    run(run_cli, worked, ("overdue", "--as-of", "2025-08-01"))
    assert counted.calls == 4  # the first one dropped

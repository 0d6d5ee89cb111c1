"""``overdue`` and ``score --all`` work out each round's part a batch of rounds at a time, and keep
it: after an edit only the rounds whose folders changed are indexed and worked out again, and the
answer is always that of one run over everything with no cache."""

from __future__ import annotations

import json
import marshal
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from xuncha import pipeline
from xuncha.demo.synth import Config, write_repo
from xuncha.load import derived, verdict
from xuncha.load.cachefolder import CACHE_DIR
from xuncha.model.index import Index
from xuncha.render import score as shown
from xuncha.rules import follow_up, scoring
from xuncha.rules.deadlines import Obligation, schedule
from xuncha.rules.rubrics import load_setting

REPO = Path(__file__).resolve().parents[2]
Run = Callable[..., Result]
COMMANDS = (
    ("overdue", "--as-of", "2025-12-31"),
    ("overdue", "--as-of", "2025-12-31", "--format", "json"),
    ("score", "--all", "--as-of", "2025-12-31"),
    ("score", "--all", "--as-of", "2025-12-31", "--format", "json"),
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Several rounds of synthetic records under a profile, one plan broken (kept out, counted)."""
    root = tmp_path / "repo"
    write_repo(root, Config(150, seed=7, units_per_round=(2, 3), leaves_per_folder=(4, 8)), REPO / "schemas")
    (root / "pyproject.toml").write_text('[tool.xuncha]\nprofile = "wujiang"\n', encoding="utf-8")
    plan = next((root / "rounds" / rounds(root)[1]).glob("*/plan.yaml"))
    plan.write_text(plan.read_text(encoding="utf-8") + "entries: [\n", encoding="utf-8")
    return root


def rounds(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "rounds").iterdir() if p.is_dir())


class WorkedOut:
    """The rounds each run indexed to work out (in batches of a few rounds)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rounds: set[str] = set()
        self.batches = 0
        real = pipeline.round_indexes

        def spy(*args: object, **kwargs: object) -> Iterator[tuple[list[str], Index]]:
            for batch, index in real(*args, **kwargs):  # type: ignore[arg-type]
                self.rounds.update(batch)
                self.batches += 1
                yield batch, index

        monkeypatch.setattr(pipeline, "round_indexes", spy)
        monkeypatch.setattr(pipeline, "BATCH_FILES", 60)

    def take(self) -> set[str]:
        taken, self.rounds = self.rounds, set()
        return taken


def answers(run_cli: Run, root: Path) -> list[tuple[str, str, int]]:
    found = []
    for args in COMMANDS:
        result = run_cli("--root", root, *args)
        assert result.exit_code in (0, 1), result.output
        found.append((result.stdout, result.stderr, result.exit_code))
    return found


def fresh(run_cli: Run, root: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, int]]:
    """The answers of one batch of everything, with no cache: the reference."""
    shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
    with monkeypatch.context() as patched:
        patched.setattr(pipeline, "BATCH_FILES", 10**9)
        found = answers(run_cli, root)
    shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
    return found


def append(path: Path, text: str = "# 注释\n") -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_edits_work_out_their_rounds_only_and_agree_with_a_fresh_run(
    repo: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    package = tmp_path / "xuncha"  # xuncha's code and rule data, as stamped (a copy, to edit)
    shutil.copytree(verdict.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(verdict, "PACKAGE", str(package))
    names = rounds(repo)
    reference = fresh(run_cli, repo, monkeypatch)
    assert "个记录文件有错误，未计入" in reference[0][1]  # the broken plan, counted
    assert json.loads(reference[1][0])["obligations"] and json.loads(reference[3][0])
    worked = WorkedOut(monkeypatch)
    assert answers(run_cli, repo) == reference
    assert worked.take() == set(names) and worked.batches >= 3 * 2  # several batches, each command

    status = next((repo / "rounds" / names[3]).glob("*/status/*.yaml"))
    edits: list[tuple[Callable[[], object], set[str] | None]] = [
        (lambda: append(status, "log: []\n"), {names[3]}),  # an error now: kept out
        (status.unlink, {names[3]}),
        (lambda: append(next((repo / "rounds" / names[2]).glob("*/plan.yaml")), "x: [\n"), {names[2]}),
        (lambda: append(repo / "rounds" / names[4] / "round.yaml", ": : :\n"), {names[4]}),
        (lambda: shutil.copytree(repo / "rounds" / names[5], repo / "rounds" / "copy"), {"copy"}),
        (lambda: shutil.rmtree(repo / "rounds" / names[0]), set()),
        (lambda: append(sorted((repo / "units").glob("*.yaml"))[0]), None),  # the units: every round
        (lambda: append(repo / "pyproject.toml"), None),
        (lambda: append(repo / "schemas" / "unit.schema.json", "\n"), None),
        (lambda: append(package / "rules" / "data" / "profiles" / "wujiang.yaml"), None),
    ]
    for edit, expected in edits:
        edit()
        found = answers(run_cli, repo)
        assert worked.take() == (set(rounds(repo)) if expected is None else expected)
        assert found == fresh(run_cli, repo, monkeypatch)
        answers(run_cli, repo)  # the cache again, for the next edit
        worked.take()
    assert answers(run_cli, repo) == fresh(run_cli, repo, monkeypatch)


def test_another_date_works_out_every_round_and_a_repeat_none(
    repo: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    worked = WorkedOut(monkeypatch)
    answers(run_cli, repo)
    worked.take()
    run_cli("--root", repo, "overdue", "--as-of", "2025-12-31", "--format", "markdown")
    assert worked.take() == set()  # another format: the same parts
    run_cli("--root", repo, "overdue", "--as-of", "2025-11-30")
    assert worked.take() == set(rounds(repo))


def garbage(stored: Path) -> None:
    stored.write_bytes(b"\x00garbage")


def rows_as(part: object, stored: Path) -> None:
    """Every round's row replaced by ``part``: a file that loads, holding what is no part."""
    version, key, stamps, racy, parts = marshal.loads(stored.read_bytes())
    stored.write_bytes(marshal.dumps((version, key, stamps, racy, {r: part for r in parts})))


NO_PARTS = [None, (0,), (0, (1, 2)), (0, 5), ("0", None)]


@pytest.mark.parametrize("spoil", [garbage, *(partial(rows_as, part) for part in NO_PARTS)])
def test_a_spoiled_store_of_parts_is_ignored(
    repo: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch, spoil: Callable[[Path], None]
) -> None:
    first = answers(run_cli, repo)
    stored = list((repo / CACHE_DIR).glob(f"{derived.PARTS_PREFIX}*.marshal"))
    assert len(stored) == 3  # the deadlines of the date, the text and the JSON rankings
    for file in stored:
        spoil(file)
    append(repo / "rounds" / rounds(repo)[0] / "round.yaml")  # the answers are computed again
    worked = WorkedOut(monkeypatch)
    assert answers(run_cli, repo) == first
    assert worked.take() == set(rounds(repo))


def test_only_the_parts_written_last_are_kept(
    repo: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(derived.KEEP, derived.PARTS_PREFIX, 2)
    for day in ("2025-10-31", "2025-11-30", "2025-12-31"):
        run_cli("--root", repo, "overdue", "--as-of", day)
    assert len(list((repo / CACHE_DIR).glob(f"{derived.PARTS_PREFIX}*"))) == 2


@pytest.mark.parametrize(("as_of", "follow_ups"), [("2024-03-01", 0), ("2025-09-30", 0), ("2026-12-07", 2)])
def test_the_rounds_worked_out_apart_make_the_schedule_of_the_whole_index(
    as_of: str, follow_ups: int
) -> None:
    """Each round's part reads only its round: together they are what the engine gives for the
    whole index (the deadlines of every round first, then every follow-up), and they survive the
    trip through plain data that keeps them between runs."""
    index = pipeline.validate(REPO, use_cache=False).index
    setting = load_setting(REPO)
    day = date.fromisoformat(as_of)
    whole = schedule(index, setting.profiles, setting.default_profile, setting.calendar, day)
    extra, findings = follow_up.obligations(index, setting, day)
    parts = follow_up.round_parts(index, setting, day, None)
    assert list(parts) == sorted(index.rounds) and len(parts) == 4
    merged = follow_up.merged(list(parts.values()))
    assert merged == follow_up.scheduled(index, setting, day)
    assert merged.obligations == (*whole.obligations, *extra) and len(extra) == follow_ups  # after
    assert merged.findings == (*whole.findings, *findings) and merged.closed == whole.closed
    kept = [follow_up.RoundPart.from_row(through_marshal(p.as_row())) for p in parts.values()]
    assert kept == list(parts.values())
    assert all(Obligation.from_row(through_marshal(o.as_row())) == o for o in merged.obligations)


@pytest.mark.parametrize("break_it", ["copy a round, not its id", "break an assessed round's record"])
def test_rounds_worked_out_apart_agree_with_the_whole_index_on_records_with_errors(
    tmp_path: Path, break_it: str
) -> None:
    """A round copied without its id (XC201) reads its own folders, and a round whose round.yaml has
    errors is left out whole, follow-ups too: as the engine does over the whole index."""
    root = tmp_path / "demo"
    for name in ("rounds", "units", "schemas"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "pyproject.toml", root)
    if break_it.startswith("copy"):
        shutil.copytree(root / "rounds" / "2025-ch-r1", root / "rounds" / "2025-ch-r9")
    else:
        append(root / "rounds" / "2025-ch-r1" / "round.yaml", "exit_date: [\n")
    index = pipeline.validate(root, use_cache=False).index
    setting, day = load_setting(root), date(2026, 12, 7)
    whole = schedule(index, setting.profiles, setting.default_profile, setting.calendar, day)
    extra, findings = follow_up.obligations(index, setting, day)
    merged = follow_up.merged(list(follow_up.round_parts(index, setting, day, None).values()))
    assert merged.obligations == (*whole.obligations, *extra)
    assert merged.findings == (*whole.findings, *findings)
    copies = [o for o in whole.obligations if o.file.startswith("rounds/2025-ch-r9/")]
    assert bool(copies) == break_it.startswith("copy") and all(o.round == "2025-ch-r1" for o in copies)


def through_marshal(row: Any) -> Any:
    """Through marshal and back, as :mod:`xuncha.load.derived` keeps it."""
    return marshal.loads(marshal.dumps(row))


def test_every_rounds_rankings_in_json_are_one_list_as_json_writes_it() -> None:
    index = pipeline.validate(REPO, use_cache=False).index
    everything = scoring.score_all(index, load_setting(REPO), date(2025, 12, 31))
    parts = [shown.round_in_rankings(index, r, sheets, "json") for r, sheets in everything.items()]
    joined = shown.joined_rankings(parts, "json")
    listed = json.loads(joined)
    assert [entry["round"] for entry in listed] == sorted(index.rounds) and listed[0]["ranking"]
    assert joined == json.dumps(listed, ensure_ascii=False, indent=2)
    assert shown.joined_rankings([], "json") == json.dumps([])
    odd = [{"round": "R1", "unit_name": "发改\u2028委\n局"}, {"round": "R2", "ranking": []}]  # line breaks
    parts = [json.dumps(entry, ensure_ascii=False, indent=2) for entry in odd]
    assert shown.joined_rankings(parts, "json") == json.dumps(odd, ensure_ascii=False, indent=2)
    assert shown.joined_rankings(["甲", "乙"], "text") == "甲\n\n乙"

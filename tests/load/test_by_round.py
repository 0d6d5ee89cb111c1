"""A whole-repository ``xuncha validate`` checks a batch of rounds at a time, and after an edit only
the rounds whose folders changed: its findings are always those of one run over everything."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from xuncha import pipeline
from xuncha.demo.synth import Config, write_repo
from xuncha.model.findings import Finding
from xuncha.model.layout import REST, partition_of

REPO = Path(__file__).resolve().parents[2]
Checked = list[set[str]]  # the partitions of each batch a run checked


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Several rounds of synthetic records with errors planted in two rounds, the units and the rest."""
    root = tmp_path / "repo"
    write_repo(root, Config(150, seed=7, units_per_round=(2, 3), leaves_per_folder=(4, 8)), REPO / "schemas")
    first, second = rounds(root)[:2]
    replace_in(root / "rounds" / first / "round.yaml", "  - unit: ", "  - unit: nosuch-", 1)  # XC204
    status = next((root / "rounds" / second).glob("*/status/*.yaml"))
    backdate(status)
    unit = sorted((root / "units").glob("*.yaml"))[0]
    unit.write_text(unit.read_text(encoding="utf-8") + "parent: nosuch\n", encoding="utf-8")
    (root / "rounds" / "notes.yml").write_text("a: 1\n", encoding="utf-8")  # XC012 beside the rounds
    return root


def rounds(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "rounds").iterdir() if p.is_dir())


def backdate(status: Path) -> None:
    """The first progress entry dated before the feedback (XC303)."""
    text = status.read_text(encoding="utf-8")
    status.write_text(re.sub(r"date: \d{4}-\d\d-\d\d", "date: 2000-01-01", text, count=1), encoding="utf-8")


def replace_in(path: Path, old: str, new: str, count: int = -1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> Checked:
    """Record what each batch checked, in small batches (a few rounds each)."""
    batches: Checked = []
    real: Callable[..., pipeline.Checked] = pipeline._check

    def spy(root: Path, wanted: list[str], *args: object) -> pipeline.Checked:
        batches.append({partition_of(f) for f in wanted})
        return real(root, wanted, *args)

    monkeypatch.setattr(pipeline, "_check", spy)
    monkeypatch.setattr(pipeline, "BATCH_FILES", 60)
    return batches


def whole(root: Path) -> list[Finding]:
    """What ``xuncha validate`` answers, from a run after which ``checked`` holds its batches."""
    return pipeline.validate(root, need_index=False).findings


def fresh(root: Path) -> list[Finding]:
    """One run over everything, no cache: the reference."""
    return pipeline.validate(root, use_cache=False).findings


def test_batches_find_what_one_run_over_everything_finds(repo: Path, checked: Checked) -> None:
    found = whole(repo)
    assert len(checked) >= 3 and all(REST in batch for batch in checked)
    assert {p for batch in checked for p in batch} == {REST, *rounds(repo)}
    assert found == fresh(repo)
    codes = {f.code for f in found}
    assert {"XC204", "XC303", "XC012"} <= codes and len({partition_of(f.file) for f in found}) >= 3


def test_an_edit_rechecks_its_round_only(repo: Path, checked: Checked) -> None:
    whole(repo)
    target = rounds(repo)[3]
    status = next((repo / "rounds" / target).glob("*/status/*.yaml"))
    backdate(status)
    checked.clear()
    found = whole(repo)
    assert checked == [{target, REST}]
    assert found == fresh(repo)
    assert any(f.file == status.relative_to(repo).as_posix() for f in found)


def test_edits_of_every_kind_agree_with_a_fresh_run(repo: Path, checked: Checked) -> None:
    whole(repo)
    names = rounds(repo)
    edits: list[tuple[Callable[[], object], set[str] | None]] = [
        (lambda: replace_in(repo / "rounds" / names[0] / "round.yaml", "nosuch-", ""), {names[0]}),
        (lambda: next((repo / "rounds" / names[2]).glob("*/status/*.yaml")).unlink(), {names[2]}),
        (lambda: shutil.copytree(repo / "rounds" / names[2], repo / "rounds" / "copy"), {"copy"}),
        (lambda: shutil.rmtree(repo / "rounds" / names[1]), {names[1]}),
        (lambda: shutil.rmtree(repo / "rounds" / "copy"), {"copy"}),
        (lambda: sorted((repo / "units").glob("*.yaml"))[1].unlink(), None),  # the units: everything
        (lambda: (repo / "rounds" / "notes.yml").unlink(), None),
    ]
    for edit, expected in edits:
        edit()
        checked.clear()
        found = whole(repo)
        partitions = {p for batch in checked for p in batch}
        present = {REST, *rounds(repo)}
        assert partitions == (present if expected is None else {REST, *expected} & present)
        assert found == fresh(repo)
    checked.clear()
    replayed = whole(repo)
    assert checked == []  # nothing changed: the verdict is replayed
    assert replayed == fresh(repo)

"""The replayed verdict: a whole-repository run that follows an unchanged one reuses its findings,
and any change to what the verdict depends on is noticed."""

from __future__ import annotations

import os
from pathlib import Path

from pytest import MonkeyPatch

from xuncha.load import verdict
from xuncha.model.repo import data_files, data_files_among
from xuncha.pipeline import validate

STATUS = "rounds/2025-t-r1/t-unit/status/P02.yaml"
REPO = Path(__file__).resolve().parents[2]


def break_status(root: Path) -> None:
    """A same-size edit that makes XC303 (a progress date before the feedback)."""
    path = root / STATUS
    path.write_text(path.read_text(encoding="utf-8").replace("2025-07-01", "2025-06-01", 1), encoding="utf-8")


def age(root: Path, relpath: str, seconds: int = 3600) -> int:
    """Move a file's modification time back by ``seconds`` (out of the racy window); returns it."""
    path = root / relpath
    mtime = path.stat().st_mtime_ns - seconds * 1_000_000_000
    os.utime(path, ns=(mtime, mtime))
    return mtime


def replay(root: Path) -> verdict.Replayed | None:
    """The last verdict, if none of its inputs changed since: what a whole-repository run replays."""
    known = verdict.last(root)
    return known if known is not None and not known.changed(root) else None


def codes(findings: list[verdict.Finding]) -> list[tuple[str, str, int]]:
    return [(f.file, f.code, f.line) for f in findings]


def test_unchanged_repository_replays_the_findings(minimal_repo: Path) -> None:
    break_status(minimal_repo)
    first = validate(minimal_repo)
    replayed = replay(minimal_repo)
    assert replayed is not None
    assert replayed.findings == first.findings
    assert codes(replayed.findings) == [(STATUS, "XC303", 5)]
    assert replayed.files == first.files == 6


def test_replayed_findings_equal_a_fresh_run(minimal_repo: Path) -> None:
    break_status(minimal_repo)
    validate(minimal_repo)
    second = validate(minimal_repo)  # rules skipped: the verdict is reused, the index still built
    assert second.findings == validate(minimal_repo, use_cache=False).findings
    assert set(second.index.rounds) == {"2025-t-r1"}


def test_an_edit_is_noticed(minimal_repo: Path) -> None:
    validate(minimal_repo)
    break_status(minimal_repo)
    assert replay(minimal_repo) is None
    assert codes(validate(minimal_repo).findings) == [(STATUS, "XC303", 5)]


def test_a_racy_edit_keeping_size_and_time_is_noticed(minimal_repo: Path) -> None:
    """Written and validated within one clock tick, then edited in the same tick: only the hash tells."""
    path = minimal_repo / STATUS
    os.utime(path)  # written just now
    stamp = path.stat()
    validate(minimal_repo)  # racy: its content hash is kept beside its stamp
    break_status(minimal_repo)
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert path.stat().st_size == stamp.st_size
    assert replay(minimal_repo) is None


def test_old_files_are_trusted_by_stat_alone(minimal_repo: Path) -> None:
    mtime = age(minimal_repo, STATUS)
    validate(minimal_repo)
    break_status(minimal_repo)  # same size; put the old time back: a stat cannot tell
    os.utime(minimal_repo / STATUS, ns=(mtime, mtime))
    assert replay(minimal_repo) is not None  # documented limit: as git, stat is trusted when not racy


def test_new_and_deleted_files_are_noticed(minimal_repo: Path) -> None:
    validate(minimal_repo)
    (minimal_repo / "units" / "draft.txt").write_text("x", encoding="utf-8")
    assert replay(minimal_repo) is None
    validate(minimal_repo)
    (minimal_repo / "units" / "draft.txt").unlink()
    assert replay(minimal_repo) is None


def test_schema_and_config_changes_are_noticed(minimal_repo: Path) -> None:
    validate(minimal_repo)
    (minimal_repo / "pyproject.toml").write_text("[tool.xuncha]\nevidence_max_mb = 1\n", encoding="utf-8")
    assert replay(minimal_repo) is None
    validate(minimal_repo)
    schema = next((minimal_repo / "schemas").glob("unit.schema.json"))
    schema.write_text(schema.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert replay(minimal_repo) is None


def test_code_rule_data_and_libraries_are_stamped(minimal_repo: Path) -> None:
    stamps = verdict.inputs(minimal_repo).stamps
    assert "<xuncha>/rules/checks/dates.py" in stamps  # the rules' code
    assert "<xuncha>/rules/data/profiles/wujiang.yaml" in stamps  # rule data
    assert verdict.ENVIRONMENT in stamps  # Python and the installed distributions


def test_evidence_read_outside_the_data_folders_is_stamped(minimal_repo: Path) -> None:
    outside = minimal_repo / "docs" / "附件.pdf"
    outside.parent.mkdir()
    outside.write_bytes(b"%PDF-1.4")
    verdict.record(minimal_repo, verdict.inputs(minimal_repo), [], 6, ["docs/附件.pdf"])
    assert replay(minimal_repo) is not None
    outside.unlink()
    assert replay(minimal_repo) is None


def test_a_replayed_validate_parses_nothing_and_runs_no_rule(
    minimal_repo: Path, monkeypatch: MonkeyPatch
) -> None:
    """The point of replaying: a repeated `xuncha validate` neither parses, loads the cache nor checks."""
    from xuncha import pipeline
    from xuncha.load import cache

    first = validate(minimal_repo)

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a replayed run does no work")

    for module, name in ((pipeline, "_parse_all"), (cache, "load"), (pipeline, "_ready_rules")):
        monkeypatch.setattr(module, name, refuse)
    again = validate(minimal_repo, need_index=False)
    assert again.findings == first.findings
    assert again.files == again.from_cache == first.files == 6


def test_a_site_build_reloads_the_data_only_after_a_change(minimal_repo: Path) -> None:
    """`xuncha serve` rebuilds on every save: the index is kept while the verdict's inputs stay the same."""
    from xuncha.site import data as site_data

    first, _ = site_data.load(minimal_repo)
    assert site_data.load(minimal_repo)[0] is first
    break_status(minimal_repo)
    assert site_data.load(minimal_repo)[0] is not first


def test_both_sites_of_a_build_draft_the_notices_once(monkeypatch: MonkeyPatch) -> None:
    """The internal previews and the public notices come from one projection and rendering."""
    from xuncha.render.sites import draft
    from xuncha.site import data as site_data
    from xuncha.site.mkdocs_hook import generate

    made: list[str] = []
    monkeypatch.setattr(site_data, "_DRAFTED", {})
    monkeypatch.setattr(site_data, "draft", lambda *args: made.append(args[2]) or draft(*args))
    internal, public = generate(REPO, "internal", "2026-11-23"), generate(REPO, "public", "2026-11-23")
    assert made == ["2026-11-23"]
    assert any("/notices/" in p.path for p in internal.pages) and any(
        "notices/" in p.path for p in public.pages
    )
    generate(REPO, "public", "2026-11-24")  # another day: drafted again
    assert made == ["2026-11-23", "2026-11-24"]


def test_the_data_files_among_the_inputs_are_those_a_walk_finds_in_its_order(tmp_path: Path) -> None:
    """A whole run takes its file list from the verdict's walk; it must be data_files' list."""
    for relpath in [
        "rounds/r1/round.yaml",
        "rounds/r1/u-b/status/P01.yaml",
        "rounds/r1/u-b/feedback.yaml",
        "rounds/r1/u-a/z.yml",
        "rounds/r1/u-a.yaml",
        "rounds/r10/round.yaml",
        "rounds/r1-x/round.yaml",
        "rounds/.hidden/round.yaml",
        "rounds/r1/notes.txt",
        "units/b.yaml",
        "units/a/a.yaml",
        "schemas/unit.schema.json",
    ]:
        (tmp_path / relpath).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relpath).write_text("a: 1\n", encoding="utf-8")
    expected = data_files(tmp_path)
    assert len(expected) == 9 and expected[:2] == ["rounds/r1/round.yaml", "rounds/r1/u-a.yaml"]
    assert data_files_among(verdict.inputs(tmp_path).stamps) == expected

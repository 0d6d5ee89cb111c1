"""The synthetic repository generator: valid, realistic in shape and size, deterministic."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result

from xuncha.demo.synth import Config, dump, generate, write_repo
from xuncha.load.yamlsafe import build
from xuncha.model.index import Index
from xuncha.pipeline import validate

REPO = Path(__file__).resolve().parents[2]
AS_OF = date(2025, 12, 31)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Index, list[str]]:
    """200 problems written and validated once for the whole module."""
    root = tmp_path_factory.mktemp("synth") / "repo"
    write_repo(root, Config(200, seed=7, as_of=AS_OF), REPO / "schemas")
    report = validate(root, jobs=1, use_cache=False)
    return root, report.index, [f.as_text() for f in report.findings]


def test_corpus_passes_validate_without_findings(corpus: tuple[Path, Index, list[str]]) -> None:
    _, _, findings = corpus
    assert findings == []


def test_one_status_per_leaf_and_exactly_the_requested_problems(
    corpus: tuple[Path, Index, list[str]],
) -> None:
    _, index, _ = corpus
    leaves = 0
    for folder in index.folders.values():
        ids = [leaf.id for leaf in folder.leaves()]
        assert sorted(folder.statuses) == sorted(ids)
        assert {"feedback", "plan", "reports"} <= folder.records.keys()
        leaves += len(ids)
    assert leaves == 200


def test_units_of_every_type_and_rounds_of_realistic_size(corpus: tuple[Path, Index, list[str]]) -> None:
    _, index, _ = corpus
    types = {record.data["type"] for record in index.units.values()}
    assert types == {"区级机关", "企事业单位", "区镇", "街道", "村", "社区"}
    for record in index.rounds.values():
        assert 1 <= len(record.data["units"]) <= 15


def test_nothing_is_dated_after_as_of(corpus: tuple[Path, Index, list[str]]) -> None:
    _, index, _ = corpus
    for folder in index.folders.values():
        for record in folder.statuses.values():
            assert all(entry["date"] <= AS_OF.isoformat() for entry in record.data["log"])


def test_a_larger_corpus_shows_every_lifecycle_feature_at_real_record_size() -> None:
    files = list(generate(Config(1000, seed=1)))
    texts = "".join(text for _, text in files)
    for state in ("未启动", "整改中", "基本完成", "已完成", "已销号", "长期整改"):
        assert f"state: {state}\n" in texts
    for marker in ("reopen: 问题反弹", "reopen: 抽查发现未完成", "tasks:", "result: 退回", "long_term: true"):
        assert marker in texts
    assert any(path.endswith("clues.yaml") for path, _ in files)
    assert any(path.endswith("extensions.yaml") for path, _ in files)
    per_problem = len(texts.encode("utf-8")) / 1000
    assert 1800 < per_problem < 2800  # the yardstick: 10,000 real records ≈ 21 MB


def test_same_seed_same_files_other_seed_other_files() -> None:
    first = list(generate(Config(300, seed=5)))
    assert first == list(generate(Config(300, seed=5)))
    assert first != list(generate(Config(300, seed=6)))


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "null",
        "~",
        "123",
        "1e3",
        "0x1F",
        "- 列表",
        "a: b",
        "#注释",
        "x #y",
        "",
        "结尾冒号:",
        "制表\t符",
        "2025-06-20",
        "“第一议题”制度",
        "'单引号'",
        "0512-69990411",
    ],
)
def test_dump_reads_back_the_same_text(text: str) -> None:
    data, problems = build(dump({"value": text, "list": [text]}, comment="注释"))
    assert problems == []
    assert data == {"value": text, "list": [text]}


def test_cli_writes_a_repository_and_refuses_a_non_empty_folder(
    minimal_repo: Path, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "synth"
    result = run_cli("--root", minimal_repo, "synth", out, "--problems", 30, "--seed", 2)
    assert result.exit_code == 0, result.output
    assert "30 个问题" in result.output
    assert run_cli("--root", out, "validate").exit_code == 0
    again = run_cli("--root", minimal_repo, "synth", out)
    assert again.exit_code == 2
    assert "不为空" in again.output

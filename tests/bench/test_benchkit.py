"""The benchmarks' shared machinery, without timing anything: turn order, medians, verdicts, options."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "tools" / "bench"
sys.path.insert(0, str(BENCH))

import benchkit  # noqa: E402
import everyday  # noqa: E402

SCRIPTS = sorted(p.stem for p in BENCH.glob("bench_*.py"))


def test_steps_take_turns_each_after_its_setup() -> None:
    order: list[str] = []
    steps = [(lambda n=n: order.append(n), lambda n=n: order.append(n.lower())) for n in "ABC"]
    timings = benchkit.alternately(2, *steps)
    assert order == ["a", "A", "b", "B", "c", "C"] * 2
    assert len(timings) == 3


def test_timing_is_the_median_with_its_extremes() -> None:
    timing = benchkit.Timing.of([0.5, 0.1, 0.3, 0.9], [0.2, 0.4, 0.6, 0.8])
    assert (timing.wall, timing.cpu, timing.fastest, timing.slowest) == (0.4, 0.5, 0.1, 0.9)
    assert timing.spread(2) == "0.40（0.10–0.90）"


def test_load_reads_before_and_after() -> None:
    result, load = benchkit.under_load(lambda: 7)
    assert result == 7
    assert str(benchkit.Load(1.5, 2.25)) == "负载 1.50 → 2.25"
    assert load.before >= 0 and load.after >= 0


def test_pad_counts_chinese_characters_as_two_cells() -> None:
    assert benchkit.pad("冷ab", 6) == "冷ab  "
    assert benchkit.pad("太长的标签", 4) == "太长的标签"


def test_every_side_gets_the_bytecode_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = benchkit.child_env(tmp_path)
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["PYTHONPYCACHEPREFIX"] == str(tmp_path / "pycache")


def test_a_failing_process_voids_the_benchmark() -> None:
    benchkit.run([sys.executable, "-c", "raise SystemExit(1)"], {}, accept=(0, 1))
    with pytest.raises(SystemExit, match="失败（3）"):
        benchkit.run([sys.executable, "-c", "raise SystemExit(3)"], {})


def test_states_prepare_the_repository(tmp_path: Path) -> None:
    status = tmp_path / "rounds" / "r" / "u" / "status" / "P1.yaml"
    status.parent.mkdir(parents=True)
    status.write_text("log: []\n", encoding="utf-8")
    (tmp_path / ".xuncha-cache").mkdir()
    everyday.setup("cold", tmp_path)()
    assert not (tmp_path / ".xuncha-cache").exists()
    everyday.setup("edited", tmp_path)()
    everyday.setup("edited", tmp_path)()
    assert status.read_text(encoding="utf-8").count("# 再次编辑") == 2
    everyday.setup("unchanged", tmp_path)()
    assert status.read_text(encoding="utf-8").count("# 再次编辑") == 2


def test_only_judged_states_get_a_verdict_against_the_first_command() -> None:
    bench = everyday.Bench("t", {"validate": ("validate",), "x": ("x",)}, 2.0, ("unchanged",), lambda *_: "")
    timings = {"validate": benchkit.Timing(0.1, 0.1, 0.1, 0.1), "x": benchkit.Timing(0.25, 0.2, 0.2, 0.3)}
    load = benchkit.Load(1.0, 1.0)
    judged = everyday.table(bench, "unchanged", timings, load)
    assert "2.50" in judged and "FAIL" in judged and judged.count("目标") == 1
    assert "目标" not in everyday.table(bench, "cold", timings, load)


@pytest.mark.parametrize("script", SCRIPTS)
def test_docstring_examples_use_only_options_that_exist(script: str) -> None:
    module = importlib.import_module(script)
    shown = subprocess.run(
        [sys.executable, str(BENCH / f"{script}.py"), "--help"], capture_output=True, text=True, check=True
    ).stdout
    examples = [line for line in (module.__doc__ or "").splitlines() if f"tools/bench/{script}.py" in line]
    named = {option for line in examples for option in re.findall(r"--[a-z][a-z-]+", line.split("#")[0])}
    assert examples, f"{script} shows no example command"
    assert named <= set(re.findall(r"--[a-z][a-z-]+", shown)), named - set(re.findall(r"--[a-z-]+", shown))


def test_site_baseline_has_our_search_and_url_settings(tmp_path: Path) -> None:
    from mkdocs.config import load_config

    bench_site = importlib.import_module("bench_site")
    assert bench_site.make_baseline(tmp_path / "base", tmp_path) == 0
    base = load_config(str(tmp_path / "base" / "mkdocs.yml"))
    search = dict(base.plugins["material/search"].config)  # read now: MkDocs reuses plugin objects
    ours = load_config(str(BENCH.parents[1] / "mkdocs.yml"))
    our_search = dict(ours.plugins["material/search"].config)
    assert base.use_directory_urls is ours.use_directory_urls is False
    assert base.theme.name == ours.theme.name and base.theme["features"] == ours.theme["features"]
    assert (search["lang"], search["separator"]) == (our_search["lang"], our_search["separator"])
    assert Path(search["jieba_dict_user"]).name == "search_terms.txt"
    assert list(base.hooks) == ["gc_hook.py"]

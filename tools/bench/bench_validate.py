"""Benchmark ``xuncha validate`` against a bare libyaml parse of the same files.

The goals (issue “Foundation”, item 7), for synthetic repositories of 1,000 / 10,000 /
50,000 problems generated into a temporary folder outside the repository:

* cold ``validate`` (no cache, start-up included) ≤ 1.0 × the baseline;
* warm ``validate`` (cache present, nothing changed) ≤ 0.15 × the baseline;
* one changed file, ``validate <that file>`` < 1 s;
* one changed file, then ``validate`` of the whole repository < 1 s (issue 20);
* the peak memory of a cold ``validate`` ≤ 300 MB (issue 20: its largest process, the command
  or one of its workers, in one extra cold run after the timed ones).

Below 10,000 problems start-up dominates, and a run under one second is enough (issue 16): the
cold and warm runs are judged by that there.

The baseline is ``yaml.load(f.read(), Loader=yaml.CSafeLoader)`` over every ``*.yaml`` under
rounds/ and units/, in one process, with the garbage collector paused as ``validate`` pauses it.
``validate`` runs as a subprocess of the installed command, so interpreter and import start-up
count (the baseline's do not: that favours the baseline). Every figure is the median of
``--runs`` (default 3), shown with its min and max, and the machine's load average is printed
before and after.

Every state takes its turn in each run — baseline, cold, warm, one file changed (whole
repository), one file changed (that file) — so that all meet the same spells of a shared
machine's slowness, and each ratio compares figures taken side by side. Goals are judged on
the median wall-clock time. CPU time (user + system, of
the process and of its workers) is shown beside it: on a shared machine the wall clock
includes waiting for a core, while CPU time does not, so it tells whether a miss is ours or
the machine's. Note that a cold run's CPU time adds up all its worker processes.

``validate`` runs with Python's bytecode cache on, as installed software has it
(``benchkit.child_env``); the timing, medians and load come from ``benchkit.py``.

    .venv/bin/python tools/bench/bench_validate.py            # 1,000, 10,000 and 50,000
    .venv/bin/python tools/bench/bench_validate.py --quick    # 1,000 only
    .venv/bin/python tools/bench/bench_validate.py --sizes 10000 --json bench.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml
from benchkit import REPO, Load, Timing, alternately, child_env, nothing, pad, peak_megabytes, run, under_load

from xuncha.demo.synth import Config, dump, write_repo
from xuncha.load.cache import CACHE_DIR
from xuncha.load.collector import without_collector
from xuncha.load.yamlsafe import build

GOALS = {"cold": 1.0, "warm": 0.15}  # ratios to the baseline, from 10,000 problems on
SMALL = 10_000  # below it, a run under a second is enough (issue 16): start-up dominates there
ONE_FILE_GOAL = 1.0  # seconds, for validate <file> and the whole repository after one edit
MEMORY_GOAL = 300  # MB at the peak of a cold run
WIDTHS = (24, 10, 10, 10, 10)  # of the table's columns after the label


@dataclass
class Figures:
    """What one repository size measured and whether each goal was met."""

    problems: int
    files: int
    megabytes: float
    generate_s: float
    baseline: Timing
    cold: Timing
    warm: Timing
    one_changed_full: Timing
    one_file: Timing
    load: Load
    cold_megabytes: float

    def ratio(self, name: str, clock: str = "wall") -> float:
        timing: Timing = getattr(self, name)
        return float(getattr(timing, clock) / getattr(self.baseline, clock))

    def verdicts(self) -> dict[str, bool]:
        if self.problems < SMALL:
            met = {name: getattr(self, name).wall < ONE_FILE_GOAL for name in GOALS}
        else:
            met = {name: self.ratio(name) <= goal for name, goal in GOALS.items()}
        return {
            **met,
            "one_changed_full": self.one_changed_full.wall < ONE_FILE_GOAL,
            "one_file": self.one_file.wall < ONE_FILE_GOAL,
            "cold_megabytes": self.cold_megabytes <= MEMORY_GOAL,
        }

    def goal(self, name: str) -> str:
        return "< 1 s" if self.problems < SMALL else f"≤ {GOALS[name]:.2f}×"


def yaml_files(root: Path) -> list[Path]:
    return sorted(p for top in ("rounds", "units") for p in (root / top).rglob("*.yaml"))


@without_collector
def bare_parse(files: list[Path]) -> None:
    """The baseline: libyaml's safe loader over every file, nothing else — with the garbage
    collector paused, as ``validate`` pauses it while parsing (the same setting on both sides)."""
    for path in files:
        with path.open("rb") as handle:
            yaml.load(handle.read(), Loader=yaml.CSafeLoader)


def run_validate(xuncha: Path, root: Path, *paths: Path) -> None:
    """``xuncha --root ROOT validate [PATHS]``, a whole process; a failing run invalidates the benchmark."""
    run([xuncha, "--root", root, "validate", *paths], child_env(root.parent))


def touch_one(root: Path, nth: int) -> Path:
    """Append a progress entry to the ``nth`` status file still 整改中 (a legal 整改中 → 整改中 step)."""
    for path in yaml_files(root):
        if "/status/" not in path.as_posix():
            continue
        data, _ = build(path.read_text(encoding="utf-8"))
        assert isinstance(data, dict)
        last = data["log"][-1]
        if last["state"] == "整改中" and (nth := nth - 1) < 0:
            data["log"].append(
                {"date": last["date"], "state": "整改中", "note": "季度进展：按方案推进（基准测试改动）。"}
            )
            path.write_text(dump(data), encoding="utf-8")
            return path
    raise SystemExit("no status file in 整改中 to change")


def measure(problems: int, seed: int, xuncha: Path, workdir: Path, runs: int) -> Figures:
    root = workdir / f"repo-{problems}"
    start = time.perf_counter()
    write_repo(root, Config(problems, seed), REPO / "schemas")
    generate_s = time.perf_counter() - start
    files = yaml_files(root)
    size = sum(p.stat().st_size for p in files)
    run_validate(xuncha, root, files[0])  # warm the bytecode cache (a one-file run: quick)
    bare_parse(files)  # and the OS file cache, for every side alike
    changed: list[Path] = []
    timings, load = under_load(
        lambda: alternately(
            runs,
            (lambda: bare_parse(files), nothing),
            (lambda: run_validate(xuncha, root), lambda: shutil.rmtree(root / CACHE_DIR, ignore_errors=True)),
            (lambda: run_validate(xuncha, root), nothing),  # right after the cold run: nothing changed
            (lambda: run_validate(xuncha, root), lambda: touch_one(root, 0)),
            (lambda: run_validate(xuncha, root, changed[-1]), lambda: changed.append(touch_one(root, 1))),
        )
    )
    baseline, cold, warm, full, one_file = timings
    shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
    peak = peak_megabytes([xuncha, "--root", root, "validate"], child_env(root.parent))
    return Figures(
        problems, len(files), size / 1e6, generate_s, baseline, cold, warm, full, one_file, load, peak
    )


def table(figures: Figures) -> str:
    ok = {True: "PASS", False: "FAIL"}
    verdicts = figures.verdicts()

    def ratios(name: str) -> tuple[str, str]:
        return f"{figures.ratio(name):.2f}×", f"{figures.ratio(name, 'cpu'):.2f}×"

    rows = [
        ("基线：libyaml 单进程解析", figures.baseline, ("1.00×", "1.00×"), "", ""),
        (
            "冷启动 validate（无缓存）",
            figures.cold,
            ratios("cold"),
            figures.goal("cold"),
            ok[verdicts["cold"]],
        ),
        (
            "热启动 validate（未改动）",
            figures.warm,
            ratios("warm"),
            figures.goal("warm"),
            ok[verdicts["warm"]],
        ),
        (
            "改一个文件后全库 validate",
            figures.one_changed_full,
            ratios("one_changed_full"),
            "< 1 s",
            ok[verdicts["one_changed_full"]],
        ),
        ("改一个文件，validate 该文件", figures.one_file, ("", ""), "< 1 s", ok[verdicts["one_file"]]),
    ]
    head = (
        f"{figures.problems:,} 个问题：{figures.files:,} 个文件，共 {figures.megabytes:.1f} MB"
        f"（生成用时 {figures.generate_s:.1f} 秒，CPU {os.cpu_count()} 核，"
        f"{figures.load}；中位数，括号内为最快–最慢）"
    )
    columns = ("墙钟秒（最快–最慢）", "CPU秒", "墙钟比", "CPU比", "目标")
    lines = [
        head,
        "  " + pad("测量", 30) + "".join(pad(c, w) for c, w in zip(columns, WIDTHS, strict=True)) + "结果",
    ]
    for label, timing, (wall_ratio, cpu_ratio), goal, verdict in rows:
        lines.append(
            _row(label, (timing.spread(), f"{timing.cpu:.3f}", wall_ratio, cpu_ratio, goal), verdict)
        )
    memory = (f"{figures.cold_megabytes:.0f} MB", "", "", "", f"≤ {MEMORY_GOAL} MB")
    lines.append(_row("冷启动峰值内存（单进程）", memory, ok[verdicts["cold_megabytes"]]))
    return "\n".join(lines)


def _row(label: str, cells: tuple[str, ...], verdict: str) -> str:
    return (
        "  " + pad(label, 30) + "".join(pad(c, w) for c, w in zip(cells, WIDTHS, strict=True)) + verdict
    ).rstrip()


def as_json(figures: Figures) -> dict[str, object]:
    ratios = {name: figures.ratio(name) for name in ("cold", "warm", "one_changed_full")}
    cpu_ratios = {name: figures.ratio(name, "cpu") for name in ("cold", "warm", "one_changed_full")}
    return {**asdict(figures), "ratios": ratios, "cpu_ratios": cpu_ratios, "pass": figures.verdicts()}


def main() -> None:
    parser = argparse.ArgumentParser(description="xuncha validate 性能基准（与 libyaml 裸解析对比）。")
    parser.add_argument(
        "--sizes", default="1000,10000,50000", help="问题数，逗号分隔（默认 1000,10000,50000）。"
    )
    parser.add_argument("--quick", action="store_true", help="只测 1000 个问题。")
    parser.add_argument("--seed", type=int, default=0, help="合成数据的随机种子。")
    parser.add_argument("--runs", type=int, default=3, help="每项测量交替运行几次，取中位数（默认 3）。")
    parser.add_argument("--xuncha", type=Path, default=Path(sys.executable).with_name("xuncha"))
    parser.add_argument("--json", type=Path, help="把结果另存为 JSON。")
    parser.add_argument("--keep", action="store_true", help="保留生成的仓库（打印其位置）。")
    args = parser.parse_args()
    sizes = [1000] if args.quick else [int(s) for s in args.sizes.split(",")]
    if not args.xuncha.exists():
        sys.exit(f"找不到 xuncha 命令：{args.xuncha}（用 --xuncha 指定）")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still clean up the temp folder
    workdir = Path(tempfile.mkdtemp(prefix="xuncha-bench-"))
    results = []
    try:
        for problems in sizes:
            figures = measure(problems, args.seed, args.xuncha, workdir, args.runs)
            print(table(figures), end="\n\n", flush=True)
            results.append(as_json(figures))
            if not args.keep:
                shutil.rmtree(workdir / f"repo-{problems}")
    finally:
        if args.keep:
            print(f"仓库保留在 {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        report = {"cpus": os.cpu_count(), "sizes": results}
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()

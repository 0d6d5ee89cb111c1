"""Benchmark asking again: ``overdue`` and ``score --all`` against ``validate``, whole processes.

Goal (issue 20): with nothing changed, ``xuncha overdue`` and ``xuncha score --all`` take at most
2× a ``xuncha validate`` with nothing changed (which replays its last verdict). Each run is the
installed command as a subprocess, start-up included, with the same environment for every side.
The compared runs alternate (validate, overdue, score --all, validate, …), and each is reported as
the median with min and max of ``--runs``, wall-clock and CPU (user + system, workers included),
with the machine's load average before and after.

Two states, the same for every side:

* unchanged: every command ran once before (each keeps its own cached answer), nothing touched;
* edited: before each run, one status file gets a comment line appended (a real content change),
  so every command's cached answer is stale and the parse cache spares only the other files.
  Shown for information: it is first-run work, judged elsewhere (``bench_overdue.py``).

The synthetic repositories (``xuncha synth``) get ``[tool.xuncha] profile = "wujiang"`` in their
pyproject.toml, so every round has a deadline profile and obligations really are computed (the
count is printed).

    .venv/bin/python tools/bench/bench_repeat.py                   # 1,000 and 10,000 problems
    .venv/bin/python tools/bench/bench_repeat.py --sizes 1000 --runs 5
    .venv/bin/python tools/bench/bench_repeat.py --keep /tmp/bench  # keep (and reuse) the repositories
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from xuncha.demo.synth import Config, write_repo

REPO = Path(__file__).resolve().parents[2]
AS_OF = date(2025, 12, 31)
GOAL = 2.0
COMMANDS = {
    "validate": ("validate",),
    "overdue": ("overdue", "--as-of", AS_OF.isoformat()),
    "score --all": ("score", "--all", "--as-of", AS_OF.isoformat()),
}
Timing = tuple[float, float]  # (wall seconds, CPU seconds)


def timed(xuncha: Path, root: Path, args: tuple[str, ...]) -> Timing:
    """One whole process, wall and CPU time (its children included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([str(xuncha), "--root", str(root), *args], capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1) or done.stderr.startswith("内部错误".encode()):
        sys.exit(f"{args[0]} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def synthetic(workdir: Path, problems: int) -> Path:
    root = workdir / f"repo-{problems}"
    if not root.is_dir():  # --keep DIR may hold it from an earlier run
        write_repo(root, Config(problems, 0, AS_OF), REPO / "schemas")
        (root / "pyproject.toml").write_text('[tool.xuncha]\nprofile = "wujiang"\n', encoding="utf-8")
    return root


def edit(root: Path) -> Callable[[], None]:
    """Append a comment line to one status file (a content change every time)."""
    target = next((root / "rounds").glob("*/*/status/*.yaml"))

    def once() -> None:
        with target.open("a", encoding="utf-8") as handle:
            handle.write("# 再次编辑\n")

    return once


def alternated(xuncha: Path, root: Path, runs: int, before: Callable[[], None]) -> dict[str, list[Timing]]:
    """Each command ``runs`` times, in turn (A B C A B C …), ``before`` run ahead of every one."""
    found: dict[str, list[Timing]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, args in COMMANDS.items():
            before()
            found[name].append(timed(xuncha, root, args))
    return found


def obligations(xuncha: Path, root: Path) -> int:
    done = subprocess.run(
        [str(xuncha), "--root", str(root), *COMMANDS["overdue"], "--format", "json"],
        capture_output=True,
        check=False,
    )
    return len(json.loads(done.stdout)["obligations"])


def summary(timings: list[Timing], index: int) -> tuple[float, float, float]:
    values = [t[index] for t in timings]
    return statistics.median(values), min(values), max(values)


def report(problems: int, count: int, state: str, found: dict[str, list[Timing]], load: str) -> str:
    base_wall, base_cpu = summary(found["validate"], 0)[0], summary(found["validate"], 1)[0]
    lines = [
        f"{problems:,} 个问题，{count:,} 项时限；{state}（负载 {load}，CPU {os.cpu_count()} 核）",
        f"  {'命令':<14}{'墙钟中位（最小–最大）':<26}{'CPU中位':<10}墙钟比  CPU比",
    ]
    for name, timings in found.items():
        wall, low, high = summary(timings, 0)
        cpu = summary(timings, 1)[0]
        ratio, cpu_ratio = wall / base_wall, cpu / base_cpu
        judged = state == "未改动" and name != "validate"
        verdict = ("PASS" if ratio <= GOAL else "FAIL") if judged else ""
        span = f"{wall:.3f}（{low:.3f}–{high:.3f}）"
        lines.append(f"  {name:<16}{span:<30}{cpu:<11.3f}{ratio:<7.2f}{cpu_ratio:.2f}  {verdict}".rstrip())
    return "\n".join(lines)


def load_average() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def measure(problems: int, xuncha: Path, workdir: Path, runs: int) -> None:
    root = synthetic(workdir, problems)
    count = obligations(xuncha, root)
    for state, before in (("未改动", lambda: None), ("每次运行前编辑一个文件", edit(root))):
        for args in COMMANDS.values():  # every side starts from its own cached answer
            timed(xuncha, root, args)
        start = load_average()
        found = alternated(xuncha, root, runs, before)
        print(report(problems, count, state, found, f"{start} → {load_average()}"), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description="再次查询的性能基准：overdue、score --all 与 validate（均未改动）对比，目标 ≤ 2×。"
    )
    parser.add_argument("--sizes", default="1000,10000", help="问题数，逗号分隔（默认 1000,10000）。")
    parser.add_argument("--runs", type=int, default=7, help="每个命令交替运行几次（默认 7），取中位数。")
    parser.add_argument("--xuncha", type=Path, default=Path(sys.executable).with_name("xuncha"))
    parser.add_argument("--keep", type=Path, help="把生成的仓库保存在此目录并在下次运行时复用。")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="xuncha-bench-repeat-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            measure(size, args.xuncha, workdir, args.runs)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

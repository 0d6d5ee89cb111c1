"""Benchmark ``xuncha overdue`` against ``xuncha validate`` on the same synthetic repository.

Goal (issue “Deadlines”): over 50,000 problems, ``overdue`` adds at most 20% to the time
of ``validate`` on the same data (``overdue`` runs the validation pipeline itself, then the
deadline engine and the report). Both run as subprocesses of the installed command,
start-up included, best of ``--runs``. Judged in two states where both commands read the
same data:

* cold: no cache at all, everything parsed;
* changed: the parse cache present, one file touched (its time changed, not its content),
  so the last verdict is stale and both load the cached data and run the rules again.

With nothing changed both replay their last answer without reading any data
(``load/verdict.py``, ``load/derived.py``); that state is shown for information here and
judged, alternated with medians, in ``bench_repeat.py``. Each run reports wall-clock seconds
and CPU seconds (user + system of the command and its workers); the verdict uses CPU time,
which a busy shared machine disturbs far less than wall-clock time. The deadline engine
alone is also timed in-process.

    .venv/bin/python tools/bench/bench_overdue.py                  # 10,000 and 50,000
    .venv/bin/python tools/bench/bench_overdue.py --sizes 1000     # quick
    .venv/bin/python tools/bench/bench_overdue.py --keep /tmp/bench  # keep (and reuse) the repositories
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path

from xuncha.demo.synth import Config, write_repo
from xuncha.load.cache import CACHE_DIR
from xuncha.pipeline import validate
from xuncha.rules.deadlines import schedule
from xuncha.rules.ruledata import load_rules

REPO = Path(__file__).resolve().parents[2]
AS_OF = date(2025, 12, 31)
GOAL = 1.20


Timing = tuple[float, float]  # (wall seconds, CPU seconds)


def best_of(runs: int, action: Callable[[], object]) -> Timing:
    """The fastest of ``runs``, by CPU time: the least disturbed by the rest of the machine."""
    timings = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        action()
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        timings.append((wall, cpu))
    return min(timings, key=lambda t: t[1])


def command(xuncha: Path, root: Path, *args: str, state: str = "unchanged") -> Callable[[], None]:
    """A run of ``xuncha --root ROOT ARGS`` in ``state``: cold (the cache removed first),
    changed (one file touched first) or unchanged."""

    def run() -> None:
        if state == "cold":
            shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
        if state == "changed":
            touched = next((root / "units").glob("*.yaml"))
            os.utime(touched, ns=(time.time_ns(), time.time_ns() - 10**10))  # out of the racy window
        done = subprocess.run([str(xuncha), "--root", str(root), *args], capture_output=True, check=False)
        if done.returncode not in (0, 1) or done.stderr.startswith("内部错误".encode()):
            sys.exit(f"{args[0]} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")

    return run


def engine_seconds(root: Path, runs: int) -> tuple[float, int]:
    """CPU seconds of the deadline engine alone, in process, on an index already built."""
    index = validate(root).index
    rules = load_rules(root)

    def once() -> float:
        gc.disable()  # as in the command: the collector stays off the index
        start = time.process_time()
        schedule(index, rules.profiles, None, rules.calendar, AS_OF)
        seconds = time.process_time() - start
        gc.enable()
        return seconds

    count = len(schedule(index, rules.profiles, None, rules.calendar, AS_OF).obligations)
    return min(once() for _ in range(runs)), count


def measure(problems: int, xuncha: Path, workdir: Path, runs: int) -> dict[str, Timing]:
    root = workdir / f"repo-{problems}"
    if not root.is_dir():  # --keep DIR may hold it from an earlier run
        write_repo(root, Config(problems, 0, AS_OF), REPO / "schemas")
    overdue = ("overdue", "--as-of", AS_OF.isoformat())
    figures = {
        "validate_cold": best_of(1, command(xuncha, root, "validate", state="cold")),
        "overdue_cold": best_of(1, command(xuncha, root, *overdue, state="cold")),
    }
    for state in ("changed", "unchanged"):
        command(xuncha, root, "validate")()  # leave the cache and a verdict in place
        figures[f"validate_{state}"] = best_of(runs, command(xuncha, root, "validate", state=state))
        figures[f"overdue_{state}"] = best_of(runs, command(xuncha, root, *overdue, state=state))
        json_run = command(xuncha, root, *overdue, "--format", "json", state=state)
        figures[f"overdue_json_{state}"] = best_of(runs, json_run)
    engine, count = engine_seconds(root, runs)
    figures["engine"] = (engine, engine)
    figures["size"] = (float(problems), float(count))
    return figures


def _pad(text: str, width: int) -> str:
    """Left-align in a monospace column where CJK characters take two cells."""
    cells = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - cells)


def report(f: dict[str, Timing]) -> str:
    problems, obligations = f["size"]
    lines = [
        f"{int(problems):,} 个问题，{int(obligations):,} 项时限（CPU {os.cpu_count()} 核）",
        f"  {_pad('测量', 28)}{_pad('墙钟秒', 9)}{_pad('CPU秒', 9)}CPU 比",
    ]
    for label, key, base in (
        ("冷：validate（无缓存）", "validate_cold", "validate_cold"),
        ("冷：overdue（无缓存）", "overdue_cold", "validate_cold"),
        ("改动后：validate", "validate_changed", "validate_changed"),
        ("改动后：overdue（文本）", "overdue_changed", "validate_changed"),
        ("改动后：overdue --format json", "overdue_json_changed", "validate_changed"),
        ("未改动：validate（重放结论）", "validate_unchanged", "validate_unchanged"),
        ("未改动：overdue（文本，参考）", "overdue_unchanged", "validate_changed"),
        ("未改动：overdue json（参考）", "overdue_json_unchanged", "validate_changed"),
    ):
        (wall, cpu), ratio = f[key], f[key][1] / f[base][1]
        judged = key != base and "unchanged" not in key
        verdict = ("PASS" if ratio <= GOAL else "FAIL") if judged else ""
        lines.append(f"  {_pad(label, 28)}{wall:<9.3f}{cpu:<9.3f}{ratio:.2f}×  {verdict}".rstrip())
    lines.append(f"  {_pad('时限计算本身（进程内）', 28)}{'':9}{f['engine'][1]:.3f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description="xuncha overdue 性能基准（与 validate 对比，目标 ≤ 1.20×）。"
    )
    parser.add_argument("--sizes", default="10000,50000", help="问题数，逗号分隔（默认 10000,50000）。")
    parser.add_argument("--runs", type=int, default=3, help="热启动取几次中的最好成绩（默认 3）。")
    parser.add_argument("--xuncha", type=Path, default=Path(sys.executable).with_name("xuncha"))
    parser.add_argument("--keep", type=Path, help="把生成的仓库保存在此目录并在下次运行时复用。")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="xuncha-bench-overdue-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            print(report(measure(size, args.xuncha, workdir, args.runs)), flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

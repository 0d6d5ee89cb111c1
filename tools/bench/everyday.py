"""xuncha's commands against ``xuncha validate`` in a repository's everyday states, whole processes in turn.

The states, the same for every compared command:

* ``cold``: no ``.xuncha-cache`` (removed before every run): everything parsed and computed;
* ``unchanged``: every command ran once before (each keeps its own cached answer), nothing touched;
* ``edited``: before every run one status file gets a comment line appended (a real content change),
  so every command's cached answer is stale and the parse cache spares only the other files.

In each state every command first runs once untimed (its own starting point; the OS file cache and
the bytecode cache warm alike for all), then the commands take turns ``--runs`` times (benchkit).
Ratios are of medians, to ``validate`` in the same state; goals are judged on the wall clock, with
the CPU ratio beside it. The synthetic repositories (``xuncha synth``'s generator) get
``[tool.xuncha] profile = "wujiang"`` in their pyproject.toml, so every round has a deadline profile
and obligations really are computed.

bench_repeat.py, bench_overdue.py and bench_score.py are each a :class:`Bench` and :func:`main`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from benchkit import REPO, Load, Timing, alternately, child_env, nothing, pad, run, sizes, under_load

from xuncha.demo.synth import Config, write_repo
from xuncha.load.cachefolder import CACHE_DIR

AS_OF = date(2025, 12, 31)
STATES = {"cold": "冷（无缓存）", "unchanged": "未改动", "edited": "每次运行前编辑一个文件"}


@dataclass(frozen=True)
class Bench:
    """What one script compares: its commands (the first is the reference), goal and judged states.

    ``counted`` names what the repository holds for the command (e.g. obligations), for the head line.
    """

    title: str
    commands: dict[str, tuple[str, ...]]
    goal: float
    judged: tuple[str, ...]
    counted: Callable[[list[str], dict[str, str]], str]


def synthetic(workdir: Path, problems: int) -> Path:
    root = workdir / f"repo-{problems}"
    if not root.is_dir():  # --keep DIR may hold it from an earlier run
        write_repo(root, Config(problems, 0, AS_OF), REPO / "schemas")
        (root / "pyproject.toml").write_text('[tool.xuncha]\nprofile = "wujiang"\n', encoding="utf-8")
    return root


def setup(state: str, root: Path) -> Callable[[], None]:
    """What runs, untimed, before every timed run in ``state``."""
    if state == "cold":
        return partial(shutil.rmtree, root / CACHE_DIR, ignore_errors=True)
    if state == "edited":
        target = next((root / "rounds").glob("*/*/status/*.yaml"))

        def edit() -> None:
            with target.open("a", encoding="utf-8") as handle:
                handle.write("# 再次编辑\n")

        return edit
    return nothing


def output(base: list[str], env: dict[str, str], *args: str) -> str:
    """What a command prints (for the head line's counts; not timed)."""
    return subprocess.run([*base, *args], capture_output=True, text=True, env=env, check=False).stdout


def compare(bench: Bench, base: list[str], env: dict[str, str], state: str, runs: int, root: Path) -> str:
    actions = [partial(run, [*base, *args], env, accept=(0, 1)) for args in bench.commands.values()]
    for action in actions:
        action()
    before = setup(state, root)
    timings, load = under_load(lambda: alternately(runs, *((action, before) for action in actions)))
    return table(bench, state, dict(zip(bench.commands, timings, strict=True)), load)


def table(bench: Bench, state: str, timings: dict[str, Timing], load: Load) -> str:
    """One state's figures: medians (min–max), ratios to the first command, verdicts where judged."""
    reference = next(iter(timings.values()))
    lines = [
        f"  {STATES[state]}（{load}，CPU {os.cpu_count()} 核；中位数，括号内为最快–最慢）",
        "    " + pad("命令", 24) + pad("墙钟秒（最快–最慢）", 26) + pad("CPU秒", 9) + "墙钟比  CPU比",
    ]
    for name, timing in timings.items():
        ratio, cpu_ratio = timing.wall / reference.wall, timing.cpu / reference.cpu
        judged = state in bench.judged and timing is not reference
        verdict = f"目标 ≤ {bench.goal:g}× {'PASS' if ratio <= bench.goal else 'FAIL'}" if judged else ""
        cells = pad(name, 24) + pad(timing.spread(), 26) + pad(f"{timing.cpu:.3f}", 9)
        lines.append(f"    {cells}{ratio:<8.2f}{cpu_ratio:<6.2f}{verdict}".rstrip())
    return "\n".join(lines)


def main(bench: Bench, default_sizes: str, default_runs: int) -> None:
    """The command line every such script shares (see the scripts' docstrings)."""
    parser = argparse.ArgumentParser(description=bench.title)
    parser.add_argument("--sizes", default=default_sizes, help=f"问题数，逗号分隔（默认 {default_sizes}）。")
    parser.add_argument(
        "--runs",
        type=int,
        default=default_runs,
        help=f"每个命令交替运行几次，取中位数（默认 {default_runs}）。",
    )
    parser.add_argument("--states", default=",".join(STATES), help=f"要测的状态（默认 {','.join(STATES)}）。")
    parser.add_argument(
        "--xuncha", type=Path, default=Path(sys.executable).with_name("xuncha"), help="要测的 xuncha 命令。"
    )
    parser.add_argument("--keep", type=Path, help="把生成的仓库保存在此目录并在下次运行时复用。")
    args = parser.parse_args()
    states = args.states.split(",")
    if unknown := set(states) - set(STATES):
        parser.error(f"没有这些状态：{','.join(sorted(unknown))}")
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="xuncha-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        for size in sizes(args.sizes):
            root = synthetic(workdir, size)
            base, env = [str(args.xuncha), "--root", str(root)], child_env(workdir)
            print(f"{size:,} 个问题，{bench.counted(base, env)}", flush=True)
            for state in states:
                print(compare(bench, base, env, state, args.runs, root), flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)

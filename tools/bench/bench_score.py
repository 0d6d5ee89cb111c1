"""Benchmark scoring every unit against ``xuncha validate`` on the same synthetic repository.

Goal (issue “Scoring”): scoring every unit of a 50,000-problem corpus takes at most 2× the
validation time. Scoring needs the index, so “score every unit” is the validation pipeline
plus the scorer over every round (deadlines computed once per round, then each unit's
metrics and sheet). Both are timed in-process, best of ``--runs``, warm (the parse cache
present, the everyday case) and cold (no cache); the scorer alone is also reported.
For scale, ``xuncha score ROUND`` of one round and ``xuncha validate`` are timed as commands.

    .venv/bin/python tools/bench/bench_score.py                  # 10,000 and 50,000
    .venv/bin/python tools/bench/bench_score.py --sizes 1000     # quick
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from xuncha.demo.synth import Config, write_repo
from xuncha.model.index import Index
from xuncha.pipeline import validate
from xuncha.rules.rubrics import Setting, load_setting
from xuncha.rules.scoring import score_all

REPO = Path(__file__).resolve().parents[2]
AS_OF = date(2025, 12, 31)
GOAL = 2.0


def best_of(runs: int, action: Callable[[], object]) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return min(timings)


def score_every(index: Index, setting: Setting) -> int:
    """Score sheets for every unit of every round; returns how many."""
    return sum(map(len, score_all(index, setting, AS_OF).values()))


def pipeline(root: Path, *, cache: bool) -> int:
    """What scoring every unit costs from the files: validate (for the index), then score."""
    return score_every(validate(root, use_cache=cache).index, load_setting(root))


def command(xuncha: Path, root: Path, *args: str) -> Callable[[], None]:
    def run() -> None:
        done = subprocess.run([str(xuncha), "--root", str(root), *args], capture_output=True, check=False)
        if done.returncode not in (0, 1) or done.stderr.startswith("内部错误".encode()):
            sys.exit(f"{args[0]} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")

    return run


def measure(problems: int, xuncha: Path, workdir: Path, runs: int) -> dict[str, float]:
    root = workdir / f"repo-{problems}"
    write_repo(root, Config(problems, 0, AS_OF), REPO / "schemas")
    f = {"problems": float(problems)}
    f["validate_cold"] = best_of(1, lambda: validate(root, use_cache=False))
    f["score_cold"] = best_of(1, lambda: pipeline(root, cache=False))
    validate(root)  # leave the cache in place
    f["validate_warm"] = best_of(runs, lambda: validate(root))
    f["score_warm"] = best_of(runs, lambda: pipeline(root, cache=True))
    index, setting = validate(root).index, load_setting(root)
    f["units"] = float(score_every(index, setting))
    f["scorer"] = best_of(runs, lambda: score_every(index, setting))
    biggest = max(index.rounds, key=lambda r: sum(1 for key in index.folders if key[0] == r))
    f["cli_validate"] = best_of(runs, command(xuncha, root, "validate"))
    f["cli_score_round"] = best_of(
        runs, command(xuncha, root, "score", biggest, "--as-of", AS_OF.isoformat())
    )
    shutil.rmtree(root)
    return f


def report(f: dict[str, float]) -> str:
    head = f"{int(f['problems']):,} 个问题，{int(f['units']):,} 张评分表（CPU {os.cpu_count()} 核）"
    lines = [head]
    for label, key, base in (
        ("热：validate", "validate_warm", "validate_warm"),
        ("热：validate + 全部评分", "score_warm", "validate_warm"),
        ("冷：validate（无缓存）", "validate_cold", "validate_cold"),
        ("冷：validate + 全部评分", "score_cold", "validate_cold"),
    ):
        ratio = f[key] / f[base]
        verdict = "" if key == base else ("PASS" if ratio <= GOAL else "FAIL")
        lines.append(f"  {pad(label)}{f[key]:8.3f} 秒  {ratio:5.2f}×  {verdict}")
    lines.append(f"  {pad('评分本身（进程内）')}{f['scorer']:8.3f} 秒")
    lines.append(f"  {pad('命令：xuncha validate')}{f['cli_validate']:8.3f} 秒")
    lines.append(f"  {pad('命令：xuncha score 一轮')}{f['cli_score_round']:8.3f} 秒")
    return "\n".join(lines)


def pad(label: str, width: int = 28) -> str:
    """Left-align by display width (a Chinese character takes two columns)."""
    return label + " " * (width - sum(2 if ord(c) > 0x2E7F else 1 for c in label))


def main() -> None:
    parser = argparse.ArgumentParser(description="xuncha 评分性能基准（与 validate 对比，目标 ≤ 2×）。")
    parser.add_argument("--sizes", default="10000,50000", help="问题数，逗号分隔（默认 10000,50000）。")
    parser.add_argument("--runs", type=int, default=3, help="热启动取几次中的最好成绩（默认 3）。")
    parser.add_argument("--xuncha", type=Path, default=Path(sys.executable).with_name("xuncha"))
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="xuncha-bench-score-"))
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            print(report(measure(size, args.xuncha, workdir, args.runs)), flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark ``xuncha rollup`` against the sum of the members' own ``xuncha overdue`` runs.

Goal (issue “Beyond one county”): over 100 synthetic county repositories of 1,000 problems
each, the rollup takes at most 1.2× the time of running ``xuncha overdue`` in every member
one after the other, and the DuckDB queries alone take under 1 s at 100,000 problems.

The members are written by the generator behind ``xuncha synth`` (a different seed each).
Both sides run as whole processes of the installed command, start-up included, the same
environment for both, in turn (baseline, rollup, baseline, …) ``--runs`` times; each figure
is the median with min and max, wall clock and CPU (user + system of the command and all its
workers), with the load average before and after (``benchkit.py``). The goal is judged on the
wall clock in each state (``everyday.py``), the same for both sides before every run:

* ``cold``: no ``.xuncha-cache`` in any member;
* ``unchanged``: both ran before, nothing changed (a city office that rolls up daily);
* ``edited``: one status file of the first member changed.

The rollup does more than the baseline (full validation with the cross-file rules — replayed
from the verdict while nothing changed —, scores, Parquet, DuckDB) and spreads it over the
cores; the baseline is one process per member, in turn. The queries are timed in-process on
the database the rollup left.

    .venv/bin/python tools/bench/bench_rollup.py                               # 100 × 1,000
    .venv/bin/python tools/bench/bench_rollup.py --members 10 --problems 500 --runs 3  # quick
    .venv/bin/python tools/bench/bench_rollup.py --states unchanged --keep /tmp/bench-rollup
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import yaml
from benchkit import REPO, Timing, alternately, child_env, nothing, run, under_load
from everyday import AS_OF, STATES, setup

from xuncha.demo.synth import Config, write_repo
from xuncha.rollup.engine import query
from xuncha.rollup.manifest import read
from xuncha.rules.rubrics import CHECKOUT

XUNCHA = Path(sys.executable).with_name("xuncha")
GOAL = 1.20
QUERY_GOAL = 1.0


def members(workdir: Path, count: int, problems: int) -> list[Path]:
    roots = []
    for i in range(count):
        root = workdir / f"county-{i:03d}-{problems}"
        if not root.is_dir():  # --keep DIR may hold it from an earlier run
            write_repo(root, Config(problems, i, AS_OF), REPO / "schemas")
        roots.append(root)
    return roots


def manifest(workdir: Path, roots: list[Path]) -> Path:
    entries = [
        {"name": f"县{i:03d}", "path": str(root), "parent": f"市{i // 10:02d}"}
        for i, root in enumerate(roots)
    ]
    path = workdir / "province.yaml"
    document = {"name": "示例省", "level": "省", "members": entries}
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def before(state: str, roots: list[Path]) -> Callable[[], None]:
    """What runs, untimed, before each run of either side in ``state``."""
    setups = [setup(state, root) for root in (roots if state == "cold" else roots[:1])]

    def prepare() -> None:
        for each in setups:
            each()

    return prepare


def compare(roots: list[Path], listed: Path, db: Path, state: str, runs: int, env: dict[str, str]) -> str:
    day = AS_OF.isoformat()
    commands = [["--root", root, "overdue", "--as-of", day, "--format", "json"] for root in roots]

    def baseline() -> None:
        for command in commands:
            run([XUNCHA, *command], env, accept=(0, 1))

    rollup = partial(run, [XUNCHA, "rollup", listed, "--as-of", day, "--format", "json", "--db", db], env)
    baseline()  # both sides' starting point (caches, verdicts) and the same warm-up
    rollup()
    prepare = before(state, roots)
    (summed, rolled), load = under_load(lambda: alternately(runs, (baseline, prepare), (rollup, prepare)))
    ratio, cpu_ratio = rolled.wall / summed.wall, rolled.cpu / summed.cpu
    verdict = "PASS" if ratio <= GOAL else "FAIL"
    return "\n".join(
        (
            f"  {STATES[state]}（{load}）",
            f"    各成员 overdue 之和     {summed.spread(2)} 秒，CPU {summed.cpu:.2f}",
            f"    rollup（导出 + DuckDB） {rolled.spread(2)} 秒，CPU {rolled.cpu:.2f}",
            f"    rollup / 之和：墙钟 {ratio:.2f}×（目标 ≤ {GOAL}× {verdict}），CPU {cpu_ratio:.2f}×",
        )
    )


def queries(db: Path, listed: Path, runs: int) -> Timing:
    parsed, _ = read(listed, CHECKOUT / "schemas")
    assert parsed is not None
    return alternately(runs, (partial(query, db, parsed, AS_OF.isoformat()), nothing))[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100, help="how many county repositories")
    parser.add_argument("--problems", type=int, default=1000, help="problems in each member")
    parser.add_argument("--runs", type=int, default=3, help="alternated runs of each side (median, min, max)")
    parser.add_argument("--states", default=",".join(STATES), help=f"states to measure ({','.join(STATES)})")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the members in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-rollup-") as scratch:
        workdir = args.keep or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        roots = members(workdir, args.members, args.problems)
        print(f"{len(roots)} 个成员 × {args.problems} 个问题，生成 {time.perf_counter() - start:.0f} 秒")
        listed, db, env = manifest(workdir, roots), workdir / "rollup.duckdb", child_env(Path(scratch))
        for state in args.states.split(","):
            print(compare(roots, listed, db, state, args.runs, env), flush=True)
        queried = queries(db, listed, args.runs)
        verdict = "PASS" if queried.wall < QUERY_GOAL else "FAIL"
        problems = args.members * args.problems
        goal = f"目标 < {QUERY_GOAL} 秒 {verdict}"
        print(f"  只算 DuckDB 查询（进程内，{problems:,} 个问题）：{queried.spread()} 秒（{goal}）")


if __name__ == "__main__":
    main()

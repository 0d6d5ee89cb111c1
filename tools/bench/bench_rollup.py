"""Benchmark ``xuncha rollup`` against the sum of the members' own ``xuncha overdue`` runs.

Goal (issue “Beyond one county”): over 100 synthetic county repositories of 1,000 problems
each, the rollup takes at most 1.2× the time of running ``xuncha overdue`` in every member
one after the other, and the DuckDB queries alone take under 1 s at 100,000 problems.

The members are written by the generator behind ``xuncha synth`` (a different seed each).
Both sides run as whole processes of the installed command, start-up included, with warm
caches (one untimed run of each first: the state of a city office that rolls up daily), in
alternation, ``--runs`` times; the medians are compared. Each run reports wall-clock seconds
and CPU seconds (user + system of the command and all its workers). The rollup does more
than the baseline (full validation with the cross-file rules — replayed from the verdict
while nothing changed —, scores, Parquet, DuckDB) and spreads it over the cores; the
baseline is one process per member, in turn. The queries are timed in-process on the
database the rollup left.

    .venv/bin/python tools/bench/bench_rollup.py                          # 100 × 1,000
    .venv/bin/python tools/bench/bench_rollup.py --members 10 --problems 500  # quick
    .venv/bin/python tools/bench/bench_rollup.py --keep /tmp/bench-rollup      # keep and reuse members
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import yaml

from xuncha.demo.synth import Config, write_repo
from xuncha.rollup.engine import query
from xuncha.rollup.manifest import read
from xuncha.rules.rubrics import CHECKOUT

REPO = Path(__file__).resolve().parents[2]
AS_OF = date(2025, 12, 31)
GOAL = 1.20
QUERY_GOAL = 1.0
Timing = tuple[float, float]  # (wall seconds, CPU seconds)


def timed(action: Callable[[], object]) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    action()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run(xuncha: Path, *args: object) -> None:
    done = subprocess.run([str(xuncha), *map(str, args)], capture_output=True, check=False)
    if done.returncode not in (0, 1) or done.stderr.startswith("内部错误".encode()):
        sys.exit(f"{args} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--problems", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the members in this folder")
    args = parser.parse_args()
    xuncha = Path(sys.executable).with_name("xuncha")
    with tempfile.TemporaryDirectory(prefix="bench-rollup-") as scratch:
        workdir = args.keep or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        roots = members(workdir, args.members, args.problems)
        print(f"{len(roots)} members × {args.problems} problems ready in {time.perf_counter() - start:.0f} s")
        listed, db = manifest(workdir, roots), workdir / "rollup.duckdb"
        as_of = AS_OF.isoformat()

        def baseline() -> None:
            for root in roots:
                run(xuncha, "--root", root, "overdue", "--as-of", as_of, "--format", "json")

        def rollup() -> None:
            run(xuncha, "rollup", listed, "--as-of", as_of, "--format", "json", "--db", db)

        baseline(), rollup()  # warm the caches and verdicts of both
        sums, rolls = [], []
        for _ in range(args.runs):  # alternated
            sums.append(timed(baseline))
            rolls.append(timed(rollup))
        report(sums, rolls, queries(db, listed, args.runs), args.members * args.problems)


def queries(db: Path, listed: Path, runs: int) -> float:
    parsed, _ = read(listed, CHECKOUT / "schemas")
    assert parsed is not None
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        query(db, parsed, AS_OF.isoformat())
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def report(sums: list[Timing], rolls: list[Timing], queried: float, problems: int) -> None:
    wall = (statistics.median(t[0] for t in sums), statistics.median(t[0] for t in rolls))
    cpu = (statistics.median(t[1] for t in sums), statistics.median(t[1] for t in rolls))
    print(f"{'':28}{'wall s':>10}{'CPU s':>10}")
    print(f"{'sum of members overdue':28}{wall[0]:>10.2f}{cpu[0]:>10.2f}")
    print(f"{'rollup (export+DuckDB)':28}{wall[1]:>10.2f}{cpu[1]:>10.2f}")
    print(f"{'ratio rollup / sum':28}{wall[1] / wall[0]:>10.2f}{cpu[1] / cpu[0]:>10.2f}   (goal ≤ {GOAL})")
    verdict = "met" if queried < QUERY_GOAL else "missed"
    print(
        f"DuckDB queries alone at {problems:,} problems: {queried:.3f} s (goal < {QUERY_GOAL} s: {verdict})"
    )


if __name__ == "__main__":
    main()

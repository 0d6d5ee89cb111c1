"""Benchmark asking again: ``overdue`` and ``score --all`` against ``validate``, whole processes.

Goal (issue 20): with nothing changed, ``xuncha overdue`` and ``xuncha score --all`` take at most
2× a ``xuncha validate`` with nothing changed (which replays its last verdict). Judged in the
``unchanged`` state; ``edited`` (one status file changed before every run, so every cached answer
is stale) and ``cold`` are shown for information: that is first-run work, judged in
``bench_overdue.py`` and ``bench_score.py``.

How it measures (``everyday.py``, ``benchkit.py``): the installed command as a whole process,
start-up included, the same environment for every side; the three commands take turns
(validate, overdue, score --all, validate, …) ``--runs`` times; medians with min and max, wall
clock and CPU (user + system, workers included); the machine's load average before and after.

    .venv/bin/python tools/bench/bench_repeat.py                    # 1,000 and 10,000 problems
    .venv/bin/python tools/bench/bench_repeat.py --sizes 1000 --runs 5 --states unchanged
    .venv/bin/python tools/bench/bench_repeat.py --keep /tmp/bench   # keep (and reuse) the repositories
"""

from __future__ import annotations

import json

from everyday import AS_OF, Bench, main, output

DAY = ("--as-of", AS_OF.isoformat())


def obligations(base: list[str], env: dict[str, str]) -> str:
    found = json.loads(output(base, env, "overdue", *DAY, "--format", "json"))["obligations"]
    return f"{len(found):,} 项时限"


BENCH = Bench(
    title="再次查询的性能基准：overdue、score --all 与 validate（均未改动）对比，目标 ≤ 2×。",
    commands={
        "validate": ("validate",),
        "overdue": ("overdue", *DAY),
        "score --all": ("score", "--all", *DAY),
    },
    goal=2.0,
    judged=("unchanged",),
    counted=obligations,
)

if __name__ == "__main__":
    main(BENCH, "1000,10000", 7)

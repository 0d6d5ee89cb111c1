"""Benchmark scoring every unit (``xuncha score --all``) against ``xuncha validate``.

Goal (issue “Scoring”): scoring every unit of every round takes at most 2× the validation time
on the same data (scoring needs the validated index, then deadlines once per round, each unit's
metrics and sheet). Judged on the wall-clock medians in the two states where both commands do
their work:

* ``cold``: no cache at all, everything parsed;
* ``edited``: one status file changed before every run, so both commands' last answers are stale.

With nothing changed (``unchanged``) both replay their last answer: shown here, judged in
``bench_repeat.py``.

How it measures (``everyday.py``, ``benchkit.py``): the installed command as a whole process,
start-up included, the same environment for every side; the commands take turns ``--runs``
times; medians with min and max, wall clock and CPU (user + system, workers included); the load
average before and after.

    .venv/bin/python tools/bench/bench_score.py                       # 10,000 and 50,000
    .venv/bin/python tools/bench/bench_score.py --sizes 1000 --runs 3     # quick
    .venv/bin/python tools/bench/bench_score.py --states cold --keep /tmp/bench
"""

from __future__ import annotations

import json

from bench_repeat import DAY
from everyday import Bench, main, output

ALL = ("score", "--all", *DAY)


def sheets(base: list[str], env: dict[str, str]) -> str:
    rounds = json.loads(output(base, env, *ALL, "--format", "json"))
    return f"{len(rounds)} 轮，{sum(len(r['ranking']) for r in rounds):,} 张评分表"


BENCH = Bench(
    title="xuncha 评分性能基准：score --all 与 validate 交替对比，目标 ≤ 2×。",
    commands={"validate": ("validate",), "score --all": ALL},
    goal=2.0,
    judged=("cold", "edited"),
    counted=sheets,
)

if __name__ == "__main__":
    main(BENCH, "10000,50000", 5)

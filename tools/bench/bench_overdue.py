"""Benchmark ``xuncha overdue`` against ``xuncha validate`` on the same synthetic repository.

Goal (issue “Deadlines”, stated for 50,000 problems): ``overdue`` adds at most 20% to the time of
``validate`` on the same data (``overdue`` runs the validation pipeline itself, then the deadline
engine and the report). At small sizes start-up is most of both, and a few hundredths of a second
decide the ratio.
Judged on the wall-clock medians in the two states where both commands do their work:

* ``cold``: no cache at all, everything parsed;
* ``edited``: one status file changed before every run (its content), so both commands' last
  answers are stale: they parse that file, load the others from the cache and run the rules.

With nothing changed (``unchanged``) both replay their last answer without reading any data
(``load/verdict.py``, ``load/derived.py``): shown here, judged in ``bench_repeat.py``. The text
report and ``--format json`` are both timed.

How it measures (``everyday.py``, ``benchkit.py``): the installed command as a whole process,
start-up included, the same environment for every side; the commands take turns ``--runs``
times; medians with min and max, wall clock and CPU (user + system, workers included; the CPU
ratio tells whether a miss is ours or a busy machine's); the load average before and after.

    .venv/bin/python tools/bench/bench_overdue.py                     # 10,000 and 50,000
    .venv/bin/python tools/bench/bench_overdue.py --sizes 1000 --runs 3   # quick
    .venv/bin/python tools/bench/bench_overdue.py --keep /tmp/bench   # keep (and reuse) the repositories
"""

from __future__ import annotations

from bench_repeat import DAY, obligations
from everyday import Bench, main

BENCH = Bench(
    title="xuncha overdue 性能基准（与 validate 交替对比，目标 ≤ 1.2×）。",
    commands={
        "validate": ("validate",),
        "overdue（文本）": ("overdue", *DAY),
        "overdue --format json": ("overdue", *DAY, "--format", "json"),
    },
    goal=1.2,
    judged=("cold", "edited"),
    counted=obligations,
)

if __name__ == "__main__":
    main(BENCH, "10000,50000", 5)

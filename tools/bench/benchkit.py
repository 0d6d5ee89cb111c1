"""How every benchmark in tools/bench/ measures, so that all of them measure alike (issue 20).

* Whole processes, started as from the command line (:func:`run`, start-up counted), every side
  with the same environment (:func:`child_env`).
* The compared runs take turns (:func:`alternately`: A B A B …), so that a shared machine's slow
  spells fall on every side alike and each ratio compares figures taken side by side.
* Each figure is a median with its min and max, wall-clock and CPU (:class:`Timing`). The wall
  clock includes waiting for a core on a busy machine, CPU time does not: it tells whether a miss
  is ours or the machine's.
* The machine's 1-minute load average before and after the runs (:func:`under_load`).

The scripts import it as a sibling module (their folder is on ``sys.path`` when run).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parents[2]
_T = TypeVar("_T")


@dataclass(frozen=True)
class Timing:
    """Median wall-clock and CPU seconds over the runs of one measurement, and the wall's spread."""

    wall: float
    cpu: float
    fastest: float
    slowest: float

    @classmethod
    def of(cls, walls: Sequence[float], cpus: Sequence[float]) -> Timing:
        return cls(statistics.median(walls), statistics.median(cpus), min(walls), max(walls))

    def spread(self, digits: int = 3) -> str:
        """``median（min–max）`` of the wall clock."""
        return f"{self.wall:.{digits}f}（{self.fastest:.{digits}f}–{self.slowest:.{digits}f}）"


def cpu_seconds() -> float:
    """CPU seconds of this process plus every child (and grandchild) waited for so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def nothing() -> None:
    """The setup of a step that needs none."""


Step = tuple[Callable[[], object], Callable[[], object]]  # (timed action, untimed setup before it)


def alternately(runs: int, *steps: Step) -> list[Timing]:
    """Each step ``runs`` times, the steps taking turns (A B C A B C …), so that figures compared
    as a ratio meet the same spells of a shared machine's slowness, not one of them each."""
    walls: list[list[float]] = [[] for _ in steps]
    cpus: list[list[float]] = [[] for _ in steps]
    for _ in range(runs):
        for (action, setup), wall_times, cpu_times in zip(steps, walls, cpus, strict=True):
            setup()
            wall, cpu = time.perf_counter(), cpu_seconds()
            action()
            wall_times.append(time.perf_counter() - wall)
            cpu_times.append(cpu_seconds() - cpu)
    return [Timing.of(w, c) for w, c in zip(walls, cpus, strict=True)]


@dataclass(frozen=True)
class Load:
    """The machine's 1-minute load average when the runs began and when they ended."""

    before: float
    after: float

    def __str__(self) -> str:
        return f"负载 {self.before:.2f} → {self.after:.2f}"


def under_load(action: Callable[[], _T]) -> tuple[_T, Load]:
    """``action()``'s result and the load average around it."""
    before = os.getloadavg()[0]
    result = action()
    return result, Load(before, os.getloadavg()[0])


def child_env(workdir: Path) -> dict[str, str]:
    """The environment of every measured process, whichever side it is on.

    Python's bytecode cache is on (in a folder under ``workdir``, so the repository stays clean),
    as installed software has it, even where the environment sets PYTHONDONTWRITEBYTECODE:
    otherwise every start recompiles all of xuncha and part of its dependencies, which is a
    property of that environment, not of the command. MkDocs' banner about its next major
    version is silenced (it is printed, not measured)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


def run(
    command: Sequence[object], env: dict[str, str], cwd: Path | None = None, accept: tuple[int, ...] = (0,)
) -> None:
    """One whole process, its output read through a pipe; a failing run invalidates the benchmark.

    ``accept`` lists the exit codes that are answers (1: findings, for the commands that report
    them); an internal error is a failure whatever the code."""
    args = [str(part) for part in command]
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, check=False)
    if done.returncode not in accept or done.stderr.startswith("内部错误".encode()):
        out, err = done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")
        sys.exit(f"失败（{done.returncode}）：{' '.join(args)}\n{out[-1500:]}\n{err[-1500:]}")


PEAK = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True, check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def peak_megabytes(command: Sequence[object], env: dict[str, str]) -> float:
    """The peak resident memory of one run's largest process (the command or one of its workers),
    in MB: taken in a fresh wrapper process, whose only descendants are that run (Linux counts
    ``ru_maxrss`` in KB)."""
    wrapper = [sys.executable, "-c", PEAK, *(str(part) for part in command)]
    done = subprocess.run(wrapper, env=env, capture_output=True, text=True, check=True)
    return int(done.stdout) / 1024


def pad(text: str, width: int) -> str:
    """Left-align in a monospace column where CJK characters take two cells."""
    cells = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - cells)


def sizes(text: str) -> list[int]:
    """``--sizes 1000,10000`` as numbers."""
    return [int(size) for size in text.split(",") if size]

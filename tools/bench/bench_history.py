"""Benchmark ``xuncha history --round`` against a bare ``git log --name-status`` of the same repository.

Goal (issue 20): the audit trail of a round over 10,000 commits, cold (no ``.xuncha-cache``),
takes at most 3× ``git log --name-status``: it is one ``git log --raw`` pass, parsed as it streams
in, one ``cat-file --batch`` asked for the file versions while the log still runs, and then each
unit folder's changes read whole on one core (its versions parsed, each change's meaning worked
out), on every core.

The repository is generated with ``git fast-import`` (seconds, not minutes): one round of
``--units`` units × ``--problems`` problems, each status file written twice (整改中, then
已完成 with evidence), so there are 2 × units × problems change commits. Clerks commit on
pull-request branches of ``--per-pr`` commits; each pull request is merged with
"Merge pull request #N from …".

What is timed, each as a whole process started as from the command line (interpreter and
imports included; output read through a pipe, as git's is):

* ``git log --name-status`` (the baseline);
* ``xuncha history --round R --format F`` cold (``.xuncha-cache`` removed before the run), warm
  (the cache the last run left, nothing changed) and after one new commit on main (one status
  file changed and committed before the run, the cache otherwise warm: the everyday case);
* the site's history read (``xuncha.site.history.read``, as ``mkdocs build`` calls it) in a fresh
  ``python -c`` process, in the same three states;
* ``xuncha --help``: the start-up every xuncha figure includes.

Every command first runs once untimed (the same warm-up of the OS file cache for all of them),
then they take turns, run by run (git, xuncha cold, warm, after a commit, site cold, warm, after
a commit, start-up; then again), so that a shared machine's slow spells fall on every side
alike. Each figure is the median of ``--runs`` with its min and max, wall clock and CPU; ratios
are of medians. The machine's load average is shown before and after. Every side runs with the
same environment, Python's bytecode cache on, as installed software has it (``benchkit.py``).

    .venv/bin/python tools/bench/bench_history.py                            # 10,000 commits, 5,000 files
    .venv/bin/python tools/bench/bench_history.py --units 10 --problems 50 --runs 3    # quick
    .venv/bin/python tools/bench/bench_history.py --format json --keep /tmp/ledger   # keep the repository
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import partial
from pathlib import Path

from benchkit import REPO, Timing, alternately, child_env, nothing, run, under_load

from xuncha.load.cachefolder import CACHE_DIR

ROUND = "2025-bench"
TZ = timezone(timedelta(hours=8))
SITE_READ = (
    "import sys; from pathlib import Path; from xuncha.site import history; "
    "trails = history.read(Path(sys.argv[1])); assert trails.by_problem is not None, trails.note"
)


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n%s\n" % (len(raw), raw)


def _people(who: str, moment: str) -> bytes:
    return f"author {who} {moment}\ncommitter {who} {moment}\n".encode()


def _status(unit: str, problem: str, day: date, done: bool) -> str:
    text = f"round: {ROUND}\nunit: {unit}\nproblem: {problem}\nlog:\n"
    text += f"  - date: {day.isoformat()}\n    state: 整改中\n    note: 制定整改措施，明确责任人。\n"
    if done:
        finish = day + timedelta(days=60)
        text += f"  - date: {finish.isoformat()}\n    state: 已完成\n    note: 整改完成。\n"
        text += "    evidence:\n      - title: 整改工作报告\n"
    return text


def _setup_files(units: list[str]) -> dict[str, str]:
    files = {
        f"schemas/{p.name}": p.read_text(encoding="utf-8")
        for p in sorted((REPO / "schemas").glob("*.schema.json"))
    }
    listed = "".join(f"  - unit: {u}\n    group: 第一巡察组\n    feedback_date: 2025-06-16\n" for u in units)
    files[f"rounds/{ROUND}/round.yaml"] = (
        f"id: {ROUND}\nname: 基准测试轮次\nkind: 常规\ninspecting_body: 测试区委\n"
        f"entry_date: 2025-03-03\nexit_date: 2025-05-09\nunits:\n{listed}"
    )
    for unit in units:
        files[f"units/{unit}.yaml"] = (
            f"id: {unit}\nname: 测试单位{unit}\ntype: 区级机关\njurisdiction: 测试区\n"
        )
    return files


def stream(units: int, problems: int, per_pr: int) -> Iterator[bytes]:
    """The fast-import stream: a setup commit, then pull requests of ``per_pr`` status changes."""
    names = [f"u{i:03d}" for i in range(1, units + 1)]
    files = [(u, f"P{p:03d}") for u in names for p in range(1, problems + 1)]
    start = datetime(2025, 7, 1, 9, tzinfo=TZ)
    stamp = int(start.timestamp())
    yield b"commit refs/heads/main\nmark :1\n"
    yield _people("巡察办 <xcb@example.cn>", f"{stamp} +0800")
    yield _data("建立台账仓库")
    for path, text in _setup_files(names).items():
        yield f"M 100644 inline {path}\n".encode() + _data(text)
    changes = [(f, False) for f in files] + [(f, True) for f in files]
    mark, tip = 1, 1
    for number, first in enumerate(range(0, len(changes), per_pr), 1):
        batch = changes[first : first + per_pr]
        when = start + timedelta(minutes=number)
        day, moment = when.date(), f"{int(when.timestamp())} +0800"
        branch_tip = tip
        for (unit, problem), done in batch:
            mark += 1
            path = f"rounds/{ROUND}/{unit}/status/{problem}.yaml"
            yield f"commit refs/pull/{number}/head\nmark :{mark}\n".encode()
            yield _people(f"填报员{unit} <{unit}@example.cn>", moment)
            yield _data(f"{unit} {problem} 更新整改进展") + f"from :{branch_tip}\n".encode()
            yield f"M 100644 inline {path}\n".encode() + _data(_status(unit, problem, day, done))
            branch_tip = mark
        mark += 1
        yield f"commit refs/heads/main\nmark :{mark}\n".encode()
        yield _people("审核人 <reviewer@example.cn>", moment)
        yield _data(f"Merge pull request #{number} from clerk/batch-{number}")
        yield f"from :{tip}\nmerge :{branch_tip}\n".encode()
        for (unit, problem), done in batch:
            path = f"rounds/{ROUND}/{unit}/status/{problem}.yaml"
            yield f"M 100644 inline {path}\n".encode() + _data(_status(unit, problem, day, done))
        tip = mark
    yield b"done\n"


def generate(root: Path, units: int, problems: int, per_pr: int) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    importer = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=root, stdin=subprocess.PIPE)
    assert importer.stdin is not None
    for chunk in stream(units, problems, per_pr):
        importer.stdin.write(chunk)
    importer.stdin.close()
    if importer.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=root, check=True)


@dataclass(frozen=True)
class Side:
    """One compared command and what its state needs before each run (cold: no cache)."""

    label: str
    command: list[str]
    prepare: Callable[[], object] = nothing


def alternate(sides: list[Side], runs: int, root: Path, env: dict[str, str]) -> list[Timing]:
    """Each side once untimed (the same warm-up for all), then ``runs`` rounds of every side in turn."""
    actions = [partial(run, side.command, env, root) for side in sides]
    for side, action in zip(sides, actions, strict=True):
        side.prepare()
        action()
    return alternately(runs, *((action, side.prepare) for side, action in zip(sides, actions, strict=True)))


def new_commit(root: Path) -> Callable[[], None]:
    """A change committed on main since the last run: one status file gets a comment line."""
    target = root / "rounds" / ROUND / "u001" / "status" / "P001.yaml"
    author = ["-c", "user.name=基准测试", "-c", "user.email=bench@example.cn"]

    def commit() -> None:
        with target.open("a", encoding="utf-8") as handle:
            handle.write("# 再次编辑\n")
        subprocess.run(["git", *author, "commit", "-q", "-am", "基准测试改动"], cwd=root, check=True)

    return commit


def sides(root: Path, output: str) -> list[Side]:
    bindir = Path(sys.executable).parent
    drop_cache = partial(shutil.rmtree, root / CACHE_DIR, ignore_errors=True)
    commit = new_commit(root)
    history = [str(bindir / "xuncha"), "--root", str(root), "history", "--round", ROUND, "--format", output]
    site = [sys.executable, "-c", SITE_READ, str(root)]
    return [
        Side("git log --name-status", ["git", "log", "--name-status"]),
        Side(f"xuncha history --round {ROUND} --format {output}：无缓存", history, drop_cache),
        Side(f"xuncha history --round {ROUND} --format {output}：有缓存", history),
        Side(f"xuncha history --round {ROUND} --format {output}：有缓存，新增一个提交", history, commit),
        Side("网站读取变更记录（site.history.read，整进程）：无缓存", site, drop_cache),
        Side("网站读取变更记录（site.history.read，整进程）：有缓存", site),
        Side("网站读取变更记录（site.history.read，整进程）：有缓存，新增一个提交", site, commit),
        Side("其中 xuncha 启动（xuncha --help）", [str(bindir / "xuncha"), "--help"]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--problems", type=int, default=100, help="problems per unit")
    parser.add_argument("--per-pr", type=int, default=10, help="change commits per pull request")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each command (median, min, max)")
    parser.add_argument("--format", choices=["text", "json"], default="text", help="xuncha history's output")
    parser.add_argument("--keep", type=Path, help="generate here and keep the repository")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-history-"))
    root = args.keep or workdir / "repo"
    try:
        start = time.perf_counter()
        generate(root, args.units, args.problems, args.per_pr)
        generated = time.perf_counter() - start
        commits = int(subprocess.run(["git", "rev-list", "--count", "main"], cwd=root, capture_output=True,
                                     text=True, check=True).stdout)  # fmt: skip
        compared = sides(root, args.format)
        times, load = under_load(lambda: alternate(compared, args.runs, root, child_env(workdir)))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    files = args.units * args.problems
    merges = commits - 1 - 2 * files
    print(
        f"仓库：{commits} 个提交（其中 {merges} 个合并），{files} 个状态文件；生成 {generated:.1f} 秒；"
        f"CPU {os.cpu_count()} 核，{load}（1 分钟平均）"
    )
    print(f"每条命令先不计时运行一次，再轮流运行 {args.runs} 次：墙钟秒中位数（最快–最慢），倍数为中位数之比")
    baseline = times[0]
    for side, timing in zip(compared, times, strict=True):
        ratio, cpu_ratio = timing.wall / baseline.wall, timing.cpu / baseline.cpu
        cpu = f"CPU {timing.cpu:.2f} 秒，{cpu_ratio:.2f}×"
        print(f"  {side.label}：{timing.spread(2)}（{ratio:.2f}× git log；{cpu}）")


if __name__ == "__main__":
    main()

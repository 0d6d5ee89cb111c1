"""Benchmark ``xuncha history`` against a bare ``git log --name-status`` of the same repository.

Goal (issue “Pull requests as reviews”): the audit trail of a 10,000-commit ledger takes
seconds, because it is one ``git log --raw`` pass plus one ``cat-file --batch`` for the file
versions, not one git call per file or per commit.

The repository is generated with ``git fast-import`` (seconds, not minutes): one round of
``--units`` units × ``--problems`` problems, each status file written twice (整改中, then
已完成 with evidence), so ``--commits`` = 2 × units × problems change commits. Clerks
commit on pull-request branches of ``--per-pr`` commits; each pull request is merged with
"Merge pull request #N from …". Both commands run as subprocesses, start-up included,
best of ``--runs``, in the same run.

File versions parsed once are kept in ``.xuncha-cache/versions-*.marshal`` (:mod:`xuncha.review.blobcache`),
so ``xuncha history`` and the site's history read (``site_history.read``, timed inside a fresh
process, as a build calls it) are each timed cold (the cache removed before every run) and warm.

    .venv/bin/python tools/bench/bench_history.py                       # 10,000 commits, 5,000 files
    .venv/bin/python tools/bench/bench_history.py --units 10 --problems 50 --runs 1   # quick
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from functools import partial
from pathlib import Path

from xuncha.load.cachefolder import CACHE_DIR

REPO = Path(__file__).resolve().parents[2]
ROUND = "2025-bench"
TZ = timezone(timedelta(hours=8))


SITE_READ = """
import sys, time
from pathlib import Path
from xuncha.site import history as site_history
start = time.perf_counter()
trails = site_history.read(Path(sys.argv[1]))
print(time.perf_counter() - start)
assert trails.by_problem is not None, trails.note
"""


def best_of(runs: int, action: Callable[[], object], before: Callable[[], object] = lambda: None) -> float:
    """The fastest of ``runs`` timings, each after ``before``: the least disturbed by the machine."""
    timings = []
    for _ in range(runs):
        before()
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return min(timings)


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


def run(command: list[str], root: Path) -> int:
    """Run quietly; the benchmark is void if the command fails. Returns the output size."""
    done = subprocess.run(command, cwd=root, capture_output=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr.decode()[-2000:]}")
    return len(done.stdout)


def site_read(root: Path, runs: int, before: Callable[[], object] = lambda: None) -> float:
    """The site's history read as a build does it, timed inside a fresh process: best of ``runs``."""
    timings = []
    for _ in range(runs):
        before()
        done = subprocess.run([sys.executable, "-c", SITE_READ, str(root)], capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"site_history.read failed:\n{done.stderr[-2000:]}")
        timings.append(float(done.stdout))
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--problems", type=int, default=100, help="problems per unit")
    parser.add_argument("--per-pr", type=int, default=10, help="change commits per pull request")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate here and keep the repository")
    args = parser.parse_args()
    xuncha = Path(sys.executable).with_name("xuncha")
    workdir = Path(tempfile.mkdtemp(prefix="bench-history-"))
    root = args.keep or workdir / "repo"
    try:
        start = time.perf_counter()
        generate(root, args.units, args.problems, args.per_pr)
        generated = time.perf_counter() - start
        commits = int(subprocess.run(["git", "rev-list", "--count", "main"], cwd=root, capture_output=True,
                                     text=True, check=True).stdout)  # fmt: skip
        history_cmd = [str(xuncha), "--root", str(root), "history", "--round", ROUND, "--format", "json"]
        baseline = best_of(args.runs, lambda: run(["git", "log", "--name-status"], root))
        drop_cache = partial(shutil.rmtree, root / CACHE_DIR, ignore_errors=True)
        cold = best_of(args.runs, lambda: run(history_cmd, root), drop_cache)
        warm = best_of(args.runs, lambda: run(history_cmd, root))
        site_cold = site_read(root, args.runs, drop_cache)
        site_warm = site_read(root, args.runs)
        entries = len(
            json.loads(subprocess.run(history_cmd, capture_output=True, check=True).stdout)["entries"]
        )
        startup = best_of(args.runs, lambda: run([str(xuncha), "--help"], root))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    files = args.units * args.problems
    merges = commits - 1 - 2 * files
    print(f"仓库：{commits} 个提交（其中 {merges} 个合并），{files} 个状态文件；生成 {generated:.1f} 秒")
    print(f"git log --name-status：{baseline:.2f} 秒（以下括号内为相对它的倍数）")
    print(f"xuncha history --round {ROUND} --format json（{entries} 条记录）：")
    print(_cold_warm(cold, warm, baseline))
    print(f"  其中 xuncha 启动（xuncha --help）：{startup:.2f} 秒")
    print("网站读取变更记录（site_history.read，在新进程内计时）：")
    print(_cold_warm(site_cold, site_warm, baseline))


def _cold_warm(cold: float, warm: float, baseline: float) -> str:
    return (
        f"  无缓存 {cold:.2f} 秒（{cold / baseline:.1f}×），有缓存 {warm:.2f} 秒（{warm / baseline:.1f}×），"
        f"缓存提速 {cold / warm:.1f}×"
    )


if __name__ == "__main__":
    main()

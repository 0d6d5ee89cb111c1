"""Benchmark: build time of both sites against a bare MkDocs build of as many plain pages.

For each size (default 1,000 and 10,000 problems) the synthetic corpus
(``xuncha.demo.synth``) is written to a temporary repository, with one signed
notice per unit folder so the public site has work to do. Then, in the same
run, it times ``mkdocs build`` of the internal site, of the public site, and of
a baseline: as many plain Markdown pages (each a problem's text) as there are
problems, same theme and search settings, one-entry nav. Goals: both sites
together at most 1.5× the baseline, and 10× the problems at most 11× the time.
The two compared builds take turns, ``--runs`` times (best CPU time of each);
each site alone is built once, for information.

    .venv/bin/python tools/bench/bench_site.py [--sizes 1000 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from xuncha.demo import synth
from xuncha.model.index import iter_nodes

REPO = Path(__file__).resolve().parents[2]
SIGNOFF = {
    "no_secrets": True,
    "no_case_interference": True,
    "no_disclosure_breach": True,
    "guard_hype": True,
    "guard_mass_incident": True,
}
ROLES = ("巡察组组长", "被巡察党组织主要负责人", "巡察办")
BASELINE_CONFIG = """site_name: 基线
theme:
  name: material
  language: zh
  font: false
plugins:
  search:
    lang: zh
nav:
  - 首页: index.md
"""


def make_repo(root: Path, problems: int) -> Path:
    """The synthetic data plus our site configs (the tools folder is linked, not copied)."""
    config = synth.Config(problems)
    synth.write_repo(root, config, REPO / "schemas")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "docs", root / "docs")
    (root / "tools").symlink_to(REPO / "tools")
    for feedback in sorted(root.glob("rounds/*/*/feedback.yaml")):
        _notice(feedback, config.as_of.isoformat())
    return root


def _notice(feedback: Path, day: str) -> None:
    data = yaml.safe_load(feedback.read_text(encoding="utf-8"))
    notice = {
        "id": "N1",
        "round": data["round"],
        "unit": data["unit"],
        "title": "关于巡察整改进展情况的通报",
        "as_of": day,
        "organisation": ["一是提高政治站位，压实整改责任。二是坚持问题导向，建立整改台账，对账销号。"],
        "next_steps": ["一是持续抓好整改落实。二是健全长效机制，适时开展“回头看”。"],
        "issuer": "巡察整改工作领导小组",
        "date": day,
        "signoffs": [{"role": r, "by": "负责同志", "date": day, "checklist": SIGNOFF} for r in ROLES],
    }
    folder = feedback.parent / "notices"
    folder.mkdir(exist_ok=True)
    (folder / "N1.yaml").write_text(
        yaml.safe_dump(notice, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def make_baseline(root: Path, repo: Path) -> int:
    """One plain page per problem (its verbatim text), one-entry nav; returns the page count."""
    docs = root / "docs"
    docs.mkdir(parents=True)
    (root / "mkdocs.yml").write_text(BASELINE_CONFIG, encoding="utf-8")
    (docs / "index.md").write_text("# 首页\n", encoding="utf-8")
    count = 0
    for feedback in sorted(repo.glob("rounds/*/*/feedback.yaml")):
        data = yaml.safe_load(feedback.read_text(encoding="utf-8"))
        for node_id, node in iter_nodes(data):
            if node.is_leaf:
                count += 1
                (docs / f"p{count:05d}.md").write_text(f"# {node_id}\n\n{node.wording}\n", encoding="utf-8")
    return count


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one command in a fresh process.

    CPU time is the figure compared: on a shared machine wall time also counts
    other programs' work, CPU time only this build's.
    """
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"失败：{' '.join(command)}\n{done.stdout}{done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def mkdocs(config: Path, site: Path) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)]


def xuncha(repo: Path, as_of: str, out: Path, *which: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "xuncha",
        "--root",
        str(repo),
        "build",
        *which,
        "--as-of",
        as_of,
        "--out",
        str(out),
    ]


def run(problems: int, work: Path, runs: int) -> dict[str, Any]:
    repo = make_repo(work / f"repo-{problems}", problems)
    pages = make_baseline(work / f"base-{problems}", repo)
    as_of = synth.Config(problems).as_of.isoformat()
    subprocess.run(  # warm the parse cache, as a clerk's second build would
        [sys.executable, "-m", "xuncha", "--root", str(repo), "validate"], check=False, capture_output=True
    )
    out = work / f"out-{problems}"
    base = work / f"base-{problems}"
    both, baseline = [(9e9, 9e9)] * 2
    for _ in range(runs):  # the two compared take turns: both meet the same spells of a shared machine
        both = min(both, timed(xuncha(repo, as_of, out), repo), key=lambda t: t[1])
        baseline = min(baseline, timed(mkdocs(base / "mkdocs.yml", out / "base"), base), key=lambda t: t[1])
    internal = timed(xuncha(repo, as_of, out, "--internal"), repo)
    public = timed(xuncha(repo, as_of, out, "--public"), repo)
    built = sum(1 for _ in (out / "internal").rglob("*.html"))
    return {
        "problems": problems,
        "pages": pages,
        "html": built,
        "internal": internal,
        "public": public,
        "both": both,
        "baseline": baseline,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temp dir)")
    parser.add_argument("--runs", type=int, default=2, help="runs of the two compared builds (best CPU time)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="xuncha-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = [run(n, work, args.runs) for n in args.sizes]
    print("CPU 秒（括号内为墙钟秒）；两站 = 一次 xuncha build 生成内部和公开网站")
    print("问题数  基线页  内部站页        内部          公开          两站          基线  两站/基线")
    for r in rows:
        cells = "".join(
            f"  {r[k][1]:>6.1f}({r[k][0]:>5.1f})" for k in ("internal", "public", "both", "baseline")
        )
        ratio = r["both"][1] / r["baseline"][1]
        print(f"{r['problems']:>6}  {r['pages']:>6}  {r['html']:>8}{cells}  {ratio:>8.2f}")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        size = last["problems"] / first["problems"]
        ours, base = last["both"][1] / first["both"][1], last["baseline"][1] / first["baseline"][1]
        print(f"问题数 ×{size:g} → 两站 CPU 时间 ×{ours:.2f}（目标 ≤ ×{size * 1.1:g}），基线 ×{base:.2f}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

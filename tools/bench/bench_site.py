"""Benchmark: ``xuncha build`` (both sites) against a bare ``mkdocs build`` of as many plain pages.

For each size (default 1,000 and 10,000 problems) the synthetic corpus (``xuncha.demo.synth``)
is written to a temporary repository, with one signed notice per unit folder so the public site
has work to do. The baseline is a plain MkDocs site of as many Markdown pages (each a problem's
text) as there are problems, one-entry nav, built under the same conditions as ours:

* the same shared config (``docs/mkdocs-base.yml`` is inherited): theme, Markdown extensions,
  the search plugin's language and separator, ``use_directory_urls: false``, validation levels,
  the stylesheet;
* the same jieba user dictionary for search (``jieba_dict_user``; our hook loads it itself);
* the same garbage-collector setting while MkDocs renders: a hook freezes what exists once the
  nav is built, as our hook does (``on_nav``).

Goals: both sites together (one ``xuncha build``) at most 1.5× the baseline, and 10× the problems
at most 11× the time. Judged on the wall-clock medians in each state of our side (``everyday.py``):

* ``cold``: no ``.xuncha-cache`` (removed before every run);
* ``unchanged``: the cache as the last build left it, nothing changed;
* ``edited``: one status file changed before every run.

The baseline has no cache: it is the same in every state. Each side (baseline, cold, unchanged,
edited) first builds once untimed, then they take turns ``--runs`` times: whole processes of the
installed commands, start-up counted, the same environment; medians with min and max, wall clock
and CPU, the load average before and after (``benchkit.py``).

    .venv/bin/python tools/bench/bench_site.py                          # 1,000 and 10,000
    .venv/bin/python tools/bench/bench_site.py --sizes 1000 --runs 3    # quick
    .venv/bin/python tools/bench/bench_site.py --states unchanged --keep /tmp/bench-site
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import yaml
from benchkit import REPO, Load, Timing, alternately, child_env, nothing, pad, run, sizes, under_load
from everyday import STATES, setup

from xuncha.demo import synth
from xuncha.model.index import iter_nodes

SIGNOFF = {
    "no_secrets": True,
    "no_case_interference": True,
    "no_disclosure_breach": True,
    "guard_hype": True,
    "guard_mass_incident": True,
}
ROLES = ("巡察组组长", "被巡察党组织主要负责人", "巡察办")
BIN = Path(sys.executable).parent
GOAL, SCALING = 1.5, 1.1  # ratio to the baseline; growth of the time over growth of the problems
BASELINE_CONFIG = f"""INHERIT: mkdocs-base.yml
site_name: 基线
docs_dir: docs
hooks:
  - gc_hook.py
plugins:
  search:
    jieba_dict_user: {REPO / "tools/xuncha/site/search_terms.txt"}
nav:
  - 首页: index.md
"""
GC_HOOK = """import gc


def on_nav(nav, **_):
    gc.freeze()  # as xuncha's hook: MkDocs' pages live as long as the build
    return nav


def on_post_build(**_):
    gc.unfreeze()
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
    """One plain page per problem (its verbatim text), our shared config; returns the page count."""
    docs = root / "docs"
    shutil.copytree(REPO / "docs/web/assets", docs / "assets")
    shutil.copy(REPO / "docs/mkdocs-base.yml", root / "mkdocs-base.yml")
    (root / "mkdocs.yml").write_text(BASELINE_CONFIG, encoding="utf-8")
    (root / "gc_hook.py").write_text(GC_HOOK, encoding="utf-8")
    (docs / "index.md").write_text("# 首页\n", encoding="utf-8")
    count = 0
    for feedback in sorted(repo.glob("rounds/*/*/feedback.yaml")):
        data = yaml.safe_load(feedback.read_text(encoding="utf-8"))
        for node_id, node in iter_nodes(data):
            if node.is_leaf:
                count += 1
                (docs / f"p{count:05d}.md").write_text(f"# {node_id}\n\n{node.wording}\n", encoding="utf-8")
    return count


@dataclass(frozen=True)
class Figures:
    """One size: the baseline and our build in each measured state."""

    problems: int
    pages: int
    html: int
    baseline: Timing
    ours: dict[str, Timing]
    load: Load


def measure(problems: int, work: Path, runs: int, states: list[str]) -> Figures:
    repo = make_repo(work / f"repo-{problems}", problems)
    base, out = work / f"base-{problems}", work / f"out-{problems}"
    pages = make_baseline(base, repo)
    env = child_env(work)
    day = synth.Config(problems).as_of.isoformat()
    build = partial(run, [BIN / "xuncha", "--root", repo, "build", "--as-of", day, "--out", out], env, repo)
    mkdocs = partial(
        run, [BIN / "mkdocs", "build", "-q", "-f", base / "mkdocs.yml", "-d", out / "base"], env, base
    )
    steps = [(mkdocs, nothing), *((build, setup(state, repo)) for state in states)]
    for action, prepare in steps:  # every side's starting point, and the same warm-up for all
        prepare()
        action()
    timings, load = under_load(lambda: alternately(runs, *steps))
    html = sum(1 for _ in (out / "internal").rglob("*.html"))
    return Figures(problems, pages, html, timings[0], dict(zip(states, timings[1:], strict=True)), load)


def table(f: Figures) -> str:
    lines = [
        f"{f.problems:,} 个问题：基线 {f.pages:,} 页，内部网站 {f.html:,} 页"
        f"（{f.load}，CPU {os.cpu_count()} 核；中位数，括号内为最快–最慢）",
        "  " + pad("测量", 44) + pad("墙钟秒（最快–最慢）", 26) + pad("CPU秒", 9) + "墙钟比  CPU比",
        "  "
        + pad("基线：mkdocs build（同样页数）", 44)
        + pad(f.baseline.spread(), 26)
        + f"{f.baseline.cpu:.3f}",
    ]
    for state, timing in f.ours.items():
        ratio, cpu_ratio = timing.wall / f.baseline.wall, timing.cpu / f.baseline.cpu
        verdict = f"目标 ≤ {GOAL}× {'PASS' if ratio <= GOAL else 'FAIL'}"
        label = f"xuncha build 两站：{STATES[state]}"
        cells = pad(label, 44) + pad(timing.spread(), 26) + pad(f"{timing.cpu:.3f}", 9)
        lines.append(f"  {cells}{ratio:<8.2f}{cpu_ratio:<6.2f}{verdict}")
    return "\n".join(lines)


def scaling(first: Figures, last: Figures) -> str:
    """How the time grows with the problems, ours in each state and the baseline's."""
    size = last.problems / first.problems
    base = last.baseline.wall / first.baseline.wall
    lines = [f"问题数 ×{size:g}：基线墙钟 ×{base:.2f}（目标：两站 ≤ ×{size * SCALING:g}）"]
    for state, timing in last.ours.items():
        grown = timing.wall / first.ours[state].wall
        verdict = "PASS" if grown <= size * SCALING else "FAIL"
        lines.append(f"  xuncha build 两站：{STATES[state]} ×{grown:.2f} {verdict}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="1000,10000", help="problems, comma-separated (default 1000,10000)"
    )
    parser.add_argument("--runs", type=int, default=3, help="alternated runs of each side (median, min, max)")
    parser.add_argument("--states", default=",".join(STATES), help=f"states of our side ({','.join(STATES)})")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temp dir)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="xuncha-bench-site-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for problems in sizes(args.sizes):
            rows.append(measure(problems, work, args.runs, args.states.split(",")))
            print(table(rows[-1]), flush=True)
        if len(rows) > 1:
            print(scaling(rows[0], rows[-1]))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""What each piece of speed machinery buys: the command it serves (``xuncha validate`` unless said)
with it and without it, side by side.

Each piece is taken out by the driver below, in the measured process only, never in the code:

* ``gc``: the collector pauses (``gc.disable``/``gc.freeze`` made no-ops);
* ``replay``: the stored whole-repository verdict (``verdict.last`` finds none, so a repeated
  run parses nothing but still stats, indexes and checks every round);
* ``rounds``: checking by rounds (one batch of everything, and an edit checks every round again:
  the pipeline before issue 20);
* ``forked``: parsing on every core (``--jobs 1``);
* ``parts`` and ``parts-score``: each round's part of ``xuncha overdue`` (``score --all``) kept
  between runs and worked out a batch of rounds at a time (``rounds.py``; without it every round
  is worked out from one index of everything, as before issue 20's last change; the parts are still
  turned into plain data, a little work the old code did not do).

Every run is a whole process started from the command line (start-up counted), the two sides
alternate (A B A B …) in the same states — ``cold`` (no cache), ``warm`` (nothing changed) or
``edited`` (one status file changed, then the whole repository) — and each figure is the median
with its min and max (``benchkit.py``), the load average before and after each comparison. The
baseline is a bare libyaml parse of the same files in one process, the collector paused (as in
``bench_validate.py``), taking its turn with the two sides, so the goals can be read off:
cold ≤ 1.0×, warm ≤ 0.15×. ``--repo`` measures an existing synthetic repository instead.

    .venv/bin/python tools/bench/bench_machinery.py --sizes 1000,10000 --runs 5
    .venv/bin/python tools/bench/bench_machinery.py --pieces forked,gc --states cold
    .venv/bin/python tools/bench/bench_machinery.py --sizes 50000 --pieces parts,parts-score --runs 3
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

import benchkit
from bench_validate import bare_parse, touch_one, yaml_files
from benchkit import REPO, alternately, child_env, nothing, under_load

from xuncha.demo.synth import Config, write_repo
from xuncha.load.cache import CACHE_DIR

DRIVER = r"""
import sys
piece = sys.argv.pop(1)
if piece == "gc":
    import gc
    gc.disable = gc.freeze = lambda: None
elif piece == "replay":
    from xuncha.load import verdict
    verdict.last = lambda *args: None
elif piece == "rounds":
    from xuncha import pipeline
    pipeline.BATCH_FILES, pipeline._rounds_of = 10**9, lambda changed: None
elif piece.startswith("parts"):
    from xuncha import pipeline
    from xuncha.load import derived
    pipeline.BATCH_FILES = 10**9
    derived.by_round = lambda root, key, now, rounds, work: dict(work(list(rounds)))
sys.argv[0] = "xuncha"
from xuncha.cli.main import main
main()
"""
PIECES = {  # piece → (the side with it, the side without it, states it matters in)
    "gc": ("as-is", "gc", ("cold", "edited")),
    "replay": ("as-is", "replay", ("warm",)),
    "forked": ("as-is", "forked-off", ("cold",)),
    "rounds": ("as-is", "rounds", ("cold", "edited")),
    "parts": ("as-is", "parts", ("cold", "edited")),
    "parts-score": ("as-is", "parts-score", ("cold", "edited")),
}
AS_OF = ("--as-of", "2025-12-31")  # the synthetic records' last day
COMMANDS = {"parts": ("overdue", *AS_OF), "parts-score": ("score", "--all", *AS_OF)}  # else validate


def run(piece: str, side: str, root: Path) -> None:
    """One whole process of ``piece``'s command; a failing run invalidates the benchmark."""
    jobs = ["--jobs", "1"] if side == "forked-off" else []
    command = [sys.executable, "-c", DRIVER, side, "--root", root, *COMMANDS.get(piece, ("validate",)), *jobs]
    benchkit.run(command, child_env(root.parent), accept=(0, 1) if piece in COMMANDS else (0,))


def setup_for(piece: str, state: str, side: str, root: Path, edits: list[int]) -> Callable[[], None]:
    """What runs, untimed, before each of ``side``'s runs in ``state``."""

    def setup() -> None:
        if state == "cold":
            shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
        elif state == "edited":
            touch_one(root, edits[0] % 50)
            edits[0] += 1
        else:  # warm: the side's own starting point (a replay needs its own verdict)
            run(piece, side, root)

    return setup


def compare(piece: str, state: str, root: Path, runs: int, edits: list[int]) -> str:
    """The baseline, the side with ``piece`` and the side without it, in turn."""
    with_it, without, _ = PIECES[piece]
    files = yaml_files(root)
    run(piece, with_it, root)  # the state's starting point: cache and verdict as that side leaves them
    sides = (with_it, without)
    steps = [(partial(run, piece, side, root), setup_for(piece, state, side, root, edits)) for side in sides]
    (base, a, b), load = under_load(lambda: alternately(runs, (partial(bare_parse, files), nothing), *steps))
    return (
        f"  {piece:11} {state:6} 有：{a.spread()}（{a.wall / base.wall:.2f}× 基线）"
        f"  无：{b.spread()}（{b.wall / base.wall:.2f}× 基线）  无/有 = {b.wall / a.wall:.2f}"
        f"  基线 {base.spread()}；{load}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description="每项提速机制的收益：有它和没有它的命令（默认 xuncha validate）交替对比。"
    )
    parser.add_argument("--sizes", default="1000,10000,50000", help="问题数，逗号分隔。")
    parser.add_argument("--pieces", default=",".join(PIECES), help=f"要测的机制（{','.join(PIECES)}）。")
    parser.add_argument("--states", default="cold,warm,edited", help="要测的状态（cold,warm,edited）。")
    parser.add_argument("--runs", type=int, default=5, help="每一侧运行几次（取中位数，默认 5）。")
    parser.add_argument(
        "--repo", type=Path, help="已有的合成仓库（其问题数只用于显示）；不给则在临时目录生成。"
    )
    args = parser.parse_args()
    pieces, states = args.pieces.split(","), args.states.split(",")
    workdir = Path(tempfile.mkdtemp(prefix="xuncha-machinery-"))
    try:
        for problems in (int(s) for s in args.sizes.split(",")):
            root = args.repo or workdir / f"repo-{problems}"
            if args.repo is None:
                write_repo(root, Config(problems, 0), REPO / "schemas")
                (root / "pyproject.toml").write_text('[tool.xuncha]\nprofile = "wujiang"\n', encoding="utf-8")
            print(f"{problems:,} 个问题（{len(yaml_files(root)):,} 个文件；墙钟秒，中位数（最快–最慢））：")
            edits = [0]
            for piece in pieces:
                for state in (s for s in states if s in PIECES[piece][2]):
                    print(compare(piece, state, root, args.runs, edits), flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Problem pages show their change history from git (变更记录); search titles carry no state word.

The renderer is tested with given entries; the whole path — one ``git log`` for
the repository, grouped per problem, through the MkDocs hook — on a real git
repository with a reviewed merge and a direct push, built with ``xuncha build``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from gitrepo import Git, status, write
from xuncha.load.cachefolder import CACHE_DIR
from xuncha.model import schemas
from xuncha.model.layout import Place
from xuncha.pipeline import validate
from xuncha.render.problem import NO_CHANGES, NO_HISTORY
from xuncha.render.sites import internal_site
from xuncha.review import gitlog, history
from xuncha.review.changes import Change
from xuncha.review.gitlog import Commit
from xuncha.site import history as site_history
from xuncha.site import mkdocs_hook

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2025-12-01"
ROUND, UNIT = "2025-t-r1", "t-unit"
FOLDER = f"rounds/{ROUND}/{UNIT}"
WANG = ("王五", "wangwu@t-unit.example.cn")
STATE_WORDS = ("未启动", "整改中", "基本完成", "已完成", "已销号", "长期整改")
Run = Callable[..., Result]


def _entry(problem: str, text: str, approval: history.Approval, author: str = "张三") -> history.Entry:
    commit = Commit("c" * 40, (), author, "", "2025-07-05T10:00:00+08:00", author, "", "更新进展")
    place = Place("status", ROUND, UNIT, problem)
    change = Change("status", text, ROUND, UNIT, (problem,))
    return history.Entry(commit, f"{FOLDER}/status/{problem}.yaml", place, approval, (change,), ())


def _problem_body(root: Path, trails: site_history.Trails, problem: str) -> str:
    index = validate(root, use_cache=False).index
    site = internal_site(
        index, schemas.public_fields(schemas.schema_dir(root)), AS_OF, None, trails.by_problem
    )
    return next(p.html[0] for p in site.pages if p.path == f"{FOLDER}/{problem}.md")


def _row(html: str, needle: str) -> str:
    """The table row of the history that holds ``needle``."""
    rows = [r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if needle in r]
    assert len(rows) == 1, html
    return rows[0]


def test_renderer_names_the_approver_and_flags_a_direct_push(minimal_repo: Path) -> None:
    merged = history.Approval(True, "m" * 40, "李四", "2025-07-06", 7)
    trails = {
        (ROUND, UNIT, "P01.1"): [
            _entry("P01.1", "P01.1：（无） → 整改中（2025-07-05）", merged),
            _entry("P01.1", "P01.1：整改中 → 已完成（2025-09-01）", history.Approval(False), "王五"),
        ]
    }
    body = _problem_body(minimal_repo, site_history.Trails(trails), "P01.1")
    assert '<h2 id="history">变更记录</h2>' in body
    reviewed = _row(body, "（无） → 整改中（2025-07-05）")
    assert (
        "2025年7月5日" in reviewed and "张三" in reviewed and "审核合并：李四（#7，2025-07-06）" in reviewed
    )
    direct = _row(body, "整改中 → 已完成")
    assert "王五" in direct and 'class="xc-unreviewed">⚠ 未经审核（直接推送）' in direct
    assert body.index("（无） → 整改中") < body.index("整改中 → 已完成")  # oldest first, like a ledger
    assert NO_CHANGES in _problem_body(minimal_repo, site_history.Trails(trails), "P01.2")
    assert NO_HISTORY in _problem_body(minimal_repo, site_history.Trails(None), "P01.1")


def test_titles_are_stable_and_the_state_is_a_line_of_its_own(minimal_repo: Path) -> None:
    index = validate(minimal_repo, use_cache=False).index
    site = internal_site(index, schemas.public_fields(schemas.schema_dir(minimal_repo)), AS_OF)
    pages = {p.path: p for p in site.pages}
    page = pages[f"{FOLDER}/P02.md"]
    assert '<h1 id="_1">P02 违反中央八项规定精神问题时有发生。</h1>' in page.html[0]
    assert page.html[0].index('class="xc-state"') < page.html[0].index("xc-text")  # state first
    tree = pages[f"{FOLDER}/index.md"].html[0]
    heading = re.search(r'<h4 id="p02">(.*?)</h4>', tree)
    assert heading is not None and not any(w in heading.group(1) for w in STATE_WORDS)
    assert '<b class="xc-state" data-search-exclude><span class="xc-lamp' in tree


@pytest.fixture
def ledger(minimal_repo: Path) -> Git:
    """P01.1 started on a branch merged as pull request #7 by a reviewer; P01.2 pushed straight to main."""
    _site_files(minimal_repo)
    git = Git(minimal_repo)
    git.init()
    git.branch("t-unit/p01-1")
    write(minimal_repo, f"{FOLDER}/status/P01.1.yaml", status("P01.1", "date: 2025-07-05, state: 整改中"))
    git.commit("P01.1 启动整改", day="2025-07-05")
    git.merge("t-unit/p01-1", 7, day="2025-07-06")
    write(minimal_repo, f"{FOLDER}/status/P01.2.yaml", status("P01.2", "date: 2025-07-08, state: 整改中"))
    git.commit("P01.2 启动整改", who=WANG, day="2025-07-08")
    return git


def _site_files(root: Path) -> None:
    """What ``xuncha build`` needs beside the data: the configs, and the hook (linked, not copied)."""
    shutil.copytree(REPO / "docs", root / "docs")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / "tools").symlink_to(REPO / "tools")


def _build(run_cli: Run, root: Path, out: Path) -> Path:
    result = run_cli("--root", root, "build", "--internal", "--as-of", AS_OF, "--out", out)
    assert result.exit_code == 0, result.output
    return out / "internal"


def test_built_problem_pages_show_merger_pull_request_and_unreviewed_push(
    run_cli: Run, ledger: Git, tmp_path: Path
) -> None:
    site = _build(run_cli, ledger.root, tmp_path / "site")
    page = (site / "rounds" / ROUND / UNIT / "P01.1.html").read_text(encoding="utf-8")
    row = _row(page, "P01.1：（无） → 整改中（2025-07-05）")
    assert "张三" in row and "李四" in row and "#7" in row and "未经审核" not in row
    pushed = _row((site / "rounds" / ROUND / UNIT / "P01.2.html").read_text(encoding="utf-8"), "2025-07-08")
    assert "王五" in pushed and "未经审核（直接推送）" in pushed
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    titles = {d["location"].rsplit("#", 1)[-1]: d["title"].replace("\u200b", "") for d in docs}
    assert titles["p01-1"] == "P01.1 党组专题研究全面从严治党工作不足。"  # no state, whatever it is today


def test_a_copy_without_git_builds_and_says_there_is_no_history(
    run_cli: Run, minimal_repo: Path, tmp_path: Path
) -> None:
    _site_files(minimal_repo)
    site = _build(run_cli, minimal_repo, tmp_path / "site")
    page = (site / "rounds" / ROUND / UNIT / "P02.html").read_text(encoding="utf-8")
    assert "变更记录" in page and NO_HISTORY in page


def test_a_shallow_clone_has_no_history(ledger: Git, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    url = ledger.root.resolve().as_uri()
    subprocess.run(["git", "clone", "-q", "--depth", "1", url, str(clone)], check=True, capture_output=True)
    trails = site_history.read(clone)
    assert trails.by_problem is None and trails.note is not None and "浅克隆" in trails.note


def test_one_pass_grouped_equals_each_problems_own_trail(ledger: Git) -> None:
    """The site's single pass gives every problem what ``xuncha history`` gives it alone."""
    trails = site_history.read(ledger.root).by_problem
    assert trails is not None
    for problem in ("P01.1", "P01.2", "P02"):
        alone = site_history.read_trail(
            ledger.root, "main", history.problem_paths(ROUND, UNIT, problem), problem
        )
        assert list(trails[(ROUND, UNIT, problem)]) == alone and alone


def test_the_public_site_never_reads_the_history(minimal_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(root: Path) -> site_history.Trails:
        raise AssertionError("公开网站读取了变更记录")

    monkeypatch.setattr(mkdocs_hook, "read_history", refuse)
    assert mkdocs_hook.generate(minimal_repo, "public", AS_OF).pages


# --- the cache of parsed file versions (.xuncha-cache/versions-*.marshal) ----------------------


@dataclass
class Reads:
    """What history reads had to do themselves: file versions parsed, blobs asked of git."""

    parsed: int = 0
    blobs: int = 0

    def take(self) -> tuple[int, int]:
        """The counts since the last take; counting starts again."""
        counts = self.parsed, self.blobs
        self.parsed = self.blobs = 0
        return counts


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Reads:
    """Count what history reads parse and fetch; forget what ``xuncha serve`` keeps in memory."""
    counted = Reads()
    parse, ask = history.parse_record, gitlog.BlobStream.ask

    def parse_record(*args: Any) -> Any:
        counted.parsed += 1
        return parse(*args)

    def ask_once(stream: gitlog.BlobStream, sha: str) -> None:
        if sha not in stream.asked:
            counted.blobs += 1
        ask(stream, sha)

    monkeypatch.setattr(history, "parse_record", parse_record)
    monkeypatch.setattr(gitlog.BlobStream, "ask", ask_once)
    monkeypatch.setattr(site_history, "_READ", {})
    return counted


def _whole_trail(root: Path) -> list[history.Entry]:
    return site_history.read_trail(root, "main", history.any_problem_path)


def _shards(root: Path) -> list[Path]:
    return sorted((root / CACHE_DIR).glob("versions-*.marshal"))


def test_a_second_read_parses_nothing_and_reads_no_blob(ledger: Git, reads: Reads) -> None:
    cold = _whole_trail(ledger.root)
    parsed, blobs = reads.take()
    assert parsed > 0 and blobs > 0 and _shards(ledger.root)
    assert _whole_trail(ledger.root) == cold and reads.take() == (0, 0)
    write(ledger.root, f"{FOLDER}/status/P02.yaml", status("P02", "date: 2025-07-09, state: 整改中"))
    ledger.commit("P02 启动整改", day="2025-07-09")
    assert len(_whole_trail(ledger.root)) == len(cold) + 1
    assert reads.take() == (1, 1)  # only the new version


def test_a_schema_change_drops_the_cache(ledger: Git, reads: Reads) -> None:
    cold = _whole_trail(ledger.root)
    parsed, _ = reads.take()
    schema = ledger.root / "schemas" / "status.schema.json"
    schema.write_bytes(schema.read_bytes() + b"\n")
    assert _whole_trail(ledger.root) == cold and reads.take()[0] == parsed
    assert _whole_trail(ledger.root) == cold and reads.take()[0] == 0  # kept again, for the new schemas


@pytest.mark.parametrize("damage", [lambda raw: raw[: len(raw) // 2], lambda raw: b"not marshal"])
def test_a_corrupt_shard_is_ignored_then_rewritten(
    ledger: Git, reads: Reads, damage: Callable[[bytes], bytes]
) -> None:
    cold = _whole_trail(ledger.root)
    parsed, _ = reads.take()
    for shard in _shards(ledger.root):
        shard.write_bytes(damage(shard.read_bytes()))
    assert _whole_trail(ledger.root) == cold and reads.take()[0] == parsed
    assert _whole_trail(ledger.root) == cold and reads.take()[0] == 0


def test_without_a_writable_cache_the_history_still_reads(ledger: Git) -> None:
    (ledger.root / CACHE_DIR).write_text("not a folder", encoding="utf-8")  # as in a read-only checkout
    cold = _whole_trail(ledger.root)
    assert cold and _whole_trail(ledger.root) == cold and not _shards(ledger.root)


def test_built_pages_are_the_same_from_the_cache(
    run_cli: Run, ledger: Git, reads: Reads, tmp_path: Path
) -> None:
    """Cold and warm builds give the same bytes, a version that fails validation included."""
    write(ledger.root, f"{FOLDER}/status/P02.yaml", "round: [2025-t-r1\n")
    ledger.commit("P02 写坏了", who=WANG, day="2025-07-09")
    cold = _build(run_cli, ledger.root, tmp_path / "cold")
    assert reads.take()[0] > 0
    site_history._READ.clear()
    warm = _build(run_cli, ledger.root, tmp_path / "warm")
    assert reads.take()[0] == 0
    pages = sorted(p.relative_to(cold) for p in (cold / "rounds").rglob("*.html"))
    assert pages and pages == sorted(p.relative_to(warm) for p in (warm / "rounds").rglob("*.html"))
    assert all((cold / p).read_bytes() == (warm / p).read_bytes() for p in pages)
    assert "未通过校验，无法解读" in (cold / "rounds" / ROUND / UNIT / "P02.html").read_text(encoding="utf-8")


def test_folders_read_on_several_processes_give_the_trail_read_in_one(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each unit folder's changes are read whole by one process; the trail is the same as one
    process reading them all, cold and from the cache the workers' versions were kept in."""
    demo = tmp_path / "demo"
    assert run_cli("--root", REPO, "demo-history", demo).exit_code == 0

    def whole() -> list[history.Entry]:
        return site_history.read_trail(demo, "main", history.any_reviewed_path)

    monkeypatch.setattr(site_history.os, "cpu_count", lambda: 1)
    alone = whole()
    shutil.rmtree(demo / CACHE_DIR)
    forks: list[int] = []
    real_fork = os.fork
    monkeypatch.setattr(site_history.os, "cpu_count", lambda: 3)
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or real_fork())
    spread = whole()
    assert len(forks) == 2 and len({e.place.unit for e in alone}) > 5
    assert spread == alone and whole() == alone and len(forks) == 4

    def refuse(*args: object) -> None:
        raise AssertionError("a version the workers kept was parsed again")

    monkeypatch.setattr(site_history.os, "cpu_count", lambda: 1)
    monkeypatch.setattr(history, "parse_record", refuse)
    assert whole() == alone  # every folder's shard was written by the process that read it

"""``xuncha propose``: a named branch, a commit of exactly the changed records, the next step, the review."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import git
import pytest
from click.testing import Result

from xuncha.clerk import propose
from xuncha.review.changes import Change

Run = Callable[..., Result]
P032 = "rounds/2026-ch-r2/ch-jtj/status/P03.2.yaml"


def _complete_p032(xuncha: Run, tmp_path: Path) -> Path:
    source = tmp_path / "评标监督台账.pdf"
    source.write_bytes(b"%PDF-1.4 ledger\n")
    result = xuncha("complete", "2026-ch-r2/ch-jtj/P03.2", "--date", "2026-11-22", "--evidence", source)
    assert result.exit_code == 0, result.output
    return source


def test_propose_commits_exactly_the_changed_records_on_a_named_branch(
    xuncha: Run, demo: Path, tmp_path: Path
) -> None:
    repo = git.Repo(demo)
    bare = git.Repo.init(tmp_path / "remote.git", bare=True)
    repo.create_remote("origin", "git@git.example.gov.cn:xuncha/chenghu.git")
    main = repo.head.commit.hexsha
    _complete_p032(xuncha, tmp_path)
    (demo / "README.txt").write_text("不是记录\n", encoding="utf-8")  # untracked, outside the data
    (demo / "pyproject.toml").write_text("# 改动\n", encoding="utf-8")
    repo.git.add("pyproject.toml")  # staged by the clerk for some other reason: must stay out

    result = xuncha("propose", "-m", "P03.2 评标监督整改完成，申请验收销号")
    assert result.exit_code == 0, result.output
    branch = "progress/2026-ch-r2-ch-jtj-P03.2"
    assert repo.active_branch.name == branch
    assert repo.heads.main.commit.hexsha == main
    commit = repo.head.commit
    assert commit.parents[0].hexsha == main
    evidence = "rounds/2026-ch-r2/ch-jtj/evidence/P03.2/评标监督台账.pdf"
    assert sorted(d.b_path for d in commit.parents[0].diff(commit)) == [evidence, P032]
    assert commit.message.startswith(
        "整改进展：2026-ch-r2/ch-jtj P03.2\n\nP03.2 评标监督整改完成，申请验收销号\n\n"
    )
    assert "- 2026-ch-r2/ch-jtj P03.2：整改中 → 已完成（2026-11-22）" in commit.message
    assert repo.git.diff("--cached", "--name-only") == "pyproject.toml"
    assert "README.txt" in repo.untracked_files
    assert f"git push -u origin {branch}" in result.output
    assert f"https://git.example.gov.cn/xuncha/chenghu/compare/main...{branch}" in result.output
    assert "### 状态变化（1）" in result.output
    assert "未发现违反整改规则的改动" in result.output
    assert not bare.refs  # nothing was pushed anywhere


def test_propose_refuses_what_validate_or_review_rejects(xuncha: Run, demo: Path) -> None:
    repo = git.Repo(demo)
    path = demo / P032
    path.write_text(path.read_text(encoding="utf-8").replace("2026-08-12", "2026-8-12"), encoding="utf-8")
    invalid = xuncha("propose", "-m", "x")
    assert invalid.exit_code == 1
    assert "XC110" in invalid.output
    path.write_text(path.read_text(encoding="utf-8").replace("2026-8-12", "2026-08-13"), encoding="utf-8")
    rejected = xuncha("propose", "-m", "x")
    assert rejected.exit_code == 1
    assert "XC510" in rejected.output  # the log is append-only
    assert repo.active_branch.name == "main"
    assert len(list(repo.iter_commits())) == 1


def test_nothing_to_propose(xuncha: Run) -> None:
    result = xuncha("propose", "-m", "x")
    assert result.exit_code == 0
    assert "没有需要报审的改动" in result.output


def test_a_taken_branch_name_gets_a_number_and_a_proposal_branch_gets_the_next_commit(
    xuncha: Run, demo: Path, tmp_path: Path
) -> None:
    repo = git.Repo(demo)
    repo.create_head("progress/2026-ch-r2-ch-jtj-P03.2")
    _complete_p032(xuncha, tmp_path)
    result = xuncha("propose", "-m", "完成")
    assert result.exit_code == 0, result.output
    assert repo.active_branch.name == "progress/2026-ch-r2-ch-jtj-P03.2-2"
    assert "没有远程仓库" in result.output
    extend = xuncha(
        "extend", "2026-ch-r2/ch-jtj/P01.1", "--to", "2027-03-31", "--reason", "冬季施工受限。",
        "--approved-by", "区委第一巡察组", "--approved", "2026-11-21",
    )  # fmt: skip
    assert extend.exit_code == 0, extend.output
    again = xuncha("propose", "-m", "补充延期")
    assert again.exit_code == 0, again.output
    assert repo.active_branch.name == "progress/2026-ch-r2-ch-jtj-P03.2-2"
    assert repo.head.commit.message.startswith("延期：2026-ch-r2/ch-jtj P01.1\n")
    assert len(list(repo.iter_commits())) == 3


def _change(problem: str) -> Change:
    return Change("status", f"{problem}：…", "2026-ch-r2", "ch-jtj", (problem,))


def test_branch_and_subject_name_what_where_and_which_problems() -> None:
    files = [f"rounds/2026-ch-r2/ch-jtj/status/P0{i}.1.yaml" for i in range(1, 6)]
    proposal = propose.propose(files, [_change(f"P0{i}.1") for i in range(1, 6)], "季度进展", set())
    assert proposal.branch == "progress/2026-ch-r2-ch-jtj-P01.1-P02.1-P03.1-2more"
    assert proposal.subject == "整改进展：2026-ch-r2/ch-jtj P01.1、P02.1、P03.1、P04.1、P05.1"
    mixed = propose.propose(
        ["rounds/2026-ch-r2/ch-jtj/plan.yaml", "rounds/2026-ch-r2/ch-dhjd/reports.yaml"], [], "x", set()
    )
    assert mixed.branch == "update/2026-ch-r2-2units"
    assert mixed.subject == "整改资料：2026-ch-r2（2 个单位）"
    assert propose.propose(["units/ch-sjj.yaml"], [], "", set()).branch == "unit/ch-sjj"


@pytest.mark.parametrize(
    ("remote", "forge", "page"),
    [
        ("git@github.com:org/repo.git", None, "https://github.com/org/repo/compare/main...b/x?expand=1"),
        (
            "https://user@gitlab.example.cn/xc/repo.git",
            None,
            "https://gitlab.example.cn/xc/repo/-/merge_requests/new?merge_request%5Bsource_branch%5D=b/x",
        ),
        ("ssh://git@10.1.2.3:2222/xc/repo.git", None, "https://10.1.2.3/xc/repo/compare/main...b/x"),
        ("https://code.example.cn/xc/repo", "gitlab", "https://code.example.cn/xc/repo/-/merge_requests/new"),
    ],
)
def test_pull_request_page_for_each_forge(remote: str, forge: str | None, page: str) -> None:
    lines = propose.next_steps("b/x", remote, forge, "main")
    assert lines[1] == "  git push -u origin b/x"
    assert lines[-1].strip().startswith(page)

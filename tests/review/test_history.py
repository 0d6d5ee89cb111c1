"""``xuncha history``: the audit trail read from real git history — clerk, merger, PR, unreviewed pushes."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from gitrepo import Git, edit, status, write
from xuncha.load.cachefolder import CACHE_DIR
from xuncha.review import history as trail
from xuncha.review.history import pull_request

FOLDER = "rounds/2025-t-r1/t-unit"
P011 = f"{FOLDER}/status/P01.1.yaml"
Run = Callable[..., Result]
WANG, ZHAO = ("王五", "wangwu@t-unit.example.cn"), ("赵六", "zhaoliu@xcz-1.example.cn")
SUN, ZHOU = ("孙七", "sunqi@t-unit.example.cn"), ("周八", "zhouba@pz.example.cn")
START = "date: 2025-07-05, state: 整改中"
DONE = "date: 2025-09-01, state: 已完成, evidence: [{title: 工作报告}]"
PLAN_ENTRY = "牵头领导 党组书记、局长；牵头部门 办公室；责任人 办公室主任；时限 2025-12-31；措施 1 项"
CLOSE = "date: 2025-10-10, state: 已销号, by: 第一巡察组, evidence: [{title: 核查意见}]"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Git:
    """One history with every way a change reaches main: merge, squash, direct push, GitLab merge."""
    root = tmp_path_factory.mktemp("ledger") / "repo"
    _copy_minimal(root)
    git = Git(root)
    git.init()
    git.branch("t-unit/p01-start")
    write(root, P011, status("P01.1", START))
    git.commit("P01.1 启动整改", day="2025-07-05")
    git.merge("t-unit/p01-start", 3, day="2025-07-06")
    git.branch("t-unit/p01-done")
    write(root, P011, status("P01.1", START, DONE))
    git.commit("P01.1 已完成", who=WANG, day="2025-09-01")
    git.squash("t-unit/p01-done", "P01.1 整改完成", 4, who=WANG, by=ZHAO, day="2025-09-02")
    write(root, P011, status("P01.1", START, DONE, CLOSE))
    git.commit("P01.1 销号", day="2025-10-10")  # straight onto main
    git.branch("t-unit/plan")
    edit(root, f"{FOLDER}/plan.yaml", "responsible_person: 办公室主任", "responsible_person: 办公室副主任")
    git.commit("调整责任人", who=SUN, day="2025-10-20")
    git.checkout("main")
    message = "Merge branch 't-unit/plan' into 'main'\n\n调整责任人\n\nSee merge request xuncha/data!7"
    git.run("merge", "-q", "--no-ff", "-m", message, "t-unit/plan", who=ZHOU, by=ZHOU, day="2025-10-21")
    return git


def _copy_minimal(root: Path) -> None:
    """The conftest's minimal repository, once for the whole module (history is read-only)."""
    tests = Path(__file__).parents[1]
    shutil.copytree(tests / "fixtures" / "minimal", root, ignore=shutil.ignore_patterns("schemas"))
    shutil.copytree(tests.parent / "schemas", root / "schemas")


def history(run_cli: Run, git: Git, *args: str) -> Result:
    return run_cli("--root", git.root, "history", *args)


def _entries(result: Result) -> list[dict[str, object]]:
    assert result.exit_code == 0, result.output
    entries: list[dict[str, object]] = json.loads(result.output)["entries"]
    return entries


def _row(entry: dict[str, object]) -> tuple[object, ...]:
    merge = entry["merge"] or {}
    assert isinstance(merge, dict)
    texts = [c["text"] for c in entry["changes"]]  # type: ignore[attr-defined]
    return (entry["date"], entry["author"], entry["reviewed"], merge.get("merger"), merge.get("pr"), texts)


def test_each_change_of_a_problem_with_its_clerk_and_approver(run_cli: Run, ledger: Git) -> None:
    entries = _entries(history(run_cli, ledger, "2025-t-r1/t-unit/P01.1", "--format", "json"))
    assert [_row(e) for e in entries[:2]] == [  # the repository's first commit brought the feedback and plan
        ("2025-06-30", "巡察办", False, None, None, ["P01.1：党组专题研究全面从严治党工作不足。"]),
        (
            "2025-06-30",
            "巡察办",
            False,
            None,
            None,
            [f"P01.1 整改条目：{PLAN_ENTRY}"],
        ),
    ]
    entries = entries[2:]
    assert [_row(e) for e in entries] == [
        ("2025-07-05", "张三", True, "李四", 3, ["P01.1：（无） → 整改中（2025-07-05）"]),
        ("2025-09-02", "王五", True, "赵六", 4, ["P01.1：整改中 → 已完成（2025-09-01）；佐证：工作报告"]),
        (
            "2025-10-10",
            "张三",
            False,
            None,
            None,
            ["P01.1：销号（2025-10-10，第一巡察组）；完成日期：2025-09-01；佐证：核查意见"],
        ),
        ("2025-10-20", "孙七", True, "周八", 7, ["P01.1 责任人：办公室主任 → 办公室副主任"]),
    ]
    assert entries[1]["merge"]["squash"] is True  # type: ignore[index]
    assert entries[2]["flag"] == "未经审核（直接推送）"
    assert entries[0]["merge"]["date"] == "2025-07-06"  # type: ignore[index]


def test_text_form_names_the_merge(run_cli: Run, ledger: Git) -> None:
    result = history(run_cli, ledger, "2025-t-r1/t-unit/P01.1")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("2025-t-r1/t-unit P01.1 的整改台账（6 条记录）\n\n2025-06-30  提交 ")
    lines = ["", "", *result.output.splitlines()[6:]]  # past the title and the first commit's two entries
    assert lines[2].startswith("2025-07-05  提交 ")
    assert lines[2].endswith("  填报：张三  审核合并：李四（#3，2025-07-06）")
    assert lines[3] == "    状态变化：P01.1：（无） → 整改中（2025-07-05）"
    assert lines[4].endswith("  填报：王五  审核合并：赵六（#4，压缩合并，2025-09-02）")
    assert lines[6].endswith("  填报：张三  未经审核（直接推送）")
    assert lines[7] == "    销号：P01.1：销号（2025-10-10，第一巡察组）；完成日期：2025-09-01；佐证：核查意见"


def test_whole_round_includes_the_first_import(run_cli: Run, ledger: Git) -> None:
    entries = _entries(history(run_cli, ledger, "--round", "2025-t-r1", "--format", "json"))
    first = entries[0]
    assert (first["file"], first["author"], first["reviewed"]) == (
        "rounds/2025-t-r1/round.yaml",
        "巡察办",
        False,
    )
    assert [e["file"] for e in entries if e["author"] == "孙七"] == [f"{FOLDER}/plan.yaml"]
    assert len(entries) == 8  # round, feedback, plan, P02 (all in the first commit) + the four changes above


def test_a_branch_that_merged_main_in_is_credited_to_its_own_pull_request(
    run_cli: Run, minimal_repo: Path
) -> None:
    git = Git(minimal_repo)
    git.init()
    git.branch("clerk/a")
    write(minimal_repo, P011, status("P01.1", START))
    git.commit("P01.1", day="2025-07-05")
    git.branch("clerk/b", "main")
    write(minimal_repo, f"{FOLDER}/status/P01.2.yaml", status("P01.2", "date: 2025-07-06, state: 整改中"))
    git.commit("P01.2", who=WANG, day="2025-07-06")
    git.merge("clerk/b", 5, day="2025-07-07")
    git.checkout("clerk/a")
    git.run("merge", "-q", "--no-ff", "-m", "Merge branch 'main' into clerk/a", "main", day="2025-07-08")
    write(minimal_repo, P011, status("P01.1", START, DONE))
    git.commit("P01.1 完成", day="2025-09-01")
    git.merge("clerk/a", 6, by=ZHAO, day="2025-09-02")
    rows = [_row(e) for e in _entries(history(run_cli, git, "--round", "2025-t-r1", "--format", "json"))]
    assert [(r[1], r[3], r[4]) for r in rows if r[0] >= "2025-07-05"] == [
        ("张三", "赵六", 6),
        ("王五", "李四", 5),
        ("张三", "赵六", 6),
    ]


@pytest.mark.parametrize(
    ("message", "number"),
    [
        ("Merge pull request #12 from clerk/branch\n\n更新进展", 12),
        ("Merge pull request 'P01.1 销号' (#13) from clerk/close into main", 13),
        ("P01.1 整改完成 (#14)", 14),
        ("Merge branch 'x' into 'main'\n\n说明\n\nSee merge request group/project!15", 15),
        ("更新进展", None),
        ("关于 #16 号问题的说明", None),
    ],
)
def test_pull_request_numbers_from_forge_messages(message: str, number: int | None) -> None:
    assert pull_request(message) == number


def test_unknown_problem_is_a_usage_error(run_cli: Run, ledger: Git) -> None:
    assert history(run_cli, ledger, "2025-t-r1/t-unit/P09").exit_code == 2
    assert history(run_cli, ledger, "P01.1").exit_code == 2
    assert history(run_cli, ledger).exit_code == 2


@pytest.mark.parametrize("target", [("2025-t-r1/t-unit/P01.1",), ("--round", "2025-t-r1")])
@pytest.mark.parametrize("output", ["text", "json"])
def test_the_cache_of_parsed_versions_changes_no_byte_of_the_output(
    run_cli: Run, ledger: Git, monkeypatch: pytest.MonkeyPatch, target: tuple[str, ...], output: str
) -> None:
    shutil.rmtree(ledger.root / CACHE_DIR, ignore_errors=True)
    cold = history(run_cli, ledger, *target, "--format", output)
    assert cold.exit_code == 0 and list((ledger.root / CACHE_DIR).glob("versions-*.marshal"))

    def refuse(*args: object) -> None:
        raise AssertionError("a cached version was parsed again")

    monkeypatch.setattr(trail, "parse_record", refuse)
    assert history(run_cli, ledger, *target, "--format", output).output == cold.output


def test_demo_history_is_realistic_and_ends_at_the_data(
    run_cli: Run, minimal_repo: Path, tmp_path: Path
) -> None:
    write(minimal_repo, f"{FOLDER}/reports.yaml", "round: 2025-t-r1\nunit: t-unit\nmeetings:\n" + MEETING)
    out = tmp_path / "demo"
    result = run_cli("--root", minimal_repo, "demo-history", out)
    assert result.exit_code == 0, result.output
    for path in (*minimal_repo.glob("rounds/**/*.yaml"), *minimal_repo.glob("units/*.yaml")):
        assert (out / path.relative_to(minimal_repo)).read_bytes() == path.read_bytes()
    entries = _entries(run_cli("--root", out, "history", "--round", "2025-t-r1", "--format", "json"))
    merged = [e for e in entries if e["reviewed"]]
    assert any(e["merge"]["squash"] for e in merged)  # type: ignore[index]
    assert all(str(e["merge"]["pr"]).isdigit() for e in merged)  # type: ignore[index]
    assert [e["file"] for e in entries if not e["reviewed"]] == [f"{FOLDER}/status/P02.yaml"]
    log = subprocess.run(
        ["git", "-C", str(out), "log", "--merges", "--format=%s"], capture_output=True, text=True
    )
    assert log.stdout.splitlines()[-1].startswith("Merge pull request #1 from ")
    assert run_cli("--root", minimal_repo, "demo-history", out).exit_code == 2  # never overwrites


MEETING = "  - id: M1\n    kind: 专题民主生活会\n    date: 2025-07-10\n"


def test_merges_for_the_supervisor_assessment(ledger: Git) -> None:
    from xuncha.site.history import read_trail

    entries = read_trail(ledger.root, "main", trail.round_paths("2025-t-r1"))
    rows = [(m.kind, m.authored, m.merged, m.approver, m.closes) for m in trail.merges(entries)]
    assert rows == [
        ("feedback", "2025-06-30", None, None, ()),  # the first import, pushed straight to main
        ("plan", "2025-06-30", None, None, ()),
        ("status", "2025-06-30", None, None, ("P02",)),  # P02's log, closed, in the first import
        ("status", "2025-07-05", "2025-07-06", "李四", ()),  # merge #3
        ("status", "2025-09-02", "2025-09-02", "赵六", ()),  # squash #4: the squash commit is the one written
        ("status", "2025-10-10", None, None, ("P01.1",)),  # the close, pushed straight to main
        ("plan", "2025-10-20", "2025-10-21", "周八", ()),  # GitLab merge !7
    ]


def test_json_trail_is_byte_for_byte_what_the_standard_encoder_writes(run_cli: Run, ledger: Git) -> None:
    printed = history(run_cli, ledger, "--round", "2025-t-r1", "--format", "json").output
    assert printed == json.dumps(json.loads(printed), ensure_ascii=False, indent=2) + "\n"


def test_json_trail_printer_matches_the_standard_encoder() -> None:
    from click.testing import CliRunner

    from xuncha.cli.history import echo_json

    data = {
        "text": 'a"b\\c\n\t\x01\x7f\u2028 中文',
        "empty": [],
        "none": None,
        "yes": True,
        "n": -3,
        "map": {},
    }
    with CliRunner().isolation() as (out, _err, _):
        echo_json(data)
        assert out.getvalue().decode() == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def test_the_log_is_read_while_other_work_is_done_and_a_failing_git_is_a_chinese_error(ledger: Git) -> None:
    from xuncha.review import gitlog

    main = gitlog.resolve(ledger.root, "main")
    commits, made = gitlog.log(ledger.root, main, lambda: "meanwhile")
    assert made == "meanwhile" and commits[-1].sha == main
    with pytest.raises(gitlog.GitError, match=r"git log 失败：.*no-such-option"):
        gitlog.run_meanwhile(ledger.root, lambda: None, bytes, "log", "--no-such-option")


def test_the_log_is_parsed_as_it_streams_in_whatever_blocks_git_writes(tmp_path: Path) -> None:
    """Records longer than a pipe read (a 90 KB message) arrive whole, oldest commit first."""
    from xuncha.review import gitlog

    root = tmp_path / "repo"
    _copy_minimal(root)
    git = Git(root)
    git.init()
    long = "长说明" * 10_000  # 90 KB: more than one read from the pipe
    for day in range(1, 4):
        write(root, P011, status("P01.1", f"date: 2025-07-0{day}, state: 整改中"))
        git.commit(f"第 {day} 次\n\n{long}", day=f"2025-07-0{day}")
    commits = gitlog.log(root, gitlog.resolve(root, "main"), lambda: None)[0]
    listed = git.run("rev-list", "--date-order", "--reverse", "main").split()
    assert [c.sha for c in commits] == listed
    assert [c.message for c in commits[1:]] == [f"第 {day} 次\n\n{long}" for day in range(1, 4)]
    assert [len(c.changes) for c in commits[1:]] == [1, 1, 1]


@pytest.mark.parametrize("blank", ["待填写", '"\\u5f85\\u586b\\u5199"'], ids=["written", "escaped"])
def test_a_version_left_with_the_placeholder_is_not_read_as_valid(
    run_cli: Run, tmp_path: Path, blank: str
) -> None:
    """Only a text that cannot hold “待填写” skips the walk for it: an escaped one is still found (in
    a note, where the placeholder is no schema error)."""
    root = tmp_path / "repo"
    _copy_minimal(root)
    git = Git(root)
    git.init()
    write(root, P011, status("P01.1", START))
    git.commit("P01.1 启动整改", day="2025-07-05")
    write(root, P011, status("P01.1", START, "date: 2025-07-06, state: 整改中") + f"    note: {blank}\n")
    git.commit("P01.1 更新", day="2025-07-06")
    entries = _entries(history(run_cli, git, "--round", "2025-t-r1", "--format", "json"))
    assert [[c["text"] for c in e["changes"]] for e in entries[-2:]] == [  # type: ignore[attr-defined]
        ["P01.1：（无） → 整改中（2025-07-05）"],
        [f"{P011} 的这一版本未通过校验，无法解读"],
    ]


def test_without_a_git_program_the_trail_is_a_chinese_usage_error(
    run_cli: Run, ledger: Git, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from xuncha.site import history as site_history

    monkeypatch.setenv("PATH", str(tmp_path))  # a folder without git
    result = history(run_cli, ledger, "--round", "2025-t-r1")
    assert result.exit_code == 2 and "找不到 git 程序" in result.output
    monkeypatch.setattr(site_history, "_READ", {})
    trails = site_history.read(ledger.root)
    assert trails.by_problem is None and trails.note and "找不到 git 程序" in trails.note


def test_blobs_arrive_whole_whatever_blocks_git_writes_and_a_missing_one_is_a_chinese_error(
    ledger: Git,
) -> None:
    from xuncha.review import gitlog

    big, small = b"x: " + "长".encode() * 60_000 + b"\n", b"y: 1\n"  # 180 KB: read in several blocks
    ids = [_stored(ledger.root, raw) for raw in (big, small)]
    assert gitlog.read_blobs(ledger.root, ids) == dict(zip(ids, (big, small), strict=True))
    with pytest.raises(gitlog.GitError, match="不存在"):
        gitlog.read_blobs(ledger.root, ["1" * 40])


def _stored(root: Path, raw: bytes) -> str:
    """The id of ``raw``, written into the repository's objects as a blob."""
    command = ["git", "-C", str(root), "hash-object", "-w", "--stdin"]
    return subprocess.run(command, input=raw, capture_output=True, check=True).stdout.decode().strip()

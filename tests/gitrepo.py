"""A real git repository in a temp dir, driven like clerks and reviewers drive one.

Every commit gets a fixed date and the person given; no global git configuration
and no clock are read, so hashes differ but history shape, names and dates are
the same on every run.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import yaml

CLERK = ("张三", "zhangsan@t-unit.example.cn")
REVIEWER = ("李四", "lisi@xcz-1.example.cn")


class Git:
    """Run git in ``root`` as someone, on a given day."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def run(self, *args: str, who: tuple[str, str] = CLERK, by: tuple[str, str] | None = None,
            day: str = "2025-07-01") -> str:  # fmt: skip
        committer = by or who
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(self.root.parent),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_AUTHOR_NAME": who[0],
            "GIT_AUTHOR_EMAIL": who[1],
            "GIT_AUTHOR_DATE": f"{day}T10:00:00+08:00",
            "GIT_COMMITTER_NAME": committer[0],
            "GIT_COMMITTER_EMAIL": committer[1],
            "GIT_COMMITTER_DATE": f"{day}T{'16' if by else '10'}:00:00+08:00",
        }
        done = subprocess.run(["git", *args], cwd=self.root, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def init(self, day: str = "2025-06-30") -> str:
        """A repository whose main branch holds everything now in ``root`` (a direct first commit)."""
        self.run("init", "-q", "-b", "main")
        return self.commit("建立台账仓库", who=("巡察办", "xcb@example.cn"), day=day)

    def commit(self, message: str, *, who: tuple[str, str] = CLERK, by: tuple[str, str] | None = None,
               day: str = "2025-07-01") -> str:  # fmt: skip
        self.run("add", "-A", who=who, day=day)
        self.run("commit", "-q", "--allow-empty", "-m", message, who=who, by=by, day=day)
        return self.run("rev-parse", "HEAD")

    def branch(self, name: str, start: str = "main") -> None:
        self.run("checkout", "-q", "-b", name, start)

    def checkout(self, name: str) -> None:
        self.run("checkout", "-q", name)

    def merge(
        self, branch: str, number: int, *, by: tuple[str, str] = REVIEWER, day: str = "2025-07-02"
    ) -> str:
        """A reviewer's merge commit, worded as GitHub words it."""
        self.checkout("main")
        message = f"Merge pull request #{number} from {branch}"
        self.run("merge", "-q", "--no-ff", "-m", message, branch, who=by, by=by, day=day)
        return self.run("rev-parse", "HEAD")

    def squash(self, branch: str, title: str, number: int, *, who: tuple[str, str] = CLERK,
               by: tuple[str, str] = REVIEWER, day: str = "2025-07-02") -> str:  # fmt: skip
        """GitHub's squash merge: the clerk is the author, the reviewer commits "title (#N)"."""
        self.checkout("main")
        self.run("merge", "-q", "--squash", branch, who=by, day=day)
        return self.commit(f"{title} (#{number})", who=who, by=by, day=day)


def write(root: Path, relpath: str, text: str) -> Path:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def edit(root: Path, relpath: str, old: str, new: str) -> None:
    """Replace one exact piece of text (the test fails if it is not there exactly once)."""
    path = root / relpath
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not once in {relpath}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(root: Path, relpath: str, needle: str) -> int:
    """The 1-based line where ``needle`` first appears."""
    for number, line in enumerate((root / relpath).read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {relpath}")


def status(problem: str, *entries: str) -> str:
    """A status file for the minimal fixture's unit, log entries given as YAML mappings."""
    head = f"round: 2025-t-r1\nunit: t-unit\nproblem: {problem}\nlog:\n"
    return head + "".join(_entry(e) for e in entries)


def _entry(flow: str) -> str:
    data = yaml.safe_load("{" + flow + "}")
    lines = yaml.safe_dump([data], allow_unicode=True, sort_keys=False, default_flow_style=False)
    return "".join(f"  {line}\n" for line in lines.splitlines())

"""A proposal for review: branch name, commit message and next steps for the files a clerk changed.

Pure: the changed paths, the review's lines about them and the remote's address in;
names and texts out. The shell (``xuncha propose``) commits and prints them.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote

from xuncha.model.layout import Place, place_of
from xuncha.review.changes import Change

# record kind → (branch prefix, what it is in the commit subject)
WHAT = {
    "status": ("progress", "整改进展"),
    "plan": ("plan", "整改方案"),
    "extensions": ("extension", "延期"),
    "reports": ("report", "会议和报告"),
    "clues": ("clue", "问题线索和信访件"),
    "supervision": ("supervision", "督查督办"),
    "participation": ("participation", "群众参与"),
    "assessment": ("assessment", "质效评估"),
    "notice": ("notice", "整改进展通报"),
    "feedback": ("feedback", "反馈意见"),
    "round": ("round", "巡察轮次"),
    "unit": ("unit", "被巡察单位"),
    "evidence": ("evidence", "佐证材料"),
}
MIXED = ("update", "整改资料")
MAX_NAMED = 3  # problems named in a branch; the subject names up to three times as many
_UNSAFE = re.compile(r"[^A-Za-z0-9._/-]+")


@dataclass(frozen=True)
class Proposal:
    branch: str
    subject: str
    message: str
    files: tuple[str, ...]


def where(path: str) -> Place | None:
    """A changed file's place; an evidence file counts as evidence of its problem."""
    parts = PurePosixPath(path).parts
    if len(parts) >= 6 and parts[0] == "rounds" and parts[3] == "evidence":
        return Place("evidence", round=parts[1], unit=parts[2], stem=parts[4])
    return place_of(path)


def propose(files: Sequence[str], changes: Sequence[Change], note: str, taken: Collection[str]) -> Proposal:
    """Name the branch after what changed, where and for which problems; say the same in Chinese."""
    places = [p for p in map(where, files) if p is not None]
    kinds = {p.kind for p in places if p.kind != "evidence"} or {p.kind for p in places}
    prefix, what = WHAT[next(iter(kinds))] if len(kinds) == 1 else MIXED
    problems = _problems(places, changes)
    slug, scope = _scope(places)
    named = problems[:MAX_NAMED] + ([f"{len(problems) - MAX_NAMED}more"] if len(problems) > MAX_NAMED else [])
    branch = _free(_UNSAFE.sub("-", "-".join([f"{prefix}/{slug}", *named])).strip("-."), taken)
    listed = "、".join(problems[: MAX_NAMED * 3]) + (
        f" 等 {len(problems)} 个问题" if len(problems) > MAX_NAMED * 3 else ""
    )
    subject = f"{what}：{scope}" + (f" {listed}" if problems else "")
    paragraphs = [[subject], [note.strip()], [f"- {_line(c)}" for c in changes], ["涉及文件：", *files]]
    message = "\n\n".join("\n".join(p) for p in paragraphs if any(p))
    return Proposal(branch, subject, message + "\n", tuple(files))


def _line(change: Change) -> str:
    return f"{change.where} {change.text}" if change.where else change.text


def _problems(places: list[Place], changes: Sequence[Change]) -> list[str]:
    found = {p.stem for p in places if p.kind in ("status", "evidence") and p.stem}
    found |= {problem for change in changes for problem in change.problems}
    return sorted(found, key=lambda p: [int(n) for n in re.findall(r"\d+", p)])


def _scope(places: list[Place]) -> tuple[str, str]:
    """(ASCII slug for the branch, words for the subject) naming the unit, round or units changed."""
    folders = sorted({(p.round, p.unit) for p in places if p.round and p.unit})
    rounds = sorted({p.round for p in places if p.round})
    units = sorted({p.stem for p in places if p.kind == "unit" and p.stem})
    if len(rounds) == 1 and not units:
        if len(folders) == 1:
            round_id, unit = folders[0]
            return f"{round_id}-{unit}", f"{round_id}/{unit}"
        if len(folders) > 1:
            return f"{rounds[0]}-{len(folders)}units", f"{rounds[0]}（{len(folders)} 个单位）"
        return rounds[0], rounds[0]
    if units and not rounds:
        return "-".join(units[:MAX_NAMED]), "、".join(units)
    return "several", "多个轮次和单位"


def _free(name: str, taken: Collection[str]) -> str:
    if name not in taken:
        return name
    n = 2
    while f"{name}-{n}" in taken:
        n += 1
    return f"{name}-{n}"


# --- the next step on the team's forge -------------------------------------------------------------

_SCP = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>.+)$")  # git@host:group/repo.git


def web_address(remote: str) -> str | None:
    """The web page of a remote (``https://host/group/repo``), from its https or ssh address."""
    remote = remote.strip().removesuffix("/").removesuffix(".git")
    found = re.match(r"^(?:https?|ssh|git)://(?:[^@/]+@)?(?P<host>[^/:]+)(?::\d+)?/(?P<path>.+)$", remote)
    found = found or _SCP.match(remote)
    if found is None:
        return None
    return f"https://{found['host']}/{found['path']}"


def forge_of(web: str, configured: str | None) -> str:
    """``github``, ``gitlab`` or ``gitea`` (also Forgejo): configured, else guessed from the host."""
    if configured:
        return configured
    host = web.split("/")[2]
    return next((name for name in ("github", "gitlab") if name in host), "gitea")


def pull_request_page(web: str, forge: str, branch: str, base: str) -> str:
    """Where a pull (merge) request from ``branch`` into ``base`` is opened on ``forge``."""
    if forge == "gitlab":
        return f"{web}/-/merge_requests/new?merge_request%5Bsource_branch%5D={quote(branch)}"
    if forge == "github":
        return f"{web}/compare/{quote(base)}...{quote(branch)}?expand=1"
    return f"{web}/compare/{quote(base)}...{quote(branch)}"


def next_steps(branch: str, remote: str | None, forge: str | None, base: str) -> list[str]:
    """What the clerk does next: push (the command) and open the pull request (the address)."""
    if remote is None:
        return [
            "本仓库还没有远程仓库（origin）：先添加团队仓库的地址，再推送：",
            "  git remote add origin <团队仓库地址>",
            f"  git push -u origin {branch}",
        ]
    lines = ["下一步：推送分支（需要网络和仓库权限）：", f"  git push -u origin {branch}"]
    web = web_address(remote)
    if web is None:
        return [*lines, f"然后在团队代码托管平台上，从分支 {branch} 向 {base} 发起合并请求。"]
    page = pull_request_page(web, forge_of(web, forge), branch, base)
    return [
        *lines,
        "然后在浏览器中打开下面的地址，发起合并请求（审核单位审核通过并合并，即为审核通过）：",
        f"  {page}",
    ]

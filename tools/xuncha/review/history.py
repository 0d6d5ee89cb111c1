"""The audit trail (台账) from git: who changed a problem, who approved it by merging, and when.

Pure: takes the commits of one ``git log --raw`` pass (:func:`xuncha.review.gitlog.log`)
and the blobs they name, and answers per change: the date, what it means
(:mod:`xuncha.review.changes`), the commit and its author (the clerk), and how it reached
main — the merge (its author is the approver; the pull-request number comes from
the message) or a squash commit, or neither: then it was pushed straight to
main and is flagged as unreviewed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from xuncha.model.findings import Finding, Row
from xuncha.model.index import Folder, Json, Record
from xuncha.model.layout import Place
from xuncha.model.merges import REVIEWED, Merge
from xuncha.review.changes import SECTIONS, Change, compare
from xuncha.review.gitlog import Commit, FileChange
from xuncha.review.pull_request import SchemaCheck, parse_record
from xuncha.review.targets import PROBLEM_FILES, VersionKey, place_of
from xuncha.review.targets import PROBLEM_ID as PROBLEM_ID  # re-exported: the trail's callers name them here
from xuncha.review.targets import problem_paths as problem_paths
from xuncha.review.targets import round_paths as round_paths

DIRECT = "未经审核（直接推送）"
PROBLEM_KINDS = frozenset({"status", *(name.removesuffix(".yaml") for name in PROBLEM_FILES)})
ProblemKey = tuple[str, str, str]  # round, unit, problem
CONTEXT_KINDS = ("plan", "extensions")

_SUBJECT_PR = (
    re.compile(r"^Merge pull request #(\d+)\b"),  # GitHub merge commit
    re.compile(r"^Merge pull request '.*' \(#(\d+)\)"),  # Gitea merge commit
    re.compile(r"\(#(\d+)\)\s*$"),  # squash merge: "标题 (#12)"
)
_BODY_PR = re.compile(r"^See merge request \S*!(\d+)\s*$", re.MULTILINE)  # GitLab


def pull_request(message: str) -> int | None:
    """The pull/merge request number a merge or squash message names, if any."""
    subject = message.split("\n", 1)[0].strip()
    for pattern in _SUBJECT_PR:
        found = pattern.search(subject)
        if found:
            return int(found.group(1))
    found = _BODY_PR.search(message)
    return int(found.group(1)) if found else None


@dataclass(frozen=True)
class Approval:
    """How a commit reached main: through ``commit`` (a merge or squash), approved by ``merger``."""

    reviewed: bool
    commit: str | None = None
    merger: str | None = None
    date: str | None = None
    pr: int | None = None
    squash: bool = False

    def label(self) -> str:
        if not self.reviewed:
            return DIRECT
        how = "，".join(
            x
            for x in (f"#{self.pr}" if self.pr else "", "压缩合并" if self.squash else "", self.date or "")
            if x
        )
        return f"审核合并：{self.merger}（{how}）"

    def as_json(self) -> dict[str, object] | None:
        if not self.reviewed:
            return None
        return {
            "commit": self.commit,
            "merger": self.merger,
            "date": self.date,
            "pr": self.pr,
            "squash": self.squash,
        }


UNREVIEWED = Approval(False)


def approvals(commits: Sequence[Commit], tip: str) -> dict[str, Approval]:
    """For every commit reachable from ``tip``: the mainline commit that brought it in.

    Walk main's first-parent line oldest first; a merge brings in whatever its
    other parents reach that main had not seen. Linear in the number of commits.
    """
    by_sha = {c.sha: c for c in commits}
    line: list[str] = []
    sha: str | None = tip
    while sha is not None and sha in by_sha:
        line.append(sha)
        parents = by_sha[sha].parents
        sha = parents[0] if parents else None
    seen: set[str] = set()
    found: dict[str, Approval] = {}
    for sha in reversed(line):
        commit = by_sha[sha]
        seen.add(sha)
        if len(commit.parents) > 1:
            approval = Approval(True, sha, commit.author, commit.committed[:10], pull_request(commit.message))
            found.update((s, approval) for s in _brought_in(by_sha, commit.parents[1:], seen))
        else:
            number = pull_request(commit.message)
            squash = Approval(True, sha, commit.committer, commit.committed[:10], number, squash=True)
            found[sha] = squash if number is not None else UNREVIEWED
    return found


def _brought_in(by_sha: Mapping[str, Commit], start: Sequence[str], seen: set[str]) -> Iterator[str]:
    stack = list(start)
    while stack:
        sha = stack.pop()
        if sha in seen or sha not in by_sha:
            continue
        seen.add(sha)
        yield sha
        stack.extend(by_sha[sha].parents)


@dataclass(frozen=True)
class Entry:
    """One commit's change to one file, in words, with who did it and who approved it."""

    commit: Commit
    file: str
    place: Place
    approval: Approval
    changes: tuple[Change, ...]
    findings: tuple[Finding, ...]

    @property
    def date(self) -> str:
        return self.commit.authored[:10]

    def as_json(self) -> dict[str, object]:
        return {
            "date": self.date,
            "round": self.place.round,
            "unit": self.place.unit,
            "file": self.file,
            "commit": self.commit.sha,
            "subject": self.commit.subject,
            "author": self.commit.author,
            "author_email": self.commit.author_email,
            "reviewed": self.approval.reviewed,
            "merge": self.approval.as_json(),
            "flag": None if self.approval.reviewed else DIRECT,
            "changes": [c.as_json() for c in self.changes],
            "violations": [f"{f.code} {f.message}" for f in self.findings],
        }


Parsed = Json | None  # a file version's data when valid, None when it is not


def parse_versions(
    todo: Iterable[tuple[VersionKey, str]], blobs: Mapping[str, bytes], check: SchemaCheck
) -> list[tuple[VersionKey, Parsed]]:
    """Each version's data when valid, None when not: plain data, for a worker to hand back."""
    parsed: list[tuple[VersionKey, Parsed]] = []
    for key, path in todo:
        record = parse_record(path, blobs[key[0]], check)[0]
        parsed.append((key, record.data if record is not None else None))
    return parsed


class Versions:
    """Parsed file versions (by blob id and kind) as the records of the paths that held them."""

    def __init__(self, parsed: Mapping[VersionKey, Parsed]) -> None:
        self.parsed = parsed
        self.records: dict[tuple[str, str], Record | None] = {}

    def get(self, path: str, blob: str | None) -> Record | None:
        if blob is None:
            return None
        if (path, blob) not in self.records:
            self.records[path, blob] = self._record(path, blob)
        return self.records[path, blob]

    def _record(self, path: str, blob: str) -> Record | None:
        place = place_of(path)
        data = None if place is None else self.parsed[blob, place.kind]
        return None if place is None or data is None else Record(path, place, data)


Step = tuple[int, FileChange]  # a change to a wanted file, with its commit's place in the trail
Meaning = tuple[tuple[Change, ...], tuple[Finding, ...]] | None  # a step's lines and findings, if any
MeaningRow = (
    tuple[tuple[tuple[str, str, str | None, str | None, tuple[str, ...]], ...], tuple[Row, ...]] | None
)


def steps(commits: Sequence[Commit], wanted: Callable[[str], bool]) -> list[Step]:
    """Every change to the wanted files, oldest first."""
    return [
        (i, change) for i, commit in enumerate(commits) for change in commit.changes if wanted(change.path)
    ]


def meanings(todo: Iterable[Step], versions: Versions) -> list[Meaning]:
    """What each step means, in order: all the steps of a folder must be among ``todo``."""
    context: dict[tuple[str, str], Folder] = {}
    return [_meaning(change, versions, context) for _, change in todo]


def assemble(
    commits: Sequence[Commit],
    found: Mapping[str, Approval],
    todo: Sequence[Step],
    meant: Sequence[Meaning],
    problem: str | None = None,
) -> list[Entry]:
    """The trail: each step that means something, with its commit and approval; with ``problem``,
    only lines about it."""
    entries: list[Entry] = []
    for (i, change), meaning in zip(todo, meant, strict=True):
        place = place_of(change.path)
        if meaning is None or place is None:
            continue
        commit = commits[i]
        entry = Entry(commit, change.path, place, found.get(commit.sha, UNREVIEWED), *meaning)
        kept = entry if problem is None else narrow(entry, problem)
        if kept is not None:
            entries.append(kept)
    return entries


def meaning_row(meaning: Meaning) -> MeaningRow:
    """Plain data for ``marshal``: how a meaning read by a worker travels back."""
    if meaning is None:
        return None
    lines, findings = meaning
    return tuple((c.section, c.text, c.round, c.unit, c.problems) for c in lines), tuple(
        f.as_row() for f in findings
    )


def from_row(row: MeaningRow) -> Meaning:
    if row is None:
        return None
    lines, findings = row
    return tuple(Change(*line) for line in lines), tuple(Finding.from_row(f) for f in findings)


def narrow(entry: Entry, problem: str) -> Entry | None:
    """The part of ``entry`` about one problem (its status file, or lines naming it), if any."""
    status = _is_status(entry.file, problem)
    lines = tuple(c for c in entry.changes if status or problem in c.problems)
    if not lines:
        return None
    findings = tuple(f for f in entry.findings if problem in f.message)
    return replace(entry, changes=lines, findings=findings)


def any_problem_path(path: str) -> bool:
    """Files that can say something about some problem: what a whole-repository trail reads."""
    place = place_of(path)
    return place is not None and place.kind in PROBLEM_KINDS


def any_reviewed_path(path: str) -> bool:
    """Files whose changes a supervising body reviews (the supervisor assessment reads them) or
    that can say something about a problem: what the site's one pass over git reads."""
    place = place_of(path)
    return place is not None and (place.kind in PROBLEM_KINDS or place.kind in REVIEWED_KINDS)


REVIEWED_KINDS = frozenset(kind for kinds in REVIEWED.values() for kind in kinds)


def merges(entries: Iterable[Entry]) -> list[Merge]:
    """Each change to a unit folder as the supervisor assessment reads it: written when, merged when
    and by whom (None: pushed straight to main), and which problems it closed."""
    return [
        Merge(
            round=e.place.round,
            unit=e.place.unit,
            file=e.file,
            kind=e.place.kind,
            commit=e.commit.sha,
            authored=e.date,
            merged=e.approval.date if e.approval.reviewed else None,
            approver=e.approval.merger,
            closes=tuple(p for c in e.changes if c.section == "closed" for p in c.problems),
        )
        for e in entries
        if e.place.round is not None and e.place.unit is not None
    ]


def by_problem(entries: Iterable[Entry]) -> dict[ProblemKey, list[Entry]]:
    """Each problem's trail, oldest first, from one trail of many problems (the site's single pass).

    Equal to :func:`trail` with ``problem`` for each of them, without reading git once per problem.
    """
    grouped: dict[ProblemKey, list[Entry]] = {}
    for entry in entries:
        round_id, unit = entry.place.round, entry.place.unit
        if round_id is None or unit is None:
            continue
        named = [p for c in entry.changes for p in c.problems]
        if entry.place.kind == "status" and entry.place.stem:
            named.append(entry.place.stem)
        for problem in dict.fromkeys(named):
            part = narrow(entry, problem)
            if part is not None:
                grouped.setdefault((round_id, unit, problem), []).append(part)
    return grouped


def _meaning(change: FileChange, versions: Versions, context: dict[tuple[str, str], Folder]) -> Meaning:
    old, new = versions.get(change.path, change.old), versions.get(change.path, change.new)
    place = place_of(change.path)
    if place is None:
        return None
    if (change.new is not None and new is None) or (old is None and new is None):
        line = Change("files", f"{change.path} 的这一版本未通过校验，无法解读", place.round, place.unit)
        return (line,), ()
    folder = _context(context, place.round, place.unit, new)
    diff = compare(old, new, folder)
    return (tuple(diff.changes), tuple(diff.findings)) if diff.changes else None


def _is_status(path: str, problem: str) -> bool:
    return path.endswith(f"/status/{problem}.yaml")


def _context(
    context: dict[tuple[str, str], Folder], round_id: str | None, unit: str | None, new: Record | None
) -> Folder | None:
    """The unit folder as of this commit, for the plan and extensions that changes refer to."""
    if round_id is None or unit is None:
        return None
    folder = context.setdefault((round_id, unit), Folder(round_id, unit))
    if new is not None and new.place.kind in CONTEXT_KINDS:
        folder.records[new.place.kind] = new
    return folder


def text(entries: Sequence[Entry], title: str, *, where: bool) -> str:
    """The trail as plain Chinese lines (``where``: prefix each entry with round/unit)."""
    lines = [f"{title}（{len(entries)} 条记录）", ""]
    for entry in entries:
        at = "/".join(p for p in (entry.place.round, entry.place.unit) if p) + "  " if where else ""
        who = f"填报：{entry.commit.author}  {entry.approval.label()}"
        lines.append(f"{entry.date}  {at}提交 {entry.commit.sha[:8]}  {who}")
        lines += [f"    {SECTIONS[c.section]}：{c.text}" for c in entry.changes]
        lines += [f"    ⚠ {f.code} {f.message}" for f in entry.findings]
    return "\n".join(lines) + "\n"

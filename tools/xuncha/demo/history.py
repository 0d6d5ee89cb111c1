"""A realistic git history for the demo data, so the audit trail has something true to show.

Pure: the repository's data files in, a ``git fast-import`` stream out (gitio
imports it into a *new* repository). Every record is replayed on the date it
carries: a round when the inspection starts, the feedback on its feedback
date, the plan when submitted, each status entry, extension and supervision
action on its own date, and so on. Clerks commit on pull-request branches;
the body that the responsibility matrix (owners.yaml) names merges them with
"Merge pull request #N from …". One pull request is squash-merged, and one
status update is pushed straight to main: the history view flags it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

from xuncha.load.parse import load_bytes
from xuncha.load.yamlsafe import compose
from xuncha.model.index import Index, Json
from xuncha.model.layout import place_of
from xuncha.model.repo import data_files
from xuncha.review.owners import Matrix, approver
from xuncha.review.pull_request import index_side

TZ = timezone(timedelta(hours=8))
DOMAIN = "chenghu.example.cn"
DATE = re.compile(rb"\b(20[0-9]{2}-[0-9]{2}-[0-9]{2})\b")
# A file replayed item by item: kind → (list key, date field of an item)
GROWING = {
    "status": ("log", "date"),
    "extensions": ("extensions", "approved"),
    "supervision": ("actions", "date"),
}
TITLES = {
    "round": "新建巡察轮次",
    "feedback": "录入巡察反馈意见",
    "plan": "报送整改方案",
    "status": "更新整改进展",
    "extensions": "申请延期",
    "reports": "报送整改报告和会议材料",
    "supervision": "登记督查督办",
    "clues": "更新问题线索和信访件台账",
    "assessment": "录入质效评估",
    "participation": "登记满意度测评和质询答辩",
    "notice": "起草整改进展通报",
}
CLERK_KINDS = frozenset({"plan", "status", "extensions", "reports", "notice"})


def source_files(root: Path) -> list[str]:
    """What the demo repository holds: the schemas and every data file."""
    schemas = sorted(p.relative_to(root).as_posix() for p in (root / "schemas").glob("*.schema.json"))
    return schemas + data_files(root)


@dataclass(frozen=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True)
class Event:
    """One version of one file, filed on ``date`` by ``actor``; merged by ``approver``."""

    date: str
    seq: int
    path: str
    content: bytes
    actor: Person
    approver: Person
    kind: str


@dataclass
class Stream:
    """A fast-import stream being written: marks, the main tip, the pull-request counter."""

    out: list[bytes] = field(default_factory=list)
    mark: int = 0
    tip: int | None = None
    pulls: int = 0
    commits: int = 0

    def commit(self, ref: str, author: Person, committer: Person, when: datetime, message: str) -> int:
        self.mark += 1
        self.commits += 1
        stamp = f"{int(when.timestamp())} +0800"
        text = message.encode()
        self.out += [
            f"commit {ref}\nmark :{self.mark}\n".encode(),
            f"author {author.name} <{author.email}> {stamp}\n".encode(),
            f"committer {committer.name} <{committer.email}> {stamp}\n".encode(),
            b"data %d\n%s\n" % (len(text), text),
        ]
        if self.tip is not None:
            self.out.append(f"from :{self.tip}\n".encode())
        return self.mark

    def files(self, files: Mapping[str, bytes]) -> None:
        for path, content in sorted(files.items()):
            self.out.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(content), content))


def build(files: Mapping[str, bytes], matrix: Matrix) -> tuple[bytes, str]:
    """The fast-import stream for ``files`` (relpath → bytes), and a one-line Chinese summary."""
    index, _ = index_side(
        {p: b for p, b in files.items() if place_of(p)}, lambda kind, file, data, unfilled=True: []
    )
    people = _People(matrix, index)
    events = sorted(_events(files, index, people), key=lambda e: (e.date, e.seq))
    groups = _groups(events)
    stream = Stream()
    first = min((e.date for e in events), default="2025-01-01")
    setup = {p: b for p, b in files.items() if not p.startswith("rounds/")}
    admin = people.body(matrix.office)
    when = _at(_shift(first, -7), 0)
    stream.tip = stream.commit(
        "refs/heads/main", admin, admin, when, "建立巡察整改台账仓库：模式和被巡察单位"
    )
    stream.files(setup)
    direct = _direct_push(groups)
    squash = next((i for i, g in enumerate(groups) if any(e.kind == "reports" for e in g)), None)
    for i, group in enumerate(groups):
        _replay(stream, group, i, "direct" if i == direct else "squash" if i == squash else "merge")
    stream.out.append(b"done\n")
    squashed, pushed = int(squash is not None), int(direct is not None)
    pulls = f"{stream.pulls} 个拉取请求（其中 {squashed} 个压缩合并）"
    summary = f"{stream.commits} 个提交，{pulls}，{pushed} 次直接推送"
    return b"".join(stream.out), summary


def _shift(day: str, days: int) -> str:
    return (datetime.fromisoformat(day) + timedelta(days=days)).date().isoformat()


def _at(day: str, minutes: int) -> datetime:
    return datetime.fromisoformat(day).replace(hour=9, tzinfo=TZ) + timedelta(minutes=minutes)


class _People:
    """Clerks per unit, bodies per the matrix; e-mail addresses from the forge handles."""

    def __init__(self, matrix: Matrix, index: Index) -> None:
        self.matrix, self.index = matrix, index

    def body(self, name: str) -> Person:
        handle = self.matrix.teams.get(name, "@unknown/xunchaban").rsplit("/", 1)[-1]
        return Person(name, f"{handle}@{DOMAIN}")

    def clerk(self, unit: str) -> Person:
        record = self.index.units.get(unit)
        label = str(record.data.get("short_name") or record.data["name"]) if record else unit
        return Person(f"{label}联络员", f"{unit}@{DOMAIN}")

    def group(self, round_id: str, unit: str) -> str:
        entry = self.index.round_unit(round_id, unit) or {}
        return str(entry.get("group", self.matrix.office))

    def approver(self, kind: str, round_id: str, unit: str) -> Person:
        record = self.index.units.get(unit)
        if record is None or kind == "round":
            return self.body(self.matrix.office)
        matrix_kind = "notices" if kind == "notice" else kind
        return self.body(approver(self.matrix, record, self.group(round_id, unit), matrix_kind))

    def actor(self, kind: str, round_id: str, unit: str, state: str | None) -> Person:
        if kind == "round":
            return self.body(self.matrix.office)
        if kind == "feedback":
            return self.body(self.group(round_id, unit))
        if kind in CLERK_KINDS and state != "已销号":
            return self.clerk(unit)
        return self.approver(kind, round_id, unit)


def _events(files: Mapping[str, bytes], index: Index, people: _People) -> Iterator[Event]:
    seq = 0
    for path in sorted(files):
        place = place_of(path)
        if place is None or place.round is None:
            continue
        round_id, unit = place.round, place.unit or ""
        for date, content, state in _versions(path, files[path], place.kind, index):
            seq += 1
            actor = people.actor(place.kind, round_id, unit, state)
            yield Event(
                date, seq, path, content, actor, people.approver(place.kind, round_id, unit), place.kind
            )


def _versions(path: str, raw: bytes, kind: str, index: Index) -> Iterator[tuple[str, bytes, str | None]]:
    """(date, content, state of the last log entry) for each version of the file, oldest first."""
    data = load_bytes(path, raw).data
    if not isinstance(data, dict):
        return
    if kind in GROWING:
        key, field_name = GROWING[kind]
        items = data.get(key, [])
        texts = _prefixes(raw, key, len(items))
        if texts is not None:
            latest = ""
            for item, text in zip(items, texts, strict=True):
                latest = max(latest, str(item[field_name]))
                yield latest, text, item.get("state")
            return
    yield _date_of(path, raw, kind, data, index), raw, None


def _date_of(path: str, raw: bytes, kind: str, data: Json, index: Index) -> str:
    place = place_of(path)
    assert place is not None
    if kind == "round":
        return str(data["entry_date"])
    entry = index.round_unit(str(place.round), str(place.unit)) or {}
    if kind == "feedback" and entry.get("feedback_date"):
        return str(entry["feedback_date"])
    if kind == "plan":
        dates = [str(s["date"]) for s in data.get("submissions", [])]
        if dates:
            return min(dates)
    return max((m.decode() for m in DATE.findall(raw)), default=str(entry.get("feedback_date", "2025-01-01")))


def _prefixes(raw: bytes, key: str, count: int) -> list[bytes] | None:
    """The file cut after its first 1, 2, … items of list ``key`` (comments kept), or None if it
    cannot be cut cleanly; the last version is the file itself."""
    text = raw.decode("utf-8")
    root = compose(text)
    if not isinstance(root, yaml.MappingNode):
        return None
    items = next(
        (v.value for k, v in root.value if k.value == key and isinstance(v, yaml.SequenceNode)), None
    )
    if items is None or len(items) != count:
        return None
    lines = text.splitlines(keepends=True)
    out = []
    for node in items[1:]:
        cut = node.start_mark.line
        while cut > 0 and (not lines[cut - 1].strip() or lines[cut - 1].lstrip().startswith("#")):
            cut -= 1
        out.append("".join(lines[:cut]).encode())
    for i, version in enumerate(out, 1):
        data = load_bytes("cut.yaml", version).data
        if not isinstance(data, dict) or len(data.get(key, [])) != i:
            return None
    return [*out, raw]


def _groups(events: list[Event]) -> list[list[Event]]:
    """One pull request per day, unit folder and author."""
    grouped: dict[tuple[str, str, str], list[Event]] = defaultdict(list)
    for event in events:
        folder = event.path.rsplit("/", 2 if "/status/" in event.path or "/notices/" in event.path else 1)[0]
        grouped[(event.date, folder, event.actor.email)].append(event)
    return list(grouped.values())


def _direct_push(groups: list[list[Event]]) -> int | None:
    """The last progress update a clerk filed: the one pushed to main without review."""
    clerks = [i for i, g in enumerate(groups) if all(e.kind == "status" for e in g) and _by_clerk(g)]
    return clerks[-1] if clerks else None


def _by_clerk(group: list[Event]) -> bool:
    return group[0].actor.email.split("@")[0] == group[0].path.split("/")[2]


def _replay(stream: Stream, group: list[Event], i: int, how: str) -> None:
    first = group[0]
    files = {e.path: e.content for e in group}  # a later version of the same file wins
    parts = first.path.split("/")
    where = parts[1] if first.kind == "round" else f"{parts[1]}/{parts[2]}"
    title = f"{where}：{'、'.join(dict.fromkeys(TITLES[e.kind] for e in group))}"
    start = _at(first.date, i % 400)
    end = start + timedelta(hours=7)
    if how == "direct":
        stream.tip = stream.commit("refs/heads/main", first.actor, first.actor, end, title)
        stream.files(files)
        return
    stream.pulls += 1
    number = stream.pulls
    if how == "squash":
        stream.tip = stream.commit(
            "refs/heads/main", first.actor, first.approver, end, f"{title} (#{number})"
        )
        stream.files(files)
        return
    branch = f"{first.actor.email.split('@')[0]}/{first.kind}-{first.date}"
    head = stream.commit(f"refs/pull/{number}/head", first.actor, first.actor, start, title)
    stream.files(files)
    message = f"Merge pull request #{number} from {branch}\n\n{title}"
    stream.tip = stream.commit("refs/heads/main", first.approver, first.approver, end, message)
    stream.out.append(f"merge :{head}\n".encode())
    stream.files(files)

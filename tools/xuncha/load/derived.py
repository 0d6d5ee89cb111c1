"""A command's last answer (its output and exit code), replayed while none of its inputs changed.

A leader asks for the overdue list or the ranking again and again; most times nothing changed
since the last time. ``overdue`` and ``score`` read the data, the schemas, xuncha's code and
rule data, the repository's config and the installed libraries: exactly what the replayed
verdict stamps (:func:`xuncha.load.verdict.inputs`, a stat per file, racy files hashed).
The answer is kept per command and options (``--as-of`` always resolved to a date), so a
repeat with the same stamps prints the stored output and computes nothing: no parse cache
loaded, no index, no deadlines, no scoring. Anything unreadable is no cache; a read-only
checkout computes every time. Deleting ``.xuncha-cache/`` is always safe. ``score --supervisors``
also reads the git history, which no stamp covers: it is never replayed.

Any change to any input recomputes the whole answer, but not all of its work: the deadlines
and follow-ups of ``overdue`` and the rankings of ``score --all`` are round-local (a round's
part reads only its own folder, the units and the rest), so each round's part is kept too
(:func:`by_round`), and after an edit only the rounds whose folders changed are indexed and
worked out again (:mod:`xuncha.rounds`).

What it buys (``tools/bench/bench_repeat.py --runs 5``, whole processes, alternated runs,
medians, a 2-core machine at load 0.6–1.1): asked again with nothing changed, ``overdue`` takes
0.14 s and ``score --all`` 0.14 s at 1,000 problems (a replayed ``validate``: 0.10 s), 0.21 s and
0.19 s at 10,000 (``validate``: 0.16 s), that is 1.22–1.40× a replayed validate (goal ≤ 2×).
Computing them after an edit, with each round's part kept (:mod:`xuncha.rounds`), takes 0.22 s /
0.22 s at 1,000 and 0.50 s / 0.37 s at 10,000 (it took 1.13 s / 1.67 s with the whole index).
"""

from __future__ import annotations

import hashlib
import marshal
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from xuncha.load import verdict
from xuncha.load.cachefolder import CACHE_DIR, folder_for_writing, write_atomically
from xuncha.model.layout import REST, partition_of

FORMAT = 1
PREFIX, PARTS_PREFIX = "derived-", "parts-"
# Files kept. Answers hold the stamps and the output (~1–15 MB at 10,000 problems); parts, the
# stamps and every round's share of one date's work (~1–4 MB), serve every answer of that date: a
# day's overdue list and the rankings in three formats are four, so two days' are kept.
KEEP = {PREFIX: 16, PARTS_PREFIX: 8}
Key = tuple[str | int | bool | bytes | None, ...]  # the command's name and its resolved options
Row = Any  # plain data for marshal


@dataclass(frozen=True)
class Answer:
    """What a command prints on each stream, and its exit code."""

    out: str
    err: str
    code: int


def answer(root: verdict.Root, key: Key, compute: Callable[[verdict.Inputs], Answer]) -> Answer:
    """The stored answer for ``key`` if no input changed since it was computed, else ``compute``'s,
    given the inputs' stamps (stored for next time; the inputs are stamped before computing, so
    an edit made meanwhile is noticed next time)."""
    before = verdict.inputs(root)
    known = _replay(root, key, before)
    if known is not None:
        return known
    fresh = compute(before)
    _record(root, key, before, fresh)
    return fresh


def by_round(
    root: verdict.Root,
    key: Key,
    now: verdict.Inputs,
    rounds: Sequence[str],
    work: Callable[[list[str]], Mapping[str, Row]],
    *,
    kept: bool = True,
) -> dict[str, Row]:
    """Each of ``rounds``' part of an answer (plain data for ``marshal``): the one kept for ``key``
    while its round's folder and everything outside the rounds (units, schemas, config, xuncha,
    the environment) are as ``now`` stamped them, else ``work``'s for the rounds that changed.

    All parts of a key are kept in one file: read and written once a run, not once a round.
    ``kept=False``: none is taken from it (it held what is no part), every round is worked out."""
    file = _file(root, key, PARTS_PREFIX)
    known, unchanged = _kept_parts(root, file, key, now) if kept else ({}, False)
    todo = [r for r in rounds if r not in known]
    parts = {**known, **(work(todo) if todo else {})}
    parts = {r: parts.get(r) for r in rounds}
    if not unchanged:
        _write(root, file, (FORMAT, key, now.stamps, _racy(root, now), parts), PARTS_PREFIX)
    return parts


def _kept_parts(root: verdict.Root, file: str, key: Key, now: verdict.Inputs) -> tuple[dict[str, Row], bool]:
    """The stored parts of the rounds none of whose inputs changed (none if the rest changed), and
    whether no input changed at all."""
    try:
        with open(file, "rb") as handle:
            version, stored_key, stamps, racy, parts = marshal.loads(handle.read())
    except (OSError, EOFError, ValueError, TypeError):
        return {}, False
    if version != FORMAT or stored_key != key or not isinstance(parts, dict):
        return {}, False
    changed = set(map(partition_of, verdict.changed(root, stamps, racy, now)))
    if REST in changed:
        return {}, False
    return {r: part for r, part in parts.items() if r not in changed}, not changed


def _file(root: verdict.Root, key: Key, prefix: str = PREFIX) -> str:
    name = hashlib.blake2b(repr(key).encode(), digest_size=12).hexdigest()
    return os.path.join(root, CACHE_DIR, f"{prefix}{name}.marshal")


def _replay(root: verdict.Root, key: Key, now: verdict.Inputs) -> Answer | None:
    try:
        with open(_file(root, key), "rb") as handle:
            version, stored_key, stamps, racy, out, err, code = marshal.loads(
                handle.read()
            )  # as verdict.last
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if version != FORMAT or stored_key != key or not verdict.unchanged(root, stamps, racy, now):
        return None
    if not (isinstance(out, str) and isinstance(err, str) and isinstance(code, int)):
        return None
    return Answer(out, err, code)


def _record(root: verdict.Root, key: Key, before: verdict.Inputs, fresh: Answer) -> None:
    payload = (FORMAT, key, before.stamps, _racy(root, before), fresh.out, fresh.err, fresh.code)
    _write(root, _file(root, key), payload, PREFIX)


def _racy(root: verdict.Root, stamped: verdict.Inputs) -> dict[str, bytes | None]:
    return verdict.racy_contents(root, stamped.stamps, stamped.taken_ns)


def _write(root: verdict.Root, file: str, payload: Row, prefix: str) -> None:
    try:
        folder = folder_for_writing(root)
        write_atomically(file, marshal.dumps(payload))
        _prune(folder, prefix)
    except (OSError, ValueError):
        pass  # a read-only checkout computes every time


def _prune(folder: str, prefix: str) -> None:
    """Drop all but the :data:`KEEP` files of ``prefix`` written last: a daily ``--as-of`` leaves one
    answer (and one set of parts) a day."""
    kept = [entry for entry in os.scandir(folder) if entry.name.startswith(prefix)]
    kept.sort(key=lambda entry: entry.stat().st_mtime_ns, reverse=True)
    for entry in kept[KEEP[prefix] :]:
        os.unlink(entry.path)

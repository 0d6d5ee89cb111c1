"""Round-local results (deadlines, rankings) worked out a batch of rounds at a time, and kept per
round from one run to the next (:func:`xuncha.load.derived.by_round`).

A round's deadlines, follow-ups and ranking read only its own folder, the units and the rules
(the same partition the checks go by: :func:`xuncha.model.layout.partition_of`). So after a clerk
edits one status file, ``overdue`` and ``score --all`` index and work out that round alone and
take every other round's part as the last run left it; and a run that must work out every round
(a new ``--as-of`` day, a changed unit or rule) holds one batch of rounds in memory, not the whole
repository.

What it buys, at 50,000 problems (whole processes, this against the whole-index code it replaced
(60aeded), alternated, medians of 3 on a 2-core machine at load ~1; peak RSS of the process):

==========================  =====================  =====================
state                       ``overdue``            ``score --all``
==========================  =====================  =====================
one status file edited      1.94 s for 3.98 s      1.50 s for 5.99 s
                            208 MB for 446 MB      138 MB for 393 MB
a new ``--as-of`` day       3.97 s for 4.16 s      4.13 s for 5.47 s
                            238 MB for 448 MB      135 MB for 383 MB
cold (no cache)             9.96 s for 9.70 s      13.73 s for 13.04 s
                            241 MB for 453 MB      145 MB for 391 MB
==========================  =====================  =====================

``tools/bench/bench_machinery.py --sizes 50000 --pieces parts,parts-score --runs 3`` (with it
against without it: one batch of everything, nothing kept) gives after an edit 2.12 s for 4.01 s
(``overdue``) and 1.44 s for 5.05 s (``score --all``). A cold run is slower: 3–5 % above, 12–16 %
there (11.3 s for 9.5 s, 15.1 s for 13.4 s). That is the batches, not the parts (kept or not, one
batch took 10.1 s), and only on several cores (on one core, 12 batches of 5,000 files took what
one batch took: 15.2 s): the parse workers are started 12 times instead of once; chunks four
times finer did not help. A cold run is a first run on a fresh clone, and holds half the memory;
every other state is faster. ``tools/bench/bench_repeat.py`` gives the same commands against
``validate``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from xuncha import pipeline
from xuncha.load import derived, verdict
from xuncha.load.collector import without_collector
from xuncha.model.index import Index, Record
from xuncha.model.layout import REST, partition_of

P = TypeVar("P")


@dataclass(frozen=True)
class Plain(Generic[P]):
    """How a round's part is kept from one run to the next: as plain data for marshal, and back."""

    as_row: Callable[[P], derived.Row]
    from_row: Callable[[derived.Row], P]


@dataclass(frozen=True)
class Worked(Generic[P]):
    """Every indexed round's part (in id order), the units, and how many files in the whole
    repository were kept out of the index for errors."""

    parts: dict[str, P]
    units: Mapping[str, Record]
    broken: int


@without_collector  # the batches' indexes and the kept parts are large and acyclic
def worked_out(
    root: Path,
    now: verdict.Inputs,
    key: derived.Key,
    work: Callable[[Index], Mapping[str, P]],
    plain: Plain[P],
) -> Worked[P]:
    """``work``'s part (from a batch's index) for every round whose round record is indexed; kept
    from the last run with ``key`` for the rounds none of whose inputs changed since (``now``: the
    inputs as stamped)."""
    groups = pipeline.partitions(now)
    rest: list[Rest] = []  # from the first batch: the units serve every round
    fresh: dict[str, P] = {}

    def batches(todo: list[str]) -> dict[str, derived.Row]:
        rows: dict[str, derived.Row] = {}
        for batch, index in pipeline.round_indexes(root, groups, todo):
            broken = Counter(map(partition_of, index.broken))
            rest[:] = rest or [Rest(index.units, broken[REST])]
            parts = work(index)
            fresh.update(parts)
            rows.update((r, (broken[r], plain.as_row(parts[r]) if r in parts else None)) for r in batch)
        return rows

    rounds = sorted(groups.keys() - {REST})
    rows = derived.by_round(root, key, now, rounds, batches)
    try:
        parts, broken = _taken(rows, fresh, plain)
    except (TypeError, ValueError, LookupError, AttributeError):  # a kept part that is no part
        parts, broken = _taken(derived.by_round(root, key, now, rounds, batches, kept=False), fresh, plain)
    if not rest:  # every round kept: the units alone
        index = next(pipeline.round_indexes(root, groups, []))[1]
        rest.append(Rest(index.units, len(index.broken)))
    return Worked(parts, rest[0].units, rest[0].broken + broken)


def _taken(
    rows: Mapping[str, derived.Row], fresh: Mapping[str, P], plain: Plain[P]
) -> tuple[dict[str, P], int]:
    """Each round's part (worked out in this run, or kept), and the rounds' files left out for errors."""
    parts: dict[str, P] = {}
    for r, (_, row) in rows.items():
        if row is not None:
            parts[r] = fresh[r] if r in fresh else plain.from_row(row)
    return parts, sum(_count(count) for count, _ in rows.values())


def _count(count: object) -> int:
    if type(count) is not int:
        raise TypeError(count)
    return count


@dataclass(frozen=True)
class Rest:
    """What every batch's index holds besides its rounds: the units, and how many files outside
    the rounds were kept out for errors."""

    units: Mapping[str, Record]
    broken: int

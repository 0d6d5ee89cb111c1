"""Load the members' snapshots into DuckDB and ask it the leaders' questions.

The database is one file (``rollup.duckdb`` by default): each table is the union of the
members' Parquet files of that kind, plus ``members`` (who was included, at which commit,
and who was left out and why). The figures are SQL over those tables; the rate is the
metrics' 整改落实率 (completed leaves / all leaves, ``completed`` set by the export), and
overdue counts are the deadline engine's ``overdue`` obligations, by the age buckets the
internal site uses.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from itertools import repeat
from pathlib import Path
from typing import Any

import duckdb

from xuncha.render.internal import AGE_BUCKETS
from xuncha.render.progress import BASIC_STATE
from xuncha.rollup import parquet
from xuncha.rollup.export import TABLES
from xuncha.rollup.manifest import Manifest
from xuncha.rollup.snapshot import Outcome, export_member

LONGEST = 10  # longest-red units listed


@dataclass(frozen=True)
class MemberRow:
    rank: int | None
    name: str
    parent: str
    site: str | None
    commit: str
    problems: int
    completed: int
    basic: int
    red: int
    overdue: int

    @property
    def rate(self) -> float | None:
        return self.completed / self.problems if self.problems else None


@dataclass(frozen=True)
class ParentRow:
    """The members under one parent (a city in a province's rollup), added up."""

    parent: str
    members: int
    problems: int
    completed: int


@dataclass(frozen=True)
class TypeRow:
    unit_type: str
    member: str | None  # None: all members
    problems: int
    completed: int

    @property
    def rate(self) -> float | None:
        return self.completed / self.problems if self.problems else None


@dataclass(frozen=True)
class AgeRow:
    member: str
    counts: tuple[int, ...]  # aligned with AGE_BUCKETS


@dataclass(frozen=True)
class RedUnit:
    member: str
    round: str
    unit: str
    unit_name: str
    red: int
    days: int
    since: date


@dataclass(frozen=True)
class Rollup:
    """Everything a rollup reports, for every output format and the site."""

    name: str
    level: str
    as_of: str
    members: tuple[MemberRow, ...]
    parents: tuple[ParentRow, ...]
    left_out: tuple[Outcome, ...]
    types: tuple[TypeRow, ...]
    ages: tuple[AgeRow, ...]
    longest_red: tuple[RedUnit, ...]


def roll_up(manifest: Manifest, as_of: str, db: Path, jobs: int) -> Rollup:
    """Export every member in parallel (one process each, ``jobs`` at a time) into ``<db>.parquet/``,
    load the valid ones into ``db`` and query it."""
    parts = db.parent / f"{db.stem}.parquet"
    shutil.rmtree(parts, ignore_errors=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    outs = [parts / f"{i:04d}" for i in range(len(manifest.members))]
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(outs)))) as pool:
        outcomes = list(pool.map(export_member, manifest.members, repeat(as_of), outs))
    load(db, [out for out, o in zip(outs, outcomes, strict=True) if o.included], manifest, outcomes)
    return query(db, manifest, as_of)


def load(db: Path, parts: Sequence[Path], manifest: Manifest, outcomes: Sequence[Outcome]) -> None:
    """(Re)create every table in ``db`` from the included members' snapshot folders ``parts``."""
    for stale in (db, db.with_name(db.name + ".wal")):  # rebuilt from the snapshots every time
        stale.unlink(missing_ok=True)
    with duckdb.connect(str(db)) as con:
        for kind in TABLES:
            files = [str(p / f"{kind}.parquet") for p in parts]
            if files:
                con.execute(f"CREATE TABLE {kind} AS SELECT * FROM read_parquet(?)", [files])
            else:  # nobody included: the tables still exist, with their columns
                con.register("empty_snapshot", parquet.schema(kind).empty_table())
                con.execute(f"CREATE TABLE {kind} AS SELECT * FROM empty_snapshot")
                con.unregister("empty_snapshot")
        con.execute(
            "CREATE TABLE members (name VARCHAR, parent VARCHAR, site VARCHAR, git_commit VARCHAR,"
            " included BOOLEAN, reason VARCHAR)"
        )
        by_name = {o.name: o for o in outcomes}
        con.executemany(
            "INSERT INTO members VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    m.name,
                    m.parent or manifest.name,
                    m.site,
                    by_name[m.name].commit,
                    by_name[m.name].included,
                    "；".join(by_name[m.name].reasons) or None,
                )
                for m in manifest.members
            ],
        )


MEMBERS_SQL = f"""
WITH p AS (
  SELECT jurisdiction, count(*) AS problems, count(*) FILTER (WHERE completed) AS completed,
         count(*) FILTER (WHERE state = '{BASIC_STATE}') AS basic,
         count(*) FILTER (WHERE light = 'red') AS red
  FROM problems GROUP BY jurisdiction),
o AS (SELECT jurisdiction, count(*) AS overdue FROM obligations WHERE state = 'overdue' GROUP BY jurisdiction)
SELECT CASE WHEN coalesce(p.problems, 0) > 0
            THEN rank() OVER (ORDER BY (p.completed / nullif(p.problems, 0)) DESC NULLS LAST) END,
       m.name, m.parent, m.site, m.git_commit, coalesce(p.problems, 0), coalesce(p.completed, 0),
       coalesce(p.basic, 0), coalesce(p.red, 0), coalesce(o.overdue, 0)
FROM members m LEFT JOIN p ON p.jurisdiction = m.name LEFT JOIN o ON o.jurisdiction = m.name
WHERE m.included
ORDER BY 1 NULLS LAST, m.name
"""

PARENTS_SQL = """
SELECT m.parent, count(DISTINCT m.name), count(p.problem), count(*) FILTER (WHERE p.completed)
FROM members m LEFT JOIN problems p ON p.jurisdiction = m.name
WHERE m.included GROUP BY m.parent ORDER BY m.parent
"""

TYPES_SQL = """
SELECT coalesce(unit_type, '（未填）') AS t, jurisdiction, count(*), count(*) FILTER (WHERE completed)
FROM problems GROUP BY GROUPING SETS ((t, jurisdiction), (t))
ORDER BY t, jurisdiction NULLS FIRST
"""

RED_SQL = f"""
SELECT p.jurisdiction, p.round, p.unit, coalesce(u.short_name, u.name, p.unit), count(*),
       max(-p.days), min(p.red_since)
FROM problems p LEFT JOIN units u ON u.jurisdiction = p.jurisdiction AND u.unit = p.unit
WHERE p.light = 'red'
GROUP BY ALL ORDER BY 6 DESC, 5 DESC, 1, 2, 3 LIMIT {LONGEST}
"""


def _ages_sql() -> str:
    """One count column per age bucket of the internal site (days overdue)."""
    lower = 0
    cells = []
    for limit, _ in AGE_BUCKETS:
        upper = f" AND days <= {limit}" if limit is not None else ""
        cells.append(f"count(*) FILTER (WHERE days > {lower}{upper})")
        lower = limit or lower
    return (
        f"SELECT m.name, {', '.join(cells)} FROM members m LEFT JOIN obligations o"
        " ON o.jurisdiction = m.name AND o.state = 'overdue' WHERE m.included GROUP BY m.name ORDER BY m.name"
    )


def query(db: Path, manifest: Manifest, as_of: str) -> Rollup:
    """The rollup's tables, read from ``db``."""
    with duckdb.connect(str(db), read_only=True) as con:
        members = tuple(MemberRow(*row) for row in _rows(con, MEMBERS_SQL))
        parents = tuple(ParentRow(*row) for row in _rows(con, PARENTS_SQL))
        types = tuple(TypeRow(*row) for row in _rows(con, TYPES_SQL))
        ages = tuple(AgeRow(row[0], tuple(row[1:])) for row in _rows(con, _ages_sql()))
        red = tuple(RedUnit(*row) for row in _rows(con, RED_SQL))
        left = _rows(con, "SELECT name, git_commit, reason FROM members WHERE NOT included ORDER BY name")
    left_out = tuple(Outcome(name, commit, 0, (reason,)) for name, commit, reason in left)
    return Rollup(manifest.name, manifest.level, as_of, members, parents, left_out, types, ages, red)


def _rows(con: Any, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in con.execute(sql).fetchall()]

"""The tallies pages print: completed, basically completed, open, and the rate (整改落实率).

A problem's state on a day is :func:`xuncha.rules.metrics.state_as_of`. Completed
means 已完成 or 已销号 (:data:`xuncha.rules.deadlines.DONE_STATES`); 基本完成 is counted
apart and is *not* completed (real notices report it separately, and the rate
excludes it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from xuncha.model.index import Record
from xuncha.rules.deadlines import DONE_STATES
from xuncha.rules.metrics import state_as_of

BASIC_STATE = "基本完成"


def state_on(record: Record | None, day: str) -> str:
    """A problem's state on ``day`` (None record: 未启动)."""
    return state_as_of(record, day)[0]


def is_completed(state: str) -> bool:
    return state in DONE_STATES


@dataclass(frozen=True)
class Tally:
    """How many problems are completed, basically completed, and still open."""

    completed: int = 0
    basic: int = 0
    open: int = 0

    @property
    def total(self) -> int:
        return self.completed + self.basic + self.open

    @property
    def rate(self) -> float | None:
        """整改落实率 = completed / all; None when there is nothing to count."""
        return self.completed / self.total if self.total else None

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.completed + other.completed, self.basic + other.basic, self.open + other.open)


def tally(states: Iterable[str]) -> Tally:
    """Count states into the three groups notices and dashboards report."""
    completed = basic = opened = 0
    for state in states:
        if is_completed(state):
            completed += 1
        elif state == BASIC_STATE:
            basic += 1
        else:
            opened += 1
    return Tally(completed, basic, opened)

"""What git history says of a change to a unit folder, as the supervisor assessment reads it.

Made by the audit trail (:func:`xuncha.review.history.merges`), read by the supervisor metrics
(:mod:`xuncha.rules.supervisor_metrics`): a record of the model, so that reading the trail does
not import the deadline engine and the metrics behind them.
"""

from __future__ import annotations

from dataclasses import dataclass

SUPERVISOR, GROUP = "supervisor", "group"
# which records each role reviews by merging (seed 000 annex 1; owners.yaml)
REVIEWED = {
    SUPERVISOR: frozenset({"status", "reports", "supervision", "clues"}),
    GROUP: frozenset({"plan", "extensions"}),
}


@dataclass(frozen=True)
class Merge:
    """One commit's change to a unit folder's record, as git history tells it: written when, and
    merged (approved) when and by whom — ``merged`` None when it was pushed straight to main."""

    round: str
    unit: str
    file: str
    kind: str
    commit: str
    authored: str
    merged: str | None
    approver: str | None
    closes: tuple[str, ...] = ()  # problems this change closed (销号)

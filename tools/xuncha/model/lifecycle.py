"""The states of a problem's progress log and the steps allowed between them.

Data of the model, read by the lifecycle check (:mod:`xuncha.rules.checks.lifecycle`), the
deadline engine and the wording of a change (:mod:`xuncha.review.changes.problems`); it lives
here, not in the check, so that reading a change does not import every rule.
"""

from __future__ import annotations

# A log may start at any state but a close: ledgers imported after the fact often
# know only the outcome, while a close is always the reviewer's step after completion.
START_STATES = frozenset({"未启动", "整改中", "基本完成", "已完成", "长期整改"})
REOPENED = "整改中"
DONE = frozenset({"已完成", "已销号"})
# state → states that may follow it (a reopen from DONE also needs `reopen`)
NEXT: dict[str, frozenset[str]] = {
    "未启动": frozenset({"整改中", "长期整改"}),
    "整改中": frozenset({"整改中", "基本完成", "已完成", "长期整改"}),
    "基本完成": frozenset({"基本完成", "整改中", "已完成", "长期整改"}),
    "长期整改": frozenset({"长期整改", "整改中", "基本完成", "已完成"}),
    "已完成": frozenset({"已销号", REOPENED}),
    "已销号": frozenset({REOPENED}),
}

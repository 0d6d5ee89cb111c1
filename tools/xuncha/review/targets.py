"""What an audit trail is asked for: one problem's files, or a whole round's.

Apart from :mod:`xuncha.review.history` (which imports the rules the changes are read with),
so that ``xuncha history`` can start ``git log`` before it loads them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

PROBLEM_ID = re.compile(r"^(?P<round>[^/]+)/(?P<unit>[^/]+)/(?P<problem>P[0-9]{2,3}(\.[0-9]{1,3}){0,2})$")
# Files whose changes may concern one problem; the rest of a folder concerns the unit.
PROBLEM_FILES = ("feedback.yaml", "plan.yaml", "extensions.yaml", "supervision.yaml")


def problem_paths(round_id: str, unit: str, problem: str) -> Callable[[str], bool]:
    """Which files can say something about one problem."""
    folder = f"rounds/{round_id}/{unit}/"
    wanted = {f"{folder}status/{problem}.yaml", *(folder + name for name in PROBLEM_FILES)}
    return wanted.__contains__


def round_paths(round_id: str) -> Callable[[str], bool]:
    prefix = f"rounds/{round_id}/"
    return lambda path: path.startswith(prefix)

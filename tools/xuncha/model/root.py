"""The repository root: the nearest folder holding ``schemas/`` and ``rounds/`` or ``units/``.

Standard library only (no pathlib): :mod:`xuncha.cli.launch` looks for it before anything else loads.
"""

from __future__ import annotations

import os

DATA_ROOTS = ("rounds", "units")


def find(start: str) -> str | None:
    """The root at or above ``start`` (an absolute, resolved path), or None."""
    candidate = start
    while True:
        has_data = any(os.path.isdir(os.path.join(candidate, d)) for d in DATA_ROOTS)
        if has_data and os.path.isdir(os.path.join(candidate, "schemas")):
            return candidate
        parent = os.path.dirname(candidate)
        if parent == candidate:
            return None
        candidate = parent

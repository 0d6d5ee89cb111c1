"""The data a site build reads, loaded once per process while the files stay unchanged.

``xuncha build`` makes both sites in one process and ``xuncha serve`` rebuilds
on every save: both ask for the same validated index again, so it is kept,
keyed on every data and schema file's size and modification time.
"""

from __future__ import annotations

import os
from pathlib import Path

from .repo import data_files
from .rubrics import Setting, load_setting
from .validate import Report, validate

Stamp = tuple[tuple[str, int, int], ...]
_LOADED: dict[Path, tuple[Stamp, Report, Setting]] = {}


def _stamp(root: Path) -> Stamp:
    files = [*data_files(root), *(f"schemas/{p.name}" for p in sorted((root / "schemas").glob("*.json")))]
    out = []
    for relpath in files:
        info = os.stat(root / relpath)
        out.append((relpath, info.st_size, info.st_mtime_ns))
    return tuple(out)


def load(root: Path) -> tuple[Report, Setting]:
    """The validated repository and the scoring/deadline rules, reused while nothing changed."""
    stamp = _stamp(root)
    kept = _LOADED.get(root)
    if kept is not None and kept[0] == stamp:
        return kept[1], kept[2]
    report, setting = validate(root), load_setting(root)
    _LOADED[root] = (stamp, report, setting)
    return report, setting

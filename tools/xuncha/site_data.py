"""What a site build reads, loaded once per process while the files stay unchanged.

``xuncha build`` makes both sites in one process and ``xuncha serve`` rebuilds
on every save: both ask for the same validated index again, so it is kept,
keyed on every data and schema file's size and modification time. The index
is all a site needs: the cross-file rules are ``xuncha validate``'s job, and a
file that fails to load or validate is left out (``Index.broken``).

The theme's templates are kept too (:data:`TEMPLATES`): every build makes a
new Jinja environment, which would compile them all again.
"""

from __future__ import annotations

import os
from pathlib import Path

import jinja2

from .repo import data_files
from .rubrics import Setting, load_setting
from .validate import Report, validate

Stamp = tuple[tuple[str, int, int], ...]
_LOADED: dict[Path, tuple[Stamp, Report, Setting]] = {}


def _stamp(root: Path) -> Stamp:
    files = [*data_files(root), *(f"schemas/{p.name}" for p in sorted((root / "schemas").glob("*.json")))]
    out = []
    for relpath in files:
        info = os.stat(f"{root}/{relpath}")  # not root / relpath: a Path per file costs more than the stat
        out.append((relpath, info.st_size, info.st_mtime_ns))
    return tuple(out)


def load(root: Path) -> tuple[Report, Setting]:
    """The validated repository and the scoring/deadline rules, reused while nothing changed."""
    stamp = _stamp(root)
    kept = _LOADED.get(root)
    if kept is not None and kept[0] == stamp:
        return kept[1], kept[2]
    report, setting = validate(root, cross_checks=False), load_setting(root)
    _LOADED[root] = (stamp, report, setting)
    return report, setting


class _Compiled(jinja2.BytecodeCache):
    """Compiled templates in memory, for the process (Jinja checks each one's source checksum)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = _Compiled()

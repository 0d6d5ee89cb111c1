"""The repository on disk: its root, its data files, its configuration."""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Container, Iterable, Iterator
from pathlib import Path
from typing import Any

from xuncha.model.layout import DATA_ROOTS
from xuncha.model.ondisk import RECORD_SUFFIXES, refused


class NotARepository(Exception):
    """Raised when no xuncha repository encloses the working directory."""


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` that holds ``schemas/`` and ``rounds/`` or ``units/``."""
    for candidate in (start, *start.parents):
        if (candidate / "schemas").is_dir() and any((candidate / d).is_dir() for d in DATA_ROOTS):
            return candidate
    raise NotARepository(str(start))


def data_files(root: Path, under: Path | None = None) -> list[str]:
    """Every ``*.yaml``/``*.yml`` file below rounds/ and units/ (or ``under``), as POSIX relpaths,
    and every entry there that is neither a regular file nor a plain folder (a link, a FIFO, a
    device, a folder named like a record): reading one refuses it (:mod:`xuncha.model.ondisk`),
    so none is skipped in silence. Entries are classified by ``lstat``; no link is followed."""
    tops = [under] if under is not None else [root / d for d in DATA_ROOTS]
    found: list[str] = []
    for top in tops:
        try:
            mode = os.lstat(top).st_mode
        except OSError:
            continue
        if stat.S_ISDIR(mode) and refused(mode, top.name) is None:
            found.extend(_walk(str(top), top.relative_to(root).as_posix()))
        else:
            found.append(top.relative_to(root).as_posix())
    return found


def _walk(folder: str, base: str) -> Iterator[str]:
    """A folder's entries of note by name, then its plain subfolders' (the order of a sorted ``os.walk``)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    folders = []
    for entry in entries:
        if entry.is_dir(follow_symlinks=False) and not entry.name.endswith(RECORD_SUFFIXES):
            if not entry.name.startswith("."):
                folders.append(entry)
        elif entry.name.endswith(RECORD_SUFFIXES) or not entry.is_file(follow_symlinks=False):
            yield f"{base}/{entry.name}"
    for entry in folders:
        yield from _walk(entry.path, f"{base}/{entry.name}")


def data_files_among(paths: Iterable[str], special: Container[str] = ()) -> list[str]:
    """The data files among relpaths already found (a verdict's inputs), in :func:`data_files`' order:
    a whole-repository run walks the folders once, not twice. ``special``: those of the paths the
    walk found to be no regular file, whatever their name."""
    tops = tuple(f"{top}/" for top in DATA_ROOTS)
    found = [
        p
        for p in paths
        if (p.startswith(tops) and p.endswith(RECORD_SUFFIXES))
        or (p in special and p.split("/")[0] in DATA_ROOTS)
    ]
    return sorted(found, key=_walk_order)


def _walk_order(relpath: str) -> tuple[list[str], str]:
    """A folder's files before its subfolders', folders by name: the order of a sorted ``os.walk``."""
    *folders, name = relpath.split("/")
    return folders, name


def config(root: Path) -> dict[str, Any]:
    """``[tool.xuncha]`` from pyproject.toml: the jurisdiction's defaults (e.g. its deadline profile)."""
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return {}
    with pyproject.open("rb") as handle:
        return dict(tomllib.load(handle).get("tool", {}).get("xuncha", {}))

"""The repository on disk: its root, its data files, its configuration."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from xuncha.model.layout import DATA_ROOTS


class NotARepository(Exception):
    """Raised when no xuncha repository encloses the working directory."""


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` that holds ``schemas/`` and ``rounds/`` or ``units/``."""
    for candidate in (start, *start.parents):
        if (candidate / "schemas").is_dir() and any((candidate / d).is_dir() for d in DATA_ROOTS):
            return candidate
    raise NotARepository(str(start))


def data_files(root: Path, under: Path | None = None) -> list[str]:
    """Every ``*.yaml``/``*.yml`` file below rounds/ and units/ (or below ``under``), as POSIX relpaths."""
    tops = [under] if under is not None else [root / d for d in DATA_ROOTS]
    found: list[str] = []
    for top in tops:
        if top.is_file():
            found.append(top.relative_to(root).as_posix())
            continue
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            base = Path(folder).relative_to(root).as_posix()
            found.extend(f"{base}/{name}" for name in sorted(files) if name.endswith((".yaml", ".yml")))
    return found


def data_files_among(paths: Iterable[str]) -> list[str]:
    """The data files among relpaths already found (a verdict's inputs), in :func:`data_files`' order:
    a whole-repository run walks the folders once, not twice."""
    tops = tuple(f"{top}/" for top in DATA_ROOTS)
    found = [p for p in paths if p.startswith(tops) and p.endswith((".yaml", ".yml"))]
    return sorted(found, key=_walk_order)


def _walk_order(relpath: str) -> tuple[list[str], str]:
    """A folder's files before its subfolders', folders by name: the order of a sorted ``os.walk``."""
    *folders, name = relpath.split("/")
    return folders, name


def config(root: Path) -> dict[str, Any]:
    """``[tool.xuncha]`` from pyproject.toml: the jurisdiction's defaults (e.g. its deadline profile)."""
    import tomllib  # only here: `validate` replaying a verdict never reads the config

    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return {}
    with pyproject.open("rb") as handle:
        return dict(tomllib.load(handle).get("tool", {}).get("xuncha", {}))

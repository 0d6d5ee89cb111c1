"""The last whole-repository verdict, replayed while none of its inputs changed.

A clerk runs ``xuncha validate`` again and again; most runs follow a run that
changed nothing. A verdict depends on every data file (cross-file rules), the
evidence files, the schemas, xuncha's code and rule data, the repository's
config and the installed libraries: all of them are stamped by size and
modification time (a stat each, no read). When every stamp matches, the stored
findings are the answer and nothing is parsed.

A file changed within the same clock tick as the run that stamped it would keep
its stamp (git's "racy" case), so files modified shortly before that run are
also compared by content hash.

Stdlib only, besides :mod:`xuncha.findings`: replaying must not pay for the
imports of the pipeline.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import site
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .cache import CACHE_DIR, RACY_NS, digest, folder_for_writing
from .findings import Finding, Severity

VERDICT_FILE = "verdict.marshal"
INPUT_FOLDERS = ("rounds", "units", "schemas")
FORMAT = 1
PACKAGE, PACKAGE_PREFIX = Path(__file__).parent, "<xuncha>/"  # code and rule data
ENVIRONMENT = "<environment>"

Stamp = dict[str, tuple[int, int]]  # path → (size, mtime_ns)
Row = tuple[str, int, int, str, str, str, str]  # a Finding without its data path


@dataclass(frozen=True)
class Inputs:
    """The stamps of a run's inputs, and when they were taken (what is racy is relative to that)."""

    stamps: Stamp
    taken_ns: int


def inputs(root: Path) -> Inputs:
    """Size and modification time of every input of a whole-repository run but evidence kept
    outside the data folders (:func:`record` adds those the run read)."""
    taken = time.time_ns()
    found: Stamp = {}
    for folder in INPUT_FOLDERS:
        found.update(_walk(os.path.join(root, folder), f"{folder}/"))
    found.update(_walk(str(PACKAGE), PACKAGE_PREFIX))
    found["pyproject.toml"] = _stat(root / "pyproject.toml")
    found[ENVIRONMENT] = (_environment(), 0)
    return Inputs(found, taken)


def _walk(folder: str, prefix: str) -> Iterator[tuple[str, tuple[int, int]]]:
    """(key, stamp) of every file below ``folder`` (strings, not Paths: this runs for every file)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if not entry.name.startswith(".") and entry.name != "__pycache__":  # as data_files
                yield from _walk(entry.path, f"{prefix}{entry.name}/")
            continue
        try:
            info = entry.stat()
        except OSError:
            continue
        yield f"{prefix}{entry.name}", (info.st_size, info.st_mtime_ns)


def _stat(path: Path) -> tuple[int, int]:
    try:
        info = os.stat(path)
    except OSError:
        return (-1, -1)
    return (info.st_size, info.st_mtime_ns)


def _environment() -> int:
    """Python's version and the installed distributions (their dist-info names carry versions)."""
    names = [sys.version]
    for folder in site.getsitepackages():
        try:
            names.extend(sorted(os.listdir(folder)))
        except OSError:
            continue
    return int.from_bytes(hashlib.blake2b("\n".join(names).encode(), digest_size=8).digest())


@dataclass(frozen=True)
class Replayed:
    """The findings of the last whole-repository run and how many files it checked."""

    findings: list[Finding]
    files: int


def replay(root: Path, now: Inputs | None = None) -> Replayed | None:
    """The last verdict, if none of its inputs changed since (``now``: the inputs as just stamped)."""
    try:
        version, stamps, racy, rows, files = marshal.loads((root / CACHE_DIR / VERDICT_FILE).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    current = (now or inputs(root)).stamps
    # stamped keys the walk no longer yields: evidence outside the folders, or files since deleted
    current = {**current, **{key: _stat(root / key) for key in stamps.keys() - current.keys()}}
    if version != FORMAT or current != stamps:
        return None
    if any(_content(_path(root, key)) != content for key, content in racy.items()):
        return None
    return Replayed([_finding(*row) for row in rows], files)


def _finding(file: str, line: int, column: int, code: str, message: str, hint: str, level: str) -> Finding:
    return Finding(file, line, column, code, message, hint, Severity(level))


def record(
    root: Path, before: Inputs, findings: list[Finding], files: int, extra: Iterable[str] = ()
) -> None:
    """Store a whole-repository verdict, found from the files as ``before`` stamped them.

    ``extra``: further repository files the run read (evidence outside the data folders).
    """
    stamps = {**before.stamps, **{key: _stat(root / key) for key in extra if key not in before.stamps}}
    racy = {
        key: _content(_path(root, key))
        for key, (_, mtime) in stamps.items()
        if mtime >= before.taken_ns - RACY_NS and key != ENVIRONMENT
    }
    rows: list[Row] = [
        (f.file, f.line, f.column, f.code, f.message, f.hint, f.severity.value) for f in findings
    ]
    try:
        folder = folder_for_writing(root)
        temporary = folder / f"{VERDICT_FILE}.{os.getpid()}.tmp"
        temporary.write_bytes(marshal.dumps((FORMAT, stamps, racy, rows, files)))
        os.replace(temporary, folder / VERDICT_FILE)
    except OSError:
        pass  # a read-only checkout validates every time


def _path(root: Path, key: str) -> Path:
    return PACKAGE / key.removeprefix(PACKAGE_PREFIX) if key.startswith(PACKAGE_PREFIX) else root / key


def _content(path: Path) -> bytes | None:
    try:
        return digest(path.read_bytes())
    except OSError:
        return None

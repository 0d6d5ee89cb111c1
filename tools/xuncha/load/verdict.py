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

What it buys (``tools/bench/bench_machinery.py``, ``validate`` run again with nothing changed,
whole processes, medians on an idle 2-core machine): 0.12 s instead of 0.28 s at 1,000 problems,
0.26 s instead of 1.37 s at 10,000, 0.57 s instead of 4.47 s at 50,000. Without it a repeated run
still stats, loads the parse cache, indexes and checks, and misses the warm goal (0.41× and
0.27× a bare libyaml parse against ≤ 0.15×).
"""

from __future__ import annotations

import marshal
import os
import site
import sys
import time
from collections.abc import Iterable, Iterator
from stat import S_IFDIR

from xuncha.load.cache import digest
from xuncha.load.cachefolder import CACHE_DIR, RACY_NS, folder_for_writing
from xuncha.model.findings import Finding, Row
from xuncha.model.ondisk import read, refused, refused_path

VERDICT_FILE = "verdict.marshal"
INPUT_FOLDERS = ("rounds", "units", "schemas")
FORMAT = 3  # rows carry the data path since 3
PACKAGE, PACKAGE_PREFIX = os.path.dirname(os.path.dirname(__file__)), "<xuncha>/"  # code and rule data
ENVIRONMENT = "<environment>"

Root = str | os.PathLike[str]
Stamp = dict[str, tuple[int | str, int]]  # path → (size, mtime_ns); the environment → (names, 0)


class Inputs:
    """The stamps of a run's inputs, and when they were taken (what is racy is relative to that)."""

    def __init__(self, stamps: Stamp, taken_ns: int) -> None:
        self.stamps, self.taken_ns = stamps, taken_ns

    @property
    def special(self) -> set[str]:
        """The inputs that are no regular file (stamped by what they are)."""
        return {key for key, (size, _) in self.stamps.items() if isinstance(size, str) and key != ENVIRONMENT}


class Replayed:
    """The last whole-repository verdict: its findings (as rows), how many files it checked, and
    the stamps of the inputs it was found from."""

    def __init__(self, stamps: Stamp, racy: dict[str, bytes | None], rows: list[Row], files: int) -> None:
        self.stamps, self.racy, self.rows, self.files = stamps, racy, rows, files

    @property
    def findings(self) -> list[Finding]:
        return [Finding.from_row(row) for row in self.rows]

    def changed(self, root: Root, now: Inputs | None = None) -> set[str]:
        """The inputs that are no longer as this verdict found them (``now``: as just stamped)."""
        return changed(root, self.stamps, self.racy, now)


def inputs(root: Root) -> Inputs:
    """Size and modification time of every input of a whole-repository run but evidence kept
    outside the data folders (:func:`record` adds those the run read)."""
    taken = time.time_ns()
    found: Stamp = {}
    for folder in INPUT_FOLDERS:
        path = os.path.join(root, folder)
        special = refused_path(path) if folder != "schemas" else None  # data folders: as data_files
        if special is None:
            found.update(_walk(path, f"{folder}/"))
        else:
            found[folder] = (special, 0)
    found.update(_walk(PACKAGE, PACKAGE_PREFIX))
    found["pyproject.toml"] = _stat(os.path.join(root, "pyproject.toml"))
    found[ENVIRONMENT] = (_environment(), 0)
    return Inputs(found, taken)


def _walk(folder: str, prefix: str) -> Iterator[tuple[str, tuple[int | str, int]]]:
    """(key, stamp) of every file below ``folder`` (strings, not Paths: this runs for every file)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:  # d_type tells files and folders apart without a system call; the rest need an lstat
            if entry.is_file(follow_symlinks=False):
                info = entry.stat(follow_symlinks=False)
                yield f"{prefix}{entry.name}", (info.st_size, info.st_mtime_ns)
                continue
            mode = (
                S_IFDIR if entry.is_dir(follow_symlinks=False) else entry.stat(follow_symlinks=False).st_mode
            )
            special = refused(mode, entry.name)
        except OSError:
            continue
        if special is not None:  # stamped by what it is: it is refused whatever it points at
            yield f"{prefix}{entry.name}", (special, 0)
        elif not entry.name.startswith(".") and entry.name != "__pycache__":  # as data_files
            yield from _walk(entry.path, f"{prefix}{entry.name}/")


def _stat(path: str) -> tuple[int, int]:
    try:
        info = os.stat(path)
    except OSError:
        return (-1, -1)
    return (info.st_size, info.st_mtime_ns)


def _environment() -> str:
    """Python's version and the installed distributions (their dist-info names carry versions)."""
    names = [sys.version]
    for folder in site.getsitepackages():
        try:
            names.extend(sorted(os.listdir(folder)))
        except OSError:
            continue
    return "\n".join(names)


def last(root: Root) -> Replayed | None:
    """The last verdict stored, whether or not its inputs changed since (None: none readable)."""
    try:
        with open(os.path.join(root, CACHE_DIR, VERDICT_FILE), "rb") as handle:
            version, stamps, racy, rows, files = marshal.loads(handle.read())  # not load(): 4× slower
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return Replayed(stamps, racy, rows, files) if version == FORMAT else None


def unchanged(root: Root, stamps: Stamp, racy: dict[str, bytes | None], now: Inputs | None = None) -> bool:
    """Whether the inputs are still those ``stamps`` (and, for the racy ones, ``racy``) recorded."""
    return not changed(root, stamps, racy, now)


def changed(root: Root, stamps: Stamp, racy: dict[str, bytes | None], now: Inputs | None = None) -> set[str]:
    """The inputs (keys) no longer as ``stamps`` (and, for the racy ones, ``racy``) recorded: changed,
    added or gone."""
    current = (now or inputs(root)).stamps
    # stamped keys the walk no longer yields: evidence outside the folders, or files since deleted
    current = {**current, **{key: _stat(os.path.join(root, key)) for key in stamps.keys() - current.keys()}}
    if current == stamps:  # the usual answer, in one comparison
        differ = set()
    else:
        differ = {key for key in current.keys() | stamps.keys() if current.get(key) != stamps.get(key)}
    racy_changed = {
        key for key, content in racy.items() if key not in differ and _content(_path(root, key)) != content
    }
    return differ | racy_changed


def racy_contents(root: Root, stamps: Stamp, taken_ns: int) -> dict[str, bytes | None]:
    """Content hashes of the inputs modified too close to ``taken_ns`` for their stamps to be trusted."""
    return {
        key: _content(_path(root, key))
        for key, (_, mtime) in stamps.items()
        if mtime >= taken_ns - RACY_NS and key != ENVIRONMENT
    }


def record(
    root: Root, before: Inputs, findings: list[Finding], files: int, extra: Iterable[str] = ()
) -> None:
    """Store a whole-repository verdict, found from the files as ``before`` stamped them.

    ``extra``: further repository files the run read (evidence outside the data folders).
    """
    outside = {key: _stat(os.path.join(root, key)) for key in extra if key not in before.stamps}
    stamps = {**before.stamps, **outside}
    racy = racy_contents(root, stamps, before.taken_ns)
    rows = [f.as_row() for f in findings]
    try:
        folder = folder_for_writing(root)
        temporary = os.path.join(folder, f"{VERDICT_FILE}.{os.getpid()}.tmp")
        with open(temporary, "wb") as handle:
            marshal.dump((FORMAT, stamps, racy, rows, files), handle)
        os.replace(temporary, os.path.join(folder, VERDICT_FILE))
    except OSError:
        pass  # a read-only checkout validates every time


def _path(root: Root, key: str) -> str:
    if key.startswith(PACKAGE_PREFIX):
        return os.path.join(PACKAGE, key.removeprefix(PACKAGE_PREFIX))
    return os.path.join(root, key)


def _content(path: str) -> bytes | None:
    try:
        return digest(read(path, sys.maxsize)[0])  # a regular file only: a FIFO would never end
    except OSError:
        return None

"""What an entry of the data tree is, asked with ``lstat`` before anything opens it; and a bounded read.

A record is a regular file, nothing else. A FIFO or a device would block a read or never end it;
a symbolic link shows the reviewer a path while the run reads something else (outside the
repository, a device, nothing at all); a folder named like a record hides one. Each is refused
(a finding with its path), never opened and never skipped. A regular file is read only up to a
size cap, so no input can hang a run or exhaust its memory.
"""

from __future__ import annotations

import os
import stat

RECORD_SUFFIXES = (".yaml", ".yml")
RECORD_NAMED_FOLDER = "以记录文件命名的文件夹"
DEFAULT_MAX_MB = 4  # [tool.xuncha] record_max_mb overrides it; the demo's largest record is 16 KB
_OPEN_FLAGS = (
    os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
)


class Refused(OSError):
    """The entry is not a regular file (``kind`` says what it is, in Chinese); it was not opened."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class TooLarge(OSError):
    """The file is larger than the cap; ``size`` bytes (at least), ``limit`` allowed."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"{size} > {limit}")
        self.size, self.limit = size, limit


def refused(mode: int, name: str) -> str | None:
    """What keeps an entry (by its lstat mode) out of the data tree, in Chinese; None when it may
    stay: a regular file, or a folder not named like a record."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return RECORD_NAMED_FOLDER if name.endswith(RECORD_SUFFIXES) else None
    if stat.S_ISLNK(mode):
        return "符号链接"
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    if stat.S_ISSOCK(mode):
        return "套接字"
    return "特殊文件"


def refused_path(path: str) -> str | None:
    """:func:`refused` for a path (None too when nothing is there: the reader says so)."""
    try:
        return refused(os.lstat(path).st_mode, path)
    except OSError:
        return None


def refused_on_the_way(root: str, relpath: str) -> tuple[str, str] | None:
    """The first part of ``relpath`` (a folder on the way, or the file itself) that is refused, and
    what it is: writing there would follow a link out of the repository, or into a FIFO."""
    parts = relpath.split("/")
    for depth in range(1, len(parts) + 1):
        part = "/".join(parts[:depth])
        try:
            mode = os.lstat(os.path.join(root, part)).st_mode
        except FileNotFoundError:
            return None  # nothing further down exists yet
        kind = refused(mode, part) if depth == len(parts) or not stat.S_ISDIR(mode) else None
        if kind is not None:
            return part, kind
    return None


def max_bytes(config: dict[str, object]) -> int:
    """The size cap of one record file, from ``[tool.xuncha] record_max_mb``."""
    try:
        return int(float(config.get("record_max_mb", DEFAULT_MAX_MB)) * 1024 * 1024)  # type: ignore[arg-type]
    except (TypeError, ValueError):  # not a number: the default, rather than no cap at all
        return DEFAULT_MAX_MB << 20


def open_regular(path: str) -> int:
    """A descriptor of the regular file at ``path``; :class:`Refused`, unopened, for anything else.

    ``lstat`` first. The open then neither follows a link nor waits for a writer, and the open
    file is checked again, in case the entry was swapped in between.
    """
    kind = refused(os.lstat(path).st_mode, path)
    if kind is not None:
        raise Refused(kind)
    fd = os.open(path, _OPEN_FLAGS)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise Refused(refused(mode, path) or "特殊文件")
    return fd


def read(path: str, limit: int) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file of at most ``limit`` bytes (else :class:`TooLarge`), and the stat
    of the file those bytes came from, taken before reading: a change after it gives the file a
    newer time than the one recorded, so the next run looks at its content again.

    Plain system calls, not ``open``: its buffered file object costs more than reading a record file.
    """
    fd = open_regular(path)
    try:
        info = os.fstat(fd)
        if info.st_size > limit:
            raise TooLarge(info.st_size, limit)
        raw = os.read(fd, info.st_size + 1)  # a byte more than the stat says: has it grown since?
        while len(raw) != info.st_size and len(raw) <= limit and (more := os.read(fd, 1 << 16)):
            raw += more
    finally:
        os.close(fd)
    if len(raw) > limit:
        raise TooLarge(len(raw), limit)
    return raw, info

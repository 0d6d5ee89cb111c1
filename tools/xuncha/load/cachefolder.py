"""The ``.xuncha-cache`` folder, which holds the parse caches and the last verdict."""

from __future__ import annotations

import os

CACHE_DIR = ".xuncha-cache"
# A file modified this close to being read may change again within one clock tick without
# its modification time changing (git's "racy" case); coarse file systems (FAT, some
# network shares) keep 2-second times.
RACY_NS = 2_000_000_000


def folder_for_writing(root: str | os.PathLike[str]) -> str:
    """The cache folder, made if need be, with a .gitignore so git never sees it (raises OSError)."""
    folder = os.path.join(root, CACHE_DIR)
    os.makedirs(folder, exist_ok=True)
    ignore = os.path.join(folder, ".gitignore")
    if not os.path.isfile(ignore):
        with open(ignore, "w", encoding="utf-8") as handle:
            handle.write("*\n")
    return folder


def write_atomically(target: str | os.PathLike[str], payload: bytes) -> None:
    """Replace ``target`` in one step: a reader sees the old file or the new one (raises OSError)."""
    temporary = f"{os.fspath(target)}.{os.getpid()}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(payload)
    os.replace(temporary, target)

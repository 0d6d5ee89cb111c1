"""A cache of parsed, valid files so an unchanged file costs a read and a hash.

Keyed on path; an entry is reused only when the size and a content hash agree
(not mtime: a checkout or copy changes mtimes of identical files, and reading is
cheap next to parsing), and the whole cache is dropped when the schemas,
xuncha or Python change.

Stored with ``marshal``, not ``pickle``: records are plain dicts, lists and scalars,
which marshal writes ~7x faster (a one-file run rewrites the whole cache) and reads
as fast; it is as (un)trusted as pickle and tied to the Python version, hence the
version in the fingerprint and the fallback to "no cache" on anything unreadable.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .yamlsafe import Data

CACHE_DIR = ".xuncha-cache"
CACHE_FILE = "records.marshal"


@dataclass(frozen=True)
class Entry:
    """A file's identity when it was parsed, and its data."""

    size: int
    digest: bytes
    data: Data


def digest(raw: bytes) -> bytes:
    """Content hash: BLAKE2b is faster than SHA-256 and more than strong enough here."""
    return hashlib.blake2b(raw, digest_size=16).digest()


def fingerprint(schema_dir: Path) -> bytes:
    """What the cached verdicts depend on besides the files: the schemas, our version and Python's."""
    hasher = hashlib.blake2b(f"{__version__} {sys.version}".encode(), digest_size=16)
    for path in sorted(schema_dir.glob("*.schema.json")):
        hasher.update(path.name.encode())
        hasher.update(path.read_bytes())
    return hasher.digest()


def load(root: Path, expected: bytes) -> dict[str, Entry]:
    """The cached entries, or nothing when the cache is absent, stale or unreadable."""
    try:
        stored_fingerprint, table = marshal.loads((root / CACHE_DIR / CACHE_FILE).read_bytes())
        if stored_fingerprint != expected:
            return {}
        return {file: Entry(*fields) for file, fields in table.items()}
    except (OSError, EOFError, ValueError, TypeError, AttributeError):
        return {}


def save(root: Path, stamp: bytes, entries: dict[str, Entry]) -> None:
    """Write atomically, so a killed run never leaves a half-written cache."""
    folder = root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        (folder / ".gitignore").write_text("*\n", encoding="utf-8")
        temporary = folder / f"{CACHE_FILE}.{os.getpid()}.tmp"
        table = {file: (entry.size, entry.digest, entry.data) for file, entry in entries.items()}
        temporary.write_bytes(marshal.dumps((stamp, table)))
        os.replace(temporary, folder / CACHE_FILE)
    except (OSError, ValueError):  # ValueError: marshal met a value it cannot write
        pass  # a read-only checkout still validates, just without a cache

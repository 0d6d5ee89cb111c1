"""A cache of parsed, valid files so an unchanged file costs a read and a hash.

Keyed on path; an entry is reused only when the size and a content hash agree
(not mtime: a checkout or copy changes mtimes of identical files, and reading is
cheap next to parsing), and the whole cache is dropped when the schemas or
xuncha change.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .yamlsafe import Data

CACHE_DIR = ".xuncha-cache"
CACHE_FILE = "records.pickle"


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
    """What the cached verdicts depend on besides the files: the schemas and our version."""
    hasher = hashlib.blake2b(__version__.encode(), digest_size=16)
    for path in sorted(schema_dir.glob("*.schema.json")):
        hasher.update(path.name.encode())
        hasher.update(path.read_bytes())
    return hasher.digest()


def load(root: Path, expected: bytes) -> dict[str, Entry]:
    """The cached entries, or nothing when the cache is absent, stale or unreadable."""
    try:
        with (root / CACHE_DIR / CACHE_FILE).open("rb") as handle:
            stored_fingerprint, entries = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        return {}
    return entries if stored_fingerprint == expected else {}


def save(root: Path, stamp: bytes, entries: dict[str, Entry]) -> None:
    """Write atomically, so a killed run never leaves a half-written cache."""
    folder = root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        (folder / ".gitignore").write_text("*\n", encoding="utf-8")
        temporary = folder / f"{CACHE_FILE}.{os.getpid()}.tmp"
        with temporary.open("wb") as handle:
            pickle.dump((stamp, entries), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, folder / CACHE_FILE)
    except OSError:
        pass  # a read-only checkout still validates, just without a cache

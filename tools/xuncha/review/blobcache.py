"""A cache of parsed file versions from the git history, so the audit trail parses each one once.

A blob id names its bytes for ever, so what a version parses to as one kind of record
(its data when valid, None when not: :class:`xuncha.review.history.Versions`) holds until the
schemas, xuncha or Python change — the fingerprint of :mod:`xuncha.load.cache`, which drops
the whole cache. As the parse cache of the working tree: marshal (plain data only), atomic
writes, an unreadable shard is ignored (its versions are parsed again), and a read-only
checkout reads its history without a cache.

One shard per unit folder (the versions of a round's or a unit's own files share one more):
the process that reads a folder's changes (:func:`xuncha.site.history.read_trail`, one folder
whole per process) parses its versions and writes its shard itself, so nothing parsed travels
back to the main process and the shards are written on every core. ``xuncha history`` of one
problem reads one shard; a new commit rewrites the shards of the folders it changed.
"""

from __future__ import annotations

import hashlib
import marshal
from pathlib import Path
from typing import TYPE_CHECKING

from xuncha.load import cache
from xuncha.load.cachefolder import CACHE_DIR, folder_for_writing, write_atomically

if TYPE_CHECKING:  # history imports the YAML parser: not needed to read or write the cache
    from xuncha.review.history import Parsed
    from xuncha.review.targets import FolderKey, VersionKey

FORMAT = 2  # of a shard: (stamp, {(blob id, kind): data or None}), one per unit folder
Table = dict["VersionKey", "Parsed"]


def fingerprint(schema_dir: Path) -> bytes:
    """The parse cache's fingerprint (schemas, xuncha, Python) and this cache's format."""
    return hashlib.blake2b(cache.fingerprint(schema_dir) + b"versions %d" % FORMAT, digest_size=16).digest()


def shard_file(root: Path, folder: FolderKey) -> Path:
    """A folder's shard; named by a digest, since ids read from old commits may hold any character."""
    digest = hashlib.blake2b(repr(folder).encode(), digest_size=10).hexdigest()
    return root / CACHE_DIR / f"versions-{digest}.marshal"


class Shelf:
    """The cached versions of each folder, its shard read the first time one of its versions is
    asked for: the trail asks while ``git log`` still streams in."""

    def __init__(self, root: Path, stamp: bytes) -> None:
        self.root, self.stamp = root, stamp
        self.found: dict[FolderKey, Table] = {}

    def has(self, folder: FolderKey, key: VersionKey) -> bool:
        return key in self.of(folder)

    def of(self, folder: FolderKey) -> Table:
        """Every cached version of ``folder`` (its shard is read once)."""
        table = self.found.get(folder)
        if table is None:
            table = self.found[folder] = self._read(folder)
        return table

    def _read(self, folder: FolderKey) -> Table:
        try:
            stored, table = marshal.loads(shard_file(self.root, folder).read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return {}  # absent or unreadable: its versions are parsed again
        return table if stored == self.stamp and isinstance(table, dict) else {}


def save(root: Path, stamp: bytes, folder: FolderKey, table: Table) -> None:
    """Write a folder's shard: what was cached of it and what was parsed since."""
    try:
        folder_for_writing(root)
        write_atomically(shard_file(root, folder), marshal.dumps((stamp, table)))
    except (OSError, ValueError):  # ValueError: marshal met a value it cannot write
        pass  # a read-only checkout still reads its history, just without a cache

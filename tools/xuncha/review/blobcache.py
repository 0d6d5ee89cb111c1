"""A cache of parsed file versions from the git history, so the audit trail parses each one once.

A blob id names its bytes for ever, so what a version parses to as one kind of record
(its data when valid, None when not: :class:`xuncha.review.history.Versions`) holds until the
schemas, xuncha or Python change — the fingerprint of :mod:`xuncha.load.cache`, which drops
the whole cache. Sharded by blob id: ``xuncha history`` of one problem loads only the few
shards holding its versions, and a new commit rewrites only the shards of its new ones.
As the parse cache of the working tree: marshal (plain data only), atomic writes, an
unreadable shard is ignored (its versions are parsed again), and a read-only checkout
reads its history without a cache.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Mapping
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from xuncha.load import cache
from xuncha.load.cachefolder import CACHE_DIR, folder_for_writing, write_atomically

if TYPE_CHECKING:  # history imports the YAML parser: not needed to read or write the cache
    from xuncha.review.history import Parsed
    from xuncha.review.targets import VersionKey

FORMAT = 1  # of an entry: (blob id, kind) → data or None
# Blob ids are uniform hex: the first two digits spread versions evenly. 16, not 64: making a file
# costs about 0.45 ms on the benchmark machine (ext4) whatever its size, so the first trail of a
# round of 10,000 versions spends 10 ms writing its shards instead of 30 ms; one problem's trail
# still reads only the few shards its versions fall in.
SHARDS = 16


def fingerprint(schema_dir: Path) -> bytes:
    """The parse cache's fingerprint (schemas, xuncha, Python) and this cache's format."""
    return hashlib.blake2b(cache.fingerprint(schema_dir) + b"versions %d" % FORMAT, digest_size=16).digest()


def shard_of(blob: str) -> int:
    return int(blob[:2], 16) % SHARDS


def shard_file(root: Path, shard: int) -> Path:
    return root / CACHE_DIR / f"versions-{shard:02d}.marshal"


class Shelf:
    """The cached versions, each shard read the first time a version that would lie in it is asked
    for: the trail asks while ``git log`` still streams in, and one problem's trail reads few shards."""

    def __init__(self, root: Path, stamp: bytes) -> None:
        self.root, self.stamp = root, stamp
        self.found: dict[VersionKey, Parsed] = {}  # every version of the shards read so far
        self.shards: set[int] = set()

    def __contains__(self, key: VersionKey) -> bool:
        shard = shard_of(key[0])
        if shard not in self.shards:
            self.shards.add(shard)
            self._read(shard)
        return key in self.found

    def _read(self, shard: int) -> None:
        try:
            stored, table = marshal.loads(shard_file(self.root, shard).read_bytes())
            if stored == self.stamp:
                self.found.update(table)
        except (OSError, EOFError, ValueError, TypeError):
            pass  # absent, stale or unreadable: its versions are parsed again


def save(
    root: Path, stamp: bytes, known: Mapping[VersionKey, Parsed], fresh: Mapping[VersionKey, Parsed]
) -> None:
    """Add the ``fresh`` versions: rewrite each shard they fall in, with what ``known`` holds of it
    (:attr:`Shelf.found`, which holds all of every shard a fresh version was looked for in)."""
    tables: dict[int, dict[VersionKey, Parsed]] = {shard_of(blob): {} for blob, _kind in fresh}
    for key, data in chain(known.items(), fresh.items()):
        table = tables.get(shard_of(key[0]))
        if table is not None:
            table[key] = data
    try:
        folder_for_writing(root)
        for shard, table in tables.items():
            write_atomically(shard_file(root, shard), marshal.dumps((stamp, table)))
    except (OSError, ValueError):  # ValueError: marshal met a value it cannot write
        pass  # a read-only checkout still reads its history, just without a cache

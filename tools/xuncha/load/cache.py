"""A cache of parsed, valid files so an unchanged file costs a stat (or a read and a hash).

Keyed on path. An entry is reused without reading the file when its size and
modification time are those recorded; otherwise when its size and content hash
agree (a checkout or copy changes the times of identical files). A file modified
within :data:`RACY_NS` of being read could change again within the same clock
tick without its time changing (git's "racy" case), so its time is not recorded
and it is always hashed. The whole cache is dropped when the schemas, xuncha or
Python change.

Stored with ``marshal``, not ``pickle``: records are plain dicts, lists and scalars,
which marshal writes ~7x faster (a run rewrites whole shards) and reads
as fast; it is as (un)trusted as pickle and tied to the Python version, hence the
version in the fingerprint and the fallback to "no cache" on anything unreadable.

One shard per round folder, one for the rest (:func:`xuncha.model.layout.partition_of`): a run
loads and rewrites only the rounds it checks (after one edit at 50,000 problems, one round's
shard and the units', not 113 MB of records).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from xuncha import __version__
from xuncha.load.cachefolder import CACHE_DIR as CACHE_DIR
from xuncha.load.cachefolder import RACY_NS, folder_for_writing, write_atomically
from xuncha.model.layout import partition_of

if TYPE_CHECKING:  # yamlsafe imports PyYAML: not needed to read or write the cache
    from xuncha.load.yamlsafe import Data

FORMAT = 3  # of an entry: size, mtime, digest, data; one shard per partition since 3


@dataclass(frozen=True)
class Entry:
    """A file's identity when it was parsed (mtime 0: not to be trusted), and its data."""

    size: int
    mtime_ns: int
    digest: bytes
    data: Data

    def unchanged(self, info: os.stat_result) -> bool:
        """True when a stat alone shows the file is the one parsed."""
        return self.mtime_ns != 0 and (self.size, self.mtime_ns) == (info.st_size, info.st_mtime_ns)


def trusted_mtime(info: os.stat_result) -> int:
    """The modification time worth recording for a file just read: 0 if it is too recent (racy)."""
    return info.st_mtime_ns if info.st_mtime_ns < time.time_ns() - RACY_NS else 0


def digest(raw: bytes) -> bytes:
    """Content hash: BLAKE2b is faster than SHA-256 and more than strong enough here."""
    return hashlib.blake2b(raw, digest_size=16).digest()


def fingerprint(schema_dir: Path) -> bytes:
    """What the cached verdicts depend on besides the files: the schemas, our version and Python's."""
    hasher = hashlib.blake2b(f"{__version__} {FORMAT} {sys.version}".encode(), digest_size=16)
    for path in sorted(schema_dir.glob("*.schema.json")):
        hasher.update(path.name.encode())
        hasher.update(path.read_bytes())
    return hasher.digest()


def load(root: Path, expected: bytes, partitions: Iterable[str]) -> dict[str, Entry]:
    """The cached entries of ``partitions`` whose shard was made with the same schemas, xuncha and Python."""
    entries: dict[str, Entry] = {}
    for partition in partitions:
        try:
            stored_fingerprint, table = marshal.loads(shard_file(root, partition).read_bytes())
            if stored_fingerprint == expected:
                entries.update((file, Entry(*fields)) for file, fields in table.items())
        except (OSError, EOFError, ValueError, TypeError, AttributeError):
            continue  # absent, stale or unreadable: its files are parsed again
    return entries


def shard_file(root: Path, partition: str) -> Path:
    name = hashlib.blake2b(partition.encode(), digest_size=8).hexdigest()  # any round ID, a safe name
    return root / CACHE_DIR / f"records-{name}.marshal"


def save(root: Path, stamp: bytes, entries: dict[str, Entry], changed: Iterable[str]) -> None:
    """Rewrite the shards holding a ``changed`` path (added, replaced or dropped), each atomically.

    ``entries`` holds every entry of those shards worth keeping."""
    tables: dict[str, dict[str, tuple[int, int, bytes, Data]]] = {partition_of(f): {} for f in changed}
    for file, entry in entries.items():
        table = tables.get(partition_of(file))
        if table is not None:
            table[file] = (entry.size, entry.mtime_ns, entry.digest, entry.data)
    try:
        folder_for_writing(root)
        for partition, table in tables.items():
            write_atomically(shard_file(root, partition), marshal.dumps((stamp, table)))
    except (OSError, ValueError):  # ValueError: marshal met a value it cannot write
        pass  # a read-only checkout still validates, just without a cache

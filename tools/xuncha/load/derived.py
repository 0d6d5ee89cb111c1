"""A command's last answer (its output and exit code), replayed while none of its inputs changed.

A leader asks for the overdue list or the ranking again and again; most times nothing changed
since the last time. ``overdue`` and ``score`` read the data, the schemas, xuncha's code and
rule data, the repository's config and the installed libraries: exactly what the replayed
verdict stamps (:func:`xuncha.load.verdict.inputs`, a stat per file, racy files hashed).
The answer is kept per command and options (``--as-of`` always resolved to a date), so a
repeat with the same stamps prints the stored output and computes nothing: no parse cache
loaded, no index, no deadlines, no scoring. Anything unreadable is no cache; a read-only
checkout computes every time. Deleting ``.xuncha-cache/`` is always safe. ``score --supervisors``
also reads the git history, which no stamp covers: it is never replayed.

The granularity is the whole repository: any change to any input recomputes the whole
answer (the parse cache still spares the unchanged files their parsing, and the verdict is
brought up to date by rounds: :func:`xuncha.pipeline.validate`). Keeping each round's deadlines
and follow-ups apart (a round reads only its own folder, the units and the rules) was built and
measured, and not kept: at 50,000 problems, ``overdue`` after one edit took 3.6 s instead of
3.85 s, but a new ``--as-of`` day (whose deadlines must all be judged again) or a first run took
0.25–0.6 s longer to write the parts. The deadline engine takes only 0.76 s of such a run; the
rest is building the index of the whole repository (1.5 s) and printing 75,000 lines (0.85 s).

What it buys (``tools/bench/bench_repeat.py --runs 5``, whole processes, alternated runs,
medians, a shared 2-core machine at load ~2.8): asked again with nothing changed, ``overdue``
takes 0.21 s and ``score --all`` 0.19 s at 1,000 problems (a replayed ``validate``: 0.15 s),
0.27 s and 0.26 s at 10,000 (``validate``: 0.21 s), that is 1.22–1.36× a replayed validate
(goal ≤ 2×); computing them after an edit takes 0.33 s / 0.38 s at 1,000 and 1.13 s / 1.67 s
at 10,000.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from collections.abc import Callable
from dataclasses import dataclass

from xuncha.load import verdict
from xuncha.load.cachefolder import CACHE_DIR, folder_for_writing, write_atomically

FORMAT = 1
KEEP = 16  # answers kept (each holds the stamps and the output: ~1–15 MB at 10,000 problems)
PREFIX = "derived-"
Key = tuple[str | int | bool | bytes | None, ...]  # the command's name and its resolved options


@dataclass(frozen=True)
class Answer:
    """What a command prints on each stream, and its exit code."""

    out: str
    err: str
    code: int


def answer(root: verdict.Root, key: Key, compute: Callable[[], Answer]) -> Answer:
    """The stored answer for ``key`` if no input changed since it was computed, else ``compute()``'s
    (stored for next time; the inputs are stamped before computing, so an edit made meanwhile
    is noticed next time)."""
    before = verdict.inputs(root)
    known = _replay(root, key, before)
    if known is not None:
        return known
    fresh = compute()
    _record(root, key, before, fresh)
    return fresh


def _file(root: verdict.Root, key: Key) -> str:
    name = hashlib.blake2b(repr(key).encode(), digest_size=12).hexdigest()
    return os.path.join(root, CACHE_DIR, f"{PREFIX}{name}.marshal")


def _replay(root: verdict.Root, key: Key, now: verdict.Inputs) -> Answer | None:
    try:
        with open(_file(root, key), "rb") as handle:
            version, stored_key, stamps, racy, out, err, code = marshal.loads(
                handle.read()
            )  # as verdict.last
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if version != FORMAT or stored_key != key or not verdict.unchanged(root, stamps, racy, now):
        return None
    if not (isinstance(out, str) and isinstance(err, str) and isinstance(code, int)):
        return None
    return Answer(out, err, code)


def _record(root: verdict.Root, key: Key, before: verdict.Inputs, fresh: Answer) -> None:
    racy = verdict.racy_contents(root, before.stamps, before.taken_ns)
    payload = (FORMAT, key, before.stamps, racy, fresh.out, fresh.err, fresh.code)
    try:
        folder = folder_for_writing(root)
        write_atomically(_file(root, key), marshal.dumps(payload))
        _prune(folder)
    except (OSError, ValueError):
        pass  # a read-only checkout computes every time


def _prune(folder: str) -> None:
    """Drop all but the :data:`KEEP` answers written last: a daily ``--as-of`` leaves one a day."""
    answers = [entry for entry in os.scandir(folder) if entry.name.startswith(PREFIX)]
    answers.sort(key=lambda entry: entry.stat().st_mtime_ns, reverse=True)
    for entry in answers[KEEP:]:
        os.unlink(entry.path)

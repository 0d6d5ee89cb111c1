"""Chunks of work on every core: forked workers and this process draw chunks from one pipe.

Why not ``ProcessPoolExecutor``: importing it and starting its threads costs ~30 ms, a
tenth of a cold ``validate`` of 1,000 problems; it pickles every result, and the calling
process sits idle. Here the caller first does its own preparation (``meanwhile``), in
parallel with the workers, then draws chunks like them; a worker's results come back as
one ``marshal`` payload. A worker that dies costs only its chunks being done again here.
Without ``os.fork`` (Windows) everything runs here, one chunk after another.

What parsing on both cores buys (``tools/bench/bench_machinery.py``, ``--jobs 1`` against the
default, whole cold ``xuncha validate`` processes, medians on an idle 2-core machine): 1.29× at
1,000 problems, 1.34× at 10,000, 1.52× at 50,000 (11.6 s instead of 17.7 s); on one core the cold
run misses its goal (1.13× and 1.08× a bare libyaml parse).
"""

from __future__ import annotations

import heapq
import marshal
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

MAX_CHUNKS = 255  # a chunk's number travels through the pipe as one byte
WORTH_FORKING = 200  # items: below this, starting workers costs more than they save
PER_CHUNK = 500  # files of ~0.5 ms each: ~0.25 s, fine enough to keep every core busy to the end

_C = TypeVar("_C")
_R = TypeVar("_R")
_M = TypeVar("_M")


def run(
    work: Callable[[_C], _R], chunks: Sequence[_C], jobs: int, meanwhile: Callable[[], _M]
) -> tuple[list[_R], _M]:
    """``[work(c) for c in chunks]`` on up to ``jobs`` processes, and ``meanwhile()`` run here.

    ``work`` must return plain data (what ``marshal`` writes: dicts, lists, tuples, scalars).
    """
    if len(chunks) > MAX_CHUNKS:
        raise ValueError(f"at most {MAX_CHUNKS} chunks, not {len(chunks)}")
    workers = min(jobs, len(chunks)) - 1
    if workers < 1 or not hasattr(os, "fork"):
        made = meanwhile()
        return [work(chunk) for chunk in chunks], made
    tickets, pending = os.pipe()
    os.write(pending, bytes(range(len(chunks))))  # 255 bytes at most: always fits the pipe
    os.close(pending)
    started: list[tuple[int, int]] = []  # (process id, read end of its results)
    finished = False
    try:
        for _ in range(workers):
            started.append(_fork(work, chunks, tickets))
        made = meanwhile()
        done: dict[int, _R] = dict(_draw(work, chunks, tickets))
        for _, results in started:
            done.update(_collect(results))  # type: ignore[arg-type]  # marshal gives back what work made
        finished = True
    finally:
        _reap(started, finished)
        os.close(tickets)
    return [done[i] if i in done else work(chunk) for i, chunk in enumerate(chunks)], made


def spread(todo: Sequence[_C], jobs: int) -> tuple[list[Sequence[_C]], int]:
    """``todo`` dealt into chunks for :func:`run`, and the jobs worth starting for it."""
    jobs = jobs if len(todo) >= WORTH_FORKING else 1
    count = min(MAX_CHUNKS, max(jobs * 8, len(todo) // PER_CHUNK))
    return ([todo[i::count] for i in range(count)] if todo else []), jobs


def deal(groups: Sequence[Sequence[_C]], jobs: int) -> tuple[list[list[Sequence[_C]]], int]:
    """Groups that must stay whole (a unit folder's changes) dealt into chunks of about equal size,
    the largest first, each to the lightest chunk; and the jobs worth starting for them."""
    size = sum(len(group) for group in groups)
    jobs = jobs if size >= WORTH_FORKING else 1
    count = min(len(groups), MAX_CHUNKS, max(jobs * 8, size // PER_CHUNK))
    chunks: list[list[Sequence[_C]]] = [[] for _ in range(count)]
    lightest = [(0, i) for i in range(count)]  # a heap of (size, chunk)
    for group in sorted(groups, key=len, reverse=True):
        load, i = heapq.heappop(lightest)
        chunks[i].append(group)
        heapq.heappush(lightest, (load + len(group), i))
    return chunks, jobs


def _draw(work: Callable[[_C], _R], chunks: Sequence[_C], tickets: int) -> Iterator[tuple[int, _R]]:
    """Take chunk numbers until none is left (a one-byte read from a pipe is atomic)."""
    while ticket := os.read(tickets, 1):
        yield ticket[0], work(chunks[ticket[0]])


def _fork(work: Callable[[_C], _R], chunks: Sequence[_C], tickets: int) -> tuple[int, int]:
    """Start a worker: it draws chunks, writes ``[(number, result), …]`` and exits without cleanup."""
    results, out = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: whatever happens, it never returns into the caller's code
        status = 1
        try:
            os.close(results)
            payload = marshal.dumps(list(_draw(work, chunks, tickets)))
            with os.fdopen(out, "wb") as handle:
                handle.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(out)
    return pid, results


def _collect(results: int) -> list[tuple[int, object]]:
    """A worker's results; nothing if it died before writing them all."""
    with os.fdopen(results, "rb", closefd=False) as handle:
        payload = handle.read()
    try:
        found = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return []
    return list(found) if isinstance(found, list) else []


def _reap(started: list[tuple[int, int]], finished: bool) -> None:
    """Close the result pipes and wait for the workers; stop them first if the caller failed."""
    for pid, results in started:
        if not finished:
            os.kill(pid, signal.SIGTERM)
        os.close(results)
        os.waitpid(pid, 0)

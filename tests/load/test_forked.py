"""Work spread over forked processes: same results as one process, whatever a worker does."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from xuncha.demo.synth import Config, write_repo
from xuncha.load import cache, forked
from xuncha.model.layout import partition_of
from xuncha.model.repo import data_files
from xuncha.pipeline import validate

REPO = Path(__file__).resolve().parents[2]
PARENT = os.getpid()


@pytest.fixture
def signal_pipe() -> Iterator[tuple[int, int]]:
    """A pipe a worker writes to when it has done a chunk (so a test can wait for one)."""
    read, write = os.pipe()
    yield read, write
    os.close(read)
    os.close(write)


def square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def test_results_in_order_and_meanwhile_runs_here_while_workers_work(signal_pipe: tuple[int, int]) -> None:
    read, write = signal_pipe

    def work(n: int) -> tuple[int, int]:
        if os.getpid() != PARENT:
            os.write(write, b"x")
        return square_and_pid(n)

    def meanwhile() -> int:
        os.read(read, 1)  # returns only once a worker has finished a chunk
        return os.getpid()

    results, made = forked.run(work, list(range(40)), 3, meanwhile)
    assert [square for square, _ in results] == [n * n for n in range(40)]
    assert made == PARENT
    assert len({pid for _, pid in results} - {PARENT}) >= 1  # some chunks were done elsewhere


def test_one_job_forks_nothing() -> None:
    results, made = forked.run(square_and_pid, list(range(10)), 1, lambda: "ready")
    assert results == [(n * n, PARENT) for n in range(10)]
    assert made == "ready"


def test_a_worker_that_dies_costs_only_its_chunks_done_again_here() -> None:
    def work(n: int) -> int:
        if os.getpid() != PARENT:
            os._exit(3)  # killed mid-chunk: nothing written
        return n + 1

    results, _ = forked.run(work, list(range(30)), 4, lambda: None)
    assert results == [n + 1 for n in range(30)]


def test_a_failure_here_stops_and_reaps_the_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[int] = []

    def fork() -> int:
        pid = real_fork()
        if pid:
            started.append(pid)
        return pid

    def meanwhile() -> None:
        raise RuntimeError("preparation failed")

    real_fork = os.fork
    monkeypatch.setattr(os, "fork", fork)
    with pytest.raises(RuntimeError, match="preparation failed"):
        forked.run(square_and_pid, list(range(50)), 3, meanwhile)
    assert len(started) == 2
    for pid in started:  # no worker left behind, not even a zombie (other tests' children aside)
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_more_chunks_than_one_byte_can_number_is_refused() -> None:
    with pytest.raises(ValueError, match="255"):
        forked.run(square_and_pid, list(range(256)), 2, lambda: None)


def test_validate_on_several_cores_finds_what_one_core_finds(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write_repo(root, Config(220, seed=3), REPO / "schemas")
    statuses = sorted(root.glob("rounds/*/*/status/*.yaml"))
    statuses[0].write_text("log: [unclosed\n", encoding="utf-8")  # a YAML error
    text = statuses[5].read_text(encoding="utf-8")
    statuses[5].write_text(text.replace("state: ", "state: 不存在的状态 #", 1), encoding="utf-8")
    one = validate(root, jobs=1, use_cache=False)
    several = validate(root, jobs=3, use_cache=False)
    assert several.files == one.files > forked.WORTH_FORKING
    assert [f.as_text() for f in several.findings] == [f.as_text() for f in one.findings]
    assert {f.code for f in one.findings} >= {"XC103"} and len(one.findings) >= 2
    assert several.index.folders.keys() == one.index.folders.keys()
    assert several.index.broken == one.index.broken


def test_the_cache_saved_by_several_processes_is_the_one_saved_by_one(tmp_path: Path) -> None:
    one, several = tmp_path / "one", tmp_path / "several"
    write_repo(one, Config(220, seed=4), REPO / "schemas")
    statuses = sorted(one.glob("rounds/*/*/status/*.yaml"))
    statuses[0].write_text("log: [unclosed\n", encoding="utf-8")  # not cached: a YAML error
    shutil.copytree(one, several)
    validate(one, jobs=1)
    validate(several, jobs=3)
    stamp = cache.fingerprint(one / "schemas")

    def contents(root: Path) -> dict[str, tuple[int, bytes, object]]:
        partitions = {partition_of(f) for f in data_files(root)}
        return {f: (e.size, e.digest, e.data) for f, e in cache.load(root, stamp, partitions).items()}

    assert contents(several) == contents(one)
    broken = statuses[0].relative_to(one).as_posix()
    assert broken not in contents(one) and len(contents(one)) == len(data_files(one)) - 1


def test_spread_deals_every_item_once_and_forks_only_for_enough_of_them() -> None:
    few, jobs = forked.spread(list(range(forked.WORTH_FORKING - 1)), 4)
    assert jobs == 1 and sorted(i for chunk in few for i in chunk) == list(range(forked.WORTH_FORKING - 1))
    many = list(range(200_000))
    chunks, jobs = forked.spread(many, 2)
    assert jobs == 2 and len(chunks) == forked.MAX_CHUNKS
    assert sorted(i for chunk in chunks for i in chunk) == many
    assert forked.spread([], 2) == ([], 1)


def test_deal_keeps_each_group_whole_and_evens_the_chunks() -> None:
    groups = [
        list(range(start, start + size)) for start, size in ((0, 400), (400, 30), (430, 30), (460, 200))
    ]
    groups += [[1000 + i] for i in range(60)]  # many small folders
    chunks, jobs = forked.deal(groups, 2)
    assert jobs == 2 and len(chunks) == 16
    dealt = [group for chunk in chunks for group in chunk]
    assert sorted(map(tuple, dealt)) == sorted(map(tuple, groups))  # every group once, whole
    sizes = sorted(sum(map(len, chunk)) for chunk in chunks)
    assert sizes == [5] * 12 + [30, 30, 200, 400]  # the small folders even out the chunks the large left
    few, jobs = forked.deal([[1, 2], [3]], 4)
    assert jobs == 1 and len(few) == 2
    assert forked.deal([], 2) == ([], 1)

"""A hostile or careless data tree: every link or special file is a finding with its path, never a
read, never a silent pass; no input makes a run hang (a subprocess timeout is the guard)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from clerk_support import make_demo

STATUS = "rounds/2025-t-r1/t-unit/status"
RECORD = f"{STATUS}/P02.yaml"
GUARD_SECONDS = 60  # a hang is killed here and fails the test; a run takes well under a second


def xuncha(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``xuncha --root ROOT ARGS`` as a clerk runs it, killed if it does not end."""
    command = [str(Path(sys.executable).with_name("xuncha")), "--root", str(root), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=GUARD_SECONDS, check=False)


def refused(result: subprocess.CompletedProcess[str], relpath: str, code: str = "XC013") -> None:
    """Exit 1, the path and the code in the output, a Chinese message, no traceback."""
    assert result.returncode == 1, result.stdout + result.stderr
    said = (
        result.stdout + result.stderr
    ).splitlines()  # validate reports on stdout, clerk commands on stderr
    line = next((x for x in said if x.startswith(f"{relpath}:1:1: {code} ")), None)
    assert line is not None, result.stdout + result.stderr
    assert "不是普通文件" in line or "文件过大" in line
    assert "Traceback" not in result.stderr


def fifo(path: Path) -> None:
    os.mkfifo(path)


def link_to(target: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.symlink_to(target)

    return make


def loop(path: Path) -> None:
    path.symlink_to(path.name)


def folder(path: Path) -> None:
    path.mkdir()
    (path / "inner.yaml").write_text("id: P01\n", encoding="utf-8")


def unix_socket(path: Path) -> None:
    listener = socket.socket(socket.AF_UNIX)
    cwd = os.getcwd()
    os.chdir(path.parent)  # a socket's path is limited to ~100 bytes: bind a short relative one
    try:
        listener.bind(path.name)
    finally:
        os.chdir(cwd)
        listener.close()


def device(path: Path) -> None:
    try:
        os.mknod(path, 0o600 | 0o020000, os.makedev(1, 5))  # a character device: /dev/zero's numbers
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD; links to devices are tested below")


MAKERS: dict[str, Callable[[Path], None]] = {
    "fifo": fifo,
    "link-to-zero": link_to("/dev/zero"),
    "link-to-urandom": link_to("/dev/urandom"),
    "dangling-link": link_to("nowhere.yaml"),
    "link-loop": loop,
    "link-to-outside-file": link_to("/etc/hostname"),
    "folder-named-like-a-record": folder,
    "socket": unix_socket,
    "device": device,
}


@pytest.mark.parametrize("kind", MAKERS)
def test_a_special_record_is_refused_by_a_whole_run(minimal_repo: Path, kind: str) -> None:
    relpath = f"{STATUS}/P09.yaml"
    MAKERS[kind](minimal_repo / relpath)
    refused(xuncha(minimal_repo, "validate"), relpath)
    refused(xuncha(minimal_repo, "validate"), relpath)  # the stored verdict says the same


@pytest.mark.parametrize("kind", ["fifo", "link-to-zero", "dangling-link", "folder-named-like-a-record"])
def test_a_special_record_named_on_the_command_line_is_refused(minimal_repo: Path, kind: str) -> None:
    relpath = f"{STATUS}/P09.yaml"
    MAKERS[kind](minimal_repo / relpath)
    refused(xuncha(minimal_repo, "validate", "--no-cache", str(minimal_repo / relpath)), relpath)


def test_a_symlinked_folder_is_refused_not_skipped(minimal_repo: Path) -> None:
    """A status folder that is a link to another one: the pull request shows a link, not records."""
    (minimal_repo / "rounds/2025-t-r1/t-unit/elsewhere").symlink_to("status")
    refused(xuncha(minimal_repo, "validate"), "rounds/2025-t-r1/t-unit/elsewhere")


def test_special_files_outside_record_names_are_refused_too(minimal_repo: Path) -> None:
    """An evidence folder that links out of the repository, a pipe among the evidence."""
    unit = minimal_repo / "rounds/2025-t-r1/t-unit"
    (unit / "evidence").mkdir()
    os.mkfifo(unit / "evidence/readme")
    (unit / "evidence/P02").symlink_to("/etc")
    result = xuncha(minimal_repo, "validate")
    refused(result, "rounds/2025-t-r1/t-unit/evidence/readme")
    refused(result, "rounds/2025-t-r1/t-unit/evidence/P02")


def test_a_cached_record_replaced_by_a_link_to_its_copy_is_refused(
    minimal_repo: Path, tmp_path: Path
) -> None:
    """The cache's stat path: the copy has the record's size and time, the link is still refused."""
    assert xuncha(minimal_repo, "validate", str(minimal_repo / RECORD)).returncode == 0  # caches P02
    copy = tmp_path / "copy.yaml"
    shutil.copy2(minimal_repo / RECORD, copy)
    (minimal_repo / RECORD).unlink()
    (minimal_repo / RECORD).symlink_to(copy)
    refused(xuncha(minimal_repo, "validate", str(minimal_repo / RECORD)), RECORD)
    refused(xuncha(minimal_repo, "validate"), RECORD)


def test_a_record_over_the_size_cap_is_refused_unread(minimal_repo: Path) -> None:
    record = minimal_repo / RECORD
    record.write_bytes(record.read_bytes() + b"# " + b"x" * (5 << 20) + b"\n")  # over the default 4 MB
    refused(xuncha(minimal_repo, "validate"), RECORD, "XC014")


def test_the_size_cap_comes_from_the_repository_config(minimal_repo: Path) -> None:
    (minimal_repo / "pyproject.toml").write_text("[tool.xuncha]\nrecord_max_mb = 0.0001\n", encoding="utf-8")
    result = xuncha(minimal_repo, "validate", "--no-cache")
    refused(result, RECORD, "XC014")
    assert "上限 104 字节" in result.stdout  # 0.0001 MB


def test_a_clerk_command_refuses_a_fifo_in_place_of_the_record(tmp_path: Path) -> None:
    """``xuncha progress`` reads the status file before it appends: a FIFO there must not hang it."""
    demo = make_demo(tmp_path)
    relpath = "rounds/2026-ch-r2/ch-jtj/status/P03.2.yaml"
    (demo / relpath).unlink()
    os.mkfifo(demo / relpath)
    note = ("--date", "2026-11-20", "--note", "已上线", "--by", "建设管理科")
    result = xuncha(demo, "progress", "2026-ch-r2/ch-jtj/P03.2", *note)
    refused(result, relpath)


def test_a_clerk_command_never_writes_through_a_symlinked_folder(tmp_path: Path) -> None:
    """Evidence filed into ``evidence/`` that links out of the repository: refused, nothing copied there."""
    demo = make_demo(tmp_path / "demo")
    outside = tmp_path / "outside"
    outside.mkdir()
    (demo / "rounds/2026-ch-r2/ch-jtj/evidence").symlink_to(outside)
    report = tmp_path / "报告.pdf"
    report.write_bytes(b"%PDF-1.4\n")
    note = ("--date", "2026-11-20", "--note", "已上线", "--by", "建设管理科", "--evidence", str(report))
    result = xuncha(demo, "progress", "2026-ch-r2/ch-jtj/P03.2", *note)
    refused(result, "rounds/2026-ch-r2/ch-jtj/evidence")
    assert list(outside.iterdir()) == []


def test_a_new_record_is_never_written_through_a_dangling_link(tmp_path: Path) -> None:
    demo = make_demo(tmp_path / "demo")
    relpath = "rounds/2026-ch-r2/ch-jtj/extensions.yaml"
    assert not (demo / relpath).exists()
    (demo / relpath).symlink_to(tmp_path / "written-outside.yaml")
    approval = ("--requested", "2026-11-01", "--approved-by", "第一巡察组", "--approved", "2026-11-05")
    result = xuncha(
        demo, "extend", "2026-ch-r2/ch-jtj/P03.2", "--to", "2027-06-30", "--reason", "协调", *approval
    )
    refused(result, relpath)
    assert not (tmp_path / "written-outside.yaml").exists()


def test_a_symlinked_data_folder_is_refused_not_walked(minimal_repo: Path, tmp_path: Path) -> None:
    """``units/`` itself a link to a folder elsewhere: refused by the run with and without a verdict."""
    shutil.move(minimal_repo / "units", tmp_path / "units")
    (minimal_repo / "units").symlink_to(tmp_path / "units")
    refused(xuncha(minimal_repo, "validate", "--no-cache"), "units")
    refused(xuncha(minimal_repo, "validate"), "units")
    refused(xuncha(minimal_repo, "validate"), "units")  # replayed

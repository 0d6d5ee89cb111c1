"""Property: whatever a careless edit does to a demo record, ``xuncha validate`` ends (a subprocess
timeout is the guard), never crashes (no traceback, no internal error, exit 0 or 1 only), and never
passes a file that PyYAML's safe loader rejects. Few examples, derandomized: the suite stays fast
and every run tries the same edits."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
GUARD_SECONDS = 60
XUNCHA = str(Path(sys.executable).with_name("xuncha"))
# What hand edits and pastes bring into a YAML file: its syntax, tags, anchors, tabs, junk bytes.
PIECES = [
    b":", b": ", b"- ", b"  ", b"\t", b"\n", b"#", b"&a ", b"*a", b"<<: *a\n", b"!!binary ",
    b"!!python/object/apply:os.system ", b"[", b"]", b"{", b"}", b",", b'"', b"'", b"|", b">",
    b"%YAML 1.1\n", b"---\n", b"...\n", b"? ", b"\\", b"\x00", b"\x1b", b"\xef\xbb\xbf", b"\xff\xfe",
    b"\xc3\x28", b"\xe4\xb8", "：".encode(), "待填写".encode(), b"2025-02-30", b"0512", b"yes", b"~",
    b"1e9999", b"&a [*a]",
]  # fmt: skip


def demo_records() -> list[str]:
    return sorted(
        p.relative_to(REPO).as_posix() for d in ("rounds", "units") for p in (REPO / d).rglob("*.yaml")
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo repository's data and schemas, copied once for all examples."""
    root = tmp_path_factory.mktemp("mutated") / "repo"
    for folder in ("rounds", "units", "schemas"):
        shutil.copytree(REPO / folder, root / folder)
    yield root


@st.composite
def edits(draw: st.DrawFn, raw: bytes) -> bytes:
    """One to four edits of ``raw``: insert a piece, delete a slice, repeat a slice, swap in random bytes."""
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(raw)))
        kind = draw(st.sampled_from(["insert", "delete", "repeat", "random"]))
        end = min(len(raw), at + draw(st.integers(1, 40)))
        if kind == "insert":
            raw = raw[:at] + draw(st.sampled_from(PIECES)) + raw[at:]
        elif kind == "delete":
            raw = raw[:at] + raw[end:]
        elif kind == "repeat":
            raw = raw[:end] + raw[at:end] * draw(st.integers(1, 3)) + raw[end:]
        else:
            raw = raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    return raw


def rejected_by_pyyaml(raw: bytes) -> bool:
    try:
        yaml.safe_load(raw)
    except (yaml.YAMLError, RecursionError):
        return True
    except ValueError:  # a timestamp-like text that is no date (2025-02-30): we keep such values as text
        return False
    return False


@settings(
    max_examples=30,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_validate_never_crashes_hangs_or_passes_what_pyyaml_rejects(demo: Path, data: st.DataObject) -> None:
    relpath = data.draw(st.sampled_from(demo_records()), label="record")
    path = demo / relpath
    original = (REPO / relpath).read_bytes()
    mutated = data.draw(edits(original), label="edited")
    path.write_bytes(mutated)
    try:
        done = subprocess.run(
            [XUNCHA, "--root", str(demo), "validate", str(path)],
            capture_output=True,
            text=True,
            timeout=GUARD_SECONDS,
            check=False,
        )
    finally:
        path.write_bytes(original)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr and "内部错误" not in done.stderr, done.stderr
    if rejected_by_pyyaml(mutated):
        assert done.returncode == 1, f"{relpath} passed, but PyYAML rejects it:\n{mutated!r}"
        assert relpath in done.stdout

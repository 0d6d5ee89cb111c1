"""The notice generated from seed 002's demo data reproduces the published notice (seed 002)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from xuncha.model.schemas import public_fields, schema_dir
from xuncha.pipeline import validate
from xuncha.render.notice import render_notice
from xuncha.render.public import PublicNotice, public_notices

REPO = Path(__file__).resolve().parents[2]
SEED = REPO.parent / "shared" / "seeds" / "002_90d6e857ca9ab101.txt"
HEADING = re.compile(r"^（[一二三四五六七八九十]+）")
ITEM = re.compile(r"^问题[一二三四五六七八九十]+：")


def plain(line: str) -> str:
    """A rendered Markdown line as the reader sees its text: no heading marks, escapes or entities."""
    line = re.sub(r"^#+ ", "", line.strip())
    line = re.sub(r"\n?\{ [^}]*\}$", "", line)
    return html.unescape(re.sub(r"\\(.)", r"\1", line)).replace("<br>", "\n")


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    if not SEED.is_file():
        pytest.skip(f"找不到种子文件 {SEED}")
    text = SEED.read_text(encoding="utf-8").replace("[bookmark: _GoBack]", "")
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def notice() -> PublicNotice:
    index = validate(REPO, use_cache=False).index
    found = [
        n
        for n in public_notices(index, public_fields(schema_dir(REPO)), "2024-06-11")
        if n.unit_id == "miluo-xcjg"
    ]
    assert len(found) == 1
    return found[0]


@pytest.fixture(scope="module")
def rendered(notice: PublicNotice) -> list[str]:
    return [plain(block) for block in render_notice(notice).split("\n\n") if block.strip()]


def test_title_and_intro(rendered: list[str], seed_lines: list[str]) -> None:
    assert rendered[0] == seed_lines[0]
    for fact in (
        "2023年9月6日至11月7日",
        "岳阳市委提级巡察组",
        "2023年12月14日",
        "4个方面13个问题",
        "岳阳市委巡察工作领导小组",
    ):
        assert fact in rendered[1]


def test_all_fourteen_headings_in_order(rendered: list[str], seed_lines: list[str]) -> None:
    expected = [line for line in seed_lines if HEADING.match(line)]
    assert len(expected) == 14
    assert [line for line in rendered if HEADING.match(line)] == expected


def test_sections_in_order(rendered: list[str]) -> None:
    sections = [line for line in rendered if re.match(r"^[一二三四]、", line)]
    assert sections == ["一、组织整改落实情况", "二、集中整改期内已完成的整改事项", "三、下一步整改工作安排"]


def test_problems_one_to_twenty_three_with_their_rectification(
    rendered: list[str], seed_lines: list[str]
) -> None:
    expected = _items(seed_lines)
    got = _items(rendered)
    assert len(expected) == 23
    assert [p for p, _ in got] == [p for p, _ in expected]
    for (problem, summary), (_, want) in zip(got, expected, strict=True):
        assert summary == want, problem


def _items(lines: list[str]) -> list[tuple[str, str]]:
    """(问题N：…, 整改情况：…) pairs in order."""
    return [
        (line, lines[i + 1])
        for i, line in enumerate(lines)
        if ITEM.match(line) and i + 1 < len(lines) and lines[i + 1].startswith("整改情况：")
    ]


def test_progress_sentence(rendered: list[str]) -> None:
    assert "截至6月7日，提级巡察反馈细化的23个问题，已完成整改23个。" in rendered


def test_organisation_and_next_steps_paragraphs(rendered: list[str], seed_lines: list[str]) -> None:
    start = seed_lines.index("一、组织整改落实情况")
    for paragraph in seed_lines[start + 1 : start + 4]:
        assert paragraph in rendered
    steps = seed_lines.index("三、下一步整改工作安排")
    for paragraph in seed_lines[steps + 1 : steps + 5]:
        assert paragraph in rendered


def test_contact_issuer_and_date(rendered: list[str], seed_lines: list[str]) -> None:
    closing = next(line for line in seed_lines if line.startswith("欢迎广大干部群众"))
    assert closing in rendered
    assert rendered[-1] == "中共汨罗市委巡察工作领导小组\n2024年6月11日"
    assert seed_lines[-2:] == ["中共汨罗市委巡察工作领导小组", "2024年6月11日"]


def test_open_items_get_their_own_section(notice: PublicNotice) -> None:
    """The same notice cut off before anything was done lists every item as still being rectified."""
    from dataclasses import replace

    from xuncha.render.public import OPEN

    early = replace(notice, leaves={k: replace(v, category=OPEN) for k, v in notice.leaves.items()})
    text = [plain(b) for b in render_notice(early).split("\n\n")]
    assert "二、正在推进的整改事项" in text
    assert "截至6月7日，提级巡察反馈细化的23个问题，已完成整改0个，正在整改23个。" in text
    assert "三、下一步整改工作安排" in text

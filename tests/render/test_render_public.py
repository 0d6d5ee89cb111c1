"""The public projection (allow-list), sign-off gating, escaping, and notices beyond seed 002's shape."""

from __future__ import annotations

from pathlib import Path

from xuncha.model.schemas import public_fields, schema_dir
from xuncha.render import Page, slot, splice
from xuncha.render.md import a, esc, h
from xuncha.render.notice import render_notice, render_round_summary
from xuncha.render.public import BASIC, DONE, OPEN, PublicLeaf, PublicNotice, missing_signoffs, project
from xuncha.render.public_site import public_pages

REPO = Path(__file__).resolve().parents[2]
SIGNED = [{"role": r, "date": "2025-01-01"} for r in ("巡察组组长", "被巡察党组织主要负责人", "巡察办")]


def test_project_keeps_only_allow_listed_paths() -> None:
    allowed = frozenset({("a",), ("b",), ("b", "x"), ("c",), ("c", "y")})
    data = {"a": 1, "secret": 2, "b": {"x": 3, "z": 4}, "c": [{"y": 5, "w": 6}, {"w": 7}]}
    assert project(data, allowed) == {"a": 1, "b": {"x": 3}, "c": [{"y": 5}, {}]}


def test_schema_allow_list_needs_every_parent_public() -> None:
    """plan.entries is internal, so its public-marked children (measures) stay internal too."""
    allow = public_fields(schema_dir(REPO))
    assert ("summary",) in allow["status"] and ("log",) not in allow["status"]
    assert not any(path[0] == "entries" for path in allow["plan"])
    assert not allow["clues"]


def test_missing_signoffs_counts_only_those_given_by_the_day() -> None:
    assert missing_signoffs(SIGNED, "2025-01-01") == ()
    assert missing_signoffs(SIGNED[:2], "2025-06-01") == ("巡察办",)
    assert missing_signoffs(SIGNED, "2024-12-31") == ("巡察组组长", "被巡察党组织主要负责人", "巡察办")


def test_escaping_makes_data_inert() -> None:
    text = "<script>alert(1)</script> *粗体* [链接](x) # 1. 标题 | 管道"
    assert "<script>" not in esc(text) and "\\*" in esc(text) and "| 管道" in esc(text)
    assert esc("- 列表") == "\\- 列表" and esc("3. 条目") == "3\\. 条目"
    assert h("<b>&") == "&lt;b&gt;&amp;"
    assert a("P01", "P01.md#x") == '<a href="P01.html#x">P01</a>'


def test_splice_puts_fragments_in_their_slots() -> None:
    page = Page("x.md", f"# t\n\n{slot(0)}\n\n{slot(1)}\n", ("<p>甲</p>", "<p>乙</p>"))
    assert splice(f"<h1>t</h1>\n{slot(0)}\n{slot(1)}", page.html) == "<h1>t</h1>\n<p>甲</p>\n<p>乙</p>"


def _notice(unit: str, states: dict[str, str], signoffs: tuple[str, ...] = ()) -> PublicNotice:
    feedback = {
        "announced": {"aspects": 1, "problems": 2},
        "aspects": [
            {
                "id": "A1",
                "title": "方面",
                "problems": [
                    {"id": "P01", "title": "问题甲", "refined": [{"id": "P01.1", "text": "细化一"}]},
                    {
                        "id": "P02",
                        "title": "问题乙",
                        "refined": [
                            {"id": "P02.1", "text": "细化二", "tasks": [{"id": "P02.1.1", "text": "任务"}]},
                            {"id": "P02.2", "text": "细化三"},
                        ],
                    },
                ],
            }
        ],
    }
    leaves = {
        leaf: PublicLeaf(leaf, state, {"summary": f"{leaf}的整改情况", "outcomes": {"rules_made": 2}}, {})
        for leaf, state in states.items()
    }
    return PublicNotice(
        round_id="2025-x-r1",
        unit_id=unit,
        notice={
            "title": f"{unit}通报",
            "as_of": "2025-09-30",
            "date": "2025-10-10",
            "issuer": "某党组",
            "organisation": ["一是……"],
            "next_steps": ["一是……"],
            "closing": "欢迎监督。",
        },
        round={
            "name": "第一轮巡察",
            "kind": "常规",
            "inspecting_body": "区委",
            "entry_date": "2025-03-01",
            "exit_date": "2025-05-01",
        },
        entry={"group": "第一巡察组", "feedback_date": "2025-06-20", "feedback_by": "区委巡察工作领导小组"},
        unit={"name": unit, "contact": {"phone": "0512-1"}},
        feedback=feedback,
        plan={},
        leaves=leaves,
        missing_signoffs=signoffs,
    )


def test_open_and_basic_items_and_counts() -> None:
    text = render_notice(_notice("甲单位", {"P01.1": DONE, "P02.1.1": BASIC, "P02.2": OPEN}))
    assert "截至9月30日，巡察反馈细化的3个问题，已完成整改1个，基本完成1个，正在整改1个。" in text
    assert "## 二、集中整改期内已完成的整改事项" in text and "## 三、正在推进的整改事项" in text
    assert "## 四、下一步整改工作安排" in text
    assert "整改情况（基本完成）：P02.1.1的整改情况" in text
    assert "1\\. 任务" in text  # the task is listed inside its item
    assert "问题三：细化三" in text  # numbering is global, not per section
    assert "联系电话：0512-1。" in text and "开展了巡察" in text


def test_public_pages_withhold_unsigned_and_sum_up_the_round() -> None:
    signed = _notice("甲单位", {"P01.1": DONE, "P02.1.1": DONE, "P02.2": OPEN})
    unsigned = _notice("乙单位", {"P01.1": DONE, "P02.1.1": DONE, "P02.2": DONE}, ("巡察办",))
    pages, withheld = public_pages([signed, unsigned], "2025-12-31")
    paths = {p.path for p in pages}
    assert "notices/2025-x-r1/甲单位/2025-10-10.md" in paths
    assert not any("乙单位" in p.path for p in pages)
    assert [w.message() for w in withheld] == [
        "未发布：2025-x-r1/乙单位《乙单位通报》——缺少“三把关”签署：巡察办"
    ]
    summary = next(p.html[0] for p in pages if p.path == "notices/2025-x-r1/index.md")
    assert "共有3个问题，已完成整改2个，基本完成0个，正在整改1个，整改完成率66.7%" in summary
    assert "建立制度6项" in summary and "乙单位" not in summary


def test_notice_dated_after_the_day_is_not_yet_published() -> None:
    pages, withheld = public_pages([_notice("甲单位", {"P01.1": DONE})], "2025-10-09")
    assert withheld and "晚于" in withheld[0].reason
    assert [p.path for p in pages] == ["index.md"]


def test_round_summary_needs_links_for_each_notice() -> None:
    text = render_round_summary([_notice("甲单位", {"P01.1": DONE})], ["甲单位/2025-10-10.md"])
    assert 'href="甲单位/2025-10-10.html"' in text

"""Internal pages from the demo data, rendered without MkDocs: structure, links, lights, charts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from xuncha.model.schemas import public_fields, schema_dir
from xuncha.pipeline import validate
from xuncha.render import Page
from xuncha.render.charts import columns, line, rate_bars
from xuncha.render.derive import enrich
from xuncha.render.sites import Site, internal_site
from xuncha.rules.rubrics import load_setting

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-23"


@pytest.fixture(scope="module")
def site() -> Site:
    index = validate(REPO, use_cache=False).index
    return internal_site(
        index, public_fields(schema_dir(REPO)), AS_OF, enrich(index, load_setting(REPO), AS_OF)
    )


def _page(site: Site, path: str) -> Page:
    return next(p for p in site.pages if p.path == path)


def test_nav_has_a_fixed_size_and_the_rounds_page_lists_every_round(site: Site) -> None:
    assert site.nav == [{"总览": "index.md"}, {"各轮巡察": "rounds/index.md"}]
    text = _page(site, "rounds/index.md").text
    for round_dir in (REPO / "rounds").iterdir():
        if (round_dir / "round.yaml").is_file():
            assert f'href="{round_dir.name}/index.html"' in text


def test_unit_page_tree_has_every_leaf_with_light_and_link(site: Site) -> None:
    page = _page(site, "rounds/2025-ch-r1/ch-ctjt/index.md")
    tree = page.html[0]
    for status in (REPO / "rounds/2025-ch-r1/ch-ctjt/status").glob("*.yaml"):
        assert f'href="{status.stem}.html"' in tree
    assert 'class="xc-lamp xc-blue"' in tree  # completed
    assert "data-search-exclude" in tree  # aspect headings are not search entries
    facts, rest = page.unindexed  # spliced in after search has read the page
    assert "质效评估" in rest and "总分" in rest  # the score sheet from the scorer
    assert "延期" in rest and "时限事项" in rest and "整改落实率" in facts
    assert not any(word in "".join(page.html) for word in ("质效评估", "整改落实率", "单位全称"))


def test_problem_page_body(site: Site) -> None:
    page = _page(site, "rounds/2025-ch-r1/ch-ctjt/P01.1.md")
    assert "search:\n  exclude: true" in page.text
    body = page.html[0]
    for heading in ("整改方案", "进展日志", "佐证材料", "整改情况", "督查督办"):
        assert f">{heading}</h2>" in body
    assert "延期E1" in body and "2026年6月30日" in body
    assert "竣工验收报告" in body


def test_overdue_problem_is_red_with_days(site: Site) -> None:
    red = [p for p in site.pages if p.html and "xc-red" in p.html[0] and "逾期" in p.html[0]]
    assert red, "演示数据中应有逾期未完成的问题"


def test_dashboard_lists_rates_and_charts(site: Site) -> None:
    text = _page(site, "index.md").text
    assert "整改落实率" in text and "各轮整改情况" in text
    assert "charts/all/rates.svg" in text and "search:\n  exclude: true" in text


def test_internal_notice_preview_shows_missing_signoffs(site: Site) -> None:
    page = _page(site, "rounds/2025-ch-r1/ch-ctjt/notices/N1.md")
    body = page.html[0]
    assert "尚未发布" in body and "缺少：巡察办" in body
    assert body.index("</h1>") < body.index("尚未发布") < body.index("<h2")  # under the title
    assert "search:\n  exclude: true" in page.text  # the public site indexes the notice


def test_charts_are_valid_svg() -> None:
    for svg in (
        rate_bars("各单位整改落实率", [("区发改委", 0.8), ("无问题单位", None)]),
        columns("逾期问题按逾期时长", [("1–30天", 3), ("31–90天", 0)]),
        line("整改完成进度", [("25年6月", 0.0), ("25年7月", 0.5), ("25年8月", 1.0)]),
    ):
        root = ET.fromstring(svg)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_progress_series_matches_the_state_on_each_month_end() -> None:
    from xuncha.render.internal import _month_ends, progress_series
    from xuncha.render.model import build_model
    from xuncha.render.progress import is_completed, state_on

    model = build_model(validate(REPO, use_cache=False).index, AS_OF)
    units = model.units()
    leaves = [x for u in units for x in u.leaves]
    start = min(str(u.entry["feedback_date"]) for u in units if u.entry.get("feedback_date"))
    expected = [
        (label, sum(is_completed(state_on(x.record, day)) for x in leaves) / len(leaves))
        for label, day in _month_ends(start, AS_OF)
    ]
    assert progress_series(units, AS_OF) == expected
    assert expected[-1][1] > expected[0][1]


def test_unit_page_shows_surveys_and_hearings(site: Site) -> None:
    _, rest = _page(site, "rounds/2025-ch-r1/ch-fgw/index.md").unindexed
    section = rest.split("群众参与", 1)[1].split("质效评估", 1)[0]
    # T1: 48 asked, 41 + 5 + 1 = 47 valid votes; T2: 30 asked, 22 + 5 + 2 + 1 = 30
    assert (
        "<td>T1</td><td>2026年9月10日</td><td>民主测评会</td><td>领导班子成员、中层干部、全体职工</td>"
        in section
    )
    assert "<td>48</td><td>47</td><td>满意41、基本满意5、不满意1</td>" in section
    assert "<td>30</td><td>30</td>" in section and "<td>H1</td>" in section and "<td>4</td>" in section
    empty = _page(site, "rounds/2025-ch-r1/ch-ctjt/index.md").unindexed[1]
    assert "没有满意度测评和质询答辩记录" in empty


def test_round_page_ranks_the_supervising_bodies(site: Site) -> None:
    page = _page(site, "rounds/2026-ch-r2/index.md")
    section = next(html for html in page.html if "监督单位" in html and "各项得分及依据" in html)
    for body in ("区纪委监委派驻第五纪检监察组", "东湖街道纪工委", "区委第二巡察组"):
        assert f"<td>{body}</td>" in section
    assert "1 对巡察整改材料严格审核把关：" in section and "xuncha score --supervisors" in section


def test_unit_page_shows_the_urging_letters(site: Site) -> None:
    _, rest = _page(site, "rounds/2025-ch-r1/ch-hxz/index.md").unindexed
    section = rest.split("督查督办", 1)[1].split("群众参与", 1)[0]
    # S4, drafted by `xuncha urge --as-of 2026-11-16`: five red items, a reply within 5 working days
    row = section.split("<td>督办函</td><td>2026年11月16日</td>", 1)[1].split("</tr>", 1)[0]
    assert "<td>5项</td><td>2026年11月23日</td>" in row and "P02.2" in row

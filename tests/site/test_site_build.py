"""Both sites built for real (``xuncha build`` → MkDocs with the generating hook) from the demo data."""

from __future__ import annotations

import gc
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from xuncha.cli.main import cli
from xuncha.pipeline import validate

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-23"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    out = tmp_path_factory.mktemp("site")
    result = CliRunner().invoke(cli, ["--root", str(REPO), "build", "--as-of", AS_OF, "--out", str(out)])
    return out, result


def _html(path: Path) -> str:
    assert path.is_file(), path
    return path.read_text(encoding="utf-8")


def test_build_succeeds_and_names_unsigned_notices(built: tuple[Path, Result]) -> None:
    _, result = built
    assert result.exit_code == 0, result.output
    assert "已生成内部状态网站" in result.output and "已生成公开通报网站" in result.output
    assert "未发布：2025-ch-r1/ch-ctjt" in result.output and "缺少“三把关”签署：巡察办" in result.output


def test_internal_pages_for_every_round_unit_and_leaf(built: tuple[Path, Result]) -> None:
    out, _ = built
    site = out / "internal"
    assert "整改落实率" in _html(site / "index.html")
    for round_dir in (REPO / "rounds").iterdir():
        assert (site / "rounds" / round_dir.name / "index.html").is_file()
        for status in round_dir.glob("*/status/*.yaml"):
            unit = status.parent.parent.name
            page = _html(site / "rounds" / round_dir.name / unit / f"{status.stem}.html")
            assert "进展日志" in page
    unit = _html(site / "rounds" / "2025-ch-r1" / "ch-ctjt" / "index.html")
    assert "xc-lamp" in unit and "质效评估" in unit and "延期" in unit


def test_navigation_stays_short(built: tuple[Path, Result]) -> None:
    """The nav has two entries whatever the data: a page never lists the rounds, units or problems."""
    out, _ = built
    page = _html(out / "internal" / "rounds" / "2023-yy-tiji" / "miluo-xcjg" / "P14.5.html")
    nav = page.split('class="md-nav md-nav--primary"', 1)[1].split("</nav>", 1)[0]
    assert len(re.findall(r'class="md-nav__link', nav)) <= 3
    assert "各轮巡察" in nav and "岳阳市委提级巡察" not in nav


def test_charts_are_svg_with_chinese_labels(built: tuple[Path, Result]) -> None:
    out, _ = built
    for name in ("rates", "overdue", "progress"):
        svg = (out / "internal" / "charts" / "all" / f"{name}.svg").read_text(encoding="utf-8")
        root = ET.fromstring(svg)
        assert root.tag.endswith("svg")
        assert re.search(r"[\u4e00-\u9fff]", svg)


def test_public_site_has_signed_notices_only(built: tuple[Path, Result]) -> None:
    out, _ = built
    site = out / "public"
    assert "问题二十三" in _html(site / "notices" / "2023-yy-tiji" / "miluo-xcjg" / "2024-06-11.html")
    assert not (site / "notices" / "2025-ch-r1" / "ch-ctjt").exists()
    assert "整改进展情况汇总" in _html(site / "notices" / "2025-ch-r1" / "index.html")
    index = _html(site / "index.html")
    assert "中共汨罗市委巡察机构关于巡察整改进展情况的通报" in index
    assert not list(site.rglob("*.yaml")) and not (site / "rounds").exists()


def test_no_external_references(built: tuple[Path, Result]) -> None:
    """No page loads or links to anything outside the site: no web fonts, no CDN, and no link a
    reader on the intranet could follow only to a dead end (the theme's "Made with" footer)."""
    out, _ = built
    pattern = re.compile(r'(?:src|href|action)="(?:[a-z][a-z0-9+.-]*:)?//', re.I)
    offenders = {
        f"{p.relative_to(out)}: {m.group(0)}"
        for p in out.rglob("*.html")
        for m in pattern.finditer(p.read_text(encoding="utf-8"))
    }
    assert offenders == set()
    assert not any("fonts.googleapis" in p.read_text(encoding="utf-8") for p in out.rglob("*.html"))


def test_html_parts_are_in_place_with_their_table_of_contents(built: tuple[Path, Result]) -> None:
    """Every slot is filled; pages written as HTML keep their sidebar table of contents."""
    out, _ = built
    left = [str(p) for p in out.rglob("*.html") if "xuncha:" in p.read_text(encoding="utf-8")]
    assert left == []
    unit = _html(out / "internal" / "rounds" / "2025-ch-r1" / "ch-ctjt" / "index.html")
    toc = unit.split('data-md-component="toc"', 1)[1].split("</nav>", 1)[0]
    assert "问题清单" in toc and "质效评估" in toc and 'href="#_8"' in toc
    notice = _html(out / "public" / "notices" / "2023-yy-tiji" / "miluo-xcjg" / "2024-06-11.html")
    toc = notice.split('data-md-component="toc"', 1)[1].split("</nav>", 1)[0]
    assert "一、组织整改落实情况" in toc and "（一）" in toc


def test_search_reads_problems_not_a_units_tables(built: tuple[Path, Result]) -> None:
    """A unit's tables are spliced in after indexing: its problems are entries, its facts and
    score sheet are not (the title is the page's entry)."""
    out, _ = built
    docs = json.loads(_html(out / "internal" / "search" / "search_index.json"))["docs"]
    unit = [d for d in docs if d["location"].startswith("rounds/2025-ch-r1/ch-ctjt/index.html")]
    assert any(d["location"].endswith("#p01-1") for d in unit)
    assert not any(word in d["text"] for d in docs for word in ("评分项", "应完成日期", "单位全称"))
    assert unit[0]["title"].replace("\u200b", "") == "区城投集团" and unit[0]["text"] == ""
    assert gc.get_freeze_count() == 0  # the build gave what it froze back to the collector


def test_public_search_finds_a_notice_by_its_problems_not_by_its_measures(built: tuple[Path, Result]) -> None:
    out, _ = built
    docs = json.loads(_html(out / "public" / "search" / "search_index.json"))["docs"]
    notice = "notices/2023-yy-tiji/miluo-xcjg/2024-06-11.html"
    texts = "".join(d["title"] + d["text"] for d in docs if d["location"].startswith(notice)).replace(
        "\u200b", ""
    )
    assert "问题二十三：" in texts and "汨罗市" in texts
    assert "一、组织整改落实情况" not in texts  # a heading with nothing indexed under it is no entry
    assert "整改情况：" not in texts and "截至6月7日" not in texts
    page = _html(out / "public" / notice)
    assert "整改情况：" in page and "截至6月7日" in page and "xuncha:unindexed" not in page


def test_search_reads_a_problems_text_once(built: tuple[Path, Result]) -> None:
    """A leaf whose short title is the start of its text is found under its id, the text read once;
    a leaf whose whole text is its title keeps it in the result's title."""
    out, _ = built
    docs = json.loads(_html(out / "internal" / "search" / "search_index.json"))["docs"]
    unit = "rounds/2023-yy-tiji/miluo-xcjg/index.html#"
    entries = {
        d["location"].removeprefix(unit): (d["title"].replace("\u200b", ""), d["text"].replace("\u200b", ""))
        for d in docs
        if d["location"].startswith(unit)
    }
    folder = validate(REPO, use_cache=False).index.folders[("2023-yy-tiji", "miluo-xcjg")]
    leaves = [node for node in folder.nodes.values() if node.is_leaf]
    long = [n for n in leaves if len(n.wording) > 30 and not n.data.get("title")]
    assert long and len(long) < len(leaves)
    for node in leaves:
        title, text = entries[node.id.lower().replace(".", "-")]
        if node in long:
            assert title == node.id and node.wording in text
        else:
            assert title == f"{node.id} {node.wording}" and node.wording not in text


def test_a_closed_unit_shows_its_closure_and_no_lights(built: tuple[Path, Result]) -> None:
    """The finished seed-002 round: its unit page says when and by whom it was closed, and the
    dashboard's overdue lists carry nothing of it."""
    out, _ = built
    unit = _html(out / "internal" / "rounds" / "2023-yy-tiji" / "miluo-xcjg" / "index.html")
    assert "2024年6月11日经中共汨罗市委巡察工作领导小组认定办结" in unit
    assert "xc-lamp xc-red" not in unit
    open_unit = _html(out / "internal" / "rounds" / "2025-ch-r1" / "ch-ctjt" / "index.html")
    assert "未办结（每日跟踪时限和红黄绿灯）" in open_unit
    dashboard = _html(out / "internal" / "index.html")
    assert "rounds/2025-ch-r1/" in dashboard and "rounds/2023-yy-tiji/miluo-xcjg" not in dashboard

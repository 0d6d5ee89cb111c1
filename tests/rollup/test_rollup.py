"""The rollup on three real member repositories (git, temp dirs) with different deadline profiles.

Every figure is checked against what the members' own ``xuncha score`` and ``xuncha overdue``
say; canary strings planted in clues and petitions must appear in no Parquet file and no output.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner, Result

from gitrepo import Git
from xuncha.cli.main import cli
from xuncha.model.schemas import exportable_fields
from xuncha.rollup.export import TABLES, unexportable

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-23"
CANARY = "金丝雀线索7F3A"
# member → (its rounds from the demo, its default deadline profile)
MEMBERS = {
    "澄湖区": (("2025-ch-r1", "2026-ch-r2"), "wujiang"),
    "星海县": (("2025-xh-r1",), "xinghai"),
    "汨罗市": (("2023-yy-tiji",), "xinghai"),
}


def xuncha(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def member_repo(root: Path, rounds: tuple[str, ...], profile: str) -> Path:
    """A copy of the demo holding only ``rounds``, with its own default profile, committed."""
    root.mkdir(parents=True)
    for part in ("schemas", "units"):
        shutil.copytree(REPO / part, root / part)
    for round_id in rounds:
        shutil.copytree(REPO / "rounds" / round_id, root / "rounds" / round_id)
    config = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    (root / "pyproject.toml").write_text(re.sub(r'(?m)^profile = ".*"$', f'profile = "{profile}"', config))
    for clues in root.glob("rounds/*/*/clues.yaml"):
        _plant(clues)
    Git(root).init()
    return root


def _plant(clues: Path) -> None:
    """Canary text in every clue's and petition's free text."""
    data = yaml.safe_load(clues.read_text(encoding="utf-8"))
    for key in ("clues", "petitions"):
        for item in data.get(key, []):
            item["outcome"] = f"{CANARY}：{item.get('outcome', '')}"
    clues.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@dataclass(frozen=True)
class City:
    base: Path
    members: dict[str, Path]
    manifest: Path
    db: Path
    result: Result


def write_manifest(path: Path, members: list[dict[str, str]]) -> Path:
    document = {"name": "示例市", "level": "市", "members": members}
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> City:
    base = tmp_path_factory.mktemp("city")
    repos = {name: member_repo(base / f"m{i}", *spec) for i, (name, spec) in enumerate(MEMBERS.items())}
    # 星海县 is read from git at a ref: what is not committed there does not count
    (repos["星海县"] / "units" / "broken.yaml").write_text("id: [\n", encoding="utf-8")
    entries = [
        {"name": "澄湖区", "path": "m0", "site": "../m0/site/internal/index.html", "parent": "甲市"},
        {"name": "星海县", "git": str(repos["星海县"]), "ref": "main", "parent": "示例市"},
        {"name": "汨罗市", "path": "m2"},
    ]
    manifest = write_manifest(base / "rollup.yaml", entries)
    db = base / "city.duckdb"
    result = xuncha("rollup", manifest, "--as-of", AS_OF, "--format", "json", "--db", db)
    return City(base, repos, manifest, db, result)


def rollup_json(city: City) -> dict[str, Any]:
    assert city.result.exit_code == 0, city.result.output
    return dict(json.loads(city.result.stdout))


def test_every_exported_column_is_marked_exportable_in_the_schemas() -> None:
    assert unexportable(exportable_fields(REPO / "schemas")) == []
    assert exportable_fields(REPO / "schemas")["clues"] == set()


def test_each_members_unit_rates_and_scores_are_its_own_xuncha_score(city: City) -> None:
    rollup_json(city)
    with duckdb.connect(str(city.db), read_only=True) as con:
        for name, (rounds, _) in MEMBERS.items():
            for round_id in rounds:
                own = json.loads(xuncha("--root", city.members[name], "score", round_id, "--as-of", AS_OF,
                                        "--format", "json").stdout)  # fmt: skip
                assert own, round_id
                rows = con.execute(
                    "SELECT s.unit, s.total, s.rate, round(avg(p.completed::INT), 4) FROM scores s"
                    " JOIN problems p USING (jurisdiction, round, unit)"
                    " WHERE s.jurisdiction = ? AND s.round = ? GROUP BY ALL",
                    [name, round_id],
                ).fetchall()
                ours = {unit: (total, rate, counted) for unit, total, rate, counted in rows}
                for sheet in own:
                    total, rate, counted = ours[sheet["unit"]]
                    assert (total, rate) == (sheet["total"], sheet["rectification_rate"]), sheet["unit"]
                    assert counted == sheet["rectification_rate"], sheet["unit"]


def test_each_members_overdue_counts_are_its_own_xuncha_overdue(city: City) -> None:
    members = {m["name"]: m for m in rollup_json(city)["members"]}
    ages = {row["member"]: row for row in rollup_json(city)["overdue_by_age"]}
    assert set(members) == set(MEMBERS)
    parts = city.db.parent / f"{city.db.stem}.parquet"
    exported = Counter(
        row["jurisdiction"]
        for path in parts.rglob("obligations.parquet")
        for row in pq.read_table(path).to_pylist()
    )
    confidential = 0
    for name, repo in city.members.items():
        own = json.loads(xuncha("--root", repo, "overdue", "--as-of", AS_OF, "--format", "json").stdout)
        shared = [o for o in own["obligations"] if o["category"] != "线索"]
        assert exported[name] == len(shared), name  # the whole daily list, follow-ups included
        overdue = [o for o in shared if o["state"] == "overdue"]
        red = [o for o in overdue if o["rule"] == "problem"]
        confidential += len(own["obligations"]) - len(shared)
        assert overdue, name
        assert members[name]["overdue"] == len(overdue), name
        assert members[name]["red_problems"] == len(red), name
        assert sum(v for k, v in ages[name].items() if k != "member") == len(overdue), name
        late = sum(1 for o in overdue if o["days"] > 180)
        assert ages[name]["180天以上"] == late, name
    assert confidential  # clue deadlines (wujiang) exist, and are left out of the rollup


def test_member_rate_is_completed_over_all_leaves_and_ranks_follow_it(city: City) -> None:
    members = rollup_json(city)["members"]
    with duckdb.connect(str(city.db), read_only=True) as con:
        for m in members:
            leaves, done = con.execute(
                "SELECT count(*), count(*) FILTER (WHERE state IN ('已完成', '已销号')) FROM problems"
                " WHERE jurisdiction = ?",
                [m["name"]],
            ).fetchone() or (0, 0)
            assert (m["problems"], m["completed"]) == (leaves, done) and leaves > 0
            assert m["rectification_rate"] == round(done / leaves, 4)
    rates = [m["rectification_rate"] for m in members]
    assert rates == sorted(rates, reverse=True)
    assert [m["rank"] for m in members] == [1, 2, 3]


def test_a_member_read_at_a_ref_ignores_its_uncommitted_files_and_records_the_commit(city: City) -> None:
    members = {m["name"]: m for m in rollup_json(city)["members"]}
    head = Git(city.members["星海县"]).run("rev-parse", "HEAD")
    assert members["星海县"]["commit"] == head
    assert members["澄湖区"]["commit"] == Git(city.members["澄湖区"]).run("rev-parse", "HEAD")
    assert members["汨罗市"]["parent"] == "示例市"


def test_unit_types_and_parents_add_up_to_the_members(city: City) -> None:
    document = rollup_json(city)
    by_parent: dict[str, list[dict[str, Any]]] = {}
    for m in document["members"]:
        by_parent.setdefault(m["parent"], []).append(m)
    parents = {g["parent"]: (g["members"], g["problems"], g["completed"]) for g in document["parents"]}
    assert parents == {
        parent: (len(ms), sum(m["problems"] for m in ms), sum(m["completed"] for m in ms))
        for parent, ms in by_parent.items()
    }
    assert set(parents) == {"甲市", "示例市"}
    types = document["unit_types"]
    for m in document["members"]:
        mine = [t for t in types if t["member"] == m["name"]]
        assert sum(t["problems"] for t in mine) == m["problems"]
        assert sum(t["completed"] for t in mine) == m["completed"]
    for overall in (t for t in types if t["member"] is None):
        parts = [t for t in types if t["unit_type"] == overall["unit_type"] and t["member"] is not None]
        assert overall["problems"] == sum(t["problems"] for t in parts)


def test_longest_red_units_are_the_members_oldest_overdue_problems(city: City) -> None:
    document = rollup_json(city)
    longest = document["longest_red"]
    assert longest and [u["days"] for u in longest] == sorted((u["days"] for u in longest), reverse=True)
    top = longest[0]
    where = ("--unit", top["unit"], "--round", top["round"])
    own = json.loads(xuncha("--root", city.members[top["member"]], "overdue", "--as-of", AS_OF, *where,
                            "--format", "json").stdout)  # fmt: skip
    red = [o for o in own["obligations"] if o["rule"] == "problem" and o["state"] == "overdue"]
    assert top["days"] == max(o["days"] for o in red) and top["red_problems"] == len(red)
    assert top["since"] == min(o["due"] for o in red)


def parquet_text(folder: Path) -> Iterator[str]:
    for path in sorted(folder.rglob("*.parquet")):
        for row in pq.read_table(path).to_pylist():
            yield from (str(v) for v in row.values())


def test_no_clue_or_petition_text_reaches_parquet_or_any_output(city: City) -> None:
    parts = city.db.parent / f"{city.db.stem}.parquet"
    files = list(parts.rglob("*.parquet"))
    assert len(files) == len(MEMBERS) * len(TABLES)
    assert not any(CANARY in text for text in parquet_text(parts))
    assert CANARY not in city.result.output
    for output in ("text", "markdown"):
        shown = xuncha(
            "rollup", city.manifest, "--as-of", AS_OF, "--format", output, "--db", city.base / "t.duckdb"
        )
        assert shown.exit_code == 0 and "整改落实率" in shown.stdout and CANARY not in shown.output
    # the canary is really there to find: the members' own clue files hold it
    assert CANARY in (city.members["澄湖区"] / "rounds/2025-ch-r1/ch-fgw/clues.yaml").read_text(
        encoding="utf-8"
    )
    with duckdb.connect(str(city.db), read_only=True) as con:
        for kind in TABLES:
            assert not [r for r in con.execute(f"SELECT * FROM {kind}").fetchall() if CANARY in str(r)], kind


def test_a_member_failing_validation_is_named_and_left_out(city: City, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(city.members["汨罗市"], bad)
    status = next(bad.glob("rounds/*/*/status/*.yaml"))
    status.write_text(status.read_text(encoding="utf-8") + "state: [\n", encoding="utf-8")
    entries = [{"name": "汨罗市", "path": str(city.members["汨罗市"])}, {"name": "坏县", "path": str(bad)}]
    manifest = write_manifest(tmp_path / "m.yaml", entries)
    result = xuncha("rollup", manifest, "--as-of", AS_OF, "--format", "json", "--db", tmp_path / "r.duckdb")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert [m["name"] for m in document["members"]] == ["汨罗市"]
    assert [o["name"] for o in document["left_out"]] == ["坏县"]
    assert "校验未通过" in document["left_out"][0]["reasons"][0] and status.name in result.stderr
    with duckdb.connect(str(tmp_path / "r.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM problems WHERE jurisdiction = '坏县'").fetchone() == (0,)


def test_a_bad_manifest_is_reported_in_chinese_with_its_line(tmp_path: Path) -> None:
    manifest = tmp_path / "m.yaml"
    manifest.write_text("name: 示例市\nmembers:\n  - name: 甲县\n    path: a\n    git: b\n    ref: main\n"
                        "  - name: 甲县\n    path: c\n    colour: red\n", encoding="utf-8")  # fmt: skip
    result = xuncha("rollup", manifest, "--as-of", AS_OF, "--db", tmp_path / "r.duckdb")
    assert result.exit_code == 1
    assert "m.yaml:9:13: XC105" in result.stderr and "colour" in result.stderr
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("    colour: red\n", ""), encoding="utf-8"
    )
    result = xuncha("rollup", manifest, "--as-of", AS_OF, "--db", tmp_path / "r.duckdb")
    assert result.exit_code == 1
    assert "XC901" in result.stderr and "须且只须填写 path 或 git 之一" in result.stderr
    assert "XC902" in result.stderr and "甲县" in result.stderr
    assert not (tmp_path / "r.duckdb").exists()
    missing = xuncha("rollup", tmp_path / "none.yaml", "--db", tmp_path / "r.duckdb")
    assert missing.exit_code == 2 and "汇总清单" in missing.stderr and "不存在" in missing.stderr


def test_export_parquet_stamps_every_row_and_refuses_unmarked_columns(
    minimal_repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done = xuncha("--root", minimal_repo, "export-parquet", out, "--as-of", AS_OF, "--jurisdiction", "甲县")
    assert done.exit_code == 0, done.output
    problems = pq.read_table(out / "problems.parquet").to_pylist()
    assert problems and {(p["jurisdiction"], str(p["as_of"]), p["commit"]) for p in problems} == {
        ("甲县", AS_OF, "")
    }
    older = shutil.copytree(minimal_repo, tmp_path / "older")  # schemas from before x-export
    schema = older / "schemas" / "reports.schema.json"
    schema.write_text(schema.read_text(encoding="utf-8").replace('"x-export": true', '"x-export": false'))
    refused = xuncha("--root", older, "export-parquet", tmp_path / "again", "--as-of", AS_OF)
    assert refused.exit_code == 1 and "reports.reports.kind" in refused.stderr
    assert not (tmp_path / "again").exists()


def test_build_rollup_adds_a_dashboard_linking_each_member_to_its_own_site(city: City) -> None:
    """A real ``mkdocs build`` of a member's internal site with the city's rollup page added."""
    root = city.members["汨罗市"]
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "docs", root / "docs", dirs_exist_ok=True)
    (root / "tools").symlink_to(REPO / "tools")  # mkdocs.yml names the hook by its path
    out = city.base / "site"
    built = xuncha("--root", root, "build", "--as-of", AS_OF, "--rollup", city.manifest, "--out", out)
    assert built.exit_code == 0, built.output
    assert "已生成内部状态网站" in built.output and not (out / "public").exists()
    page = (out / "internal" / "rollup" / "index.html").read_text(encoding="utf-8")
    members = rollup_json(city)["members"]
    for m in members:
        assert f">{m['name']}<" in page
        assert f"<td>{m['problems']}</td><td>{m['completed']}</td>" in page
    assert page.count('<a href="../m0/site/internal/index.html">澄湖区</a>') >= 2  # the rate and age tables
    assert "xc-kpis" in page and 'href="../assets/xuncha.css"' in page  # the county dashboard's look
    assert CANARY not in page
    fetched = re.findall(r'<(?:script|img|link|iframe|source)\b[^>]*(?:src|href)="(?:https?:)?//', page)
    assert "<script" in page and not fetched  # offline: nothing is fetched from elsewhere
    dashboard = (out / "internal" / "index.html").read_text(encoding="utf-8")
    assert 'href="rollup/index.html"' in dashboard  # in the navigation of every page


def test_spark_reads_the_same_snapshots_to_the_same_rates(city: City) -> None:
    """Optional: the national view's other engine over the same Parquet layout (needs pyspark and Java)."""
    if shutil.which("java") is None:
        pytest.skip("没有 Java（Debian default-jre-headless）：跳过 pyspark 对照")
    pyspark_sql = pytest.importorskip("pyspark.sql")
    parts = city.db.parent / f"{city.db.stem}.parquet"
    spark = pyspark_sql.SparkSession.builder.master("local[1]").appName("xuncha").getOrCreate()
    try:
        spark.read.parquet(str(parts / "*" / "problems.parquet")).createOrReplaceTempView("problems")
        rows = spark.sql(
            "SELECT jurisdiction, count(*) AS n, sum(CASE WHEN completed THEN 1 ELSE 0 END) AS done"
            " FROM problems GROUP BY jurisdiction"
        ).collect()
    finally:
        spark.stop()
    members = {m["name"]: (m["problems"], m["completed"]) for m in rollup_json(city)["members"]}
    assert {r["jurisdiction"]: (r["n"], r["done"]) for r in rows} == members

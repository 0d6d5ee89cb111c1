"""Field values and clauses as a reviewer reads them, in Chinese."""

from __future__ import annotations

from collections.abc import Iterator

from xuncha.model.index import Json

NONE = "（无）"


def show(value: object) -> str:
    """A field value as a reviewer reads it."""
    if value is None or value == [] or value == "":
        return NONE
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(show(v) for v in value)
    if isinstance(value, dict):
        return " ".join(show(v) for v in value.values())
    return str(value)


def parts(*clauses: str) -> str:
    """Clauses joined with "；" (a clause's own final "。" would read as "。；")."""
    return "；".join(c.rstrip("。") for c in clauses if c)


def comma(*items: object) -> str:
    return "，".join(str(i) for i in items if i)


def evidence(entry: Json) -> str:
    titles = [str(e["title"]) for e in entry.get("evidence", [])]
    return f"佐证：{'、'.join(titles)}" if titles else ""


def labelled(label: str, value: object) -> str:
    return f"{label}：{value}" if value else ""


def outcome(item: Json) -> str:
    """``通过（2025-07-18，区委第一巡察组）`` for a submission that has a result."""
    details = comma(item.get("result_date"), item.get("reviewer"))
    return f"{item['result']}（{details}）" if details else str(item["result"])


def submissions(label: str, old: list[Json], new: list[Json]) -> Iterator[str]:
    """A line for each new submission of the plan or a report, and for each new review result."""
    for i, item in enumerate(new):
        previous = old[i] if i < len(old) else None
        if previous is None:
            verdict = f"；审核结果：{outcome(item)}" if item.get("result") else ""
            yield f"{label}报送（{item['date']}）{verdict}"
        elif item.get("result") and item != previous:
            yield f"{label}审核结果：{outcome(item)}"

"""The supervising bodies of a round scored with a supervisor rubric (seed 004), by the units' scorer.

Who answers for which folder comes from the record: each unit's ``supervisors``
(units/*.yaml) and the round's inspection ``group`` per unit (round.yaml). The
obligations are the deadline engine's for the round; the git history arrives as
:class:`~xuncha.rules.supervisor_metrics.Merge` rows read by the shell (None: no history).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from xuncha.model.index import Folder, Index
from xuncha.model.merges import GROUP, SUPERVISOR, Merge
from xuncha.rules import scoring
from xuncha.rules.deadlines import Obligation
from xuncha.rules.rubrics import Rubric, Setting
from xuncha.rules.scoring import Sheet
from xuncha.rules.supervisor_metrics import BodyContext, Duty, compute

NO_HISTORY = "没有 git 历史：合并请求是否及时审核、是否未经审核直接推送（第1.2、1.3项和销号是否经审核）未计入"


def duties(index: Index, round_id: str) -> dict[str, list[Duty]]:
    """Each body of the round and the folders it answers for, in the order the round lists its units."""
    found: dict[str, list[Duty]] = {}
    for entry in index.rounds[round_id].data.get("units", []):
        unit_id = str(entry["unit"])
        folder = index.folders.get((round_id, unit_id)) or Folder(round_id, unit_id)
        feedback = entry.get("feedback_date")
        day = date.fromisoformat(feedback) if isinstance(feedback, str) else None
        unit = index.units.get(unit_id)
        for body in unit.data.get("supervisors", []) if unit else []:
            found.setdefault(str(body), []).append(Duty(folder, SUPERVISOR, day))
        if entry.get("group"):
            found.setdefault(str(entry["group"]), []).append(Duty(folder, GROUP, day))
    return found


def score_supervisors(
    index: Index,
    setting: Setting,
    rubric: Rubric,
    round_id: str,
    as_of: date,
    merges: Iterable[Merge] | None,
) -> list[Sheet]:
    """One sheet per body (``unit`` and ``unit_name`` are the body's name); CalendarGap propagates."""
    schedule = scoring.round_schedule(index, setting, round_id, as_of)
    by_unit: dict[str | None, list[Obligation]] = {}
    for o in schedule.obligations:
        by_unit.setdefault(o.unit, []).append(o)
    history = None if merges is None else tuple(m for m in merges if m.round == round_id)
    notes = [f"{f.file}：{f.message}（相关时限未计入）" for f in schedule.findings]
    notes += [NO_HISTORY] if history is None else []
    sheets = []
    for body, mine in duties(index, round_id).items():
        supervised = [d.folder.unit for d in mine if d.role == SUPERVISOR]
        obligations = tuple(o for unit in supervised for o in by_unit.get(unit, ()))
        ctx = BodyContext(body, tuple(mine), as_of, obligations, history, setting.calendar, rubric.parameters)
        found = compute(ctx, scoring.needed_metrics(rubric))
        day = as_of.isoformat()
        sheets.append(
            scoring.sheet(
                rubric, found, None, round_id=round_id, unit_id=body, unit_name=body, as_of=day, notes=notes
            )
        )
    return sheets

"""Where records live: the repository layout decides each file's kind (and schema)."""

from __future__ import annotations

from dataclasses import dataclass

DATA_ROOTS = ("rounds", "units")  # the folders records live in
REST = ""  # the partition of everything outside a round's folder: see partition_of

UNIT_FOLDER_KINDS = frozenset(
    {"feedback", "plan", "extensions", "reports", "clues", "supervision", "assessment", "participation"}
)


@dataclass(frozen=True)
class Place:
    """What a path says about its record: kind, round, unit and (for status/notice) the stem."""

    kind: str
    round: str | None = None
    unit: str | None = None
    stem: str | None = None


def place_of(relpath: str) -> Place | None:
    """The kind of record at ``relpath`` (POSIX, relative to the repo), or None if unknown.

    units/U.yaml · rounds/R/round.yaml · rounds/R/U/<kind>.yaml ·
    rounds/R/U/status/<problem>.yaml · rounds/R/U/notices/<N>.yaml
    """
    parts = [part for part in relpath.split("/") if part not in ("", ".")]  # PurePosixPath's parts, faster
    if not parts or not parts[-1].endswith(".yaml"):
        return None
    stem = parts[-1][: -len(".yaml")]
    if parts[0] == "units" and len(parts) == 2:
        return Place("unit", stem=stem)
    if parts[0] != "rounds":
        return None
    if len(parts) == 3 and stem == "round":
        return Place("round", round=parts[1])
    if len(parts) == 4 and stem in UNIT_FOLDER_KINDS:
        return Place(stem, round=parts[1], unit=parts[2])
    if len(parts) == 5 and parts[3] == "status":
        return Place("status", round=parts[1], unit=parts[2], stem=stem)
    if len(parts) == 5 and parts[3] == "notices":
        return Place("notice", round=parts[1], unit=parts[2], stem=stem)
    return None


def partition_of(relpath: str) -> str:
    """The round whose folder holds ``relpath`` (``rounds/R/…``), else :data:`REST` (units, files
    beside the round folders, schemas, rule data, config).

    The cross-file rules are round-local: a finding in round R's folder depends only on that
    folder, the units and the rest; a finding elsewhere, only on the units and the rest. So a
    round is checked, cached and re-checked as a whole without the other rounds (``pipeline``).
    """
    if relpath.startswith("rounds/"):
        parts = relpath.split("/", 2)
        if len(parts) == 3 and parts[1] and parts[2]:
            return parts[1]
    return REST


def schema_globs() -> dict[str, list[str]]:
    """File patterns per schema, for editors (.vscode/settings.json) and docs."""
    globs = {
        "unit": ["units/*.yaml"],
        "round": ["rounds/*/round.yaml"],
        "status": ["rounds/*/*/status/*.yaml"],
        "notice": ["rounds/*/*/notices/*.yaml"],
    }
    for kind in sorted(UNIT_FOLDER_KINDS):
        globs[kind] = [f"rounds/*/*/{kind}.yaml"]
    return globs

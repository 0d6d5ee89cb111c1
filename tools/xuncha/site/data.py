"""What a site build reads, loaded once per process while the files stay unchanged.

``xuncha build`` makes both sites in one process and ``xuncha serve`` rebuilds
on every save: both ask for the same validated index again, so it is kept,
keyed on the stamps of everything a verdict depends on (:func:`xuncha.load.verdict.inputs`:
data, schemas, xuncha's code and rule data, config, libraries). The index
is all a site needs: the cross-file rules are ``xuncha validate``'s job, and a
file that fails to load or validate is left out (``Index.broken``).

So are the notices, projected and rendered (:func:`drafts`): the internal site shows
them as previews, the public one publishes them. The theme's templates are kept too
(:data:`TEMPLATES`): every build makes a new Jinja environment, which would compile
them all again.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from xuncha.load import verdict
from xuncha.pipeline import Report, validate
from xuncha.render.sites import Allow, Drafts, draft
from xuncha.rules.rubrics import Setting, load_setting

_LOADED: dict[Path, tuple[verdict.Stamp, Report, Setting]] = {}


def load(root: Path) -> tuple[Report, Setting]:
    """The validated repository and the scoring/deadline rules, reused while nothing changed."""
    stamp = verdict.inputs(root).stamps
    kept = _LOADED.get(root)
    if kept is not None and kept[0] == stamp:
        return kept[1], kept[2]
    report, setting = validate(root, cross_checks=False), load_setting(root)
    _LOADED[root] = (stamp, report, setting)
    return report, setting


_DRAFTED: dict[tuple[Path, str], tuple[Report, Drafts]] = {}


def drafts(root: Path, report: Report, allow: Allow, as_of: str) -> Drafts:
    """The notices of the loaded repository, projected and rendered once for both sites of a build."""
    kept = _DRAFTED.get((root, as_of))
    if kept is not None and kept[0] is report:
        return kept[1]
    made = draft(report.index, allow, as_of)
    _DRAFTED[(root, as_of)] = (report, made)
    return made


class _Compiled(jinja2.BytecodeCache):
    """Compiled templates in memory, for the process (Jinja checks each one's source checksum)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = _Compiled()

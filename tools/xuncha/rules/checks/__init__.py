"""Cross-file rules: each a small function over the index yielding findings.

``RULES`` is the one registry; a rule never raises and never reads files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from xuncha.model.findings import Finding
from xuncha.model.index import Index
from xuncha.rules.checks import assessment, closure, dates, evidence, identity, lifecycle, references

Rule = Callable[[Index], Iterator[Finding]]

RULES: tuple[Rule, ...] = (
    *identity.RULES,
    *references.RULES,
    *dates.RULES,
    *lifecycle.RULES,
    *assessment.RULES,
    *closure.RULES,
    *evidence.RULES,
)


def run_all(index: Index) -> list[Finding]:
    """Every rule over the index, in registry order."""
    return [finding for rule in RULES for finding in rule(index)]

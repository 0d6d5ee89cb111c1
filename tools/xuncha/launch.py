"""The ``xuncha`` entry point: answer a repeated ``xuncha validate`` before loading anything else.

Clerks, editors and scripts run ``xuncha validate`` over and over, and most runs follow
one that changed nothing: the answer is already on disk (:mod:`xuncha.verdict`). Python
starts in about 20 ms; click and the pipeline would take several times that. So the plain
forms of the command — ``[--root DIR] validate [--format text|json] [--strict]`` — are
answered here when a verdict still holds. Everything else, and anything in doubt, goes to
the click command (:func:`xuncha.cli.main`), which answers the same way, only slower.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    request = plain_validate(sys.argv[1:])
    code = replay(*request) if request is not None else None
    if code is not None:
        sys.exit(code)
    from .cli import main as full

    full()


def plain_validate(args: list[str]) -> tuple[str | None, str, bool] | None:
    """(--root, --format, --strict) of a whole-repository ``validate``; None for any other command line."""
    root: str | None = None
    if args[:1] == ["--root"] and len(args) > 1:
        root, args = args[1], args[2:]
    elif args[:1] and args[0].startswith("--root="):
        root, args = args[0].removeprefix("--root="), args[1:]
    if args[:1] != ["validate"]:
        return None
    output, strict, rest = "text", False, args[1:]
    while rest:
        option, rest = rest[0], rest[1:]
        if option == "--strict":
            strict = True
        elif option == "--format" and rest[:1] in (["text"], ["json"]):
            output, rest = rest[0], rest[1:]
        elif option in ("--format=text", "--format=json"):
            output = option.removeprefix("--format=")
        else:
            return None  # paths, --no-cache, --jobs, --help, a mistake: click's job
    return root, output, strict


def replay(root: str | None, output: str, strict: bool) -> int | None:
    """Print the stored verdict and return the exit code, if the verdict still holds."""
    from . import root as repository_root
    from . import validate_text, verdict

    try:
        found = repository_root.find(os.path.realpath(root or os.getcwd()))
    except OSError:
        return None
    if found is None:
        return None  # click says what is wrong
    replayed = verdict.replay(found)
    if replayed is None:
        return None
    out, err = validate_text.rendered(replayed.findings, replayed.files, replayed.files, output)
    sys.stdout.write(out)
    sys.stderr.write(err)
    return validate_text.exit_code(replayed.findings, strict)

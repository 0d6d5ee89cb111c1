"""The ``xuncha`` entry point: answer a plain ``xuncha validate`` without loading click.

Clerks, editors and scripts run ``xuncha validate`` over and over, and most runs follow
one that changed nothing: the answer is already on disk (:mod:`xuncha.load.verdict`). Python
starts in about 20 ms; click and the pipeline would take several times that. So the plain
forms of the command — ``[--root DIR] validate [--format text|json] [--strict]`` — are
answered here: by the stored verdict when it still holds, else by a run of the pipeline
itself (click and the command modules are a tenth of a cold run of 1,000 problems).
Everything else, and anything in doubt, goes to the click command (:func:`xuncha.cli.main.main`),
which answers the same way.
"""

from __future__ import annotations

import gc
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is a tenth of a replayed run's start-up
    from typing import NoReturn

EXIT_USAGE = 2  # usage and internal errors (the click command uses this one too)


def main() -> None:
    request = plain_validate(sys.argv[1:])
    code = answer(*request) if request is not None else None
    if code is not None:
        finish(code)
    from xuncha.cli.main import main as full

    full()


def finish(code: int) -> NoReturn:
    """Exit without the interpreter's teardown, which after a cold run frees the parsed data
    object by object (~40 ms of 1,000 problems). Every file written is closed by now: only
    the standard streams are left to flush."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe (`xuncha validate | head`): nothing more can be said
        pass
    os._exit(code)


def internal_error(error: BaseException) -> str:
    """What a clerk sees instead of a traceback (which XUNCHA_DEBUG=1 prints as well)."""
    if os.environ.get("XUNCHA_DEBUG"):
        import traceback  # only on an internal error: keeps start-up lean

        traceback.print_exception(error)
    return f"内部错误：{type(error).__name__}: {error}（设置 XUNCHA_DEBUG=1 可查看详情，请报告此问题）"


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


def answer(root: str | None, output: str, strict: bool) -> int | None:
    """Validate the repository, print as the click command would and return the exit code;
    None when there is no repository to validate (click then says what is wrong)."""
    from xuncha.model import root as repository_root

    try:
        found = repository_root.find(os.path.realpath(root or os.getcwd()))
    except OSError:
        return None
    if found is None:
        return None
    collecting = gc.isenabled()
    gc.disable()  # imports and run only add objects, no cycles (see xuncha.load.collector)
    try:
        out, err, code = replay(found, output, strict) or validated(found, output, strict)
    except KeyboardInterrupt:
        sys.stderr.write("\n已中止。\n")
        return EXIT_USAGE
    except Exception as error:  # a bug must still not dump a traceback on a clerk
        sys.stderr.write(internal_error(error) + "\n")
        return EXIT_USAGE
    finally:
        if collecting:
            gc.enable()
    try:
        sys.stdout.write(out)
        sys.stderr.write(err)
    except BrokenPipeError:  # the reader stopped reading (`xuncha validate | head`): not our error
        pass
    return code


def replay(root: str, output: str, strict: bool) -> tuple[str, str, int] | None:
    """(stdout, stderr, exit code) of the stored verdict, if it still holds."""
    from xuncha.load import verdict
    from xuncha.render import validation

    replayed = verdict.replay(root)
    if replayed is None:
        return None
    out, err = validation.rendered(replayed.findings, replayed.files, replayed.files, output)
    return out, err, validation.exit_code(replayed.findings, strict)


def validated(root: str, output: str, strict: bool) -> tuple[str, str, int]:
    """(stdout, stderr, exit code) of a whole-repository run of the pipeline."""
    from pathlib import Path

    from xuncha.pipeline import validate
    from xuncha.render import validation

    report = validate(Path(root))
    out, err = validation.rendered(report.findings, report.files, report.from_cache, output)
    return out, err, validation.exit_code(report.findings, strict)

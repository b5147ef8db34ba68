"""The translation commands: status, translations ack, xliff export/import, tmx export.

Each command is a function of the parsed arguments and the project; cli.py only registers
them (`register`) and reports the errors they raise, as for build and check.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable

from ..build import Project
from ..errors import UsageError
from ..load import load_content
from ..publish import write_outputs
from .ack import Place, acknowledge
from .status import failing, format_json, format_text, translation_status
from .units import STATES, declared_languages

Command = Callable[[argparse.Namespace, Project, Path], int]


def _targets(arguments: argparse.Namespace, languages) -> list[str]:
    chosen = arguments.lang or list(languages.targets)
    for code in chosen:
        if code not in languages.targets:
            raise UsageError(f"'{code}' is not a target language: the report translates "
                             f"{languages.source} into {', '.join(languages.targets)}")
    return chosen


def status_command(arguments: argparse.Namespace, project: Project, root: Path) -> int:
    status = translation_status(load_content(project.content), project.theme.locales)
    fail_on = {name.strip() for name in (arguments.fail_on or "").split(",") if name.strip()}
    unknown = fail_on - set(STATES)
    if unknown:
        raise UsageError(f"--fail-on takes {', '.join(STATES)}, not {', '.join(sorted(unknown))}")
    if arguments.format == "json":
        print(format_json(status, root))
    else:
        print(format_text(status))
        for problem in status.problems:
            print(problem.format(root))
    return 1 if failing(status, fail_on) else 0


def ack_command(arguments: argparse.Namespace, project: Project, root: Path) -> int:
    if bool(arguments.place) == bool(arguments.all):
        raise UsageError("give either FILE:LINE or --all")
    loaded = load_content(project.content)
    languages = declared_languages(loaded)
    place = Place.parse(arguments.place) if arguments.place else None
    outputs, count = acknowledge(loaded, languages, _targets(arguments, languages), place)
    written = write_outputs(outputs)
    print(f"stamped {count} translation{'s' if count != 1 else ''} in {len(written)} "
          f"file{'s' if len(written) != 1 else ''}")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the translation commands to the CLI; each parser's `run` is its function."""
    status = commands.add_parser("status", help="how far each translation is (current, stale, "
                                                "missing)")
    status.add_argument("--format", choices=("text", "json"), default="text")
    status.add_argument("--fail-on", metavar="STATES",
                        help="exit with 1 if a unit is in one of these states (e.g. "
                             "stale,missing), for CI")
    status.set_defaults(run=status_command)

    translations = commands.add_parser("translations", help="manage translation stamps")
    actions = translations.add_subparsers(dest="action", required=True)
    ack = actions.add_parser("ack", help="stamp translations as current without changing them "
                                         "(after a source change that needs no translation)")
    ack.add_argument("place", nargs="?", metavar="FILE:LINE",
                     help="the unit at this line (as printed by status)")
    ack.add_argument("--all", action="store_true", help="every stale or unstamped unit")
    ack.add_argument("--lang", action="append", metavar="CODE",
                     help="only this target language (repeatable; default: all)")
    ack.set_defaults(run=ack_command)

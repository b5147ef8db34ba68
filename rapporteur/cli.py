"""Command line: `rapporteur build` and `rapporteur check`. A thin layer over rapporteur.build."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .build import FORMATS, Project, build_report, check_report
from .errors import ContentError, Problem, UsageError
from .translation.commands import register as register_translation_commands

EXIT_CONTENT_ERROR = 1
EXIT_USAGE_ERROR = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rapporteur", description="Build a multilingual report from YAML content.")
    parser.add_argument("--project", type=Path, default=Path.cwd(),
                        help="project folder holding content/, templates/ and locales/ "
                             "(default: the current folder)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for failures")
    strictness = argparse.ArgumentParser(add_help=False)
    strictness.add_argument("--strict", action="store_true",
                            help="treat warnings (such as translation parity) as errors")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", parents=[strictness],
                                help="validate and write HTML and PDF to the output folder")
    build.add_argument("--output", type=Path, default=None,
                       help="output folder (default: PROJECT/output)")
    build.add_argument("--lang", action="append", metavar="CODE",
                       help="build only this language (repeatable; default: all)")
    build.add_argument("--format", action="append", choices=FORMATS,
                       help="build only this format (repeatable; default: html and pdf)")
    build.add_argument("--draft", action="store_true",
                       help="build even with missing or stale translations, marked DRAFT")
    commands.add_parser("check", parents=[strictness],
                        help="validate the content without writing anything")
    register_translation_commands(commands)
    return parser


def _report(problems: list[Problem], root: Path) -> None:
    for problem in problems:
        print(problem.format(root), file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    root = arguments.project.resolve()
    project = Project.at(root)
    try:
        if hasattr(arguments, "run"):  # a command with a function of its own
            return arguments.run(arguments, project, root)
        if arguments.command == "check":
            document, warnings = check_report(project, arguments.strict)
            _report(warnings, root)
            print(f"ok: {len(document.paragraphs)} paragraphs, {len(document.footnotes)} "
                  f"footnotes, {len(document.annex_i.rows)} recommendations")
            return 0
        output = (arguments.output or root / "output").resolve()
        result = build_report(project, output, arguments.lang, arguments.format or FORMATS,
                              arguments.strict, arguments.draft)
        _report(result.warnings, root)
        for path in result.outputs:
            state = "written" if path in result.written else "unchanged"
            print(f"{state:>9}  {path.relative_to(output.parent) if output.parent in path.parents else path}")
        return 0
    except ContentError as error:
        _report(error.problems, root)
        count = len(error.problems)
        problems = f"{count} problem{'s' if count != 1 else ''}"
        print(f"{arguments.command} stopped: {problems} in the content; nothing was written",
              file=sys.stderr)
        return EXIT_CONTENT_ERROR
    except UsageError as error:
        print(f"rapporteur: {error}", file=sys.stderr)
        return EXIT_USAGE_ERROR
    except Exception:
        if arguments.debug:
            raise
        print("rapporteur: internal error while building; nothing was written. "
              "Run again with --debug and report the traceback.", file=sys.stderr)
        return 3

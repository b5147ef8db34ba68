"""Command line: `rapporteur build`, `check` and `serve`. A thin layer over rapporteur.build;
the translation and version commands register themselves (translation/, versions/)."""

from __future__ import annotations

import argparse
import gc
import sys
import time
from contextlib import nullcontext
from pathlib import Path

from .build import FORMATS, Project, build_report, check_report
from .errors import ContentError, EnvironmentFailure, Problem, UsageError
from .outputs import REGISTRY
from .translation.commands import register as register_translation_commands
from .versions.commands import register as register_version_commands

EXIT_CONTENT_ERROR = 1
EXIT_USAGE_ERROR = 2
EXIT_BUG = 3
EXIT_ENVIRONMENT_ERROR = 4
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


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
    selection = argparse.ArgumentParser(add_help=False)
    selection.add_argument("--output", type=Path, default=None,
                           help="output folder (default: PROJECT/output)")
    selection.add_argument("--lang", action="append", metavar="CODE",
                           help="build only this language (repeatable; default: all)")
    formats = ", ".join(f"{name} ({output.description})" for name, output in REGISTRY.items())
    selection.add_argument("--format", action="append", choices=FORMATS,
                           help=f"build only this format (repeatable; default: all): {formats}")
    selection.add_argument("--no-cache", action="store_true",
                           help="render every PDF again instead of reusing unchanged renders")
    selection.add_argument("--draft", action="store_true",
                           help="build even with missing or stale translations, marked DRAFT")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", parents=[strictness, selection],
                                help="validate and write every output to the output folder")
    build.add_argument("--keep-print-html", action="store_true",
                       help="also write the exact HTML the PDF renderer receives, per part")
    build.add_argument("--quiet", action="store_true", help="print problems only")
    build.add_argument("--json", action="store_true",
                       help="print a machine-readable summary of the build on stdout")
    commands.add_parser("check", parents=[strictness],
                        help="validate the content without writing anything")
    commands.add_parser("doctor", help="print the renderer's versions, the fonts of each "
                                       "language's PDF and the cache location, for bug reports")
    serve = commands.add_parser(
        "serve", parents=[strictness, selection],
        help="build, serve the output on localhost, rebuild and update the page on every change")
    serve.add_argument("--port", type=_port, default=8000,
                       help="port on 127.0.0.1, 0 for any free one (default 8000)")
    register_translation_commands(commands)
    register_version_commands(commands)
    return parser


def _port(text: str) -> int:
    """A TCP port, 0 to 65535: anything else is a usage error, not an overflow in the socket."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port: give a number from 0 to 65535")
    return port


def _report(problems: list[Problem], root: Path) -> None:
    for problem in problems:
        print(problem.format(root), file=sys.stderr)


def _build(arguments: argparse.Namespace, project: Project, root: Path) -> int:
    from .console import (ProgressEvents, print_summary, stderr_console, stdout_console,
                          summary_json)

    output = (arguments.output or root / "output").resolve()
    console = stderr_console()
    show_progress = console.is_terminal and not (arguments.quiet or arguments.json)
    events = ProgressEvents(console) if show_progress else None
    start = time.perf_counter()
    with events or nullcontext():
        result = build_report(project, output, arguments.lang, arguments.format or FORMATS,
                              arguments.strict, use_cache=not arguments.no_cache,
                              keep_print_html=arguments.keep_print_html, events=events,
                              draft=arguments.draft)
    _report(result.warnings, root)
    if arguments.json:
        print(summary_json(result, output, time.perf_counter() - start))
    elif not arguments.quiet:
        print_summary(result, output, stdout_console())
    return 0


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # An ASCII-only terminal gets \u escapes for Chinese text instead of a crash.
        getattr(stream, "reconfigure", lambda **_: None)(errors="backslashreplace")
    arguments = _parser().parse_args(argv)
    # What is imported by now (modules, pydantic's validators, Jinja) lives as long as the
    # process: kept out of the collector's full collections, which would walk it again and
    # again while a build renders (a build's worker does the same, jobs.py). Once: a process
    # calling main again (a test) would keep the garbage of its previous calls for good.
    if not gc.get_freeze_count():
        gc.freeze()
    root = arguments.project.resolve()
    project = Project.at(root)
    try:
        if not project.content.is_dir():
            raise UsageError(f"no project at {root}: it has no content/ folder "
                             "(give the project folder with --project)")
        if hasattr(arguments, "run"):  # a command with a function of its own
            return arguments.run(arguments, project, root)
        if arguments.command == "check":
            document, warnings = check_report(project, arguments.strict)
            _report(warnings, root)
            print(f"ok: {len(document.paragraphs)} paragraphs, {len(document.footnotes)} "
                  f"footnotes, {len(document.annex_i.rows)} recommendations")
            return 0
        if arguments.command == "doctor":
            from .doctor import diagnose
            print(diagnose(project))
            return 0
        if arguments.command == "serve":
            from .serve import serve
            return serve(project, root, arguments)
        return _build(arguments, project, root)
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
    except (EnvironmentFailure, OSError) as error:
        if isinstance(error, OSError):
            error = EnvironmentFailure(Path(error.filename or root), error.strerror or str(error))
        print(f"rapporteur: {error.path}: {error.reason}; nothing was written", file=sys.stderr)
        return EXIT_ENVIRONMENT_ERROR
    except KeyboardInterrupt:
        print(f"rapporteur: {arguments.command} interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception:
        if arguments.debug:
            raise
        print("rapporteur: internal error while building; nothing was written. "
              "Run again with --debug and report the traceback.", file=sys.stderr)
        return EXIT_BUG

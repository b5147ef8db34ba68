"""The translation commands: status, translations ack, xliff export/import, tmx export.

Each command is a function of the parsed arguments and the project; cli.py only registers
them (`register`) and reports the errors they raise, as for build and check.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..build import Project, check_loaded
from ..errors import UsageError
from ..load import load_content
from ..publish import output_lock, write_outputs
from .ack import Place, acknowledge
from .status import failing, format_json, format_text, translation_status
from .tbx import export_tbx
from .tmx import export_tmx
from .units import STATES, declared_languages
from .xliff import TARGETS, VERSIONS, export_xliff, import_xliff
from .yamledit import originals

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
    with output_lock(project.content, "command rewriting content"):
        loaded = load_content(project.content)
        languages = declared_languages(loaded)
        place = Place.parse(arguments.place) if arguments.place else None
        outputs, count = acknowledge(loaded, languages, _targets(arguments, languages), place)
        written = write_outputs(outputs, still_holds=originals(loaded))
    print(f"stamped {count} translation{'s' if count != 1 else ''} in {len(written)} "
          f"file{'s' if len(written) != 1 else ''}")
    return 0


def _outputs(arguments: argparse.Namespace, loaded, targets: list[str],
             extension: str) -> dict[Path, Path]:
    """Where each language's file goes: -o is the file for one language, a folder for more."""
    output = arguments.output.resolve()
    if len(targets) == 1 and output.suffix:
        return {targets[0]: output}
    header = loaded.report.data.get("document", {}) if isinstance(loaded.report.data, dict) \
        else {}
    symbol = str(header.get("symbol", "report")) if isinstance(header, dict) else "report"
    slug = "".join(char if char.isalnum() else "-" for char in symbol.lower())
    return {language: output / f"{slug}.{language}.{extension}" for language in targets}


def xliff_export_command(arguments: argparse.Namespace, project: Project, root: Path) -> int:
    loaded = load_content(project.content)
    languages = declared_languages(loaded)
    places = _outputs(arguments, loaded, _targets(arguments, languages), "xlf")
    outputs = {}
    for language, path in places.items():
        outputs[path] = export_xliff(loaded, languages, language, arguments.version,
                                     arguments.targets)
        if arguments.package:
            # The translator's package: the memory of current translations and the glossary,
            # beside the file, named after it, for the tool to load with it.
            outputs[path.with_suffix(".tmx")] = export_tmx(loaded, languages, language)
            outputs[path.with_suffix(".tbx")] = export_tbx(loaded, languages, language)
    write_outputs(outputs)
    for path in outputs:
        print(f"  written  {path}")
    return 0


def xliff_import_command(arguments: argparse.Namespace, project: Project, root: Path) -> int:
    if not arguments.file.is_file():
        raise UsageError(f"no such file: {arguments.file}")
    # One rewrite of the content at a time: a second import waits, then reads what the first
    # wrote; a file saved meanwhile by anything else is refused before it is replaced.
    with output_lock(project.content, "command rewriting content"):
        loaded = load_content(project.content)
        languages = declared_languages(loaded)
        imported = import_xliff(arguments.file.resolve(), loaded, languages,
                                lambda merged: check_loaded(merged, project))
        written = write_outputs(imported.outputs, still_holds=originals(loaded))
    for problem in (*imported.warnings, *imported.skipped):
        print(problem.format(root), file=sys.stderr)
    count, language = imported.count, imported.language
    print(f"imported {count} {language} translation{'s' if count != 1 else ''} into "
          f"{len(written)} file{'s' if len(written) != 1 else ''}"
          + (f"; {len(imported.skipped)} target{'s' if len(imported.skipped) != 1 else ''} "
             "not imported (above)" if imported.skipped else ""))
    return 0


def tmx_export_command(arguments: argparse.Namespace, project: Project, root: Path) -> int:
    loaded = load_content(project.content)
    languages = declared_languages(loaded)
    places = _outputs(arguments, loaded, _targets(arguments, languages), "tmx")
    write_outputs({path: export_tmx(loaded, languages, language)
                   for language, path in places.items()})
    for path in places.values():
        print(f"  written  {path}")
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

    xliff = commands.add_parser("xliff", help="exchange translations with CAT tools")
    actions = xliff.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="write an XLIFF file per target language")
    export.add_argument("--lang", action="append", metavar="CODE",
                        help="target language (repeatable; default: all)")
    export.add_argument("-o", "--output", type=Path, required=True,
                        help="the .xlf file (one language) or a folder")
    export.add_argument("--version", choices=VERSIONS, default="2.0",
                        help="XLIFF version (default 2.0; 1.2 for older tools)")
    export.add_argument("--targets", choices=TARGETS, default="translation",
                        help="what the targets hold: the present translation (default), or "
                             "a copy of the source, for tools that translate the target's "
                             "text (OmegaT: use --version 1.2 --targets source)")
    export.add_argument("--package", action="store_true",
                        help="also write, beside each .xlf, the translation memory of its "
                             "current translations (.tmx) and the glossary (.tbx)")
    export.set_defaults(run=xliff_export_command)
    imported = actions.add_parser("import", help="write the translations of an XLIFF file "
                                                 "into the content (all or nothing)")
    imported.add_argument("file", type=Path)
    imported.set_defaults(run=xliff_import_command)

    tmx = commands.add_parser("tmx", help="translation memory exchange")
    actions = tmx.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="write the current translations as TMX, one "
                                               "file per language pair")
    export.add_argument("--lang", action="append", metavar="CODE",
                        help="target language (repeatable; default: all)")
    export.add_argument("-o", "--output", type=Path, required=True,
                        help="the .tmx file (one language) or a folder")
    export.set_defaults(run=tmx_export_command)

"""The commands of a document's life: redline, corrigendum, new-edition.

Each is a function of the parsed arguments and the project, as the translation commands are;
cli.py only registers them (`register`) and reports the errors they raise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path

from ..build import Project, prepare_report
from ..errors import UsageError
from .compare import Comparison, Version, compare
from .source import earlier_version


def _languages(arguments: argparse.Namespace, comparison: Comparison) -> tuple[str, ...]:
    declared = [language.code for language in comparison.new.document.languages]
    chosen = tuple(arguments.lang or declared)
    unknown = [code for code in chosen if code not in declared]
    if unknown:
        raise UsageError(f"unknown language {', '.join(unknown)}: the report declares "
                         f"{', '.join(declared)}")
    return chosen


def _compared(arguments: argparse.Namespace, project: Project, root: Path, run) -> int:
    """Compare the project with `--from` and hand the comparison to `run`."""
    valid, document, _ = prepare_report(project)
    with earlier_version(arguments.since, project, root) as old:
        return run(compare(old, Version(valid, document, "current")))


def redline_command(arguments: argparse.Namespace, project: Project, root: Path) -> int:
    from .redline import write_redline

    output = (arguments.output or root / "output" / "redline").resolve()
    # The default folder holds the latest redline alone; a folder given may hold other files.
    owned = () if arguments.output else (output,)

    def run(comparison: Comparison) -> int:
        written = write_redline(comparison, project.theme, output,
                                _languages(arguments, comparison), project.cache,
                                project.content, owned)
        edits = comparison.edits
        moved = len(comparison.renumbered())
        paragraphs = [change for change in comparison.changes
                      if change.place.kind == "paragraph" and change.new is not None]
        kept = sum(change.status == "unchanged" for change in paragraphs)
        print(f"redline against {arguments.since}: {len(edits)} unit"
              f"{'s' if len(edits) != 1 else ''} changed, {moved} paragraph"
              f"{'s' if moved != 1 else ''} renumbered, {kept} of {len(paragraphs)} paragraphs "
              f"as they were; {len(written)} files in {output}")
        return 0
    return _compared(arguments, project, root, run)


def corrigendum_command(arguments: argparse.Namespace, project: Project, root: Path) -> int:
    from .corrigendum import write_corrigenda

    output = (arguments.output or root / "output" / "corrigendum").resolve()
    owned = () if arguments.output else (output,)  # as for the redline

    def run(comparison: Comparison) -> int:
        written, languages = write_corrigenda(comparison, project.theme, output,
                                              _languages(arguments, comparison),
                                              arguments.suffix, arguments.date, project.cache,
                                              owned)
        if not languages:
            print(f"no corrigendum: no text changed since {arguments.since}")
        else:
            print(f"corrigendum against {arguments.since} for {', '.join(languages)}: "
                  f"{len(written)} files in {output}")
        return 0
    return _compared(arguments, project, root, run)


def new_edition_command(arguments: argparse.Namespace, project: Project, root: Path) -> int:
    from .edition import new_edition

    target = arguments.to.resolve()
    blocks, baseline = new_edition(project, root, target, arguments.symbol, arguments.year,
                                   arguments.date)
    print(f"new edition {arguments.symbol} in {target}: {blocks} paragraphs and headings "
          f"carried as the starting draft, to review; `rapporteur --project {target} redline "
          f"--from {baseline}` shows what is edited since")
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write YYYY-MM-DD") from None


def _corrigendum_suffix(text: str) -> str:
    if not re.fullmatch(r"Corr\.([1-9][0-9]?)?", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a corrigendum's suffix: write Corr., "
                                         "Corr.1, Corr.2 …")
    return text


def _year(text: str) -> int:
    if not text.isdigit() or not 1900 <= int(text) <= 2999:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year: write it as 2022")
    return int(text)


def register(commands) -> None:
    since = argparse.ArgumentParser(add_help=False)
    since.add_argument("--from", dest="since", required=True, metavar="REV|PATH",
                       help="the earlier version: a git revision of the project (HEAD~1, a "
                            "tag) or another project or content folder")
    since.add_argument("--lang", action="append", metavar="CODE",
                       help="only this language (repeatable; default: all)")
    since.add_argument("--output", type=Path, default=None,
                       help="output folder (default: PROJECT/output/COMMAND)")
    redline = commands.add_parser(
        "redline", parents=[since],
        help="HTML and PDF of the report with every change since --from marked")
    redline.set_defaults(run=redline_command)
    corrigendum = commands.add_parser(
        "corrigendum", parents=[since],
        help="a corrigendum (HTML and PDF) for each language whose text changed since --from")
    corrigendum.add_argument("--suffix", type=_corrigendum_suffix, default=None,
                             help="its suffix (default: the header's Corr. issue, else Corr.)")
    corrigendum.add_argument("--date", type=_date, default=None,
                             help="its date, YYYY-MM-DD (default: the header's Corr. issue "
                                  "date; one of them is needed)")
    corrigendum.set_defaults(run=corrigendum_command)
    edition = commands.add_parser(
        "new-edition", help="start next year's edition as a new project from this one")
    edition.add_argument("--symbol", required=True, help="the new document's symbol")
    edition.add_argument("--year", type=_year, required=True,
                         help="the year the new edition reports on")
    edition.add_argument("--to", type=Path, required=True, help="the new project's folder")
    edition.add_argument("--date", type=_date, default=None,
                         help="the new document's date (default: a year after this one's)")
    edition.set_defaults(run=new_edition_command)

"""Next year's edition: a new project started from this one, as secretariats start an annual
report from last year's text.

The new project gets this one's content, templates and catalogues byte for byte, so every
translation keeps its `based-on` stamp and stays current until its source text is edited. The
header is advanced: the new symbol, the document's date a year on (or as given), the years in
the session's dates and place moved by as much in every language (their stamps follow, since
each translation changed as its source did), and no issue suffix. Every body file starts with
a comment saying that its texts are last year's, kept as the starting draft, to review; the
annex data is carried as it is. The edition it came from is kept under `editions/` in the new
project, so that `redline --from editions/SLUG` shows what has been edited since.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from pathlib import Path

from ..build import Project, prepare_report
from ..errors import UsageError
from ..load import SourceFile, load_content
from ..model import STAMP_KEY
from ..outputs.base import symbol_slug
from ..translation.fingerprint import fingerprint

SYMBOL_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/.\-]{0,39}$")


def new_edition(project: Project, root: Path, target: Path, symbol: str, year: int,
                date: dt.date | None = None) -> tuple[int, str]:
    """Write the new project in `target` (which must not exist or be empty); returns the
    number of body blocks carried as the starting draft, and the folder of the edition it
    came from, inside the new project."""
    if not SYMBOL_PATTERN.match(symbol):
        raise UsageError(f"--symbol {symbol!r}: write a document symbol such as CDIP/30/2")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"--to {target}: that folder exists and is not empty; name a new one")
    if target.resolve().is_relative_to(root.resolve()):
        raise UsageError(f"--to {target}: the new edition cannot go inside this project")
    _, document, _ = prepare_report(project)  # only a valid report starts an edition
    old_symbol, old_date = document.header.symbol, document.header.date
    date = date or _a_year_on(old_date)
    if date <= old_date:
        raise UsageError(f"--date {date}: the new edition must be dated after this one "
                         f"({old_date})")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".new-edition-", dir=target.parent) as temporary:
        staging = Path(temporary) / "project"
        for folder in (project.content, project.theme.templates, project.theme.locales):
            shutil.copytree(folder, staging / folder.name)
        baseline = f"editions/{symbol_slug(old_symbol)}"
        shutil.copytree(project.content, staging / baseline / "content")
        content = staging / project.content.name
        loaded = load_content(content)
        _advance_header(loaded.report, symbol, date, date.year - old_date.year)
        note = (f"# Carried from {old_symbol} as the starting draft of {symbol} (the report "
                f"on {year}):\n# review every text; `rapporteur redline --from {baseline}` "
                "shows what has been edited since.\n")
        for body in loaded.body:
            path = Path(body.path)
            path.write_bytes(note.encode("utf-8") + path.read_bytes())
        if target.exists():
            target.rmdir()
        staging.rename(target)
    return sum(len(section.blocks) for section in document.sections), baseline


def _a_year_on(date: dt.date) -> dt.date:
    try:
        return date.replace(year=date.year + 1)
    except ValueError:  # 29 February
        return date.replace(year=date.year + 1, day=28)


def _advance_header(report: SourceFile, symbol: str, date: dt.date, years: int) -> None:
    """Edit report.yaml's lines in place: the layout, comments and other texts stay as they
    were (a YAML round trip would reformat the file)."""
    lines = report.raw.decode("utf-8").split("\n")
    header = report.data["document"]
    _set_scalar(lines, report, ("document", "symbol"), symbol)
    _set_scalar(lines, report, ("document", "date"), date.isoformat())
    dates = header["dates_and_place"]
    source = report.data["source"]
    old_source = dates[source]
    for code in [code for code in dates if code != STAMP_KEY]:
        _advance_years(lines, report, ("document", "dates_and_place", code), years)
    new_source = _years_on(old_source, years)
    stamps = dates.get(STAMP_KEY) or {}
    if stamps and new_source != old_source:
        # A translation made from the old text is made from the new one too: the years moved
        # alike in both. One made from an older text stays as stale as it was.
        kept = {code: fingerprint(new_source) if stamp == fingerprint(old_source) else stamp
                for code, stamp in stamps.items()}
        line, column = report.position(("document", "dates_and_place", STAMP_KEY))
        text = lines[line - 1]
        start = text.index("{", column - 1)
        lines[line - 1] = text[:start] + "{" + ", ".join(
            f"{code}: {stamp}" for code, stamp in kept.items()) + "}"
    if "issue" in header:  # a new edition is no revision nor corrigendum of the old one
        line, _ = report.position(("document", "issue"))
        indent = len(lines[line - 1]) - len(lines[line - 1].lstrip())
        end = line
        while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(
                lines[end].lstrip()) > indent):
            end += 1
        del lines[line - 1:end]
    Path(report.path).write_bytes("\n".join(lines).encode("utf-8"))


def _set_scalar(lines: list[str], report: SourceFile, location: tuple, value: str) -> None:
    line, column = report.position(location)
    text = lines[line - 1]
    key_end = text.index(":", column - 1) + 1
    comment = re.search(r"\s+#.*$", text[key_end:])
    lines[line - 1] = text[:key_end] + " " + value + (comment.group() if comment else "")


_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


def _years_on(text: str, years: int) -> str:
    return _YEAR.sub(lambda match: str(int(match.group()) + years), text)


def _advance_years(lines: list[str], report: SourceFile, location: tuple, years: int) -> None:
    """The text's years moved on, on its line and its block scalar's lines below it."""
    line, column = report.position(location)
    indent = len(lines[line - 1]) - len(lines[line - 1].lstrip())
    lines[line - 1] = lines[line - 1][:column - 1] + _years_on(lines[line - 1][column - 1:],
                                                               years)
    below = line
    while below < len(lines) and lines[below].strip() and \
            len(lines[below]) - len(lines[below].lstrip()) > indent:
        lines[below] = _years_on(lines[below], years)
        below += 1

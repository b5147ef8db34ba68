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
from ..translation.yamledit import dump, round_trip

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
        if loaded.projects is not None:
            _roll_projects(loaded.projects, loaded.report.data["source"],
                           date.year - old_date.year)
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
    _advance_text(lines, report, ("document", "dates_and_place"), report.data["source"],
                  years)
    if "issue" in header:  # a new edition is no revision nor corrigendum of the old one
        line, _ = report.position(("document", "issue"))
        indent = len(lines[line - 1]) - len(lines[line - 1].lstrip())
        end = line
        while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(
                lines[end].lstrip()) > indent):
            end += 1
        del lines[line - 1:end]
    Path(report.path).write_bytes("\n".join(lines).encode("utf-8"))


def _advance_text(lines: list[str], file: SourceFile, location: tuple, source: str,
                  years: int) -> None:
    """The years of a text moved on in every language, and its stamps with them."""
    texts = file.data
    for part in location:
        texts = texts[part]
    old_source = texts[source]
    for code in [code for code in texts if code != STAMP_KEY]:
        _advance_years(lines, file, (*location, code), years)
    new_source = _years_on(old_source, years)
    stamps = texts.get(STAMP_KEY) or {}
    if stamps and new_source != old_source:
        # A translation made from the old text is made from the new one too: the years moved
        # alike in both. One made from an older text stays as stale as it was.
        kept = {code: fingerprint(new_source) if stamp == fingerprint(old_source) else stamp
                for code, stamp in stamps.items()}
        line, column = file.position((*location, STAMP_KEY))
        text = lines[line - 1]
        start = text.index("{", column - 1)
        # Quoted as the loader needs a stamp of digits alone ('12031252') to stay a string.
        lines[line - 1] = text[:start] + "{" + ", ".join(
            f"{code}: {_stamp(stamp)}" for code, stamp in kept.items()) + "}"


def _stamp(stamp: str) -> str:
    return f"'{stamp}'" if not re.search(r"[a-z]", stamp) else stamp


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


def _roll_projects(projects: SourceFile, source: str, years: int) -> None:
    """Annex II for the next year: each group's projects moved to the group its
    `next_edition` names, and the years of the annex's and groups' titles ("approved in 2021",
    "as of December 2021") moved on. Projects are moved, never left out: the carried texts
    cite them, and the annex lists the completed ones of every year."""
    lines = projects.raw.decode("utf-8").split("\n")
    _advance_text(lines, projects, ("title",), source, years)
    for index, _ in enumerate(projects.data["groups"]):
        _advance_text(lines, projects, ("groups", index, "title"), source, years)
    text = "\n".join(lines)
    rules = {group["status"]: group.get("next_edition") for group in projects.data["groups"]}
    if any(rules.values()):
        # Moving list items between groups: ruamel.yaml keeps their layout, quotes and
        # comments, and refuses a file it would not give back unchanged.
        found = round_trip(text)
        if found is None:
            raise UsageError(f"{projects.path}: its projects cannot be moved without changing "
                             "its layout; indent lists by 2 under their key, as the other "
                             "content files do, or take out 'next_edition'")
        yaml, data = found
        groups = {group["status"]: group for group in data["groups"]}
        for status, rule in rules.items():
            if not rule:
                continue
            group, listed = groups[status], groups[status]["projects"]
            # A comment above the first project is kept with the key "projects:"; it goes
            # with the project.
            above = group.ca.items.pop("projects", None)
            if listed:
                target = groups[rule]["projects"]
                target.extend(listed)
                if above and above[3]:
                    column = above[3][0].column
                    target.yaml_set_comment_before_after_key(
                        len(target) - len(listed), before="\n".join(
                            token.value.strip().removeprefix("#").strip()
                            for token in above[3]), indent=column)
            del listed[:]
            listed.ca.comment = None  # ruamel.yaml keeps that comment here too
            listed.fa.set_flow_style()  # "projects: []", to fill in
        text = dump(yaml, data)
    Path(projects.path).write_bytes(text.encode("utf-8"))

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

from ruamel.yaml.tokens import CommentToken

from ..build import Project, prepare_report
from ..errors import UsageError
from ..load import LoadedContent, SourceFile, load_content
from ..model import STAMP_KEY
from ..outputs.base import symbol_slug
from ..translation.fingerprint import fingerprint
from ..translation.units import declared_languages
from ..translation.yamledit import Edit, apply_edits, dump, round_trip

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
        _advance(loaded, symbol, date, date.year - old_date.year)
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


def _advance(loaded: LoadedContent, symbol: str, date: dt.date, years: int) -> None:
    """report.yaml and projects.yaml moved on, through the importer's YAML writer: their layout,
    quoting and comments stay as they were, and a file it would reformat is refused."""
    languages = declared_languages(loaded)
    texts = [(loaded.report, ("document", "dates_and_place"))]
    if loaded.projects is not None:
        texts.append((loaded.projects, ("title",)))
        texts += [(loaded.projects, ("groups", index, "title"))
                  for index, _ in enumerate(loaded.projects.data["groups"])]
    edits = [edit for file, location in texts
             for edit in _year_edits(file, location, languages.source, years)]
    rewritten = apply_edits(edits, loaded, languages)
    for file, change in ((loaded.report, _header(symbol, date)),
                         (loaded.projects, _roll_projects)):
        if file is not None:
            path = Path(file.path)
            path.write_bytes(_changed(path, rewritten.get(file.path, file.raw), change))


def _year_edits(file: SourceFile, location: tuple, source: str, years: int) -> list[Edit]:
    """The text's years moved on in every language. A translation made from the old source
    text is made from the new one too (the years moved alike in both), so its stamp follows;
    one made from an older text stays as stale as it was."""
    texts = file.data
    for part in location:
        texts = texts[part]
    old_source = texts[source]
    stamps = texts.get(STAMP_KEY) or {}
    edits = []
    for code, text in texts.items():
        if code == STAMP_KEY:
            continue
        stamp = stamps.get(code)
        if code != source and stamp == fingerprint(old_source):
            stamp = fingerprint(_years_on(old_source, years))
        if _years_on(text, years) != text or stamp != stamps.get(code):
            edits.append(Edit(Path(file.path), location, code,
                              None if code == source else stamp, _years_on(text, years)))
    return edits


def _changed(path: Path, raw: bytes, change) -> bytes:
    """`raw` with `change(data)` made to its YAML, its layout, comments and line ends kept."""
    text = raw.decode("utf-8")
    crlf = "\r\n" in text
    found = round_trip(text.replace("\r\n", "\n"))
    if found is None:
        raise UsageError(f"{path}: it cannot be rewritten without changing its layout; indent "
                         "lists by 2 under their key, as the other content files do")
    yaml, data = found
    change(data)
    new = dump(yaml, data)
    return (new.replace("\n", "\r\n") if crlf else new).encode("utf-8")


def _header(symbol: str, date: dt.date):
    def change(data) -> None:
        header = data["document"]
        header["symbol"] = symbol
        header["date"] = date
        if "issue" in header:  # a new edition is no revision nor corrigendum of the old one
            _drop_keeping_comments(header, "issue")
    return change


def _drop_keeping_comments(mapping, key: str) -> None:
    """Take `key` out of a ruamel.yaml mapping, keeping the comment lines that followed its
    value: ruamel.yaml holds them on the value's last entry, and would drop them with it."""
    keys = list(mapping)
    value = mapping.pop(key)
    place = keys.index(key)
    if not place or not isinstance(value, dict) or not value:
        return
    after = (value.ca.items.get(list(value)[-1]) or [None] * 4)[2]
    lines = after.value.split("\n", 1)[1] if after is not None and "\n" in after.value else ""
    if not lines:
        return
    slot = mapping.ca.items.setdefault(keys[place - 1], [None, None, None, None])
    if slot[2] is None:
        slot[2] = CommentToken("\n" + lines, after.start_mark, None)
    else:
        slot[2].value += lines


_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


def _years_on(text: str, years: int) -> str:
    return _YEAR.sub(lambda match: str(int(match.group()) + years), text)


def _roll_projects(data) -> None:
    """Annex II for the next year: each group's projects moved to the group its
    `next_edition` names (the years of its titles are moved on by `_advance`). Projects are
    moved, never left out: the carried texts cite them, and the annex lists the completed ones
    of every year."""
    groups = {group["status"]: group for group in data["groups"]}
    for status, group in groups.items():
        rule = group.get("next_edition")
        if not rule:
            continue
        listed = group["projects"]
        # A comment above the first project is kept with the key "projects:"; it goes with
        # the project.
        above = group.ca.items.pop("projects", None)
        if listed:
            target = groups[rule]["projects"]
            target.extend(listed)
            if above and above[3]:
                column = above[3][0].column
                target.yaml_set_comment_before_after_key(
                    len(target) - len(listed), before="\n".join(
                        token.value.strip().removeprefix("#").strip() for token in above[3]),
                    indent=column)
        del listed[:]
        listed.ca.comment = None  # ruamel.yaml keeps that comment here too
        listed.fa.set_flow_style()  # "projects: []", to fill in

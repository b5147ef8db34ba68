"""Write translations and stamps back into the content's YAML, in place.

ruamel.yaml's round-trip mode keeps the comments, quoting, block scalars and order of every
node left untouched; a file it would not give back byte for byte unchanged is refused rather
than reformatted. The edits apply to the bytes the loader read (SourceFile.raw), and a file
keeps its line ends (CRLF stays CRLF). A new text is written so that the loader (PyYAML, YAML
1.1) reads back that very string: ruamel.yaml resolves plain scalars by YAML 1.2 and would leave
`yes`, `off` or `12:30` unquoted, which the loader reads as a boolean or a number; every text is
therefore tried with the loader itself, and quoted when it would not come back. The new contents
are returned, not written: callers hand them to the one atomic writer (publish.write_outputs,
with the bytes each file must still hold), so an import or an ack changes every file or none.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from ..errors import ContentError, Problem
from ..load import LoadedContent, Location, parse_yaml
from ..model import STAMP_KEY
from .units import Languages, content_files


@dataclass(frozen=True)
class Edit:
    """Set the `language` text of the unit at `location` (unless `text` is None) and stamp it
    (unless `stamp` is None: the source text has no stamp)."""

    file: Path
    location: Location
    language: str
    stamp: str | None
    text: str | None = None


# The list indentations found in content: "  - " under its key (ours), or "- " level with it.
_LAYOUTS = ({"mapping": 2, "sequence": 4, "offset": 2}, {"mapping": 2, "sequence": 2, "offset": 0})


def _yaml(layout: dict[str, int]) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 20  # never re-wrap a long line
    yaml.indent(**layout)
    return yaml


def round_trip(text: str) -> tuple[YAML, object] | None:
    """A YAML writer that gives `text` back byte for byte, and the data it read, if any."""
    for layout in _LAYOUTS:
        yaml = _yaml(layout)
        data = yaml.load(text)
        if dump(yaml, data) == text:
            return yaml, data
    return None


def dump(yaml: YAML, data) -> str:
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def _node(data, location: Location) -> CommentedMap:
    for part in location:
        data = data[part]
    return data


def _set_text(yaml: YAML, unit: CommentedMap, language: str, text: str,
              source: str) -> None:
    current = unit.get(language, unit.get(source))
    value = _styled(yaml, text, block=isinstance(current, LiteralScalarString) or "\n" in text)
    if language in unit:
        unit[language] = value
    else:
        keys = [key for key in unit if key != STAMP_KEY]
        unit.insert(len(keys), language, value)


def _styled(yaml: YAML, text: str, block: bool) -> str:
    """`text` in the first style the loader reads back as `text`: a |- block for a text of
    several lines (as the content writes them), else as ruamel.yaml chooses, else quoted."""
    candidates = [LiteralScalarString(text)] if block else []
    candidates += [text, DoubleQuotedScalarString(text)]
    for candidate in candidates:
        if _reads_back(yaml, candidate, text):
            return candidate
    return DoubleQuotedScalarString(text)  # the check of the whole file will say why


def _reads_back(yaml: YAML, value: str, text: str) -> bool:
    try:
        return parse_yaml(Path("text.yaml"), dump(yaml, {"text": value}).encode()).data == \
            {"text": text}
    except ContentError:
        return False


def _set_stamp(yaml: YAML, unit: CommentedMap, language: str, stamp: str,
               order: list[str]) -> None:
    stamp = _styled(yaml, stamp, block=False)  # "00012345" would read back as a number
    stamps = unit.get(STAMP_KEY)
    if not isinstance(stamps, CommentedMap):
        stamps = CommentedMap()
        stamps.fa.set_flow_style()
        unit[STAMP_KEY] = stamps
    if language in stamps:
        stamps[language] = stamp
    else:
        before = [key for key in stamps if key in order and order.index(key) < order.index(language)]
        stamps.insert(len(before), language, stamp)


def originals(loaded: LoadedContent) -> dict[Path, bytes]:
    """The bytes of every content file as loaded: what each must still hold when rewritten."""
    return {file.path: file.raw for file in content_files(loaded)}


def apply_edits(edits: list[Edit], loaded: LoadedContent,
                languages: Languages) -> dict[Path, bytes]:
    """The new bytes of every file the edits change (files left unchanged are not included)."""
    by_file: dict[Path, list[Edit]] = {}
    for edit in edits:
        by_file.setdefault(edit.file, []).append(edit)
    before = originals(loaded)
    results: dict[Path, bytes] = {}
    problems: list[Problem] = []
    for path, file_edits in by_file.items():
        try:
            results[path] = _rewrite(path, before[path].decode("utf-8"), file_edits, languages)
        except _Refused as refused:
            problems.append(Problem(path, None, None, refused.message, refused.hint))
    if problems:
        raise ContentError(problems)
    return {path: data for path, data in results.items() if data != before[path]}


class _Refused(Exception):
    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message, self.hint = message, hint


def _rewrite(path: Path, text: str, edits: list[Edit], languages: Languages) -> bytes:
    crlf = "\r\n" in text
    if crlf:
        text = text.replace("\r\n", "\n")
    if "\r" in text:
        raise _Refused("this file mixes line ends (CRLF and LF or CR)",
                       "save it with one kind of line end (your editor's 'line endings' "
                       "setting), then run the command again")
    final_newline = text.endswith("\n")  # ruamel.yaml always ends with one
    found = round_trip(text if final_newline else text + "\n")
    if found is None:
        raise _Refused("this file cannot be rewritten without changing its layout",
                       "indent mappings by 2 and lists by 2 under their key ('  - ') or level "
                       "with it ('- '), as the other content files do")
    yaml, data = found
    for edit in edits:
        unit = _node(data, edit.location)
        if edit.text is not None:
            _set_text(yaml, unit, edit.language, edit.text, languages.source)
        if edit.stamp is not None:
            _set_stamp(yaml, unit, edit.language, edit.stamp, list(languages.all))
    new = dump(yaml, data)
    if not final_newline:
        new = new.removesuffix("\n")
    _check_reads_back(path, new, edits)
    return (new.replace("\n", "\r\n") if crlf else new).encode("utf-8")


def _check_reads_back(path: Path, new: str, edits: list[Edit]) -> None:
    """The loader must read every edited text and stamp back as written: never a silent change."""
    try:
        data = parse_yaml(path, new.encode("utf-8")).data
    except ContentError as error:
        raise _Refused(f"the rewritten file would not load: {error.problems[0].message}") \
            from None
    for edit in edits:
        unit = _node(data, edit.location)
        if ((edit.text is not None and unit.get(edit.language) != edit.text)
                or (edit.stamp is not None
                    and unit.get(STAMP_KEY, {}).get(edit.language) != edit.stamp)):
            raise _Refused(f"the {edit.language} text at {'.'.join(map(str, edit.location))} "
                           "would not read back as written", "report this as a bug")

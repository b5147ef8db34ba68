"""Write translations and stamps back into the content's YAML, in place.

ruamel.yaml's round-trip mode keeps the comments, quoting, block scalars and order of every
node left untouched; a file it would not give back byte for byte unchanged is refused rather
than reformatted. The new contents are returned, not written: callers hand them to the one
atomic writer (publish.write_outputs), so an import or an ack changes every file or none.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import LiteralScalarString

from ..errors import ContentError, Problem
from ..load import Location
from ..model import STAMP_KEY


@dataclass(frozen=True)
class Edit:
    """Set the `language` text of the unit at `location` (unless `text` is None) and stamp it."""

    file: Path
    location: Location
    language: str
    stamp: str
    text: str | None = None


# The list indentations found in content: "  - " under its key (ours), or "- " level with it.
_LAYOUTS = ({"mapping": 2, "sequence": 4, "offset": 2}, {"mapping": 2, "sequence": 2, "offset": 0})


def _yaml(layout: dict[str, int]) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 20  # never re-wrap a long line
    yaml.indent(**layout)
    return yaml


def _round_trip(text: str) -> tuple[YAML, object] | None:
    """A YAML writer that gives `text` back byte for byte, and the data it read, if any."""
    for layout in _LAYOUTS:
        yaml = _yaml(layout)
        data = yaml.load(text)
        if _dump(yaml, data) == text:
            return yaml, data
    return None


def _dump(yaml: YAML, data) -> str:
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def _node(data, location: Location) -> CommentedMap:
    for part in location:
        data = data[part]
    return data


def _set_text(unit: CommentedMap, language: str, text: str, source: str | None) -> None:
    current = unit.get(language, unit.get(source) if source else None)
    block = isinstance(current, LiteralScalarString) or "\n" in text
    value = LiteralScalarString(text) if block else text
    if language in unit:
        unit[language] = value
    else:
        keys = [key for key in unit if key != STAMP_KEY]
        unit.insert(len(keys), language, value)


def _set_stamp(unit: CommentedMap, language: str, stamp: str, order: list[str]) -> None:
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


def apply_edits(edits: list[Edit], languages: list[str], source: str) -> dict[Path, bytes]:
    """The new bytes of every file the edits change (files left unchanged are not included)."""
    by_file: dict[Path, list[Edit]] = {}
    for edit in edits:
        by_file.setdefault(edit.file, []).append(edit)
    results: dict[Path, bytes] = {}
    problems: list[Problem] = []
    for path, file_edits in by_file.items():
        text = path.read_text(encoding="utf-8")
        found = _round_trip(text)
        if found is None:
            problems.append(Problem(
                path, None, None, "this file cannot be rewritten without changing its layout",
                "indent mappings by 2 and lists by 2 under their key ('  - ') or level with "
                "it ('- '), as the other content files do"))
            continue
        yaml, data = found
        for edit in file_edits:
            unit = _node(data, edit.location)
            if edit.text is not None:
                _set_text(unit, edit.language, edit.text, source)
            _set_stamp(unit, edit.language, edit.stamp, languages)
        new = _dump(yaml, data)
        if new != text:
            results[path] = new.encode("utf-8")
    if problems:
        raise ContentError(problems)
    return results

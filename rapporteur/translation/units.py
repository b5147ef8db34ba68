"""The units of a report: every localized text mapping of its content files, as loaded.

The walk works on the loaded YAML, before validation, so that `status` can count missing
translations that would stop a build. A mapping is a unit when it holds a text in the source
language and nothing but declared languages and `based-on` stamps. The glossary is not content.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from ..errors import ContentError, Problem
from ..load import LoadedContent, Location, SourceFile
from ..model import STAMP_KEY
from .fingerprint import fingerprint

CURRENT, STALE, MISSING, UNSTAMPED = "current", "stale", "missing", "unstamped"
STATES = (CURRENT, STALE, MISSING, UNSTAMPED)


@dataclass(frozen=True)
class Languages:
    """The report's languages: the source, and the targets translated from it."""

    source: str
    targets: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        return (self.source, *self.targets)


@dataclass(frozen=True)
class Unit:
    file: SourceFile
    location: Location
    texts: Mapping[str, str]  # language → text as written; absent or empty ones left out
    stamps: Mapping[str, str]  # target language → fingerprint of the source it was made from

    @property
    def id(self) -> str:
        """Stable within its file while the file's structure stands: "blocks.3.paragraph"."""
        return ".".join(str(part) for part in self.location)

    def position(self, language: str | None = None) -> tuple[int | None, int | None]:
        return self.file.position(self.location + ((language,) if language else ()))

    def problem(self, language: str, message: str, hint: str | None = None,
                severity: str = "warning") -> Problem:
        return self.file.problem(self.location + (language,), message, hint, severity)


def declared_languages(loaded: LoadedContent) -> Languages:
    """The source and target languages from report.yaml, read leniently (before validation)."""
    data = loaded.report.data if isinstance(loaded.report.data, dict) else {}
    entries = data.get("languages") if isinstance(data.get("languages"), list) else []
    codes = [entry["code"] for entry in entries
             if isinstance(entry, dict) and isinstance(entry.get("code"), str)]
    source = data.get("source")
    if source not in codes:
        raise ContentError([loaded.report.problem(
            ("source",), "report.yaml must declare its source language, one of the declared "
            f"languages ({', '.join(codes)})", "add e.g. 'source: en' at the top level")])
    return Languages(source, tuple(code for code in codes if code != source))


def content_files(loaded: LoadedContent) -> list[SourceFile]:
    return [loaded.report, *loaded.body, loaded.results, loaded.recommendations, loaded.projects]


def units(loaded: LoadedContent, languages: Languages) -> list[Unit]:
    """Every unit of the content, file by file in reading order."""
    found: list[Unit] = []
    for source_file in content_files(loaded):
        found.extend(file_units(source_file, languages))
    return found


def file_units(source_file: SourceFile, languages: Languages) -> list[Unit]:
    """The units of one content file (an earlier version of it, too: history.py)."""
    return list(_walk(source_file, source_file.data, (), languages))


def _walk(file: SourceFile, node: Any, location: Location,
          languages: Languages) -> Iterator[Unit]:
    if isinstance(node, dict):
        if _is_unit(node, languages):
            stamps = node.get(STAMP_KEY)
            yield Unit(file, location,
                       {code: text for code, text in node.items() if code in languages.all
                        and isinstance(text, str) and text.strip()},
                       {str(code): str(stamp) for code, stamp in stamps.items()}
                       if isinstance(stamps, dict) else {})
            return
        for key, value in node.items():
            yield from _walk(file, value, location + (key,), languages)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(file, value, location + (index,), languages)


def _is_unit(node: dict, languages: Languages) -> bool:
    source = node.get(languages.source)
    return (isinstance(source, str) and bool(source.strip())
            and all(key in languages.all or key == STAMP_KEY for key in node))


def state(unit: Unit, language: str, languages: Languages, tracked: bool) -> str:
    """current, stale, missing, or unstamped (a report that never stamped tracks nothing)."""
    if language not in unit.texts:
        return MISSING
    stamp = unit.stamps.get(language)
    if stamp is None:
        return STALE if tracked else UNSTAMPED
    return CURRENT if stamp == fingerprint(unit.texts[languages.source]) else STALE


def is_tracked(all_units: list[Unit]) -> bool:
    """Whether the report tracks its translations: once any unit is stamped, all must be."""
    return any(unit.stamps for unit in all_units)


def relative_name(file: SourceFile, root: Path) -> str:
    """The file's name in the content folder, from the path the loader read (already resolved
    for the files report.yaml names): a link swapped in since is not followed."""
    path = Path(os.path.abspath(file.path))
    for folder in (Path(os.path.abspath(root)), root.resolve()):
        if path.is_relative_to(folder):
            return path.relative_to(folder).as_posix()
    return path.as_posix()

"""Merging an import into the content: each returned unit checked against the export and the
content, the translations written into the YAML, and the result checked as `rapporteur check`
would."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from ...errors import ContentError, Problem
from ...load import (MAX_FILE_BYTES, MAX_TOTAL_BYTES, LoadedContent, SourceFile,
                     forbidden_character, parse_yaml)
from ..fingerprint import fingerprint, normalize
from ..units import Languages, Unit, is_tracked, relative_name, units
from ..yamledit import Edit, apply_edits
from .accept import Skip, check_marks, not_a_translation
from .codes import exported_codes
from .export import cut, shown_target, shows_translation
from .names import PROTECTED_KINDS, file_key
from .parts import Refusal
from .read import ReturnedFile, ReturnedUnit, read_returned
from .rebuild import rebuild

CheckMerged = Callable[[LoadedContent], object]
"""Every check `rapporteur check` runs, on content already loaded; raises ContentError."""


@dataclass(frozen=True)
class Imported:
    language: str
    outputs: dict[Path, bytes]  # the content files as the import leaves them
    count: int  # translations written
    skipped: tuple[Problem, ...]  # targets that are no translation, each at its line
    warnings: tuple[Problem, ...]  # harmless deviations of the tool, each at its line


def import_xliff(path: Path, loaded: LoadedContent, languages: Languages,
                 check_merged: CheckMerged) -> Imported:
    """Check an XLIFF file against the content; the translations it brings, and what not."""
    returned = read_returned(path)
    try:
        language = _language(returned, languages)
    except Refusal as refusal:
        raise ContentError([returned.reader.problem(refusal.element, refusal.message)]) from None
    all_units = units(loaded, languages)
    by_name: dict[str, dict[str, Unit]] = {}
    for unit in all_units:
        by_name.setdefault(relative_name(unit.file, loaded.root), {})[unit.id] = unit
    tracked = is_tracked(all_units)
    problems: list[Problem] = []
    skipped: list[Problem] = []
    edits: list[Edit] = []
    seen_units: set[tuple[Path, tuple]] = set()
    for returned_unit in returned.units:
        try:
            edit = _merge_unit(returned_unit, by_name, seen_units, language, languages, tracked)
        except Refusal as refusal:
            problems.append(returned.reader.problem(refusal.element, refusal.message,
                                                    refusal.hint))
            continue
        if isinstance(edit, Skip):
            skipped.append(replace(returned.reader.problem(edit.element, edit.message,
                                                           edit.hint), severity="warning"))
        elif edit:
            edits.append(edit)
    if problems:
        raise ContentError(problems)
    outputs = apply_edits(edits, loaded, languages)
    _check_merged(loaded, outputs, check_merged)
    return Imported(language, outputs, len(edits), tuple(skipped), returned.warnings)


def _language(returned: ReturnedFile, languages: Languages) -> str:
    if returned.source_language != languages.source:
        raise Refusal(returned.element, f"the source language is "
                      f"'{returned.source_language}', but the report is translated from "
                      f"'{languages.source}'")
    if returned.language not in languages.targets:
        raise Refusal(returned.element, f"the target language '{returned.language}' is not "
                      f"one the report translates into ({', '.join(languages.targets)})")
    return returned.language


def _merge_unit(returned: ReturnedUnit, by_name: dict[str, dict[str, Unit]],
                seen_units: set[tuple[Path, tuple]], language: str, languages: Languages,
                tracked: bool) -> Edit | Skip | None:
    known = by_name.get(returned.file)
    if known is None:
        raise Refusal(returned.element.getparent() if returned.element.getparent() is not None
                      else returned.element, f"unknown content file '{returned.file}'",
                      "import the file exported from this report")
    prefix = f"{file_key(returned.file)}:"
    given = returned.unit_id or ""
    unit_id = given[len(prefix):] if given.startswith(prefix) else given
    unit = known.get(unit_id) if given.startswith(prefix) else None
    if unit is None:
        raise Refusal(returned.element, f"unknown unit id '{given}'",
                      "units are identified by their content file and their place in it; "
                      "export again if the content changed")
    place = (unit.file.path, unit.location)
    if place in seen_units:
        raise Refusal(returned.element, f"unit '{unit_id}' of '{returned.file}' appears twice",
                      "keep one of the two")
    seen_units.add(place)
    source_text = normalize(unit.texts[languages.source])
    current = fingerprint(source_text)
    if returned.fingerprint != current:
        raise Refusal(returned.element, f"the {languages.source} text of unit '{unit_id}' "
                      "changed since this file was exported",
                      "export again and translate the new text")
    targets = "source" if returned.shown == current else "translation"
    shown = shown_target(unit, language, languages, targets)
    codes = exported_codes(unit, languages, shown)
    if fingerprint(rebuild(returned.source, codes.in_source, Counter(), unit_id)) != current:
        raise Refusal(returned.source_element, f"the source text of unit '{unit_id}' was "
                      "edited in the XLIFF",
                      "translate in the target; the source stays as exported")
    if returned.target is None:
        return None
    seen: Counter = Counter()
    # A code the shown translation has keeps its data there (a link to the page in this
    # language); any other comes from the source.
    text = rebuild(returned.target, {**codes.in_source, **codes.in_target}, seen, unit_id,
                   codes.in_source)
    if not text.strip():
        return None
    for code_id, count in seen.items():
        if count > 1:
            raise Refusal(returned.target_element, f"unit '{unit_id}': code {code_id} appears "
                          f"{count} times",
                          "each code of the source appears once in the translation")
    for code_id, piece in codes.in_source.items():
        if piece.kind in PROTECTED_KINDS and code_id not in seen:
            raise Refusal(returned.target_element, f"unit '{unit_id}': protected code "
                          f"{code_id} was deleted",
                          "put it back: footnote references, links and URLs must stay")
    if normalize(text) == normalize(unit.texts.get(language, "")) or \
            fingerprint(text) == returned.shown:
        return None  # as the export held it, or as the content has it: nothing to write
    bad = forbidden_character(text)
    if bad:
        raise Refusal(returned.target_element, f"unit '{unit_id}': the translation contains "
                      f"U+{ord(bad):04X}, which no text may hold", "delete it")
    check_marks(returned, unit_id, source_text, normalize(text))
    # Whether the export gave the unit as done: a "done" state is then the export's, kept.
    exported_done = targets == "translation" and shows_translation(unit, language, languages,
                                                                   tracked)
    skip = not_a_translation(returned, unit_id, normalize(text), source_text, language,
                             languages, cut(unit, language, languages, shown), exported_done)
    if skip:
        return skip
    return Edit(unit.file.path, unit.location, language, current, normalize(text))



def _check_merged(loaded: LoadedContent, outputs: dict[Path, bytes],
                  check_merged: CheckMerged) -> None:
    """Every check of `rapporteur check`, on the content as the import would leave it.

    The merged content is parsed from the new bytes in memory: nothing is copied, and no file
    is read but those the loader already read, confined to content/.
    """
    if not outputs:
        return
    problems: list[Problem] = []
    merged: dict[Path, SourceFile] = {}
    for path, data in outputs.items():
        if len(data) > MAX_FILE_BYTES:
            problems.append(Problem(path, None, None, f"after the import the file would be "
                                    f"{len(data):,} bytes, more than the {MAX_FILE_BYTES:,} "
                                    "allowed", "split the file before importing"))
            continue
        try:
            merged[path] = parse_yaml(path, data)
        except ContentError as error:
            problems += error.problems
    total = sum(len(outputs.get(file.path, file.raw)) for file in _files(loaded))
    if total > MAX_TOTAL_BYTES:
        problems.append(Problem(loaded.report.path, None, None, f"after the import the content "
                                f"would be {total:,} bytes, more than the {MAX_TOTAL_BYTES:,} "
                                "allowed in all", "check that nothing was pasted by mistake"))
    if not problems:
        try:
            check_merged(_replaced(loaded, merged))
        except ContentError as error:
            problems = error.problems
    if problems:
        raise ContentError([replace(problem, message=f"after the import: {problem.message}")
                            for problem in problems])


def _files(loaded: LoadedContent) -> list[SourceFile]:
    return [loaded.report, *loaded.body, *([loaded.glossary] if loaded.glossary else []),
            loaded.results, loaded.recommendations, loaded.projects]


def _replaced(loaded: LoadedContent, new: dict[Path, SourceFile]) -> LoadedContent:
    def swap(file: SourceFile | None) -> SourceFile | None:
        return new.get(file.path, file) if file is not None else None

    return replace(loaded, report=swap(loaded.report), body=[swap(file) for file in loaded.body],
                   glossary=swap(loaded.glossary), results=swap(loaded.results),
                   recommendations=swap(loaded.recommendations),
                   projects=swap(loaded.projects))

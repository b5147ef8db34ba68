"""How far each translation is: units and source words current / stale / missing.

`status` prints it; `check` and `build` report each stale or missing unit and each fuzzy or
missing template message as a warning (so `--strict` fails on them). Nothing here writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

from ..errors import Problem
from ..load import LoadedContent
from .fingerprint import fingerprint, word_count
from .units import (CURRENT, MISSING, STALE, STATES, UNSTAMPED, Languages, Unit,
                    declared_languages, is_tracked, relative_name, state, units)


@dataclass
class Tally:
    """Units and source words in each state."""

    units: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    words: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))

    def add(self, unit_state: str, words: int) -> None:
        self.units[unit_state] += 1
        self.words[unit_state] += words

    def as_dict(self) -> dict:
        return {"units": dict(self.units), "words": dict(self.words)}


@dataclass(frozen=True)
class CatalogueStatus:
    language: str
    path: Path
    messages: int
    fuzzy: int
    missing: int


@dataclass(frozen=True)
class Status:
    languages: Languages
    tracked: bool
    totals: dict[str, Tally]  # language → tally
    files: dict[str, dict[str, Tally]]  # language → file → tally
    catalogues: list[CatalogueStatus]
    problems: list[Problem]  # one warning per stale or missing unit or message


def unit_problem(unit: Unit, language: str, unit_state: str, languages: Languages,
                 root: Path) -> Problem | None:
    source = languages.source
    if unit_state == MISSING:
        return unit.problem(language, f"the {language} translation is missing",
                            f"translate it (rapporteur xliff export --lang {language}), or "
                            "build a draft with build --draft")
    if unit_state != STALE:
        return None
    hint = ("update the translation; if the change needs none (a typo fix), run "
            f"rapporteur translations ack --lang {language} {relative_name(unit.file, root)}:"
            f"{unit.position(language)[0]}")
    if language not in unit.stamps:
        return unit.problem(language, f"the {language} translation has no based-on stamp, so "
                            f"nothing tells that it translates the present {source} text", hint)
    return unit.problem(
        language, f"the {language} translation is stale: the {source} text changed since it "
        f"was translated (based on {unit.stamps[language]}, now "
        f"{fingerprint(unit.texts[source])})", hint)


def catalogue_status(locales: Path, language: str) -> tuple[CatalogueStatus, list[Problem]]:
    """Fuzzy and missing template messages: the build would show them untranslated."""
    path = locales / language / "LC_MESSAGES" / "messages.po"
    template = locales / "messages.pot"
    problems: list[Problem] = []
    if not path.is_file():
        problems.append(Problem(path, None, None, f"no message catalogue for '{language}'",
                                "create it with make messages", "warning"))
        return CatalogueStatus(language, path, 0, 0, 0), problems
    with path.open("rb") as stream:
        catalogue = read_po(stream, locale=None)
    expected: list[str | tuple[str, ...]] = []
    if template.is_file():
        with template.open("rb") as stream:
            expected = [message.id for message in read_po(stream) if message.id]
    fuzzy = missing = 0
    for message in catalogue:
        if not message.id:
            continue
        shown = message.id if isinstance(message.id, str) else message.id[0]
        if message.fuzzy:
            fuzzy += 1
            problems.append(Problem(path, message.lineno, 1,
                                    f"template message \"{shown}\" is fuzzy: the build shows it "
                                    "untranslated", "check the translation and remove the "
                                    "'#, fuzzy' line", "warning"))
        elif not (message.string if isinstance(message.string, str) else all(message.string)):
            missing += 1
            problems.append(Problem(path, message.lineno, 1,
                                    f"template message \"{shown}\" is not translated",
                                    "write its msgstr", "warning"))
    for message_id in expected:
        if message_id not in catalogue:  # a plural message by its singular, as gettext does
            missing += 1
            shown = message_id if isinstance(message_id, str) else message_id[0]
            problems.append(Problem(path, None, None,
                                    f"template message \"{shown}\" is missing",
                                    "run make messages, then translate it", "warning"))
    count = len([message for message in catalogue if message.id])
    return CatalogueStatus(language, path, count, fuzzy, missing), problems


def translation_status(loaded: LoadedContent, locales: Path | None = None) -> Status:
    languages = declared_languages(loaded)
    found = units(loaded, languages)
    tracked = is_tracked(found)
    totals = {language: Tally() for language in languages.targets}
    files: dict[str, dict[str, Tally]] = {language: {} for language in languages.targets}
    problems: list[Problem] = []
    for unit in found:
        name = relative_name(unit.file, loaded.root)
        words = word_count(unit.texts[languages.source])
        for language in languages.targets:
            unit_state = state(unit, language, languages, tracked)
            totals[language].add(unit_state, words)
            files[language].setdefault(name, Tally()).add(unit_state, words)
            problem = unit_problem(unit, language, unit_state, languages, loaded.root)
            if problem:
                problems.append(problem)
    catalogues = []
    if locales is not None:
        for language in languages.all:
            catalogue, catalogue_problems = catalogue_status(locales, language)
            catalogues.append(catalogue)
            problems.extend(catalogue_problems)
    return Status(languages, tracked, totals, files, catalogues, problems)


# --- output -----------------------------------------------------------------------------

def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def _line(label: str, counts: dict[str, int], shown: tuple[str, ...]) -> str:
    whole = sum(counts.values())
    return f"{label:<6} {whole:>6}: " + ", ".join(
        f"{name} {counts[name]} ({_share(counts[name], whole)})" for name in shown)


def format_text(status: Status) -> str:
    shown = (CURRENT, STALE, MISSING) if status.tracked else (UNSTAMPED, MISSING)
    source = status.languages.source
    lines = []
    if not status.tracked:
        lines.append("no translation is stamped yet: run rapporteur translations ack --all "
                     "once the translations are known to be current")
    for language in status.languages.targets:
        tally = status.totals[language]
        lines.append(f"{language} (translated from {source})")
        lines.append("  " + _line("units", tally.units, shown))
        lines.append("  " + _line("words", tally.words, shown))
        for name, file_tally in status.files[language].items():
            lines.append(f"    {name}: " + ", ".join(
                f"{state_name} {file_tally.units[state_name]}" for state_name in shown))
    for catalogue in status.catalogues:
        lines.append(f"template messages ({catalogue.language}): {catalogue.messages}, "
                     f"fuzzy {catalogue.fuzzy}, missing {catalogue.missing}")
    return "\n".join(lines)


def format_json(status: Status, root: Path) -> str:
    return json.dumps({
        "source": status.languages.source,
        "tracked": status.tracked,
        "languages": {
            language: {**status.totals[language].as_dict(),
                       "files": {name: tally.as_dict()
                                 for name, tally in status.files[language].items()}}
            for language in status.languages.targets},
        "catalogues": [{"language": catalogue.language,
                        "file": str(catalogue.path.relative_to(root))
                        if catalogue.path.is_relative_to(root) else str(catalogue.path),
                        "messages": catalogue.messages, "fuzzy": catalogue.fuzzy,
                        "missing": catalogue.missing} for catalogue in status.catalogues],
        "problems": [{"location": problem.location(root), "message": problem.message,
                      "hint": problem.hint} for problem in status.problems],
    }, ensure_ascii=False, indent=2)


def failing(status: Status, fail_on: set[str]) -> bool:
    """Whether a state named in --fail-on occurs (catalogue problems count as stale/missing)."""
    for language in status.languages.targets:
        if any(status.totals[language].units[name] for name in fail_on):
            return True
    return any(("stale" in fail_on and catalogue.fuzzy) or ("missing" in fail_on
                                                           and catalogue.missing)
               for catalogue in status.catalogues)

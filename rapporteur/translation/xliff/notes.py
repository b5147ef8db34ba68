"""The notes of a unit: what a translator is told of it beside its text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...load import LoadedContent
from ...parity import Term, terms_used
from ..fingerprint import normalize
from ..history import SourceHistory
from ..inline import Code
from ..places import Place, printed_places, project_titles, shown_words
from ..units import STALE, Languages, Unit, relative_name
from ...words import word_diff
from .codes import Shown


def glossary_terms(loaded: LoadedContent) -> list[Term]:
    source = loaded.glossary
    terms = source.data.get("terms") if source and isinstance(source.data, dict) else None
    return [Term({str(code): str(form) for code, form in entry.items()},
                 source.position(("terms", index))[0])
            for index, entry in enumerate(terms or []) if isinstance(entry, dict)]


@dataclass(frozen=True)
class Context:
    """What the notes and codes of an export tell a translator, found once for all units."""

    terms: list[Term]
    places: dict[Place, str]  # "paragraph 24 (ii)", "note 26 (paragraph 24)"
    titles: dict[str, str]  # project id → title in the source language
    history: SourceHistory  # the source texts stale translations were made from

    def shown(self, unit: Unit) -> Shown:
        def words(code: Code) -> str:
            if code.kind == "footnote":
                place = self.places.get((unit.file.path, unit.location[:2] + (
                    "footnotes", code.data[2:-1])))
                return place.split(" (")[0] if place else code.data
            if code.kind == "reference":
                return shown_words(code.data, self.titles)
            return code.data
        return words


def find_context(loaded: LoadedContent, languages: Languages) -> Context:
    data = loaded.report.data if isinstance(loaded.report.data, dict) else {}
    entries = data.get("languages") if isinstance(data.get("languages"), list) else []
    reading = next((entry.get("code") for entry in entries if isinstance(entry, dict)),
                   languages.source)
    return Context(glossary_terms(loaded), printed_places(loaded, str(reading)),
                   project_titles(loaded, languages.source),
                   SourceHistory(loaded.root, languages))


def unit_notes(unit: Unit, language: str, unit_state: str, languages: Languages,
               context: Context, root: Path) -> list[tuple[str, str]]:
    """(category, text) of each note: where the unit stands, the glossary terms it uses, and
    for a stale unit its translation, the source text that translation was made from and
    what changed in the source since."""
    line, _ = unit.position()
    notes = [("location", f"{relative_name(unit.file, root)}:{line}")]
    printed = context.places.get((unit.file.path, unit.location))
    if printed:
        notes.append(("place", printed))
    terms = context.terms
    source = languages.source
    for term in terms_used(unit.texts[source], [term for term in terms
                                                if term.forms.get(source, "").strip()], source):
        if term.forms.get(language, "").strip():
            notes.append(("glossary", f"{term.forms[source]} = {term.forms[language]}"))
    if unit_state == STALE:
        notes.append(("previous-translation", normalize(unit.texts[language])))
        previous = context.history.previous(unit, language)
        if previous.text is None:
            notes.append(("previous-source", f"The {source} text this translation was made "
                          f"from is not available: {previous.missing}."))
        else:
            # Said in words too: tools that list notes (translate-toolkit, Weblate) show no
            # category.
            notes.append(("previous-source", f"Previous {source} text: {previous.text}"))
            changes = word_diff(previous.text, normalize(unit.texts[source]))
            notes.append(("source-changes", f"Changes in the {source} text: "
                          + (changes or "spaces or line breaks only")))
    return notes


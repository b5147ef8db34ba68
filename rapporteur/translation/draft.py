"""`build --draft`: build with missing or stale translations, each marked where it stands.

A normal build never falls back to another language: a missing translation stops it and a
stale one is a warning. A draft build puts, before validation, a visible placeholder in place
of each missing translation (the source text, labelled) and labels each stale one; the
templates then put a DRAFT mark on every page.
"""

from __future__ import annotations

import copy
from dataclasses import replace

from ..load import LoadedContent, SourceFile
from .units import MISSING, STALE, declared_languages, is_tracked, state, units

UNTRANSLATED = "[DRAFT: not translated yet, {source} text follows] "
OUTDATED = "[DRAFT: translation of an earlier {source} text] "


def with_placeholders(loaded: LoadedContent) -> LoadedContent:
    """The loaded content with every missing or stale translation replaced or labelled."""
    languages = declared_languages(loaded)
    found = units(loaded, languages)
    tracked = is_tracked(found)
    copies: dict[int, SourceFile] = {}

    def data_of(file: SourceFile) -> SourceFile:
        if id(file) not in copies:
            copies[id(file)] = replace(file, data=copy.deepcopy(file.data))
        return copies[id(file)]

    for unit in found:
        for language in languages.targets:
            unit_state = state(unit, language, languages, tracked)
            if unit_state not in (MISSING, STALE):
                continue
            node = data_of(unit.file).data
            for part in unit.location:
                node = node[part]
            label = (UNTRANSLATED if unit_state == MISSING else OUTDATED).format(
                source=languages.source)
            text = unit.texts[languages.source] if unit_state == MISSING else unit.texts[language]
            node[language] = label + text.strip()

    def swapped(file: SourceFile) -> SourceFile:
        return copies.get(id(file), file)

    return replace(loaded, report=swapped(loaded.report),
                   body=[swapped(file) for file in loaded.body],
                   results=swapped(loaded.results),
                   recommendations=swapped(loaded.recommendations),
                   projects=swapped(loaded.projects))

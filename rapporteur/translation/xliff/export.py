"""Writing an export: the XLIFF document that asks for one language's translation of every
unit, cut into sentence segments (2.0), with notes, states and codes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ...load import LoadedContent
from ..fingerprint import fingerprint, normalize
from ..inline import pieces
from ..sentences import Sentence, sentences
from ..units import (MISSING, STALE, Languages, Unit, is_tracked, relative_name, state,
                     units)
from ..xmltext import indent
from .codes import Codes, write_inline
from .names import OURS, STRUCTURE, XLIFF_1, XLIFF_2, XML_SPACE, unit_id
from .notes import Context, find_context, unit_notes

TARGETS = ("translation", "source")
"""What an export's targets hold where a unit has no current translation to show: the present
(or previous) translation and, if none, nothing ("translation"); or, for every unit, a copy of
the source ("source"), for tools that translate the text of <target> (OmegaT 3.6), the current
translations then reaching the tool through the TMX written beside the file."""


def export_xliff(loaded: LoadedContent, languages: Languages, language: str,
                 version: str = "2.0", targets: str = "translation") -> bytes:
    """The XLIFF document that asks for the `language` translation of every unit."""
    found = units(loaded, languages)
    tracked = is_tracked(found)
    context = find_context(loaded, languages)
    ns = XLIFF_2 if version == "2.0" else XLIFF_1
    if version == "2.0":
        # Line breaks in a text separate blocks and list items: tools must keep them.
        root = etree.Element(f"{{{ns}}}xliff", {XML_SPACE: "preserve"},
                             nsmap={None: ns, "r": OURS}, version="2.0",
                             srcLang=languages.source, trgLang=language)
    else:
        root = etree.Element(f"{{{ns}}}xliff", nsmap={None: ns, "r": OURS}, version="1.2")
    files: dict[str, list[Unit]] = {}
    for unit in found:
        files.setdefault(relative_name(unit.file, loaded.root), []).append(unit)
    for number, (name, file_units) in enumerate(files.items(), 1):
        if version == "2.0":
            container = file = etree.SubElement(root, f"{{{ns}}}file", id=f"f{number}",
                                                original=name)
        else:
            file = etree.SubElement(root, f"{{{ns}}}file",
                                    {"source-language": languages.source,
                                     "target-language": language},
                                    original=name, datatype="plaintext")
            container = etree.SubElement(file, f"{{{ns}}}body")
        for unit in file_units:
            _export_unit(container, name, unit, language, languages, tracked, context,
                         loaded.root, version, targets)
    indent(root, STRUCTURE)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def shows_translation(unit: Unit, language: str, languages: Languages, tracked: bool) -> bool:
    """Whether the unit's translation is current: the export gives it as done."""
    return state(unit, language, languages, tracked) not in (MISSING, STALE)


def shown_target(unit: Unit, language: str, languages: Languages,
                 targets: str = "translation") -> str | None:
    """What the export puts in the unit's target: the translation (current, or the previous
    one of a stale unit, to revise), a copy of the source, or nothing for a missing unit."""
    if targets == "source":
        return normalize(unit.texts[languages.source])
    return normalize(unit.texts[language]) if language in unit.texts else None


@dataclass(frozen=True)
class Cut:
    """A unit's source and shown target cut into sentences, aligned when the counts agree."""

    source: list[Sentence]
    target: list[Sentence] | None  # one per source sentence; None: no target, or not aligned
    whole: bool = False  # a target not aligned: it stands whole in the first segment


def cut(unit: Unit, language: str, languages: Languages, shown: str | None) -> Cut:
    source = sentences(pieces(normalize(unit.texts[languages.source])), languages.source)
    target = sentences(pieces(shown), language) if shown is not None else None
    aligned = target is not None and len(target) == len(source)
    return Cut(source, target if aligned else None, target is not None and not aligned)


def _export_unit(container: etree._Element, file_name: str, unit: Unit, language: str,
                 languages: Languages, tracked: bool, context: Context, root: Path,
                 version: str, targets: str) -> None:
    ns = XLIFF_2 if version == "2.0" else XLIFF_1
    unit_state = state(unit, language, languages, tracked)
    source_text = normalize(unit.texts[languages.source])
    done = targets == "translation" and shows_translation(unit, language, languages, tracked)
    shown = shown_target(unit, language, languages, targets)
    codes = Codes()
    tag = "unit" if version == "2.0" else "trans-unit"
    element = etree.SubElement(container, f"{{{ns}}}{tag}", id=unit_id(file_name, unit))
    if version == "1.2":
        element.set(XML_SPACE, "preserve")
        if done:
            element.set("approved", "yes")
    element.set(f"{{{OURS}}}fingerprint", fingerprint(unit.texts[languages.source]))
    if shown is not None:
        # What the target held: a target returned as it was is no translation, and must not
        # undo a newer translation (another import, an edit) made since.
        element.set(f"{{{OURS}}}shown", fingerprint(shown))
    notes = unit_notes(unit, language, unit_state, languages, context, root)
    shown_as = context.shown(unit)
    if version == "1.2":
        source = etree.SubElement(element, f"{{{ns}}}source")
        write_inline(source, pieces(source_text), codes, Counter(), True, version)
        target = etree.SubElement(element, f"{{{ns}}}target", state="translated" if done
                                  else "needs-review-translation" if unit_state == STALE
                                  and targets == "translation" else "needs-translation")
        if shown is not None:
            write_inline(target, pieces(shown), codes, Counter(), False, version)
        for category, text in notes:
            etree.SubElement(element, f"{{{ns}}}note", {"from": category}).text = text
        return
    notes_element = etree.SubElement(element, f"{{{ns}}}notes")
    for category, text in notes:
        etree.SubElement(notes_element, f"{{{ns}}}note", category=category).text = text
    original = etree.SubElement(element, f"{{{ns}}}originalData")
    parts = cut(unit, language, languages, shown)
    # All sources first: a target's codes take the ids of the source's, wherever they stand.
    placed = []
    source_order, target_order = Counter(), Counter()
    for number, sentence in enumerate(parts.source):
        segment = etree.SubElement(element, f"{{{ns}}}segment", id=f"s{number + 1}",
                                   state="final" if done else "initial")
        if unit_state == STALE and not done and targets == "translation":
            segment.set("subState", "r:needs-review")
        source = etree.SubElement(segment, f"{{{ns}}}source")
        write_inline(source, sentence.pieces, codes, source_order, True, version, shown_as)
        ignorable = None
        if sentence.after:
            ignorable = etree.SubElement(element, f"{{{ns}}}ignorable")
            etree.SubElement(ignorable, f"{{{ns}}}source").text = sentence.after
        placed.append((segment, ignorable))
    for number, (segment, ignorable) in enumerate(placed):
        target = etree.SubElement(segment, f"{{{ns}}}target")
        if parts.target is not None:
            write_inline(target, parts.target[number].pieces, codes, target_order, False, version,
                         shown_as)
            if ignorable is not None:
                etree.SubElement(ignorable, f"{{{ns}}}target").text = \
                    parts.target[number].after
        elif parts.whole and number == 0:
            # The translation has other sentences than its source: it stands whole in the
            # first segment, and the import joins it with the (empty) others.
            write_inline(target, pieces(shown), codes, target_order, False, version, shown_as)
    if codes.data:
        for data, data_id in codes.data.items():
            etree.SubElement(original, f"{{{ns}}}data", id=data_id).text = data
    else:
        element.remove(original)

"""Whether a returned target may land: a translation (not the tool's copy, not marked
undone, in the language's script), with the footnote calls, references and links of its source."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from lxml import etree

from ...markup import protected_marks
from ...parity import comparable_url
from ..inline import Pair, Piece, Text, markdown, pieces
from ..scripts import has_letters, in_script
from ..sentences import sentences
from ..units import Languages
from .export import Cut
from .parts import Refusal
from .read import ReturnedUnit


@dataclass(frozen=True)
class Skip:
    """A target that is no translation (left as the tool's copy, marked not done, in the
    wrong script): not imported, and reported; the rest of the file lands."""

    element: etree._Element | None
    message: str
    hint: str


def words_of(text: str) -> str:
    """The words of a text: without its codes and the years and symbols kept as written; with
    the words inside links, emphasis and a reference's own words."""
    return _words(pieces(text))


def _words(found: tuple[Piece, ...]) -> str:
    return "".join(piece.text if isinstance(piece, Text) else
                   _words(piece.inside) if isinstance(piece, Pair) else "" for piece in found)


def not_a_translation(returned: ReturnedUnit, unit_id: str, text: str, source: str,
                      language: str, languages: Languages, exported: Cut,
                      exported_done: bool) -> Skip | None:
    """Why a target that differs from what the export held is still no translation, if it
    is not: the tool marks it not done, it is the source, or (part of) it is in another
    script than the language's.

    A target equal to its source is a translation when the translator said so: the tool marks
    it done ("Introduction" is French too), and the export did not (`exported_done`), so the
    state is the translator's word, not the export's kept by a tool that changes no state
    (OmegaT, whose untranslated segments hold the source)."""
    where = returned.target_element
    name = f"unit '{unit_id}'"
    said_done = returned.marked == "done" and not exported_done
    if returned.version == "2.0" and returned.marked != "done":
        return Skip(where, f"{name} is marked '{returned.marked}', not translated: not "
                    "imported", "mark it translated (or reviewed, final) in the tool when it "
                    "is done, and import again")
    if text == source and has_letters(words_of(source)) and not said_done:
        return Skip(where, f"{name}: the target is a copy of the {languages.source} text: not "
                    "imported", f"translate it; if it is the same in {language}, mark it "
                    "translated in the tool")
    if not in_script(words_of(text), language):
        return Skip(where, f"{name}: the target has no letter of the {language} script: not "
                    "imported", f"translate it into {language}")
    # A sentence of a source of several left as it was, where the rest is translated (OmegaT
    # writes the source of every segment nobody translated): found whole in the target.
    source_sentences = sentences(pieces(source), languages.source)
    for number, sentence in enumerate(source_sentences, 1):
        written = markdown(sentence.pieces).strip()
        words = words_of(written)
        if len(source_sentences) > 1 and len(words.split()) >= 3 and written in text and \
                not in_script(words, language):
            return Skip(where, f"{name}: sentence {number} of the {languages.source} text "
                        "stands untranslated in the target: not imported",
                        "translate every sentence of the unit, then import again")
    if returned.version == "2.0" and len(returned.segments) == len(exported.source):
        for number, segment in enumerate(returned.segments, 1):
            spoken = has_letters(words_of(markdown(exported.source[number - 1].pieces)))
            expected_empty = exported.whole and number > 1
            if not segment.target and spoken and not expected_empty:
                return Skip(segment.element, f"{name}: segment {number} has no translation: "
                            "the unit is not imported", "translate every segment of the unit")
    return None



def check_marks(returned: ReturnedUnit, unit_id: str, source: str, target: str) -> None:
    """The translation has the footnote calls, references and links of its source, as the
    renderer reads both texts: none typed in as text, none lost by escaping its code."""
    source_notes, source_references, source_links = protected_marks(source)
    notes, references, links = protected_marks(target)
    # What a reference points at, without the author's words after "|": those are in each
    # language's own words ({project:x|IP Technical Assistance Database}, {project:x|…数据库}).
    source_references, references = (
        Counter((kind, value.partition("|")[0]) for kind, value in found.elements())
        for found in (source_references, references))
    differences = []
    for call in sorted((notes - source_notes).elements()):
        differences.append(f"a footnote call [^{call}] the source does not have")
    for call in sorted((source_notes - notes).elements()):
        differences.append(f"no footnote call [^{call}], which the source has")
    for kind, value in sorted((references - source_references).elements()):
        differences.append(f"a reference {{{kind}:{value}}} the source does not have")
    for kind, value in sorted((source_references - references).elements()):
        differences.append(f"no reference {{{kind}:{value}}}, which the source has")
    wanted = {comparable_url(link) for link in source_links}
    found = {comparable_url(link) for link in links}
    differences += [f"a link to {link} the source does not have" for link in sorted(links)
                    if comparable_url(link) not in wanted]
    differences += [f"no link to {link}, which the source has" for link in sorted(source_links)
                    if comparable_url(link) not in found]
    if differences:
        raise Refusal(returned.target_element, f"unit '{unit_id}': the translation has "
                      + "; ".join(differences),
                      "links, URLs, references and footnote calls come from the source's "
                      "codes: keep those, and type none as text")


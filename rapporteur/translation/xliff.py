"""XLIFF export and import: the files translators open in their CAT tools.

Export writes, for one target language, a <file> per content file and a <unit> per text unit
(id: its place in the file, "blocks.3.paragraph"), carrying the fingerprint of the source text
it shows (and of the translation it shows as target, if any), notes with the unit's place, the
glossary terms it uses and, for a stale unit, the previous translation. Inline Markdown becomes
protected codes (inline.py): footnote references, cross-references and URLs as
<ph canDelete="no">, links and emphasis as <pc> whose start and end (the URL) stay in
<originalData>, symbols and years as <mrk translate="no">.

Import trusts the returned file with words only. It is all or nothing, like build: the file
must be a small, well-formed XLIFF without DOCTYPE (2.0: valid against the OASIS core schema),
name the report's languages in every place it gives them, the report's content files and units
(each once), carry the source fingerprints the content still has, and use the source's codes
by id, each once, start and end paired. Every code is rebuilt from the export's (its data is
never read from the file); the translation must then have the links, references and footnote
calls of its source, as the renderer reads them, and the merged content must pass every check
of `rapporteur check`. Only then are the translations written into the YAML (yamledit.py) and
stamped. Every refusal points at the XLIFF file's line, or at the content file after the merge.

lxml builds and reads all XML; no XML is written as strings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Union

from lxml import etree

from ..errors import ContentError, Problem
from ..load import (MAX_FILE_BYTES, MAX_TOTAL_BYTES, LoadedContent, SourceFile,
                    forbidden_character, parse_yaml, read_confined)
from ..markup import protected_marks
from ..parity import Term, comparable_url, terms_used
from ..text import is_cjk
from .fingerprint import fingerprint, normalize
from .inline import Code, Keep, Pair, Piece, Text, markdown, pieces
from .scripts import has_letters, in_script
from .places import Place, printed_places, project_titles, shown_words
from .sentences import Sentence, sentences
from .units import (MISSING, STALE, Languages, Unit, is_tracked, relative_name,
                    state, units)
from .xmltext import append_text, indent
from .yamledit import Edit, apply_edits

XLIFF_2 = "urn:oasis:names:tc:xliff:document:2.0"
XLIFF_1 = "urn:oasis:names:tc:xliff:document:1.2"
OURS = "urn:rapporteur:translation:1"  # our attributes on units: the source fingerprint
VERSIONS = ("2.0", "1.2")
SCHEMA = Path(__file__).parent / "schemas" / "xliff_core_2.0.xsd"
# Declares our attributes, as the strict XLIFF 1.2 schema wants of any foreign attribute.
OURS_SCHEMA = Path(__file__).parent / "schemas" / "rapporteur_translation_1.xsd"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_PROTECTED_KINDS = {"footnote", "reference", "url", "link"}
_STRUCTURE = {"xliff", "file", "body", "unit", "trans-unit", "notes", "segment",
              "ignorable", "originalData"}


# --- export -------------------------------------------------------------------------------

class _Codes:
    """The code ids and original data of one unit, shared by its source and target."""

    def __init__(self) -> None:
        self.data: dict[str, str] = {}  # data → id, in order of first use
        self.source: dict[tuple[str, int | str], str] = {}  # (kind, ordinal or data) → id
        # id → the code as the export wrote it, in the source and in the shown translation:
        # an import rebuilds every code from these, never from the returned file.
        self.in_source: dict[str, Code | Pair] = {}
        self.in_target: dict[str, Code | Pair] = {}
        self.extra = 0
        self.marks: dict[tuple[str, int], str] = {}  # (text, occurrence) → id, from the source
        self.marks_seen: dict[bool, Counter] = {True: Counter(), False: Counter()}
        self.extra_marks = 0

    def data_id(self, data: str) -> str:
        return self.data.setdefault(data, f"d{len(self.data) + 1}")

    @staticmethod
    def key(piece: Code | Pair, ordinal: Counter) -> tuple[str, int | str]:
        if isinstance(piece, Code) and piece.kind == "footnote":
            return ("footnote", piece.data)
        ordinal[piece.kind] += 1
        return (piece.kind, ordinal[piece.kind])

    def code_id(self, piece: Code | Pair, ordinal: Counter, is_source: bool) -> str:
        key = self.key(piece, ordinal)
        if is_source:
            code_id = self.source.setdefault(key, str(len(self.source) + 1))
            self.in_source[code_id] = piece
        else:
            if key not in self.source:
                self.extra += 1
            code_id = self.source.get(key, f"t{self.extra}")
            self.in_target[code_id] = piece
        return code_id

    def mark_id(self, text: str, is_source: bool) -> str:
        """A kept year or symbol: the target's reuses the id of the same text in the source,
        as XLIFF 2.0 asks, so that a tool's tag check finds each where it expects it."""
        seen = self.marks_seen[is_source]
        seen[text] += 1
        key = (text, seen[text])
        if is_source:
            return self.marks.setdefault(key, f"m{len(self.marks) + 1}")
        if key not in self.marks:
            self.extra_marks += 1
            return f"tm{self.extra_marks}"
        return self.marks[key]


Shown = Callable[[Code], str]
"""What a reader sees where a code stands ("note 26", a project's title): a code's `disp`."""


def _inline(parent: etree._Element, found: tuple[Piece, ...], codes: _Codes, ordinal: Counter,
            is_source: bool, version: str, shown: Shown | None = None) -> None:
    ns = XLIFF_2 if version == "2.0" else XLIFF_1
    for piece in found:
        if isinstance(piece, Text):
            append_text(parent, piece.text)
        elif isinstance(piece, Keep):
            if version == "2.0":
                mark = etree.SubElement(parent, f"{{{ns}}}mrk",
                                        id=codes.mark_id(piece.text, is_source),
                                        translate="no")
            else:
                mark = etree.SubElement(parent, f"{{{ns}}}mrk", mtype="protected")
            mark.text = piece.text
        elif isinstance(piece, Code):
            code_id = codes.code_id(piece, ordinal, is_source)
            if version == "2.0":
                etree.SubElement(parent, f"{{{ns}}}ph", id=code_id,
                                 dataRef=codes.data_id(piece.data), canDelete="no",
                                 disp=shown(piece) if shown else piece.data,
                                 subType=f"r:{piece.kind}", type="other")
            else:
                element = etree.SubElement(parent, f"{{{ns}}}ph", id=code_id,
                                           ctype=f"x-{piece.kind}")
                element.text = piece.data
        else:
            code_id = codes.code_id(piece, ordinal, is_source)
            if version == "2.0":
                attributes = {"id": code_id, "dataRefStart": codes.data_id(piece.start),
                              "dataRefEnd": codes.data_id(piece.end),
                              "type": "link" if piece.kind == "link" else "fmt"}
                if piece.kind in _PROTECTED_KINDS:
                    attributes["canDelete"] = "no"
                pair = etree.SubElement(parent, f"{{{ns}}}pc", attributes)
                _inline(pair, piece.inside, codes, ordinal, is_source, version, shown)
            else:
                ctype = "link" if piece.kind == "link" else "italic"
                start = etree.SubElement(parent, f"{{{ns}}}bpt", id=code_id, ctype=ctype)
                start.text = piece.start
                _inline(parent, piece.inside, codes, ordinal, is_source, version, shown)
                end = etree.SubElement(parent, f"{{{ns}}}ept", id=code_id)
                end.text = piece.end


def glossary_terms(loaded: LoadedContent) -> list[Term]:
    source = loaded.glossary
    terms = source.data.get("terms") if source and isinstance(source.data, dict) else None
    return [Term({str(code): str(form) for code, form in entry.items()},
                 source.position(("terms", index))[0])
            for index, entry in enumerate(terms or []) if isinstance(entry, dict)]


@dataclass(frozen=True)
class _Context:
    """What the notes and codes of an export tell a translator, found once for all units."""

    terms: list[Term]
    places: dict[Place, str]  # "paragraph 24 (ii)", "note 26 (paragraph 24)"
    titles: dict[str, str]  # project id → title in the source language

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


def _context(loaded: LoadedContent, languages: Languages) -> _Context:
    data = loaded.report.data if isinstance(loaded.report.data, dict) else {}
    entries = data.get("languages") if isinstance(data.get("languages"), list) else []
    reading = next((entry.get("code") for entry in entries if isinstance(entry, dict)),
                   languages.source)
    return _Context(glossary_terms(loaded), printed_places(loaded, str(reading)),
                    project_titles(loaded, languages.source))


def _notes(unit: Unit, language: str, unit_state: str, languages: Languages,
           context: _Context, root: Path) -> list[tuple[str, str]]:
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
    return notes


TARGETS = ("translation", "source")
"""What an export's targets hold where a unit has no current translation to show: the present
(or previous) translation and, if none, nothing ("translation"); or, for every unit, a copy of
the source ("source"), for tools that translate the text of <target> (OmegaT 3.6), the current
translations then reaching the tool through the TMX written beside the file."""


def unit_id(file_name: str, unit: Unit) -> str:
    """The unit's id in an export, unique across the whole file (tools key units by id alone):
    the content file's name, then the unit's place in it, "body.01-opening:blocks.3.paragraph"."""
    return f"{file_key(file_name)}:{unit.id}"


def _place(file_name: str | None, given: str | None) -> str | None:
    """A unit id as messages give it: its place in its content file."""
    prefix = f"{file_key(file_name or '')}:"
    return given[len(prefix):] if given and given.startswith(prefix) else given


def file_key(file_name: str) -> str:
    stem = file_name[:-len(".yaml")] if file_name.endswith(".yaml") else file_name
    return stem.replace("/", ".")


def export_xliff(loaded: LoadedContent, languages: Languages, language: str,
                 version: str = "2.0", targets: str = "translation") -> bytes:
    """The XLIFF document that asks for the `language` translation of every unit."""
    found = units(loaded, languages)
    tracked = is_tracked(found)
    context = _context(loaded, languages)
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
    indent(root, _STRUCTURE)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def _shows_translation(unit: Unit, language: str, languages: Languages, tracked: bool) -> bool:
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
class _Cut:
    """A unit's source and shown target cut into sentences, aligned when the counts agree."""

    source: list[Sentence]
    target: list[Sentence] | None  # one per source sentence; None: no target, or not aligned
    whole: bool = False  # a target not aligned: it stands whole in the first segment


def cut(unit: Unit, language: str, languages: Languages, shown: str | None) -> _Cut:
    source = sentences(pieces(normalize(unit.texts[languages.source])), languages.source)
    target = sentences(pieces(shown), language) if shown is not None else None
    aligned = target is not None and len(target) == len(source)
    return _Cut(source, target if aligned else None, target is not None and not aligned)


def _export_unit(container: etree._Element, file_name: str, unit: Unit, language: str,
                 languages: Languages, tracked: bool, context: _Context, root: Path,
                 version: str, targets: str) -> None:
    ns = XLIFF_2 if version == "2.0" else XLIFF_1
    unit_state = state(unit, language, languages, tracked)
    source_text = normalize(unit.texts[languages.source])
    done = targets == "translation" and _shows_translation(unit, language, languages, tracked)
    shown = shown_target(unit, language, languages, targets)
    codes = _Codes()
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
    notes = _notes(unit, language, unit_state, languages, context, root)
    shown_as = context.shown(unit)
    if version == "1.2":
        source = etree.SubElement(element, f"{{{ns}}}source")
        _inline(source, pieces(source_text), codes, Counter(), True, version)
        target = etree.SubElement(element, f"{{{ns}}}target", state="translated" if done
                                  else "needs-review-translation" if unit_state == STALE
                                  and targets == "translation" else "needs-translation")
        if shown is not None:
            _inline(target, pieces(shown), codes, Counter(), False, version)
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
        _inline(source, sentence.pieces, codes, source_order, True, version, shown_as)
        ignorable = None
        if sentence.after:
            ignorable = etree.SubElement(element, f"{{{ns}}}ignorable")
            etree.SubElement(ignorable, f"{{{ns}}}source").text = sentence.after
        placed.append((segment, ignorable))
    for number, (segment, ignorable) in enumerate(placed):
        target = etree.SubElement(segment, f"{{{ns}}}target")
        if parts.target is not None:
            _inline(target, parts.target[number].pieces, codes, target_order, False, version,
                    shown_as)
            if ignorable is not None:
                etree.SubElement(ignorable, f"{{{ns}}}target").text = \
                    parts.target[number].after
        elif parts.whole and number == 0:
            # The translation has other sentences than its source: it stands whole in the
            # first segment, and the import joins it with the (empty) others.
            _inline(target, pieces(shown), codes, target_order, False, version, shown_as)
    if codes.data:
        for data, data_id in codes.data.items():
            etree.SubElement(original, f"{{{ns}}}data", id=data_id).text = data
    else:
        element.remove(original)


# --- import -------------------------------------------------------------------------------
#
# Three steps, each in one place: `read_returned` parses the translator's file into units
# (file, unit id → source and target parts, codes by id only); `_rebuild` makes the Markdown
# text of those parts with each code's data from the export; `check_merged` (given by the
# command) runs every check of `rapporteur check` on the content as the import would leave it.
# Nothing of a code in the returned file but its id and place is ever used: its data, disp,
# dataRef, ctype, the text inside a 1.2 <ph>, and <originalData> are the translator's to break,
# never to change what lands.

# The sample's export is 1.6 times the size of its content, which may be 8 MB in all.
MAX_XLIFF_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class _Standalone:
    """A code in place of a footnote call, reference or URL: <ph>, 1.2 <x>."""

    code_id: str
    element: etree._Element


@dataclass(frozen=True)
class _Paired:
    """A code around translated words (a link, emphasis): <pc>, or a start and end code."""

    code_id: str
    element: etree._Element
    inside: tuple["_Part", ...]


_Part = Union[str, _Standalone, _Paired]


@dataclass(frozen=True)
class ReturnedSegment:
    source: tuple[_Part, ...]
    target: tuple[_Part, ...] | None
    element: etree._Element  # the <segment> (1.2: the <trans-unit>)


@dataclass(frozen=True)
class ReturnedUnit:
    file: str  # the <file>'s original: the content file's name
    unit_id: str
    element: etree._Element
    fingerprint: str | None
    shown: str | None  # the fingerprint of what the export put in the target
    source: tuple[_Part, ...]  # the segments' sources, joined
    source_element: etree._Element
    target: tuple[_Part, ...] | None  # the segments' targets, joined; None: none has one
    target_element: etree._Element | None
    segments: tuple[ReturnedSegment, ...] = ()
    marked: str = ""  # what the tool says of the translation: "done", or the state it gave
    version: str = "2.0"


@dataclass(frozen=True)
class ReturnedFile:
    source_language: str | None
    language: str | None
    units: tuple[ReturnedUnit, ...]
    element: etree._Element  # where the languages are given, for messages
    reader: "_Reader"
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class _Refusal(Exception):
    element: etree._Element | None
    message: str
    hint: str | None = None


class _Reader:
    """Positions in the XLIFF file, for messages: line from lxml, column from the text."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.splitlines()

    def problem(self, element: etree._Element | None, message: str,
                hint: str | None = None) -> Problem:
        if element is None or element.sourceline is None:
            return Problem(self.path, None, None, message, hint)
        line = element.sourceline
        source = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        name = etree.QName(element).localname if isinstance(element.tag, str) else ""
        identifier = element.get("id") if isinstance(element.tag, str) else None
        column = -1
        if identifier is not None:
            column = source.find(f'<{name} id="{identifier}"')
        if column < 0 and name:
            column = source.find(f"<{name}")
        return Problem(self.path, line, column + 1 if column >= 0 else None, message, hint)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, if it is a regular file of at most MAX_XLIFF_BYTES (checked first)."""
    raw = read_confined(path, path.resolve().parent, MAX_XLIFF_BYTES)
    if not raw.strip():
        raise ContentError([Problem(path, 1, None, "the file is empty",
                                    "import the .xlf file the CAT tool saved")])
    return raw


def _parse_xml(path: Path, raw: bytes) -> tuple[etree._Element, _Reader]:
    reader = _Reader(path, raw.decode("utf-8", errors="replace"))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=False)
    try:
        tree = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as error:
        line, column = error.position
        raise ContentError([Problem(path, line or 1, column + 1 if column else None,
                                    f"malformed XML: {error.msg}",
                                    "the file must be well-formed XML as the CAT tool saved "
                                    "it")]) from None
    if tree.getroottree().docinfo.doctype or tree.getroottree().docinfo.internalDTD is not None:
        # Entities are how "billion laughs" and external-file reads work: no XLIFF needs them.
        line = next((number for number, text in enumerate(reader.lines, 1)
                     if "<!DOCTYPE" in text), 1)
        raise ContentError([Problem(path, line, None,
                                    "the file has a document type declaration (<!DOCTYPE>)",
                                    "XLIFF files need none: remove it and its entities, or "
                                    "export again")])
    return tree, reader


def read_returned(path: Path) -> ReturnedFile:
    """The units of a translator's XLIFF file, with their source and target as parts."""
    tree, reader = _parse_xml(path, _read_bytes(path))
    try:
        return _read_tree(tree, path, reader)
    except _Refusal as refusal:
        raise ContentError([reader.problem(refusal.element, refusal.message,
                                           refusal.hint)]) from None


def _read_tree(tree: etree._Element, path: Path, reader: _Reader) -> ReturnedFile:
    version = {XLIFF_2: "2.0", XLIFF_1: "1.2"}.get(etree.QName(tree).namespace)
    if _local(tree) != "xliff" or version is None:
        raise _Refusal(tree, "not an XLIFF 2.0 or 1.2 document")
    warnings = []
    if version == "2.0":
        for segment in tree.iter(f"{{{XLIFF_2}}}segment"):
            if XML_SPACE in segment.attrib:
                # translate-toolkit (Weblate) writes it on every segment it saves; the
                # schema has no place for it, and the document already keeps every space.
                del segment.attrib[XML_SPACE]
                warnings.append(reader.problem(segment, "xml:space on <segment> is not XLIFF "
                                               "2.0 (translate-toolkit adds it); ignored",
                                               None))
        schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
        if not schema.validate(tree):
            raise ContentError([
                Problem(path, error.line, error.column + 1 if error.column >= 0 else None,
                        f"not valid XLIFF 2.0: {error.message}",
                        "the file must follow the OASIS XLIFF 2.0 core schema")
                for error in schema.error_log])
    ns = {"x": XLIFF_2 if version == "2.0" else XLIFF_1}
    files = tree.findall("x:file", ns)
    if not files:
        raise _Refusal(tree, "the file holds no <file> element: nothing to import")
    if version == "2.0":
        languages = {"srcLang": tree.get("srcLang"), "trgLang": tree.get("trgLang")}
    else:
        languages = {"source-language": files[0].get("source-language"),
                     "target-language": files[0].get("target-language")}
        for file in files:  # every <file> says it again, and all must say the same
            for name, expected in languages.items():
                if file.get(name) != expected:
                    raise _Refusal(file, f"this <file> has {name} '{file.get(name)}', the "
                                   f"first one '{expected}'", "one file, one language pair")
    source_language, language = languages.values()
    found = []
    for file in files:
        # Units in <group>s too: a tool that grouped them must not have them skipped.
        for element in file.iterfind(".//x:unit" if version == "2.0" else ".//x:trans-unit",
                                     ns):
            found.append(_read_unit(file.get("original"), element, version, ns,
                                    source_language, language))
    return ReturnedFile(source_language, language, tuple(found),
                        tree if version == "2.0" else files[0], reader,
                        tuple(replace(warning, severity="warning") for warning in warnings))


# What the tools say of a translation they hold as done: XLIFF 2.0 segment states, and 1.2
# target states (or approved="yes" on the unit).
DONE_STATES = {"2.0": ("translated", "reviewed", "final"),
               "1.2": ("translated", "signed-off", "final")}


def _read_unit(file: str, element: etree._Element, version: str, ns: dict,
               source_language: str | None, language: str | None) -> ReturnedUnit:
    unit_id = _place(file, element.get("id"))
    segments: list[ReturnedSegment] = []
    # The spaces between sentences, as <ignorable>s give them after each segment.
    between: list[tuple[str, str | None]] = []
    states = []
    for child in (element if version == "2.0" else [element]):
        name = _local(child)
        if name == "ignorable":
            if "".join(child.itertext()).strip():
                raise _Refusal(child, f"unit '{unit_id}' has words outside its segments",
                               "join them to a segment: words between segments are lost")
            source = child.find("x:source", ns)
            target = child.find("x:target", ns)
            if segments:
                between[-1] = ((source.text or "") if source is not None else "",
                               (target.text or "") if target is not None else None)
            continue
        if name not in ("segment", "trans-unit"):
            continue
        sources, targets = child.findall("x:source", ns), child.findall("x:target", ns)
        if len(sources) != 1 or len(targets) > 1:
            raise _Refusal(element, f"unit '{unit_id}' has {len(sources)} sources and "
                           f"{len(targets)} targets",
                           "a unit has one source and at most one target")
        source, target = sources[0], targets[0] if targets else None
        for part, expected in ((source, source_language), (target, language)):
            given = part.get(XML_LANG) if part is not None else None
            if given is not None and given != expected:
                raise _Refusal(part, f"unit '{unit_id}': this <{_local(part)}> says xml:lang "
                               f"'{given}', the file '{expected}'",
                               "one file, one language pair")
        segments.append(ReturnedSegment(_parts(source, version),
                                        _parts(target, version) if target is not None
                                        else None, child))
        between.append(("", None))
        if version == "2.0":
            states.append(child.get("state", "initial"))
        else:
            states.append("done" if element.get("approved") == "yes" else
                          (target.get("state") or "") if target is not None else "")
    if not segments:
        raise _Refusal(element, f"unit '{unit_id}' has no segment",
                       "keep the segments as exported")
    translated = [segment for segment in segments if segment.target]
    marked = "done" if translated and all(
        state == "done" or state in DONE_STATES[version]
        for segment, state in zip(segments, states) if segment.target) \
        else next((state for segment, state in zip(segments, states) if segment.target),
                  states[0])
    targets = [segment.target for segment in segments if segment.target is not None]
    return ReturnedUnit(file, element.get("id"), element, element.get(f"{{{OURS}}}fingerprint"),
                        element.get(f"{{{OURS}}}shown"),
                        _joined([segment.source for segment in segments],
                                [source for source, _ in between]),
                        segments[0].element.find("x:source", ns),
                        _joined_targets(segments, between) if targets else None,
                        next((segment.element.find("x:target", ns) for segment in segments
                              if segment.target), segments[0].element.find("x:target", ns)),
                        tuple(segments), marked, version)


def _joined(parts: list[tuple[_Part, ...]], between: list[str]) -> tuple[_Part, ...]:
    joined: list[_Part] = []
    for index, part in enumerate(parts):
        for piece in (*part, between[index] if index < len(between) else ""):
            if isinstance(piece, str) and joined and isinstance(joined[-1], str):
                joined[-1] += piece
            elif piece != "":
                joined.append(piece)
    return tuple(joined)


def _joined_targets(segments: list[ReturnedSegment],
                    between: list[tuple[str, str | None]]) -> tuple[_Part, ...]:
    """The targets of the segments as one text: between two, the spaces the export gave the
    translation, else the source's, but none beside a CJK character (Chinese sentences are
    not separated by spaces)."""
    parts: list[tuple[_Part, ...]] = []
    spaces: list[str] = []
    after: tuple[str, str | None] = ("", None)  # the spaces after the last target taken
    for segment, spacing in zip(segments, between):
        if not segment.target:
            continue
        if parts:
            source_space, target_space = after
            spaces.append(target_space if target_space is not None
                          else "" if _edge(parts[-1], -1) or _edge(segment.target, 0)
                          else source_space)
        parts.append(segment.target)
        after = spacing
    return _joined(parts, spaces)


def _edge(parts: tuple[_Part, ...], index: int) -> bool:
    """Whether the text at this end of the parts is a CJK character."""
    text = parts[index] if parts and isinstance(parts[index], str) else ""
    return bool(text) and is_cjk(text[index])


# The codes a returned file may use, by version: standalone, paired around words, and the
# start and end codes that pair by an id (1.2 <bpt>/<ept>, <bx>/<ex>; 2.0 <sc>/<ec>).
_STANDALONE = {"2.0": ("ph",), "1.2": ("ph", "x")}
_AROUND = {"2.0": "pc", "1.2": "g"}
_STARTS = {"2.0": ("sc",), "1.2": ("bpt", "bx")}
_ENDS = {"2.0": ("ec",), "1.2": ("ept", "ex")}


def _parts(element: etree._Element, version: str) -> tuple[_Part, ...]:
    """Text and codes of a source or target (or of a code around words): each code by its id
    only, start and end codes paired into one, or refused."""
    found: list[_Part] = []
    # Start codes waiting for their end: the key that pairs them, the code, the parts after it.
    opened: list[tuple[str, etree._Element, list[_Part]]] = []

    def add(part: _Part) -> None:
        current = opened[-1][2] if opened else found
        if isinstance(part, str) and current and isinstance(current[-1], str):
            current[-1] += part
        elif part != "":
            current.append(part)

    add(element.text or "")
    for child in element:
        name = _local(child)
        if not name:
            pass  # a comment or processing instruction: its tail still counts
        elif name in _STANDALONE[version]:
            add(_Standalone(_code_id(child), child))  # a 1.2 <ph>'s text is not read
        elif name == _AROUND[version]:
            add(_Paired(_code_id(child), child, _parts(child, version)))
        elif name in _STARTS[version]:
            opened.append((_pairing_key(child), child, []))
        elif name in _ENDS[version]:
            key = child.get("startRef") if name == "ec" else _pairing_key(child)
            if not opened or opened[-1][0] != key:
                raise _Refusal(child, f"the end code {key} closes no start code opened before "
                               "it", "keep each code's start and end, in this order")
            _, start, inside = opened.pop()
            add(_Paired(_code_id(start), start, tuple(inside)))
        elif name == "mrk":
            for part in _parts(child, version):  # a marker's words belong to the text
                add(part)
        elif name == "cp" and version == "2.0":
            add(_character(child))
        else:
            raise _Refusal(child, f"<{name}> is not supported in a translation",
                           "use the codes of the source only")
        add(child.tail or "")
    if opened:
        _, start, _ = opened[-1]
        raise _Refusal(start, f"the start code {start.get('id')} has no end code",
                       "keep each code's start and end, in this order")
    return tuple(found)


def _code_id(element: etree._Element) -> str:
    code_id = element.get("id")
    if not code_id:
        raise _Refusal(element, f"<{_local(element)}> without an id",
                       "keep the codes as exported")
    return code_id


def _pairing_key(element: etree._Element) -> str:
    """What pairs a 1.2 start with its end: bx/ex by rid (else id), bpt/ept by id (or rid)."""
    key = element.get("rid") or element.get("id") if _local(element) in ("bx", "ex") \
        else element.get("id") or element.get("rid")
    if not key:
        raise _Refusal(element, f"<{_local(element)}> without an id",
                       "keep the codes as exported")
    return key


def _character(element: etree._Element) -> str:
    """A 2.0 <cp hex>, if it is a character a content text may hold."""
    written = element.get("hex", "")
    code = int(written, 16) if written and all(c in "0123456789abcdefABCDEF"
                                               for c in written) else -1
    if not 0 <= code <= 0x10FFFF or forbidden_character(chr(code)):
        raise _Refusal(element, f'<cp hex="{written[:12]}"/> is not a character a text may '
                       "hold (a control character, a noncharacter, a surrogate or beyond "
                       "U+10FFFF)", "delete it")
    return chr(code)


# --- rebuild ------------------------------------------------------------------------------

def _rebuild(parts: tuple[_Part, ...], codes: dict[str, Code | Pair], seen: Counter,
             unit_id: str) -> str:
    """The Markdown of `parts`, every code's data taken from `codes` (the export's)."""
    text = []
    for part in parts:
        if isinstance(part, str):
            text.append(part)
            continue
        piece = codes.get(part.code_id)
        if piece is None:
            raise _Refusal(part.element, f"unit '{unit_id}': code {part.code_id} is not in the "
                           "source", "use only the codes of the source")
        seen[part.code_id] += 1
        if isinstance(part, _Standalone) != isinstance(piece, Code):
            raise _Refusal(part.element, f"unit '{unit_id}': code {part.code_id} stands for "
                           + ("a link or emphasis around words" if isinstance(piece, Pair)
                              else "a reference or URL, not for words around it"),
                           "keep the codes as exported")
        if isinstance(piece, Code):
            text.append(piece.data)
        else:
            text += [piece.start, _rebuild(part.inside, codes, seen, unit_id), piece.end]
    return "".join(text)


# --- merge --------------------------------------------------------------------------------

CheckMerged = Callable[[LoadedContent], object]
"""Every check `rapporteur check` runs, on content already loaded; raises ContentError."""


@dataclass(frozen=True)
class Imported:
    language: str
    outputs: dict[Path, bytes]  # the content files as the import leaves them
    count: int  # translations written
    skipped: tuple[Problem, ...]  # targets that are no translation, each at its line
    warnings: tuple[Problem, ...]  # harmless deviations of the tool, each at its line


@dataclass(frozen=True)
class _Skip:
    """A target that is no translation (left as the tool's copy, marked not done, in the
    wrong script): not imported, and reported; the rest of the file lands."""

    element: etree._Element | None
    message: str
    hint: str


def import_xliff(path: Path, loaded: LoadedContent, languages: Languages,
                 check_merged: CheckMerged) -> Imported:
    """Check an XLIFF file against the content; the translations it brings, and what not."""
    returned = read_returned(path)
    try:
        language = _language(returned, languages)
    except _Refusal as refusal:
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
        except _Refusal as refusal:
            problems.append(returned.reader.problem(refusal.element, refusal.message,
                                                    refusal.hint))
            continue
        if isinstance(edit, _Skip):
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
        raise _Refusal(returned.element, f"the source language is "
                       f"'{returned.source_language}', but the report is translated from "
                       f"'{languages.source}'")
    if returned.language not in languages.targets:
        raise _Refusal(returned.element, f"the target language '{returned.language}' is not "
                       f"one the report translates into ({', '.join(languages.targets)})")
    return returned.language


def _merge_unit(returned: ReturnedUnit, by_name: dict[str, dict[str, Unit]],
                seen_units: set[tuple[Path, tuple]], language: str, languages: Languages,
                tracked: bool) -> Edit | _Skip | None:
    known = by_name.get(returned.file)
    if known is None:
        raise _Refusal(returned.element.getparent() if returned.element.getparent() is not None
                       else returned.element, f"unknown content file '{returned.file}'",
                       "import the file exported from this report")
    prefix = f"{file_key(returned.file)}:"
    given = returned.unit_id or ""
    unit_id = given[len(prefix):] if given.startswith(prefix) else given
    unit = known.get(unit_id) if given.startswith(prefix) else None
    if unit is None:
        raise _Refusal(returned.element, f"unknown unit id '{given}'",
                       "units are identified by their content file and their place in it; "
                       "export again if the content changed")
    place = (unit.file.path, unit.location)
    if place in seen_units:
        raise _Refusal(returned.element, f"unit '{unit_id}' of '{returned.file}' appears twice",
                       "keep one of the two")
    seen_units.add(place)
    source_text = normalize(unit.texts[languages.source])
    current = fingerprint(source_text)
    if returned.fingerprint != current:
        raise _Refusal(returned.element, f"the {languages.source} text of unit '{unit_id}' "
                       "changed since this file was exported",
                       "export again and translate the new text")
    shown = shown_target(unit, language, languages,
                         "source" if returned.shown == current else "translation")
    codes = _exported_codes(unit, languages, shown)
    if fingerprint(_rebuild(returned.source, codes.in_source, Counter(), unit_id)) != current:
        raise _Refusal(returned.source_element, f"the source text of unit '{unit_id}' was "
                       "edited in the XLIFF",
                       "translate in the target; the source stays as exported")
    if returned.target is None:
        return None
    seen: Counter = Counter()
    # A code the shown translation has keeps its data there (a link to the page in this
    # language); any other comes from the source.
    text = _rebuild(returned.target, {**codes.in_source, **codes.in_target}, seen, unit_id)
    if not text.strip():
        return None
    for code_id, count in seen.items():
        if count > 1:
            raise _Refusal(returned.target_element, f"unit '{unit_id}': code {code_id} appears "
                           f"{count} times",
                           "each code of the source appears once in the translation")
    for code_id, piece in codes.in_source.items():
        if piece.kind in _PROTECTED_KINDS and code_id not in seen:
            raise _Refusal(returned.target_element, f"unit '{unit_id}': protected code "
                           f"{code_id} was deleted",
                           "put it back: footnote references, links and URLs must stay")
    if normalize(text) == normalize(unit.texts.get(language, "")) or \
            fingerprint(text) == returned.shown:
        return None  # as the export held it, or as the content has it: nothing to write
    bad = forbidden_character(text)
    if bad:
        raise _Refusal(returned.target_element, f"unit '{unit_id}': the translation contains "
                       f"U+{ord(bad):04X}, which no text may hold", "delete it")
    _check_marks(returned, unit_id, source_text, normalize(text))
    skip = _not_a_translation(returned, unit_id, normalize(text), source_text, language,
                              languages, cut(unit, language, languages, shown))
    if skip:
        return skip
    return Edit(unit.file.path, unit.location, language, current, normalize(text))


def _words(text: str) -> str:
    """The words of a text: without its codes and the years and symbols kept as written."""
    return "".join(piece.text for piece in pieces(text) if isinstance(piece, Text))


def _not_a_translation(returned: ReturnedUnit, unit_id: str, text: str, source: str,
                       language: str, languages: Languages, exported: _Cut) -> _Skip | None:
    """Why a target that differs from what the export held is still no translation, if it
    is not: the tool marks it not done, it is the source, or (part of) it is in another
    script than the language's."""
    where = returned.target_element
    name = f"unit '{unit_id}'"
    if returned.version == "2.0" and returned.marked != "done":
        return _Skip(where, f"{name} is marked '{returned.marked}', not translated: not "
                     "imported", "mark it translated (or reviewed, final) in the tool when it "
                     "is done, and import again")
    if text == source and has_letters(_words(source)):
        return _Skip(where, f"{name}: the target is a copy of the {languages.source} text: not "
                     "imported", "translate it, or leave the target as exported")
    if not in_script(_words(text), language):
        return _Skip(where, f"{name}: the target has no letter of the {language} script: not "
                     "imported", f"translate it into {language}")
    # A sentence of a source of several left as it was, where the rest is translated (OmegaT
    # writes the source of every segment nobody translated): found whole in the target.
    source_sentences = sentences(pieces(source), languages.source)
    for number, sentence in enumerate(source_sentences, 1):
        written = markdown(sentence.pieces).strip()
        words = _words(written)
        if len(source_sentences) > 1 and len(words.split()) >= 3 and written in text and \
                not in_script(words, language):
            return _Skip(where, f"{name}: sentence {number} of the {languages.source} text "
                         "stands untranslated in the target: not imported",
                         "translate every sentence of the unit, then import again")
    if returned.version == "2.0" and len(returned.segments) == len(exported.source):
        for number, segment in enumerate(returned.segments, 1):
            spoken = has_letters(_words(markdown(exported.source[number - 1].pieces)))
            expected_empty = exported.whole and number > 1
            if not segment.target and spoken and not expected_empty:
                return _Skip(segment.element, f"{name}: segment {number} has no translation: "
                             "the unit is not imported", "translate every segment of the unit")
    return None


def _exported_codes(unit: Unit, languages: Languages, shown: str | None) -> _Codes:
    """The codes the export gave this unit, made again the same way from the content."""
    codes = _Codes()
    scratch = etree.Element(f"{{{XLIFF_2}}}source")
    _inline(scratch, pieces(normalize(unit.texts[languages.source])), codes, Counter(), True,
            "2.0")
    if shown is not None:
        _inline(scratch, pieces(shown), codes, Counter(), False, "2.0")
    return codes


def _check_marks(returned: ReturnedUnit, unit_id: str, source: str, target: str) -> None:
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
        raise _Refusal(returned.target_element, f"unit '{unit_id}': the translation has "
                       + "; ".join(differences),
                       "links, URLs, references and footnote calls come from the source's "
                       "codes: keep those, and type none as text")


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

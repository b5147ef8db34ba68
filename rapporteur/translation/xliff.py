"""XLIFF export and import: the files translators open in their CAT tools.

Export writes, for one target language, a <file> per content file and a <unit> per text unit
(id: its place in the file, "blocks.3.paragraph"), carrying the fingerprint of the source text
it shows, notes with the unit's place, the glossary terms it uses and, for a stale unit, the
previous translation. Inline Markdown becomes protected codes (inline.py): footnote references,
cross-references and URLs as <ph canDelete="no">, links and emphasis as <pc> whose start and
end (the URL) stay in <originalData>, symbols and years as <mrk translate="no">.

Import is all or nothing, like build: the file must parse and (2.0) be valid against the OASIS
core schema, name the report's languages, content files and units, carry the source
fingerprints the content still has, and keep every protected code exactly once; the merged
content must then pass validation and parity. Only then are the translations written into the
YAML (yamledit.py) and stamped. Every refusal points at the XLIFF file's line.

lxml builds and reads all XML; no XML is written as strings.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from ..errors import ContentError, Problem
from ..load import LoadedContent, load_content
from ..parity import Term, check_parity, terms_used
from ..validate import validate_content
from .fingerprint import fingerprint, normalize
from .inline import Code, Keep, Pair, Piece, Text, pieces
from .units import (MISSING, STALE, Languages, Unit, is_tracked, relative_name,
                    state, units)
from .xmltext import append_text, indent
from .yamledit import Edit, apply_edits

XLIFF_2 = "urn:oasis:names:tc:xliff:document:2.0"
XLIFF_1 = "urn:oasis:names:tc:xliff:document:1.2"
OURS = "urn:rapporteur:translation:1"  # our attributes on units: the source fingerprint
VERSIONS = ("2.0", "1.2")
SCHEMA = Path(__file__).parent / "schemas" / "xliff_core_2.0.xsd"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

_PROTECTED_KINDS = {"footnote", "reference", "url", "link"}
_STRUCTURE = {"xliff", "file", "body", "unit", "trans-unit", "notes", "segment",
              "originalData"}


# --- export -------------------------------------------------------------------------------

class _Codes:
    """The code ids and original data of one unit, shared by its source and target."""

    def __init__(self) -> None:
        self.data: dict[str, str] = {}  # data → id, in order of first use
        self.source: dict[tuple[str, int | str], str] = {}  # (kind, ordinal or data) → id
        self.extra = 0
        self.marks = 0

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
            return self.source.setdefault(key, str(len(self.source) + 1))
        if key in self.source:
            return self.source[key]
        self.extra += 1
        return f"t{self.extra}"

    def mark_id(self) -> str:
        self.marks += 1
        return f"m{self.marks}"


def _inline(parent: etree._Element, found: tuple[Piece, ...], codes: _Codes, ordinal: Counter,
            is_source: bool, version: str) -> None:
    ns = XLIFF_2 if version == "2.0" else XLIFF_1
    for piece in found:
        if isinstance(piece, Text):
            append_text(parent, piece.text)
        elif isinstance(piece, Keep):
            if version == "2.0":
                mark = etree.SubElement(parent, f"{{{ns}}}mrk", id=codes.mark_id(),
                                        translate="no")
            else:
                mark = etree.SubElement(parent, f"{{{ns}}}mrk", mtype="protected")
            mark.text = piece.text
        elif isinstance(piece, Code):
            code_id = codes.code_id(piece, ordinal, is_source)
            if version == "2.0":
                etree.SubElement(parent, f"{{{ns}}}ph", id=code_id,
                                 dataRef=codes.data_id(piece.data), canDelete="no",
                                 disp=piece.data, subType=f"r:{piece.kind}", type="other")
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
                _inline(pair, piece.inside, codes, ordinal, is_source, version)
            else:
                ctype = "link" if piece.kind == "link" else "italic"
                start = etree.SubElement(parent, f"{{{ns}}}bpt", id=code_id, ctype=ctype)
                start.text = piece.start
                _inline(parent, piece.inside, codes, ordinal, is_source, version)
                end = etree.SubElement(parent, f"{{{ns}}}ept", id=code_id)
                end.text = piece.end


def _glossary(loaded: LoadedContent) -> list[Term]:
    source = loaded.glossary
    terms = source.data.get("terms") if source and isinstance(source.data, dict) else None
    return [Term({str(code): str(form) for code, form in entry.items()},
                 source.position(("terms", index))[0])
            for index, entry in enumerate(terms or []) if isinstance(entry, dict)]


def _notes(unit: Unit, language: str, unit_state: str, languages: Languages,
           terms: list[Term], root: Path) -> list[tuple[str, str]]:
    line, _ = unit.position()
    notes = [("location", f"{relative_name(unit.file, root)}:{line}")]
    source = languages.source
    for term in terms_used(unit.texts[source], [term for term in terms
                                                if term.forms.get(source, "").strip()], source):
        if term.forms.get(language, "").strip():
            notes.append(("glossary", f"{term.forms[source]} = {term.forms[language]}"))
    if unit_state == STALE:
        notes.append(("previous-translation", normalize(unit.texts[language])))
    return notes


def export_xliff(loaded: LoadedContent, languages: Languages, language: str,
                 version: str = "2.0") -> bytes:
    """The XLIFF document that asks for the `language` translation of every unit."""
    found = units(loaded, languages)
    tracked = is_tracked(found)
    terms = _glossary(loaded)
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
            # One segment per unit: a tool that split it could not be merged back.
            container = file = etree.SubElement(root, f"{{{ns}}}file", id=f"f{number}",
                                                original=name, canResegment="no")
        else:
            file = etree.SubElement(root, f"{{{ns}}}file",
                                    {"source-language": languages.source,
                                     "target-language": language},
                                    original=name, datatype="plaintext")
            container = etree.SubElement(file, f"{{{ns}}}body")
        for unit in file_units:
            _export_unit(container, unit, language, languages, tracked, terms, loaded.root,
                         version)
    indent(root, _STRUCTURE)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def _export_unit(container: etree._Element, unit: Unit, language: str, languages: Languages,
                 tracked: bool, terms: list[Term], root: Path, version: str) -> None:
    ns = XLIFF_2 if version == "2.0" else XLIFF_1
    unit_state = state(unit, language, languages, tracked)
    source_text = normalize(unit.texts[languages.source])
    with_target = unit_state not in (MISSING, STALE)
    codes = _Codes()
    tag = "unit" if version == "2.0" else "trans-unit"
    element = etree.SubElement(container, f"{{{ns}}}{tag}", id=unit.id)
    if version == "1.2":
        element.set(XML_SPACE, "preserve")
    element.set(f"{{{OURS}}}fingerprint", fingerprint(unit.texts[languages.source]))
    notes = _notes(unit, language, unit_state, languages, terms, root)
    if version == "2.0":
        notes_element = etree.SubElement(element, f"{{{ns}}}notes")
        for category, text in notes:
            etree.SubElement(notes_element, f"{{{ns}}}note", category=category).text = text
        original = etree.SubElement(element, f"{{{ns}}}originalData")
        segment = etree.SubElement(element, f"{{{ns}}}segment",
                                   state="translated" if with_target else "initial")
        parent = segment
    else:
        parent = element
    source = etree.SubElement(parent, f"{{{ns}}}source")
    _inline(source, pieces(source_text), codes, Counter(), True, version)
    if with_target:
        target = etree.SubElement(parent, f"{{{ns}}}target")
        if version == "1.2":
            target.set("state", "translated")
        _inline(target, pieces(normalize(unit.texts[language])), codes, Counter(), False,
                version)
    if version == "2.0":
        if codes.data:
            for data, data_id in codes.data.items():
                etree.SubElement(original, f"{{{ns}}}data", id=data_id).text = data
        else:
            element.remove(original)
    else:
        for category, text in notes:
            etree.SubElement(element, f"{{{ns}}}note", {"from": category}).text = text


# --- import -------------------------------------------------------------------------------

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
        name = etree.QName(element).localname
        identifier = element.get("id")
        column = -1
        if identifier is not None:
            column = source.find(f'<{name} id="{identifier}"')
        if column < 0:
            column = source.find(f"<{name}")
        return Problem(self.path, line, column + 1 if column >= 0 else None, message, hint)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _read_inline(element: etree._Element, data: dict[str, str], seen: Counter,
                 version: str) -> str:
    """The Markdown text of a source or target: codes give back their original data."""
    parts = [element.text or ""]
    for child in element:
        name = _local(child)
        if not name:
            pass  # a comment or processing instruction: its tail still counts
        elif name == "ph" and version == "2.0":
            reference = child.get("dataRef")
            if reference not in data:
                raise _Refusal(child, f"code {child.get('id')} refers to no original data",
                               "keep the codes as exported")
            seen[child.get("id")] += 1
            parts.append(data[reference])
        elif name == "pc":
            start, end = child.get("dataRefStart"), child.get("dataRefEnd")
            if start not in data or end not in data:
                raise _Refusal(child, f"code {child.get('id')} refers to no original data",
                               "keep the codes as exported")
            seen[child.get("id")] += 1
            parts += [data[start], _read_inline(child, data, seen, version), data[end]]
        elif name in ("ph", "bpt", "ept") and version == "1.2":
            if name != "ept":
                seen[child.get("id")] += 1
            parts.append(child.text or "")
        elif name == "mrk":
            parts.append(_read_inline(child, data, seen, version))
        elif name == "cp":
            parts.append(chr(int(child.get("hex", "0"), 16)))
        else:
            raise _Refusal(child, f"<{name}> is not supported in a translation",
                           "use the codes of the source (ph, pc, mrk) only")
        parts.append(child.tail or "")
    return "".join(parts)


def _required_codes(source: etree._Element, version: str) -> set[str]:
    if version == "1.2":
        return {child.get("id") for child in source.iter()  # emphasis may go
                if _local(child) == "ph" or (_local(child) == "bpt"
                                             and child.get("ctype") == "link")}
    return {child.get("id") for child in source.iter()
            if _local(child) in ("ph", "pc") and child.get("canDelete") == "no"}


def _all_codes(source: etree._Element) -> set[str]:
    return {child.get("id") for child in source.iter() if _local(child) in ("ph", "pc", "bpt")}


def import_xliff(path: Path, loaded: LoadedContent, languages: Languages) -> tuple[
        str, dict[Path, bytes], int]:
    """Check an XLIFF file against the content; returns the language, new files, count."""
    raw = path.read_bytes()
    reader = _Reader(path, raw.decode("utf-8", errors="replace"))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=False)
    try:
        tree = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as error:
        line, column = error.position
        raise ContentError([Problem(path, line, column + 1 if column else None,
                                    f"malformed XML: {error.msg}",
                                    "the file must be well-formed XML as the CAT tool saved "
                                    "it")]) from None
    namespace = etree.QName(tree).namespace
    version = {XLIFF_2: "2.0", XLIFF_1: "1.2"}.get(namespace)
    if _local(tree) != "xliff" or version is None:
        raise ContentError([reader.problem(tree, "not an XLIFF 2.0 or 1.2 document")])
    if version == "2.0":
        schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
        if not schema.validate(tree):
            raise ContentError([
                Problem(path, error.line, error.column + 1 if error.column >= 0 else None,
                        f"not valid XLIFF 2.0: {error.message}",
                        "the file must follow the OASIS XLIFF 2.0 core schema")
                for error in schema.error_log])
    try:
        return _merge(tree, version, reader, loaded, languages)
    except _Refusal as refusal:
        raise ContentError([reader.problem(refusal.element, refusal.message,
                                           refusal.hint)]) from None


def _merge(tree: etree._Element, version: str, reader: _Reader, loaded: LoadedContent,
           languages: Languages) -> tuple[str, dict[Path, bytes], int]:
    ns = {"x": XLIFF_2 if version == "2.0" else XLIFF_1}
    files = tree.findall("x:file", ns)
    if version == "2.0":
        source_language, language = tree.get("srcLang"), tree.get("trgLang")
    else:
        source_language = files[0].get("source-language") if files else None
        language = files[0].get("target-language") if files else None
    if source_language != languages.source:
        raise _Refusal(tree if version == "2.0" else files[0],
                       f"the source language is '{source_language}', but the report is "
                       f"translated from '{languages.source}'")
    if language not in languages.targets:
        raise _Refusal(tree if version == "2.0" else files[0],
                       f"the target language '{language}' is not one the report translates "
                       f"into ({', '.join(languages.targets)})")
    by_name: dict[str, dict[str, Unit]] = {}
    for unit in units(loaded, languages):
        by_name.setdefault(relative_name(unit.file, loaded.root), {})[unit.id] = unit
    problems: list[Problem] = []
    edits: list[Edit] = []
    for file in files:
        name = file.get("original")
        if name not in by_name:
            problems.append(reader.problem(file, f"unknown content file '{name}'",
                                           "import the file exported from this report"))
            continue
        unit_tag = "x:unit" if version == "2.0" else "x:body/x:trans-unit"
        seen_ids: set[str] = set()
        for element in file.findall(unit_tag, ns):
            try:
                edit = _merge_unit(element, version, ns, by_name[name], seen_ids, language,
                                   languages)
            except _Refusal as refusal:
                problems.append(reader.problem(refusal.element, refusal.message,
                                               refusal.hint))
                continue
            if edit:
                edits.append(edit)
    if problems:
        raise ContentError(problems)
    outputs = apply_edits(edits, list(languages.all), languages.source)
    _check_merged(loaded, outputs)
    return language, outputs, len(edits)


def _merge_unit(element: etree._Element, version: str, ns: dict, known: dict[str, Unit],
                seen_ids: set[str], language: str, languages: Languages) -> Edit | None:
    unit_id = element.get("id")
    if unit_id in seen_ids:
        raise _Refusal(element, f"unit '{unit_id}' appears twice")
    seen_ids.add(unit_id)
    unit = known.get(unit_id)
    if unit is None:
        raise _Refusal(element, f"unknown unit id '{unit_id}'",
                       "units are identified by their place in the content file; export again "
                       "if the content changed")
    exported = element.get(f"{{{OURS}}}fingerprint")
    current = fingerprint(unit.texts[languages.source])
    if exported != current:
        raise _Refusal(element, f"the {languages.source} text of unit '{unit_id}' changed "
                       "since this file was exported", "export again and translate the new text")
    data = {item.get("id"): item.text or "" for item in element.iterfind(".//x:data", ns)}
    if version == "2.0" and len(element.findall("x:segment", ns)) != 1:
        raise _Refusal(element, f"unit '{unit_id}' was split into several segments",
                       "join the segments again: a unit is translated as a whole")
    container = element.find("x:segment", ns) if version == "2.0" else element
    source = container.find("x:source", ns)
    if source is None:
        raise _Refusal(element, f"unit '{unit_id}' has no source")
    if fingerprint(_read_inline(source, data, Counter(), version)) != exported:
        raise _Refusal(source, f"the source text of unit '{unit_id}' was edited in the XLIFF",
                       "translate in the target; the source stays as exported")
    target = container.find("x:target", ns)
    if target is None:
        return None
    seen: Counter = Counter()
    text = _read_inline(target, data, seen, version)
    if not text.strip():
        return None
    known_codes = _all_codes(source)
    for code_id, count in seen.items():
        if code_id not in known_codes:
            raise _Refusal(target, f"unit '{unit_id}': code {code_id} is not in the source",
                           "use only the codes of the source")
        if count > 1:
            raise _Refusal(target, f"unit '{unit_id}': code {code_id} appears {count} times",
                           "each code of the source appears once in the translation")
    for code_id in sorted(_required_codes(source, version) - set(seen)):
        raise _Refusal(target, f"unit '{unit_id}': protected code {code_id} was deleted",
                       "put it back: footnote references, links and URLs must stay")
    if normalize(text) == normalize(unit.texts.get(language, "")):
        return None  # unchanged: leave the YAML (and its stamp) as it is
    return Edit(unit.file.path, unit.location, language, current, normalize(text))


def _check_merged(loaded: LoadedContent, outputs: dict[Path, bytes]) -> None:
    """Validation and parity on the content as the import would leave it, in a scratch copy."""
    if not outputs:
        return
    with tempfile.TemporaryDirectory(prefix="rapporteur-import-") as scratch:
        copy = Path(scratch) / "content"
        shutil.copytree(loaded.root, copy)
        for path, data in outputs.items():
            (copy / path.resolve().relative_to(loaded.root.resolve())).write_bytes(data)
        try:
            content = validate_content(load_content(copy))
            problems = [problem for problem in check_parity(content)
                        if problem.severity == "error"]
        except ContentError as error:
            problems = error.problems
        if problems:
            # Point at the content file the import would have written, not the scratch copy.
            moved = []
            for problem in problems:
                original = loaded.root / problem.file.resolve().relative_to(copy.resolve())
                moved.append(replace(problem, file=original,
                                     message=f"after the import: {problem.message}"))
            raise ContentError(moved)

"""Reading a returned file: the units of a translator's XLIFF, each source and target as text
and codes by id, or a refusal at the file's line."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from ...errors import ContentError, Problem
from ...load import read_confined
from ...text import is_cjk
from .names import OURS, SCHEMA, XLIFF_1, XLIFF_2, XML_LANG, XML_SPACE, place_in_file
from .parts import Part, Refusal, local_name, read_parts

# The first step of an import: `read_returned` parses the translator's file into units (file,
# unit id → source and target parts, codes by id only); rebuild.py then makes the Markdown of
# those parts with each code's data from the export, merge.py checks and writes them.
# Nothing of a code in the returned file but its id and place is ever used: its data, disp,
# dataRef, ctype, the text inside a 1.2 <ph>, and <originalData> are the translator's to break,
# never to change what lands.

# The sample's export is 1.6 times the size of its content, which may be 8 MB in all.
MAX_XLIFF_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class ReturnedSegment:
    source: tuple[Part, ...]
    target: tuple[Part, ...] | None
    element: etree._Element  # the <segment> (1.2: the <trans-unit>)


@dataclass(frozen=True)
class ReturnedUnit:
    file: str  # the <file>'s original: the content file's name
    unit_id: str
    element: etree._Element
    fingerprint: str | None
    shown: str | None  # the fingerprint of what the export put in the target
    source: tuple[Part, ...]  # the segments' sources, joined
    source_element: etree._Element
    target: tuple[Part, ...] | None  # the segments' targets, joined; None: none has one
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
    reader: "Reader"
    warnings: tuple[Problem, ...] = ()


class Reader:
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


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, if it is a regular file of at most MAX_XLIFF_BYTES (checked first)."""
    raw = read_confined(path, path.resolve().parent, MAX_XLIFF_BYTES)
    if not raw.strip():
        raise ContentError([Problem(path, 1, None, "the file is empty",
                                    "import the .xlf file the CAT tool saved")])
    return raw


def _parse_xml(path: Path, raw: bytes) -> tuple[etree._Element, Reader]:
    reader = Reader(path, raw.decode("utf-8", errors="replace"))
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
    except Refusal as refusal:
        raise ContentError([reader.problem(refusal.element, refusal.message,
                                           refusal.hint)]) from None


def _read_tree(tree: etree._Element, path: Path, reader: Reader) -> ReturnedFile:
    version = {XLIFF_2: "2.0", XLIFF_1: "1.2"}.get(etree.QName(tree).namespace)
    if local_name(tree) != "xliff" or version is None:
        raise Refusal(tree, "not an XLIFF 2.0 or 1.2 document")
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
        raise Refusal(tree, "the file holds no <file> element: nothing to import")
    if version == "2.0":
        languages = {"srcLang": tree.get("srcLang"), "trgLang": tree.get("trgLang")}
    else:
        languages = {"source-language": files[0].get("source-language"),
                     "target-language": files[0].get("target-language")}
        for file in files:  # every <file> says it again, and all must say the same
            for name, expected in languages.items():
                if file.get(name) != expected:
                    raise Refusal(file, f"this <file> has {name} '{file.get(name)}', the "
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
    unit_id = place_in_file(file, element.get("id"))
    segments: list[ReturnedSegment] = []
    # The spaces between sentences, as <ignorable>s give them after each segment.
    between: list[tuple[str, str | None]] = []
    states = []
    for child in (element if version == "2.0" else [element]):
        name = local_name(child)
        if name == "ignorable":
            if "".join(child.itertext()).strip():
                raise Refusal(child, f"unit '{unit_id}' has words outside its segments",
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
            raise Refusal(element, f"unit '{unit_id}' has {len(sources)} sources and "
                          f"{len(targets)} targets",
                          "a unit has one source and at most one target")
        source, target = sources[0], targets[0] if targets else None
        for part, expected in ((source, source_language), (target, language)):
            given = part.get(XML_LANG) if part is not None else None
            if given is not None and given != expected:
                raise Refusal(part, f"unit '{unit_id}': this <{local_name(part)}> says xml:lang "
                              f"'{given}', the file '{expected}'",
                              "one file, one language pair")
        segments.append(ReturnedSegment(read_parts(source, version),
                                        read_parts(target, version) if target is not None
                                        else None, child))
        between.append(("", None))
        if version == "2.0":
            states.append(child.get("state", "initial"))
        else:
            states.append("done" if element.get("approved") == "yes" else
                          (target.get("state") or "") if target is not None else "")
    if not segments:
        raise Refusal(element, f"unit '{unit_id}' has no segment",
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


def _joined(parts: list[tuple[Part, ...]], between: list[str]) -> tuple[Part, ...]:
    joined: list[Part] = []
    for index, part in enumerate(parts):
        for piece in (*part, between[index] if index < len(between) else ""):
            if isinstance(piece, str) and joined and isinstance(joined[-1], str):
                joined[-1] += piece
            elif piece != "":
                joined.append(piece)
    return tuple(joined)


def _joined_targets(segments: list[ReturnedSegment],
                    between: list[tuple[str, str | None]]) -> tuple[Part, ...]:
    """The targets of the segments as one text: between two, the spaces the export gave the
    translation, else the source's, but none beside a CJK character (Chinese sentences are
    not separated by spaces)."""
    parts: list[tuple[Part, ...]] = []
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


def _edge(parts: tuple[Part, ...], index: int) -> bool:
    """Whether the text at this end of the parts is a CJK character."""
    text = parts[index] if parts and isinstance(parts[index], str) else ""
    return bool(text) and is_cjk(text[index])

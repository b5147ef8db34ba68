"""Inline codes: a text's footnote calls, references, links, emphasis and kept words as
XLIFF elements, with the ids and original data an import rebuilds them from."""

from __future__ import annotations

from collections import Counter
from typing import Callable

from lxml import etree

from ..fingerprint import normalize
from ..inline import Code, Keep, Pair, Piece, Text, pieces
from ..units import Languages, Unit
from ..xmltext import append_text
from .names import PROTECTED_KINDS, XLIFF_1, XLIFF_2


class Codes:
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


def _as_data(code: Code) -> str:
    return code.data


def write_inline(parent: etree._Element, found: tuple[Piece, ...], codes: Codes,
                 ordinal: Counter, is_source: bool, version: str,
                 shown: Shown | None = None) -> None:
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
                                 disp=(shown or _as_data)(piece),
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
                              "type": "fmt" if piece.kind == "emphasis" else "link"}
                if piece.kind in PROTECTED_KINDS:
                    attributes["canDelete"] = "no"
                if piece.kind == "reference":
                    # A reference in the author's words: the tool shows what it points at.
                    attributes["subType"] = "r:reference"
                    attributes["dispStart"] = (shown or _as_data)(
                        Code("reference", piece.start[:-1] + "}"))
                pair = etree.SubElement(parent, f"{{{ns}}}pc", attributes)
                write_inline(pair, piece.inside, codes, ordinal, is_source, version, shown)
            else:
                ctype = {"link": "link", "reference": "x-reference"}.get(piece.kind, "italic")
                start = etree.SubElement(parent, f"{{{ns}}}bpt", id=code_id, ctype=ctype)
                start.text = piece.start
                write_inline(parent, piece.inside, codes, ordinal, is_source, version, shown)
                end = etree.SubElement(parent, f"{{{ns}}}ept", id=code_id)
                end.text = piece.end


def exported_codes(unit: Unit, languages: Languages, shown: str | None) -> Codes:
    """The codes the export gave this unit, made again the same way from the content."""
    codes = Codes()
    scratch = etree.Element(f"{{{XLIFF_2}}}source")
    write_inline(scratch, pieces(normalize(unit.texts[languages.source])), codes, Counter(), True,
                 "2.0")
    if shown is not None:
        write_inline(scratch, pieces(shown), codes, Counter(), False, "2.0")
    return codes


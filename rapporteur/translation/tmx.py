"""TMX export: the current translations, aligned with their source, for a translation memory.

One TMX 1.4 document per language pair (source → target), one <tu> per unit whose translation
is current, its inline codes as TMX <ph>/<bpt>/<ept> so that memories match them as codes.
No dates: the same content gives the same file.
"""

from __future__ import annotations

from itertools import count

from lxml import etree

from ..load import LoadedContent
from .fingerprint import fingerprint, normalize
from .inline import Code, Keep, Piece, Text, pieces
from .units import CURRENT, Languages, is_tracked, relative_name, state, units
from .xmltext import append_text, indent

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _segment(parent: etree._Element, found: tuple[Piece, ...], numbers) -> None:
    for piece in found:
        if isinstance(piece, (Text, Keep)):
            append_text(parent, piece.text)
        elif isinstance(piece, Code):
            etree.SubElement(parent, "ph", x=str(next(numbers)), type=piece.kind).text = \
                piece.data
        else:
            number = str(next(numbers))
            etree.SubElement(parent, "bpt", i=number, x=number, type=piece.kind).text = \
                piece.start
            _segment(parent, piece.inside, numbers)
            etree.SubElement(parent, "ept", i=number).text = piece.end


def export_tmx(loaded: LoadedContent, languages: Languages, language: str) -> bytes:
    found = units(loaded, languages)
    tracked = is_tracked(found)
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", {"o-tmf": "rapporteur-yaml"}, creationtool="rapporteur",
                     creationtoolversion="1", segtype="paragraph", adminlang="en",
                     srclang=languages.source, datatype="plaintext")
    body = etree.SubElement(root, "body")
    for unit in found:
        if state(unit, language, languages, tracked) != CURRENT:
            continue
        tu = etree.SubElement(body, "tu",
                              tuid=f"{relative_name(unit.file, loaded.root)}#{unit.id}")
        etree.SubElement(tu, "prop", type="x-fingerprint").text = fingerprint(
            unit.texts[languages.source])
        for code in (languages.source, language):
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: code})
            seg = etree.SubElement(tuv, "seg")
            _segment(seg, pieces(normalize(unit.texts[code])), count(1))
    indent(root, {"tmx", "body", "tu", "tuv"})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"

"""TMX export: the current translations, aligned with their source, for a translation memory.

One TMX 1.4 document per language pair (source → target), for each unit whose translation is
current one <tu> per sentence where source and translation have as many sentences (as the XLIFF
export cuts them: sentences.py), else one for the unit whole; inline codes as TMX
<ph>/<bpt>/<ept> so that memories match them as codes.
No dates: the same content gives the same file.
"""

from __future__ import annotations

from itertools import count

from lxml import etree

from ..load import LoadedContent
from .fingerprint import fingerprint, normalize
from .inline import Code, Keep, Piece, Text, pieces
from .sentences import Sentence, sentences
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
                     creationtoolversion="1", segtype="sentence", adminlang="en",
                     srclang=languages.source, datatype="plaintext")
    body = etree.SubElement(root, "body")
    for unit in found:
        if state(unit, language, languages, tracked) != CURRENT:
            continue
        name = f"{relative_name(unit.file, loaded.root)}#{unit.id}"
        source = sentences(pieces(normalize(unit.texts[languages.source])), languages.source)
        target = sentences(pieces(normalize(unit.texts[language])), language)
        # Sentence by sentence where both texts have as many (a memory matches sentences);
        # else the unit whole, as nothing says which sentence translates which.
        pairs = list(zip(source, target)) if len(source) == len(target) else \
            [(Sentence(pieces(normalize(unit.texts[languages.source])), ""),
              Sentence(pieces(normalize(unit.texts[language])), ""))]
        for number, pair in enumerate(pairs, 1):
            tu = etree.SubElement(body, "tu", tuid=name if len(pairs) == 1
                                  else f"{name}#s{number}")
            etree.SubElement(tu, "prop", type="x-fingerprint").text = fingerprint(
                unit.texts[languages.source])
            for code, sentence in zip((languages.source, language), pair):
                tuv = etree.SubElement(tu, "tuv", {XML_LANG: code})
                seg = etree.SubElement(tuv, "seg")
                _segment(seg, sentence.pieces, count(1))
    indent(root, {"tmx", "body", "tu", "tuv"})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"

"""The glossary as TBX: the report's terms for a translator's tool (OmegaT, translate-toolkit).

One <termEntry> per glossary term that has a form in both languages, the source form first.
No dates: the same glossary gives the same file.
"""

from __future__ import annotations

from lxml import etree

from ..load import LoadedContent
from .units import Languages
from .xliff.notes import glossary_terms
from .xmltext import indent

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def export_tbx(loaded: LoadedContent, languages: Languages, language: str) -> bytes:
    root = etree.Element("martif", {"type": "TBX", XML_LANG: languages.source})
    header = etree.SubElement(etree.SubElement(root, "martifHeader"), "fileDesc")
    etree.SubElement(etree.SubElement(header, "sourceDesc"), "p").text = \
        "The report's glossary, from glossary.yaml"
    body = etree.SubElement(etree.SubElement(root, "text"), "body")
    for number, term in enumerate(glossary_terms(loaded), 1):
        forms = {code: term.forms.get(code, "").strip() for code in (languages.source, language)}
        if not all(forms.values()):
            continue
        entry = etree.SubElement(body, "termEntry", id=f"t{number}")
        for code, form in forms.items():
            tig = etree.SubElement(etree.SubElement(entry, "langSet", {XML_LANG: code}), "tig")
            etree.SubElement(tig, "term").text = form
    indent(root, {"martif", "martifHeader", "fileDesc", "sourceDesc", "text", "body",
                  "termEntry", "langSet", "tig"})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"

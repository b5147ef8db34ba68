"""What WeasyPrint's tagged (PDF/UA-1) output leaves to us, added just before the PDF is written.

WeasyPrint tags headings, paragraphs, lists, tables and links, and writes /Lang, MarkInfo,
DisplayDocTitle and an XMP packet with the title and dates. Three things a reader with
assistive technology needs are missing, and `complete_tagging` (a `write_pdf` finisher) adds them:

- a description (/Contents) for every link that says where it goes: WeasyPrint uses the raw
  target, so a note call would be announced as "fn-62"; it now reads as the note's own text;
- the scope of each table header cell (/Scope), so that "Link to expected results" is known to
  head its column;
- the language and the document symbol in the XMP metadata, beside the title.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

LINK_DESCRIPTION_LENGTH = 120
"""A note's text is cut here in a link's description: enough to recognise it, short to hear."""

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"


def complete_tagging(document, pdf) -> None:
    """Finish WeasyPrint's PDF/UA output (called by `write_pdf(finisher=...)`)."""
    boxes = [box for page in document.pages for box in page._page_box.descendants()]
    by_id = {box.element.get("id"): box.element for box in boxes
             if box.element is not None and box.element.get("id")}
    for box in boxes:
        annotation = getattr(box, "link_annotation", None)
        if annotation is not None and box.element is not None:
            annotation["Contents"] = _string(_link_description(box.element, annotation, by_id))
        mark = getattr(box, "mark", None)  # the cell's structure element, set by WeasyPrint
        if mark is not None and box.element_tag == "th":
            scope = "/Row" if box.element.get("scope") == "row" else "/Column"
            mark["A"]["Scope"] = scope
    _complete_xmp(document.metadata, pdf)


def _link_description(link, annotation, by_id) -> str:
    """A link to a place in the document reads as what is there; a web link as its own text."""
    target = annotation.get("Dest")
    if target is not None:
        element = by_id.get(target.string)
        if element is not None:
            return _cut(_text(element))
    return _cut(_text(link)) or str(annotation["A"]["URI"])


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _cut(text: str) -> str:
    if len(text) <= LINK_DESCRIPTION_LENGTH:
        return text
    return text[:LINK_DESCRIPTION_LENGTH - 1].rstrip() + "…"


def _string(text: str):
    import pydyf  # noqa: PLC0415 - loaded with WeasyPrint, in the job

    return pydyf.String(text)


def _complete_xmp(metadata, pdf) -> None:
    """Add dc:language and dc:identifier (the symbol) to the XMP packet WeasyPrint wrote."""
    stream = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
    packet = b"".join(stream.stream)
    match = re.search(rb"<rdf:RDF.*</rdf:RDF>", packet, re.DOTALL)
    rdf = ElementTree.fromstring(match.group(0))
    values = (("language", metadata.lang, "Bag"),
              ("identifier", metadata.custom.get("dcterms.identifier"), None))
    for name, value, container in values:
        if not value:
            continue
        description = ElementTree.SubElement(rdf, f"{{{RDF}}}Description",
                                             {f"{{{RDF}}}about": ""})
        element = ElementTree.SubElement(description, f"{{{DC}}}{name}")
        if container:
            element = ElementTree.SubElement(
                ElementTree.SubElement(element, f"{{{RDF}}}{container}"), f"{{{RDF}}}li")
        element.text = value
    rdf_bytes = ElementTree.tostring(rdf, encoding="utf-8")  # no XML declaration in UTF-8
    stream.stream = [packet[:match.start()] + rdf_bytes + packet[match.end():]]

"""What WeasyPrint's tagged (PDF/UA-1) output leaves to us, added just before the PDF is written.

WeasyPrint tags headings, paragraphs, lists, tables and links, and writes /Lang, MarkInfo,
DisplayDocTitle and an XMP packet with the title and dates. Three things a reader with
assistive technology needs are missing, and `complete_tagging` (a `write_pdf` finisher) adds them:

- a description (/Contents) for every link that says where it goes: WeasyPrint uses the raw
  target, so a note call would be announced as "fn-62"; it now reads as the note's own text;
- the scope of each table header cell (/Scope), so that "Link to expected results" is known to
  head its column;
- notes tagged as notes: WeasyPrint tags the footnote area of a page as /NonStruct holding a
  /Span per note; each becomes a /Note whose /ID is the note's anchor ("fn-62"), the target of
  its call's link;
- the language and the document symbol in the XMP metadata, beside the title.

Then `pdf_reading.mend_structure` makes the tree read as the document rather than page by page
(artifacts for running heads, one element for each element cut by a page break, list items
of a label and a body).

Each part of the print edition is written on its own and assembled afterwards
(`pdf_assembly.py`), so a part also says what the assembly needs and a PDF does not keep: links
to another part (`link_other_parts`: WeasyPrint would drop a link to an anchor it does not have)
and, in a private `PART_DATA` stream, the level of each bookmark and what each anchor's
element says (the description of a link that points at it from another part).

It reads what WeasyPrint leaves on its layout boxes (`link_annotation`, a table cell's `mark`,
a page's footnote area) and the pydyf objects it is about to write: WeasyPrint's internals, not
its API. `test_pdf_is_tagged_for_assistive_technology` tells when a release changes them.
"""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

from .pdf_reading import mend_structure

LINK_DESCRIPTION_LENGTH = 120
"""A note's text is cut here in a link's description: enough to recognise it, short to hear."""

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"

OTHER_PART = "rapporteur-other-part:"
"""How a part writes a link to an anchor of another part: a URI action that the assembly turns
into an internal link (a /Dest), once the parts are one document."""

PART_DATA = "/RapporteurPart"
"""The catalog key of a part's data for the assembly (removed from the assembled PDF)."""


def link_other_parts(document) -> None:
    """Keep the links to anchors outside this part (WeasyPrint drops them), as OTHER_PART URIs.

    `Page.links` and `Page.anchors` are WeasyPrint's public description of a laid-out page.
    """
    anchors = {name for page in document.pages for name in page.anchors}
    for page in document.pages:
        page.links[:] = [
            ("external", OTHER_PART + target, rectangle, box)
            if kind == "internal" and target not in anchors else (kind, target, rectangle, box)
            for kind, target, rectangle, box in page.links]


def complete_tagging(document, pdf) -> None:
    """Finish WeasyPrint's PDF/UA output (called by `write_pdf(finisher=...)`)."""
    by_id, marked = _read_boxes(document)
    for box in marked:
        annotation = getattr(box, "link_annotation", None)
        if annotation is not None:
            annotation["Contents"] = _string(_link_description(box.element, annotation, by_id))
        mark = getattr(box, "mark", None)  # the cell's structure element, set by WeasyPrint
        if mark is not None and box.element_tag == "th":
            scope = "/Row" if box.element.get("scope") == "row" else "/Column"
            mark["A"]["Scope"] = scope
    _tag_notes(document, pdf)
    mend_structure(document, pdf)
    _index_ids(pdf)
    _complete_xmp(document.metadata, pdf)
    _add_part_data(document, pdf, by_id)


def _read_boxes(document):
    """The element of each HTML id that has a box, and the boxes of an element that are a link
    or a table cell, in the pages' order.

    One walk through the boxes, as `Box.descendants` makes it but without its generator in
    each box (50,000 of them in the sample's 18 parts): an absolute box's placeholder, as
    there, is taken as the box but its children are not walked."""
    from weasyprint.formatting_structure.boxes import Box  # noqa: PLC0415

    by_id, marked = {}, []
    waiting = [page._page_box for page in reversed(document.pages)]
    while waiting:
        box = waiting.pop()
        element = box.element
        if element is not None:
            if name := element.get("id"):
                by_id[name] = element
            if (getattr(box, "link_annotation", None) is not None
                    or getattr(box, "mark", None) is not None):
                marked.append(box)
        if isinstance(box, Box):
            waiting += reversed(box.children)
    return by_id, marked


def _add_part_data(document, pdf, by_id) -> None:
    """What the assembly needs: each bookmark's level and state, in the order of the outline
    WeasyPrint wrote (the order of `Page.bookmarks`), and each anchor's description."""
    import pydyf  # noqa: PLC0415 - loaded with WeasyPrint, in the job

    anchors = [name for page in document.pages for name in page.anchors]
    data = {
        "bookmarks": [[level, state] for page in document.pages
                      for level, _, _, state in page.bookmarks],
        "descriptions": {name: _description(by_id[name]) for name in anchors if name in by_id},
    }
    stream = pydyf.Stream([json.dumps(data, ensure_ascii=False, sort_keys=True).encode()],
                          compress=True)
    pdf.add_object(stream)
    pdf.catalog[PART_DATA[1:]] = stream.reference


def _tag_notes(document, pdf) -> None:
    """Retag each page's footnotes (WeasyPrint's /Span in a /NonStruct) as /Note with an /ID."""
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox  # noqa: PLC0415

    def get(reference):
        return pdf.objects[int(reference.split()[0])]

    page_numbers = {reference: number for number, reference in enumerate(pdf.page_references)}
    root = get(pdf.catalog["StructTreeRoot"])
    top = get(root["K"]) if not isinstance(root["K"], list) else get(root["K"][0])
    for element in map(get, top["K"]):
        if element["S"] != "/NonStruct" or "Pg" not in element:
            continue
        kids = [get(kid) for kid in element["K"] if not isinstance(kid, int)]
        page = document.pages[page_numbers[element["Pg"]]]
        notes = [box for area in page._page_box.children
                 if isinstance(area, FootnoteAreaBox) for box in area.children]
        if not kids or len(kids) != len(notes) or any(kid["S"] != "/Span" for kid in kids):
            continue  # not a footnote area (the cover is a /NonStruct of paragraphs)
        for kid, note in zip(kids, notes):
            kid["S"] = "/Note"
            if note.element is not None and note.element.get("id"):
                kid["ID"] = _string(note.element.get("id"))


def _link_description(link, annotation, by_id) -> str:
    """A link to a place in the document reads as what is there; a web link as its own text."""
    target = annotation.get("Dest")
    if target is not None:
        element = by_id.get(target.string)
        if element is not None:
            return _description(element)
    # A link to another part reads as its own text until the assembly knows its target's.
    return _description(link) or annotation["A"]["URI"].string.removeprefix(OTHER_PART)


def _description(element) -> str:
    """The element's text, its spaces collapsed, cut to LINK_DESCRIPTION_LENGTH (`_cut`).

    Read only as far as the cut keeps: a link to a section, or a section's anchor, would read
    the whole section for 120 characters. The collapsed text of a prefix of a text is a prefix
    of the whole text's, so once it is longer than the cut, what follows changes nothing.
    """
    chunks: list[str] = []
    size = checked = 0
    for chunk in element.itertext():
        chunks.append(chunk)
        size += len(chunk)
        if size > LINK_DESCRIPTION_LENGTH and size >= 2 * checked:  # collapsing costs: rarely
            checked = size
            text = " ".join("".join(chunks).split())
            if len(text) > LINK_DESCRIPTION_LENGTH:
                return _cut(text)
    return _cut(" ".join("".join(chunks).split()))


def _cut(text: str) -> str:
    if len(text) <= LINK_DESCRIPTION_LENGTH:
        return text
    return text[:LINK_DESCRIPTION_LENGTH - 1].rstrip() + "…"


def _string(text: str):
    import pydyf  # noqa: PLC0415 - loaded with WeasyPrint, in the job

    return pydyf.String(text)


def _index_ids(pdf) -> None:
    """The /IDTree the PDF needs once structure elements have an /ID (notes, header cells):
    those of the tree (a repeated header row is no longer in it)."""
    import pydyf  # noqa: PLC0415 - loaded with WeasyPrint, in the job

    def get(reference):
        return pdf.objects[int(reference.split()[0])]

    root = get(pdf.catalog["StructTreeRoot"])
    elements = {}
    waiting = list(root["K"])
    while waiting:
        element = get(waiting.pop())
        if element.get("Type") != "/StructElem":
            continue  # a marked-content or object reference
        if "ID" in element:
            elements[element["ID"].string] = element.reference
        waiting += [kid for kid in element.get("K", ()) if isinstance(kid, bytes)]
    if elements:
        names = [item for key in sorted(elements) for item in (_string(key), elements[key])]
        root["IDTree"] = pydyf.Dictionary({"Names": pydyf.Array(names)})


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

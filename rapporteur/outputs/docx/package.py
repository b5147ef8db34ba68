"""The .docx package: its parts, content types and relationships, zipped with fixed
timestamps, in a fixed order, so that the same document gives the same bytes.

The styles (and the theme and font table they may refer to) are taken from the reference
document, `templates/reference.docx`: restyling it in Word restyles every output.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree

from ...errors import UsageError
from .ooxml import Relationships, serialise

FROM_REFERENCE = ("word/styles.xml", "word/theme/theme1.xml", "word/fontTable.xml")
"""What an output takes from the reference document, when it has them; styles.xml it must."""

CONTENT_TYPES = {
    "word/document.xml": "wordprocessingml.document.main",
    "word/styles.xml": "wordprocessingml.styles",
    "word/settings.xml": "wordprocessingml.settings",
    "word/footnotes.xml": "wordprocessingml.footnotes",
    "word/numbering.xml": "wordprocessingml.numbering",
    "word/fontTable.xml": "wordprocessingml.fontTable",
    "word/theme/theme1.xml": "theme",
}
OFFICE = "application/vnd.openxmlformats-officedocument."

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
CORE_NS = {"cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
           "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
           "xsi": "http://www.w3.org/2001/XMLSchema-instance"}

CORE_TYPE = ("http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
             "core-properties")

TIMESTAMP = (1980, 1, 1, 0, 0, 0)
"""Every member's date: the earliest a zip can hold, the same on every build."""


def reference_parts(path: Path) -> dict[str, bytes]:
    """The parts an output takes from the reference document."""
    try:
        with zipfile.ZipFile(path) as reference:
            names = set(reference.namelist())
            if "word/styles.xml" not in names:
                raise UsageError(f"{path}: a Word document without styles (word/styles.xml); "
                                 "save it again from Word or LibreOffice as .docx")
            return {name: reference.read(name) for name in FROM_REFERENCE if name in names}
    except FileNotFoundError:
        raise UsageError(f"the Word output's reference document is missing: expected {path} "
                         "(restore templates/reference.docx from the repository)") from None
    except zipfile.BadZipFile:
        raise UsageError(f"{path} is not a .docx (not a zip file): save it from Word or "
                         "LibreOffice as a Word document (.docx)") from None


def core_properties(title: str, subject: str, creator: str, language: str, identifier: str,
                    date: str) -> bytes:
    """docProps/core.xml: what Word's File > Info and a catalogue show; the document's own date
    as its creation and modification dates, never the build's."""
    cp, dc, dcterms = (f"{{{CORE_NS[prefix]}}}" for prefix in ("cp", "dc", "dcterms"))
    element = etree.Element(cp + "coreProperties", nsmap=CORE_NS)
    for tag, value in ((dc + "title", title), (dc + "subject", subject),
                       (dc + "creator", creator), (dc + "identifier", identifier),
                       (dc + "language", language)):
        etree.SubElement(element, tag).text = value
    for tag in ("created", "modified"):
        stamp = etree.SubElement(element, dcterms + tag)
        stamp.set(f"{{{CORE_NS['xsi']}}}type", "dcterms:W3CDTF")
        stamp.text = f"{date}T00:00:00Z"
    return serialise(element)


def package(parts: dict[str, bytes], document_rels: Relationships,
            part_rels: dict[str, Relationships]) -> bytes:
    """The .docx: `parts` by name, the document's relationships and those of other parts
    (`word/footnotes.xml`'s hyperlinks), the content types and the package relationships."""
    package_rels = Relationships()
    package_rels.add("officeDocument", "word/document.xml")
    package_rels.add(CORE_TYPE, "docProps/core.xml")
    files = {"[Content_Types].xml": _content_types(parts), "_rels/.rels": package_rels.xml(),
             "word/_rels/document.xml.rels": document_rels.xml(), **parts}
    for name, relationships in part_rels.items():
        folder, _, file = name.rpartition("/")
        files[f"{folder}/_rels/{file}.rels"] = relationships.xml()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # [Content_Types].xml first, as Word writes it; then the rest in a fixed order.
        for name in ["[Content_Types].xml", *sorted(set(files) - {"[Content_Types].xml"})]:
            info = zipfile.ZipInfo(name, TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            archive.writestr(info, files[name])
    return buffer.getvalue()


def _content_types(parts: dict[str, bytes]) -> bytes:
    element = etree.Element(f"{{{CT_NS}}}Types", nsmap={None: CT_NS})
    for extension, kind in (("rels", "application/vnd.openxmlformats-package.relationships+xml"),
                            ("xml", "application/xml")):
        etree.SubElement(element, f"{{{CT_NS}}}Default", Extension=extension, ContentType=kind)
    for name in sorted(parts):
        if name in CONTENT_TYPES:
            kind = OFFICE + CONTENT_TYPES[name] + "+xml"
        elif name.startswith("word/header"):
            kind = OFFICE + "wordprocessingml.header+xml"
        elif name == "docProps/core.xml":
            kind = "application/vnd.openxmlformats-package.core-properties+xml"
        else:
            continue
        etree.SubElement(element, f"{{{CT_NS}}}Override", PartName="/" + name, ContentType=kind)
    return serialise(element)


"""WordprocessingML in a few helpers: namespaces, elements in the `w:` namespace, serialising.

Word is strict about the order of children in a properties element (`w:pPr`, `w:rPr`,
`w:tblPr`, `w:sectPr`): the callers add them in the schema's order, which is noted beside each.
"""

from __future__ import annotations

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NAMESPACES = {"w": W_NS, "r": R_NS}

REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
"""The start of every relationship type of a Word document's parts."""


def qn(name: str) -> str:
    """`w:val` → `{namespace}val`."""
    prefix, local = name.split(":")
    return f"{{{NAMESPACES[prefix]}}}{local}"


def w(tag: str, *children: etree._Element | None, **attributes: str | int) -> etree._Element:
    """`w:tag` with `w:` attributes (`val="x"`) and its children (None ones left out)."""
    element = etree.Element(qn(f"w:{tag}"), nsmap=None)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), str(value))
    for child in children:
        if child is not None:
            element.append(child)
    return element


def text(value: str) -> etree._Element:
    """A `w:t` that keeps its spaces (Word drops leading and trailing ones otherwise)."""
    element = w("t")
    element.set(f"{{{XML_NS}}}space", "preserve")
    element.text = value
    return element


def root(tag: str, *children: etree._Element) -> etree._Element:
    """A part's root element (`w:document`, `w:footnotes`, `w:hdr`), declaring w: and r:."""
    element = etree.Element(qn(f"w:{tag}"), nsmap=NAMESPACES)
    element.extend(children)
    return element


def serialise(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


class Relationships:
    """A part's relationships (`word/_rels/document.xml.rels`): hyperlinks and other parts,
    numbered in the order they are added, so that the same document gives the same ids."""

    def __init__(self, first: int = 1) -> None:
        self._entries: list[tuple[str, str, str, bool]] = []
        self._targets: dict[tuple[str, str], str] = {}
        self._next = first

    def add(self, kind: str, target: str, external: bool = False) -> str:
        key = (kind, target)
        if key not in self._targets:
            rid = f"rId{self._next}"
            self._next += 1
            self._targets[key] = rid
            full = kind if "://" in kind else REL_TYPE + kind  # short names: Word's own types
            self._entries.append((rid, full, target, external))
        return self._targets[key]

    def xml(self) -> bytes:
        element = etree.Element(f"{{{REL_NS}}}Relationships", nsmap={None: REL_NS})
        for rid, kind, target, external in self._entries:
            child = etree.SubElement(element, f"{{{REL_NS}}}Relationship",
                                     Id=rid, Type=kind, Target=target)
            if external:
                child.set("TargetMode", "External")
        return serialise(element)

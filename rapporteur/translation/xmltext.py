"""Two lxml helpers shared by the XLIFF and TMX writers."""

from __future__ import annotations

from lxml import etree


def append_text(parent: etree._Element, text: str) -> None:
    """Add text after the last child of `parent` (or inside it, if it has none)."""
    if not text:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def indent(element: etree._Element, structural: set[str], level: int = 0) -> None:
    """Line breaks between structural elements only: whitespace inside a text is content."""
    children = [child for child in element if isinstance(child.tag, str)]
    if not children or etree.QName(element).localname not in structural:
        return
    element.text = "\n" + "  " * (level + 1)
    for child in children:
        indent(child, structural, level + 1)
        child.tail = "\n" + "  " * (level + 1)
    children[-1].tail = "\n" + "  " * level

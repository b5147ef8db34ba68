"""`word/footnotes.xml`: the report's notes as Word footnotes, each on its call.

Word numbers footnotes itself, in the order of their calls; the calls come in the order of the
document's numbers (checked by tests/test_docx.py in every language), so Word shows the same
numbers as the PDF, and a note an editor adds is numbered in sequence.
"""

from __future__ import annotations

from lxml import etree

from ...resolve import Footnote
from .ooxml import qn, root, w
from .runs import Inline


def footnotes_part(notes: list[Footnote], inline: Inline, rtl: bool) -> etree._Element:
    """Word's two separators (ids -1 and 0, as settings.xml names them), then each note."""
    separators = []
    for number, kind in ((-1, "separator"), (0, "continuationSeparator")):
        # Right to left, the rule starts at the right, where the lines start.
        properties = w("pPr", w("bidi") if rtl else None, w("spacing", after=0))
        separators.append(w("footnote", w("p", properties, w("r", w(kind))),
                            type=kind, id=number))
    return root("footnotes", *separators, *(_note(note, number, inline, rtl)
                                            for number, note in enumerate(notes, 1)))


def _note(note: Footnote, number: int, inline: Inline, rtl: bool) -> etree._Element:
    """The note `number`, in the order of the calls (runs.py, `footnote_call`)."""
    mark = w("r", w("rPr", w("rStyle", val="FootnoteReference")), w("footnoteRef"))
    paragraph = w("p", w("pPr", w("pStyle", val="FootnoteText"), w("bidi") if rtl else None),
                  mark, inline.run(" "), *inline.runs(note.text[inline.language.code]))
    element = w("footnote", paragraph)
    element.set(qn("w:id"), str(number))
    return element

"""A redline's revision marks as Word tracked changes (`w:ins`, `w:del`).

A redline's texts carry the marks of versions/marks.py around their inserted and deleted runs,
as they do for the HTML. The Word output writes those texts as it writes any (runs.py, body.py,
notes.py: the marks are characters of the runs' text), then this pass turns the marks of a
part into tracked changes, in reading order: a run is cut where a mark stands, each piece
inside a mark is wrapped in `w:ins` or `w:del` (deleted text in `w:delText`), and runs without
text (a footnote call, a line break) take the mark they stand in. A paragraph whose every
visible run is inserted (or deleted) is so itself: its paragraph mark too (but a note's last,
which goes with its call), and its other runs (a note's own number, a space), so that
accepting or rejecting all leaves no empty paragraph.

Each change has its own `w:id`, the same author and a date given by the document (not the
clock), so that the same two versions give the same bytes. A document without marks is left
as it is.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from itertools import count
from typing import Iterator

from lxml import etree

from ...versions.marks import DEL_OPEN, INS_OPEN, MARKS
from .ooxml import NAMESPACES, qn, w

_KIND = {INS_OPEN: "ins", DEL_OPEN: "del"}


@dataclass
class Revisions:
    """Who made the changes and when (the new version's date, ISO 8601), and the ids given:
    unique in the document, across its parts."""

    author: str
    date: str
    first_id: int = 1  # after the document's bookmarks: ids of annotations are one series
    ids: Iterator[int] = field(init=False)

    def __post_init__(self) -> None:
        self.ids = count(self.first_id)

    def mark(self, kind: str) -> etree._Element:
        return w(kind, id=next(self.ids), author=self.author, date=self.date)


def track_changes(part: etree._Element, revisions: Revisions) -> None:
    """The part's marks as tracked changes, in place."""
    if not any(mark in (node.text or "") for node in part.iter(qn("w:t")) for mark in MARKS):
        return
    state: str | None = None  # the mark open at this point of the text, across runs
    for run in list(part.iter(qn("w:r"))):
        pieces: list[tuple[str | None, etree._Element]] = []
        node = run.find(qn("w:t"))
        if node is not None and any(mark in (node.text or "") for mark in MARKS):
            for kind, value in _pieces(node.text, state):
                if value:
                    piece = copy.deepcopy(run)
                    piece.find(qn("w:t")).text = value
                    pieces.append((kind, piece))
                state = kind
        else:
            pieces.append((state, run))
        parent, index = run.getparent(), run.getparent().index(run)
        parent.remove(run)
        for kind, piece in pieces:
            index = _place(parent, index, kind, piece, revisions)
    for paragraph in part.iter(qn("w:p")):
        _whole_paragraph(paragraph, revisions)


def _pieces(value: str, state: str | None) -> Iterator[tuple[str | None, str]]:
    """The text between marks with the mark each piece stands in; the last state is the
    state after the text."""
    start = 0
    for position, char in enumerate(value):
        if char in MARKS:
            yield state, value[start:position]
            state = _KIND.get(char)  # None after a closing mark
            start = position + 1
    yield state, value[start:]


def _place(parent: etree._Element, index: int, kind: str | None, run: etree._Element,
           revisions: Revisions) -> int:
    """Put `run` at `index` in `parent`, inside a change of `kind` (joining the change just
    before it if it is of that kind); the index after it."""
    if kind is None:
        parent.insert(index, run)
        return index + 1
    if kind == "del":
        _as_deleted(run)
    previous = parent[index - 1] if index > 0 else None
    if previous is not None and previous.tag == qn(f"w:{kind}"):
        previous.append(run)
        return index
    wrapper = revisions.mark(kind)
    wrapper.append(run)
    parent.insert(index, wrapper)
    return index + 1


def _as_deleted(run: etree._Element) -> None:
    for node in run.iter(qn("w:t")):
        node.tag = qn("w:delText")


def _whole_paragraph(paragraph: etree._Element, revisions: Revisions) -> None:
    """A paragraph all of whose visible text is one kind of change is that change whole."""
    kinds = set()
    loose = []  # runs in no change
    for run in paragraph.iter(qn("w:r")):
        change = next((ancestor for ancestor in run.iterancestors()
                       if ancestor.tag in (qn("w:ins"), qn("w:del"))), None)
        visible = "".join(run.xpath("w:t/text()|w:delText/text()",
                                    namespaces=NAMESPACES)).strip()
        if change is None:
            if visible:
                return
            loose.append(run)
        elif visible:
            kinds.add(etree.QName(change).localname)
    if len(kinds) != 1:
        return
    kind = kinds.pop()
    for run in loose:
        parent = run.getparent()
        index = parent.index(run)
        parent.remove(run)
        _place(parent, index, kind, run, revisions)
    parent = paragraph.getparent()
    if parent.tag == qn("w:footnote") and paragraph is parent[-1]:
        # A note's last paragraph mark is the note's own, which Word never deletes: the note
        # goes with its call.
        return
    properties = paragraph.find(qn("w:pPr"))
    if properties is None:
        properties = w("pPr")
        paragraph.insert(0, properties)
    marks = w("rPr", revisions.mark(kind))
    section = properties.find(qn("w:sectPr"))  # w:rPr comes before w:sectPr in w:pPr
    if section is not None:
        section.addprevious(marks)
    else:
        properties.append(marks)

"""Revision marks inside content texts, and the HTML they become.

A redline renders its texts through the ordinary renderer (Markdown, typography, footnote
calls, references), so that it looks like the document. The word-level changes ride through
that renderer as four private-use characters around the inserted and deleted runs; once a text
is HTML, `to_html` makes them `<ins>` and `<del>` elements, closed and reopened around every
tag so that they nest properly whatever markup the run crosses.
"""

from __future__ import annotations

import re

from ..words import Segment

INS_OPEN, INS_CLOSE, DEL_OPEN, DEL_CLOSE = "\ue000", "\ue001", "\ue002", "\ue003"
MARKS = INS_OPEN + INS_CLOSE + DEL_OPEN + DEL_CLOSE
_TAG = re.compile(r"<[^>]*>")
_DELETED = re.compile(f"{DEL_OPEN}[^{DEL_CLOSE}]*{DEL_CLOSE}")
_ELEMENT = {INS_OPEN: "ins", DEL_OPEN: "del"}


def marked(segments: tuple[Segment, ...]) -> str:
    """The text with its inserted and deleted runs between marks."""
    return "".join(
        INS_OPEN + segment.text + INS_CLOSE if segment.op == "insert" else
        DEL_OPEN + segment.text + DEL_CLOSE if segment.op == "delete" else segment.text
        for segment in segments)


def like(label: str, text: str) -> str:
    """A text's label (a paragraph's number, an item's marker) inserted or deleted with the
    text when the text is inserted or deleted whole, else as it is."""
    for start, end in ((INS_OPEN, INS_CLOSE), (DEL_OPEN, DEL_CLOSE)):
        if (text.startswith(start) and text.endswith(end)
                and sum(text.count(mark) for mark in MARKS) == 2):
            return start + label + end
    return label


def renumbered(old: str, new: str) -> str:
    """A former number deleted and the new one inserted, as a renumbering reads in Word."""
    return DEL_OPEN + old + DEL_CLOSE + INS_OPEN + new + INS_CLOSE


def has_marks(text: str) -> bool:
    return any(mark in text for mark in MARKS)


def plain(text: str) -> str:
    """The new text alone: deleted runs dropped, marks removed (for titles and attributes)."""
    return _DELETED.sub("", text).translate(_NO_MARKS)


def to_html(html: str) -> str:
    """Marks in rendered HTML as <ins>/<del> elements around the text they enclose."""
    if not has_marks(html):
        return html
    out: list[str] = []
    state: str | None = None  # the open mark, if any
    texts, tags = _TAG.split(html), _TAG.findall(html)
    for index, text in enumerate(texts):
        for char in text:
            if char in (INS_OPEN, DEL_OPEN, INS_CLOSE, DEL_CLOSE):
                if state:
                    out.append(f"</{_ELEMENT[state]}>")
                state = char if char in _ELEMENT else None
                if state:
                    out.append(f"<{_ELEMENT[state]}>")
            else:
                out.append(char)
        if index < len(tags):
            tag = tags[index].translate(_NO_MARKS)  # a mark never belongs inside a tag
            out.append(f"</{_ELEMENT[state]}>{tag}<{_ELEMENT[state]}>" if state else tag)
    return _EMPTY.sub("", "".join(out))


_NO_MARKS = {ord(mark): None for mark in MARKS}
_EMPTY = re.compile(r"<(ins|del)></\1>")

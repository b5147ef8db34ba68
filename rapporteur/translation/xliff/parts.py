"""A returned source or target as parts: its words, and its codes by id only (a 1.2 <ph>'s
text, dataRef, disp, ctype are never read), start and end codes paired into one, or refused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from lxml import etree

from ...load import forbidden_character


@dataclass(frozen=True)
class Refusal(Exception):
    """What each step of an import raises at an element of the returned file; the import
    gives it as a problem at the element's line (read.Reader)."""

    element: etree._Element | None
    message: str
    hint: str | None = None


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""



@dataclass(frozen=True)
class Standalone:
    """A code in place of a footnote call, reference or URL: <ph>, 1.2 <x>."""

    code_id: str
    element: etree._Element


@dataclass(frozen=True)
class Paired:
    """A code around translated words (a link, emphasis): <pc>, or a start and end code."""

    code_id: str
    element: etree._Element
    inside: tuple["Part", ...]


Part = Union[str, Standalone, Paired]


# The codes a returned file may use, by version: standalone, paired around words, and the
# start and end codes that pair by an id (1.2 <bpt>/<ept>, <bx>/<ex>; 2.0 <sc>/<ec>).
_STANDALONE = {"2.0": ("ph",), "1.2": ("ph", "x")}
_AROUND = {"2.0": "pc", "1.2": "g"}
_STARTS = {"2.0": ("sc",), "1.2": ("bpt", "bx")}
_ENDS = {"2.0": ("ec",), "1.2": ("ept", "ex")}


def read_parts(element: etree._Element, version: str) -> tuple[Part, ...]:
    """Text and codes of a source or target (or of a code around words): each code by its id
    only, start and end codes paired into one, or refused."""
    found: list[Part] = []
    # Start codes waiting for their end: the key that pairs them, the code, the parts after it.
    opened: list[tuple[str, etree._Element, list[Part]]] = []

    def add(part: Part) -> None:
        current = opened[-1][2] if opened else found
        if isinstance(part, str) and current and isinstance(current[-1], str):
            current[-1] += part
        elif part != "":
            current.append(part)

    add(element.text or "")
    for child in element:
        name = local_name(child)
        if not name:
            pass  # a comment or processing instruction: its tail still counts
        elif name in _STANDALONE[version]:
            add(Standalone(_code_id(child), child))  # a 1.2 <ph>'s text is not read
        elif name == _AROUND[version]:
            add(Paired(_code_id(child), child, read_parts(child, version)))
        elif name in _STARTS[version]:
            opened.append((_pairing_key(child), child, []))
        elif name in _ENDS[version]:
            key = child.get("startRef") if name == "ec" else _pairing_key(child)
            if not opened or opened[-1][0] != key:
                raise Refusal(child, f"the end code {key} closes no start code opened before "
                              "it", "keep each code's start and end, in this order")
            _, start, inside = opened.pop()
            add(Paired(_code_id(start), start, tuple(inside)))
        elif name == "mrk":
            for part in read_parts(child, version):  # a marker's words belong to the text
                add(part)
        elif name == "cp" and version == "2.0":
            add(_character(child))
        else:
            raise Refusal(child, f"<{name}> is not supported in a translation",
                          "use the codes of the source only")
        add(child.tail or "")
    if opened:
        _, start, _ = opened[-1]
        raise Refusal(start, f"the start code {start.get('id')} has no end code",
                      "keep each code's start and end, in this order")
    return tuple(found)


def _code_id(element: etree._Element) -> str:
    code_id = element.get("id")
    if not code_id:
        raise Refusal(element, f"<{local_name(element)}> without an id",
                      "keep the codes as exported")
    return code_id


def _pairing_key(element: etree._Element) -> str:
    """What pairs a 1.2 start with its end: bx/ex by rid (else id), bpt/ept by id (or rid)."""
    key = element.get("rid") or element.get("id") if local_name(element) in ("bx", "ex") \
        else element.get("id") or element.get("rid")
    if not key:
        raise Refusal(element, f"<{local_name(element)}> without an id",
                      "keep the codes as exported")
    return key


def _character(element: etree._Element) -> str:
    """A 2.0 <cp hex>, if it is a character a content text may hold."""
    written = element.get("hex", "")
    code = int(written, 16) if written and all(c in "0123456789abcdefABCDEF"
                                               for c in written) else -1
    if not 0 <= code <= 0x10FFFF or forbidden_character(chr(code)):
        raise Refusal(element, f'<cp hex="{written[:12]}"/> is not a character a text may '
                      "hold (a control character, a noncharacter, a surrogate or beyond "
                      "U+10FFFF)", "delete it")
    return chr(code)

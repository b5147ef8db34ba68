"""Rebuilding a returned text: the Markdown of its parts, every code's data from the export."""

from __future__ import annotations

from collections import Counter
from typing import Mapping

from ..inline import Code, Pair
from .parts import Part, Refusal, Standalone

Codes = Mapping[str, "Code | Pair"]


def rebuild(parts: tuple[Part, ...], codes: Codes, seen: Counter, unit_id: str,
            fallback: Codes | None = None) -> str:
    """The Markdown of `parts`, every code's data taken from `codes` (the export's), or from
    `fallback` where only that has a code of the part's shape under its id (a reference the
    shown translation gives without words, the source with words the translator translated)."""
    text = []
    for part in parts:
        if isinstance(part, str):
            text.append(part)
            continue
        piece = codes.get(part.code_id)
        other = (fallback or {}).get(part.code_id)
        if piece is None or (isinstance(part, Standalone) != isinstance(piece, Code)
                             and other is not None
                             and isinstance(part, Standalone) == isinstance(other, Code)):
            piece = other
        if piece is None:
            raise Refusal(part.element, f"unit '{unit_id}': code {part.code_id} is not in the "
                          "source", "use only the codes of the source")
        seen[part.code_id] += 1
        if isinstance(part, Standalone) != isinstance(piece, Code):
            raise Refusal(part.element, f"unit '{unit_id}': code {part.code_id} stands for "
                          + (("a reference around its own words" if piece.kind == "reference"
                              else "a link or emphasis around words")
                             if isinstance(piece, Pair)
                             else "a reference or URL, not for words around it"),
                          "keep the codes as exported")
        if isinstance(piece, Code):
            text.append(piece.data)
            continue
        inside = rebuild(part.inside, codes, seen, unit_id, fallback)
        if piece.kind == "reference":
            _check_words(part, piece, inside, unit_id)
        text += [piece.start, inside, piece.end]
    return "".join(text)


def _check_words(part: Part, piece: Pair, words: str, unit_id: str) -> None:
    """A reference's own words are words only: none empty, no brace or line break that would
    end the reference or make it another."""
    name = f"the words of reference {piece.start[:-1]}}}"
    if any(not isinstance(inside, str) for inside in part.inside):
        raise Refusal(part.element, f"unit '{unit_id}': {name} hold a code",
                      "a reference's words are words only: move the code out of them")
    if not words.strip():
        raise Refusal(part.element, f"unit '{unit_id}': {name} are empty",
                      "translate the words the source gives the reference")
    bad = next((char for char in "{}\n" if char in words), None)
    if bad is not None:
        raise Refusal(part.element, f"unit '{unit_id}': {name} hold "
                      + ("a line break" if bad == "\n" else f"'{bad}'"),
                      "write them without braces or line breaks")

"""Rebuilding a returned text: the Markdown of its parts, every code's data from the export."""

from __future__ import annotations

from collections import Counter

from ..inline import Code, Pair
from .read import Part, Refusal, Standalone


def rebuild(parts: tuple[Part, ...], codes: dict[str, Code | Pair], seen: Counter,
             unit_id: str) -> str:
    """The Markdown of `parts`, every code's data taken from `codes` (the export's)."""
    text = []
    for part in parts:
        if isinstance(part, str):
            text.append(part)
            continue
        piece = codes.get(part.code_id)
        if piece is None:
            raise Refusal(part.element, f"unit '{unit_id}': code {part.code_id} is not in the "
                           "source", "use only the codes of the source")
        seen[part.code_id] += 1
        if isinstance(part, Standalone) != isinstance(piece, Code):
            raise Refusal(part.element, f"unit '{unit_id}': code {part.code_id} stands for "
                           + ("a link or emphasis around words" if isinstance(piece, Pair)
                              else "a reference or URL, not for words around it"),
                           "keep the codes as exported")
        if isinstance(piece, Code):
            text.append(piece.data)
        else:
            text += [piece.start, rebuild(part.inside, codes, seen, unit_id), piece.end]
    return "".join(text)


"""A content text as translators see it: words to translate, and codes to keep.

`pieces(text)` splits the inline Markdown of a text, losslessly, into:

- `Text`: words to translate;
- `Code`: what must come through unchanged — a footnote reference [^id], a cross-reference
  {kind:id}, a bare URL — kept whole in the code's data;
- `Pair`: a link [label](url) or emphasis *…* / **…**: its inside is translated, its start
  and end ("[" and "](url)", "*" and "*") are the code's data, out of the translator's reach;
- `Keep`: a document symbol or a year, to leave as written (translate="no").

`markdown(pieces)` gives the text back: markdown(pieces(text)) == text for every text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from ..parity import anchors
from ..text import bare_urls


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Code:
    kind: str  # "footnote", "reference", "url"
    data: str


@dataclass(frozen=True)
class Pair:
    kind: str  # "link", "emphasis"
    start: str
    end: str
    inside: tuple["Piece", ...]


@dataclass(frozen=True)
class Keep:
    text: str


Piece = Union[Text, Code, Pair, Keep]

# One alternative per construct, tried left to right at each position.
_INLINE = re.compile(
    r"(?P<footnote>\[\^[a-z0-9][a-z0-9-]*\])"
    r"|(?P<link>\[(?P<label>[^\[\]\n]*)\](?P<target>\([^()\s]*\)))"
    r"|(?P<reference>\{[A-Za-z][\w-]*:[^{}\s]+\})"
    r"|(?P<strong>\*\*(?P<strong_inside>[^*\n]+?)\*\*)"
    r"|(?P<emphasis>\*(?P<emphasis_inside>[^*\s](?:[^*\n]*?[^*\s])?)\*)")


def pieces(text: str) -> tuple[Piece, ...]:
    found: list[Piece] = []
    position = 0
    for match in _INLINE.finditer(text):
        found.extend(_plain(text[position:match.start()]))
        if match.group("footnote"):
            found.append(Code("footnote", match.group()))
        elif match.group("reference"):
            found.append(Code("reference", match.group()))
        elif match.group("link"):
            found.append(Pair("link", "[", "]" + match.group("target"),
                              pieces(match.group("label"))))
        elif match.group("strong"):
            found.append(Pair("emphasis", "**", "**", pieces(match.group("strong_inside"))))
        else:
            found.append(Pair("emphasis", "*", "*", pieces(match.group("emphasis_inside"))))
        position = match.end()
    found.extend(_plain(text[position:]))
    return tuple(piece for piece in found if not (isinstance(piece, Text) and not piece.text))


def _plain(text: str) -> list[Piece]:
    """Text outside any Markdown construct: bare URLs are codes, symbols and years kept."""
    found: list[Piece] = []
    position = 0
    for url, start in bare_urls(text):
        found.extend(_kept(text[position:start]))
        found.append(Code("url", url))
        position = start + len(url)
    found.extend(_kept(text[position:]))
    return found


def _kept(text: str) -> list[Piece]:
    spans: list[tuple[int, int]] = []
    for kind, written, _ in anchors(text):
        if kind == "URL":
            continue
        for match in re.finditer(re.escape(written), text):
            span = match.span()
            if not any(start < span[1] and span[0] < end for start, end in spans):
                spans.append(span)
    found: list[Piece] = []
    position = 0
    for start, end in sorted(spans):
        found.append(Text(text[position:start]))
        found.append(Keep(text[start:end]))
        position = end
    found.append(Text(text[position:]))
    return found


def markdown(found: tuple[Piece, ...] | list[Piece]) -> str:
    parts = []
    for piece in found:
        if isinstance(piece, (Text, Keep)):
            parts.append(piece.text)
        elif isinstance(piece, Code):
            parts.append(piece.data)
        else:
            parts.append(piece.start + markdown(piece.inside) + piece.end)
    return "".join(parts)

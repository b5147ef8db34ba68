"""A content text as translators see it: words to translate, and codes to keep.

`pieces(text)` splits the inline Markdown of a text, losslessly, into:

- `Text`: words to translate;
- `Code`: what must come through unchanged — a footnote reference [^id], a cross-reference
  {kind:id}, a bare URL or <autolink> — kept whole in the code's data;
- `Pair`: a link [label](url), emphasis (*…*, **…**, _…_) or a cross-reference with the author's
  own words {kind:id|words}: its inside is translated, its start and end ("[" and "](url)", "*"
  and "*", "{kind:id|" and "}") are the code's data, out of the translator's reach;
- `Keep`: a document symbol or a year, to leave as written (translate="no").

`markdown(pieces)` gives the text back: markdown(pieces(text)) == text for every text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from ..markup import Span, inline_spans
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
    kind: str  # "link", "emphasis", "reference"
    start: str
    end: str
    inside: tuple["Piece", ...]


@dataclass(frozen=True)
class Keep:
    text: str


Piece = Union[Text, Code, Pair, Keep]

def pieces(text: str) -> tuple[Piece, ...]:
    """The pieces of a text, its codes where the renderer's own parse finds its constructs
    (markup.inline_spans): whatever renders as a call, a reference or a link is a code."""
    return _pieces(text, 0, len(text), inline_spans(text))


def _pieces(text: str, start: int, end: int, spans: tuple[Span, ...]) -> tuple[Piece, ...]:
    found: list[Piece] = []
    position = start
    for span in spans:
        found.extend(_plain(text[position:span.start]))
        written = text[span.start:span.end]
        if span.kind == "reference" and "|" in written:
            # The words after "|" are the author's, in each language: the translator's to
            # translate, between the reference's start and end, which stay as they are.
            start_end = written.index("|") + 1
            found.append(Pair("reference", written[:start_end], written[-1:],
                              tuple(piece for piece in _kept(written[start_end:-1])
                                    if not (isinstance(piece, Text) and not piece.text))))
        elif span.inner is None:
            found.append(Code(span.kind, written))
        else:
            inner_start, inner_end = span.inner
            found.append(Pair(span.kind, text[span.start:inner_start], text[inner_end:span.end],
                              _pieces(text, inner_start, inner_end, span.inside)))
        position = span.end
    found.extend(_plain(text[position:end]))
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

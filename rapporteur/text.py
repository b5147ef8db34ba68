"""Rules about text itself, shared by every stage: how wrapped lines join, what counts as CJK."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Ideographs, kana, Hangul, and the full-width punctuation used around them. Curly quotes,
# dashes and the ellipsis are not here: Western text uses them too.
_CJK = re.compile(
    "[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
_FOOTNOTE_REF = re.compile(r"\[\^([a-z0-9][a-z0-9-]*)\]")
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n")
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s")


def is_cjk(char: str) -> bool:
    return bool(char) and bool(_CJK.match(char))


def contains_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def cjk_characters(text: str) -> str:
    """The CJK characters of a text, in order."""
    return "".join(_CJK.findall(text))


def cjk_as_spaces(text: str) -> str:
    """The text with a space for each CJK character."""
    return _CJK.sub(" ", text)


def join_wrapped_lines(text: str) -> str:
    """Join the lines an author wrapped: nothing between two CJK characters, a space otherwise.

    An empty line separates blocks and is kept; a line that starts a Markdown list item stays
    on its own line. Authors can therefore wrap Chinese and English text wherever they like.
    """
    blocks = []
    for block in _BLOCK_BREAK.split(text.strip()):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        joined = lines[0] if lines else ""
        for line in lines[1:]:
            if _LIST_ITEM.match(line):
                joined += "\n" + line
            elif is_cjk(joined[-1]) or is_cjk(line[0]):
                joined += line
            else:
                joined += " " + line
        blocks.append(joined)
    return "\n\n".join(blocks)


# A bare URL ends at white space, at CJK text or full-width punctuation, at a quotation mark
# or bracket, and never on the sentence punctuation that follows it ("…/doc.pdf。", "?id=5.").
_BARE_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\[\]\"'\u2018\u2019\u201c\u201d"
    r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+", re.IGNORECASE)
_URL_TRAILING_PUNCTUATION = ".,;:!?)"


def bare_urls(text: str) -> list[tuple[str, int]]:
    """The URLs written out in a text ("https://…", "www.…"), each with where it starts."""
    if "://" not in text and "www." not in text.lower():
        return []  # most texts have none: a plain search says so faster than the pattern
    found = []
    for match in _BARE_URL.finditer(text):
        url = match.group().rstrip(_URL_TRAILING_PUNCTUATION)
        if "." in url and len(url) > 4:
            found.append((url, match.start()))
    return found


FOOTNOTE_REF_PATTERN = _FOOTNOTE_REF
"""The syntax of a footnote call, ``[^id]``. Which calls a text holds is for the Markdown parser
to say (`markup.footnote_ids`): a pattern on raw text would also see escaped ones and code."""


# Han ideographs only: next to full-width punctuation ("，2021") no space is wanted.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_LATIN_GAP = re.compile(
    f"(?<=[{_HAN}])[ \t]*(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])[ \t]*(?=[{_HAN}])")


def space_han_and_latin(text: str) -> str:
    """Exactly one space between a Han character and a Latin letter or digit ("在 2021 年").

    The report's one rule for mixing scripts, applied when text is rendered, so that authors need
    not be consistent (the source itself is not). Print sets Chinese flush left, so this space is
    never stretched by justification.
    """
    return _HAN_LATIN_GAP.sub(" ", text)


@dataclass(frozen=True)
class Typesetter:
    """A language's rules for setting plain text (model.Typography, as the renderer uses it)."""

    quotes: tuple[str, str, str, str] = ("\u201c", "\u201d", "\u2018", "\u2019")
    space_before: tuple[tuple[str, str], ...] = ()
    """(punctuation, the space it takes before it): French (":", "\u00a0")."""
    han_latin_space: bool = False
    isolate_urls: bool = False
    """In right-to-left text an address is set left to right (`dir="ltr"` on its link): the
    bidi algorithm would otherwise move its "?" and "/" about."""
    mark_number_ranges: bool = False
    """In right-to-left print, a right-to-left mark (U+200F, invisible) before the dash of a
    range of numbers ("2022-2026"). After Arabic text the bidi algorithm sets such a range right
    to left, its first number at the right where the reader starts, as a browser shows it; but
    WeasyPrint runs the algorithm on each line afresh, so a range that started a line, with no
    Arabic before it, came out the other way round. The mark makes the dash right to left
    wherever the line breaks. (The Arabic letter mark, U+061C, would do it too, but the Arabic
    text face has no glyph for it and another font would be embedded for an invisible mark.)"""

    def set(self, text: str) -> str:
        """`text` with the language's spaces: before punctuation, between Han and Latin."""
        if self.mark_number_ranges:
            text = _NUMBER_RANGE.sub("\\1\u200f", text)
        if self.han_latin_space:
            text = space_han_and_latin(text)
        for mark, space in self.space_before:
            if mark in text:  # most texts have few of the marks: the others are not searched
                text = _space_before(mark).sub(space + mark, text)
        return text


# A range standing as a word of its own (after a space, a parenthesis or an Arabic letter such as
# the conjunction "و"), not a piece of an address or a file name ("Sep-30-2021.pdf").
_NUMBER_RANGE = re.compile("(?:^|(?<=[\\s(\u0600-\u06ff]))(\\d+)"
                           "(?=[-\u2013]\\d+(?![\\w/\u2013-]|\\.\\w))")


@lru_cache(maxsize=64)
def _space_before(mark: str) -> re.Pattern:
    # After a word, before a space or the end, whatever space the author typed or not: a colon
    # inside "12:30" or an address is no punctuation.
    return re.compile(f"(?<=[^\\s])[ \u00a0\u202f]?{re.escape(mark)}(?=\\s|$)")

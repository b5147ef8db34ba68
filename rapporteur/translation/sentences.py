"""Sentences: where the sentences of a text end, by rules for its language (as SRX has them).

Translation memories match sentences: a paragraph cut into its sentences stays an exact match,
sentence by sentence, when one word of it changes; a corrigendum names the sentence it corrects.
The rules are a table, as SRX files are: for each script (scripts.py), what ends a sentence, and
the abbreviations whose full stop does not. A stop ends a sentence before the start of another:
in Latin and Cyrillic text a capital or a digit; Arabic has no capitals, so there a full stop,
"؟" or "!" before any Arabic letter (or digit) does. Latin rules hold in every language, whose
texts quote Latin names and acronyms.
Breaks fall only between codes and words (never inside a link, emphasis or a code), and a
footnote call after a full stop belongs to the sentence it ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .inline import Piece, Text, markdown
from .scripts import scripts

_CLOSING = "\"'”’»)\\]」』）】"
_OPENING = "\"'“‘«(\\[*_"
_CALLS = r"(?:\[\^[a-z0-9][a-z0-9-]*\])*"


def _before(stops: str, starts: str) -> re.Pattern[str]:
    """A stop, closing quotes and brackets and footnote calls, then spaces and what starts a
    sentence (after its opening quotes or brackets)."""
    return re.compile(rf"[{stops}][{_CLOSING}]*{_CALLS}(?=\s+[{_OPENING}]*[{starts}])")


_LATIN_END = _before(".!?", "A-Z0-9À-ÖØ-Þ")
# What ends a sentence in each script besides the Latin rule.
RULES: dict[str, re.Pattern[str]] = {
    "CYRILLIC": _before(".!?", "А-ЯЁЀ-Џ"),  # its capitals, as in Latin
    # No case: any letter (not a diacritic, not the tatweel) or an Arabic-Indic digit.
    "ARABIC": _before(".!؟۔", "\u0621-\u063a\u0641-\u064a\u0660-\u0669\u066e-\u06d3"),
    "CJK": re.compile(rf"[。！？][{_CLOSING}]*{_CALLS}"),  # no space after it
}
# A line break ends a sentence before a blank line or a list item; a line of its own that
# starts with "2017." (kept so that it is no list item) goes on the sentence before.
_NEW_LINE = re.compile(r"(?=\n(?:\s*\n|\s*[-*+] ))")

# Abbreviations whose full stop ends no sentence (SRX "no break" rules), with single initials.
ABBREVIATIONS = frozenset("""
    No Nos no nos Art Arts art arts para paras Para Paras e.g i.e etc.al cf Cf vs Mr Mrs Ms Dr
    Prof Vol vol p pp Rev Corr Add Fig Ch Sect Ref Inc Ltd Co St approx Jan Feb Mar Apr Jun Jul
    Aug Sep Sept Oct Nov Dec Amb H.E U.S U.K U.N
    см См им Им долл проф акад
""".split())
# Russian "см. Резюме", "им. Ломоносова", "долл. США".
# The Russian year's "г." ends many a sentence ("… за 2021 г. Это …") and starts many others
# before a name ("В 2021 г. Академия …"): it ends none shorter than this many words.
SHORT_ONLY = frozenset({"г", "гг"})
SHORTEST = 5
_WORD_BEFORE = re.compile(r"([\w.]+)\.$")


def sentence_ends(text: str, language: str) -> list[int]:
    """Where each sentence but the last ends: offsets into `text` (Markdown), in order."""
    rules = [_LATIN_END, _NEW_LINE] + [RULES[script] for script in scripts(language)
                                       if script in RULES]
    ends: dict[int, bool] = {}  # each end, and whether it is a year's "г."
    for rule in rules:
        for match in rule.finditer(text):
            stop = match.group().find(".") if match.group()[:1] == "." else -1
            before = text[:match.start() + 1]
            if stop == 0 and _abbreviation(before):
                continue
            found = _WORD_BEFORE.search(before) if stop == 0 else None
            ends[match.end()] = ends.get(match.end(), True) and bool(
                found and found.group(1) in SHORT_ONLY)
    kept, start = [], 0
    for end in sorted(ends):
        if 0 < end < len(text.rstrip()) and not (
                ends[end] and len(text[start:end].split()) < SHORTEST):
            kept.append(end)
            start = end
    return kept


def _abbreviation(before: str) -> bool:
    found = _WORD_BEFORE.search(before)
    if not found:
        return False
    word = found.group(1)
    return word in ABBREVIATIONS or (len(word) == 1 and word.isupper())


@dataclass(frozen=True)
class Sentence:
    pieces: tuple[Piece, ...]
    after: str  # the spaces between this sentence and the next ("" for the last)


def sentences(found: tuple[Piece, ...], language: str) -> list[Sentence]:
    """The pieces of a text cut into its sentences; joined with their `after`, they are the
    text again. A break inside a link, emphasis or code is not taken."""
    text = markdown(found)
    spans, position, cuttable = [], 0, set()
    for piece in found:
        length = len(markdown((piece,)))
        spans.append((position, position + length, piece))
        cuttable.update(range(position, position + length + 1) if isinstance(piece, Text)
                        else (position, position + length))
        position += length
    bounds, start = [], 0
    for end in sentence_ends(text, language):
        following = end + len(text[end:]) - len(text[end:].lstrip())
        if end > start and end in cuttable and following in cuttable and following < len(text):
            bounds.append((start, end, text[end:following]))
            start = following
    bounds.append((start, len(text), ""))
    return [Sentence(_slice(spans, start, end), after) for start, end, after in bounds]


def _slice(spans: list[tuple[int, int, Piece]], start: int, end: int) -> tuple[Piece, ...]:
    found: list[Piece] = []
    for first, last, piece in spans:
        if last <= start or first >= end:
            if not (first == last == start):
                continue
        if isinstance(piece, Text):
            part = piece.text[max(start, first) - first:min(end, last) - first]
            if part:
                found.append(Text(part))
        else:
            found.append(piece)
    return tuple(found)


def join(parts: list[str], between: list[str]) -> str:
    """Sentences joined again, with the spaces given between each two."""
    text = parts[0] if parts else ""
    for space, part in zip(between, parts[1:]):
        text += space + part
    return text

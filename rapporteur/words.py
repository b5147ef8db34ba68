"""Word-level differences between two texts of one language: the segments a redline marks and
a corrigendum quotes (versions/), and the notation a translator reads in a stale unit's notes
(translation/xliff/notes.py).

A text is cut into tokens before it is compared: words (runs of letters and digits), spaces,
punctuation one by one, and each CJK character on its own, since Chinese writes no spaces
and a changed character is a changed word. What the renderer turns into one thing stays one
token: a footnote call `[^id]`, a reference `{rec:13}`, a link `[text](url)`, a bare URL; a
redline never cuts through them.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from .text import is_cjk

_TOKEN = re.compile(r"""
    \[\^[a-z0-9][a-z0-9-]*\]        # a footnote call
  | \{[a-z]+:[^{}\n]*\}             # a reference to the annexes
  | \[[^\]\n]*\]\([^)\s]*\)         # a Markdown link
  | (?:https?|mailto):[^\s<>()\u3000-\u303f\uff00-\uffef]+  # a bare URL, to CJK punctuation
  | (?P<word>[^\W_]+)              # a word (split below if CJK)
  | \s+
  | .""", re.VERBOSE | re.DOTALL)

Operation = Literal["equal", "insert", "delete"]


@dataclass(frozen=True)
class Segment:
    """A run of text that both versions share (`equal`), or that only the new (`insert`) or
    the old (`delete`) has. A replaced run is a `delete` followed by an `insert`."""

    op: Operation
    text: str


def tokens(text: str) -> list[str]:
    found: list[str] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if match.lastgroup == "word" and any(is_cjk(char) for char in token):
            found.extend(_split_cjk(token))
        else:
            found.append(token)
    return found


def _split_cjk(word: str) -> list[str]:
    """A word holding CJK characters: each of them alone, Latin runs inside it kept whole."""
    parts: list[str] = []
    for char in word:
        if is_cjk(char) or not parts or is_cjk(parts[-1][-1]):
            parts.append(char)
        else:
            parts[-1] += char
    return parts


def diff(old: str, new: str) -> tuple[Segment, ...]:
    """The segments that turn `old` into `new`, in reading order, adjacent ones merged."""
    if old == new:
        return (Segment("equal", new),) if new else ()
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("equal", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            segments.append(Segment("delete", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(Segment("insert", "".join(b[j1:j2])))
    return _tidy(segments)


def _tidy(segments: list[Segment]) -> tuple[Segment, ...]:
    """Merged runs, and a lone space or mark left equal between two changes taken into them:
    "for 'a b' read 'c d'" reads better than four changes around one kept space."""
    changed = list(segments)
    for index in range(1, len(changed) - 1):
        segment = changed[index]
        if (segment.op == "equal" and not segment.text.strip()
                and changed[index - 1].op != "equal" and changed[index + 1].op != "equal"):
            changed[index] = Segment("both", segment.text)  # type: ignore[arg-type]
    result: list[Segment] = []
    for segment in changed:
        parts = ([Segment("delete", segment.text), Segment("insert", segment.text)]
                 if segment.op == "both" else [segment])
        for part in parts:
            result.append(part)
    # Deletions before insertions within each changed stretch, each op merged once.
    merged: list[Segment] = []
    stretch: dict[str, str] = {}
    for segment in result + [Segment("equal", "")]:
        if segment.op == "equal":
            for op in ("delete", "insert"):
                if stretch.get(op):
                    merged.append(Segment(op, stretch[op]))  # type: ignore[arg-type]
            stretch = {}
            if segment.text:
                if merged and merged[-1].op == "equal":
                    merged[-1] = Segment("equal", merged[-1].text + segment.text)
                else:
                    merged.append(segment)
        else:
            stretch[segment.op] = stretch.get(segment.op, "") + segment.text
    return tuple(merged)


def old_text(segments: tuple[Segment, ...]) -> str:
    return "".join(segment.text for segment in segments if segment.op != "insert")


def new_text(segments: tuple[Segment, ...]) -> str:
    return "".join(segment.text for segment in segments if segment.op != "delete")


# For translators -----------------------------------------------------------------------------

CONTEXT = 6  # unchanged words shown on each side of a change


def word_diff(old: str, new: str) -> str:
    """What changed from `old` to `new` as git's `--word-diff=plain` writes it ("As WIPO is
    [-striving-] {+working+} to improve …"), with a few words around each change and the
    unchanged stretches between shortened to "…"; "" if only spaces changed."""
    segments = diff(" ".join(old.split()), " ".join(new.split()))
    if all(segment.op == "equal" for segment in segments):
        return ""
    out = ""
    for index, segment in enumerate(segments):
        if segment.op == "equal":
            out += _shortened(segment.text, index == 0, index == len(segments) - 1)
            continue
        bracket = "[-{}-]" if segment.op == "delete" else "{{+{}+}}"
        text = segment.text
        before, after = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
        if (segment.op == "insert" and out.endswith("-]") and not before
                and not (is_cjk(out[-3:-2]) and is_cjk(text.lstrip()[:1]))):
            before = " "  # "[-old-] {+new+}", except between Chinese characters
        out += before + bracket.format(text.strip()) + after
    return out


def _shortened(text: str, first: bool, last: bool) -> str:
    """An unchanged stretch with CONTEXT words kept next to each change."""
    found = tokens(text)
    words = [index for index, token in enumerate(found) if not token.isspace()]
    if first and not last and len(words) > CONTEXT:
        return "… " + "".join(found[words[-CONTEXT]:])
    if last and not first and len(words) > CONTEXT:
        return "".join(found[:words[CONTEXT - 1] + 1]) + " …"
    if not first and not last and len(words) > 2 * CONTEXT:
        return ("".join(found[:words[CONTEXT - 1] + 1]) + " … "
                + "".join(found[words[-CONTEXT]:]))
    return text

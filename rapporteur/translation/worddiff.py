"""A word diff of two source texts, as a translator reads what changed: "[-old-] {+new+}".

The notation is git's `--word-diff=plain`. Words are runs of non-space characters, each CJK
character its own word (Chinese has no spaces). Only the changes are shown with a few words
around each; the unchanged stretches between are shortened to "…".
"""

from __future__ import annotations

from difflib import SequenceMatcher

from ..text import is_cjk

CONTEXT = 6  # unchanged words shown on each side of a change


def _words(text: str) -> list[tuple[str, str]]:
    """(word, the spaces after it) for every word of the text."""
    found: list[tuple[str, str]] = []
    word = ""
    for char in text:
        if char.isspace():
            if word:
                found.append((word, ""))
                word = ""
            if found:
                found[-1] = (found[-1][0], found[-1][1] + char)
        elif is_cjk(char):
            if word:
                found.append((word, ""))
                word = ""
            found.append((char, ""))
        else:
            word += char
    if word:
        found.append((word, ""))
    return found


def _join(words: list[tuple[str, str]]) -> str:
    """The words as written, without the spaces after the last."""
    return "".join(word + space for word, space in words).rstrip()


def word_diff(old: str, new: str) -> str:
    """What changed from `old` to `new`; "" if nothing did."""
    before, after = _words(old), _words(new)
    matcher = SequenceMatcher(None, [word for word, _ in before], [word for word, _ in after],
                              autojunk=False)
    opcodes = matcher.get_opcodes()
    if all(tag == "equal" for tag, *_ in opcodes):
        return ""
    parts: list[str] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            same = after[j1:j2]
            first, last = index == 0, index == len(opcodes) - 1
            if first and len(same) > CONTEXT:
                parts.append("… " + _join(same[-CONTEXT:]))
            elif last and len(same) > CONTEXT:
                parts.append(_join(same[:CONTEXT]) + " …")
            elif not first and not last and len(same) > 2 * CONTEXT:
                parts.append(_join(same[:CONTEXT]) + " … " + _join(same[-CONTEXT:]))
            else:
                parts.append(_join(same))
            continue
        if tag in ("delete", "replace"):
            parts.append(f"[-{_join(before[i1:i2])}-]")
        if tag in ("insert", "replace"):
            parts.append(f"{{+{_join(after[j1:j2])}+}}")
    return _spaced(parts)


def _spaced(parts: list[str]) -> str:
    """The parts with one space between, none between two CJK characters (as Chinese is
    written)."""
    text = ""
    for part in parts:
        previous, following = text.rstrip("-]+}")[-1:], part.lstrip("[-{+")[:1]
        if text and not (previous and following and is_cjk(previous) and is_cjk(following)):
            text += " "
        text += part
    return text

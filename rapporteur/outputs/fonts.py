"""The fonts the PDF is set in, per language, and the characters they can print.

The print stylesheet names each language's fonts on the root element (`html { font-family }`,
`html:lang(zh) { font-family }` under `@media print`). fontconfig says which file each name
resolves to, and fontTools reads which characters that file has. A character none of them has
would be printed by whatever font Pango falls back to, or as an empty box: the PDF output checks
its text against these fonts before rendering (`uncovered`), and stops the build instead.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}

_PRINT = re.compile(r"@media\s+print\s*\{", re.IGNORECASE)
_ROOT_RULE = re.compile(r"(?<![\w-])html(?::lang\(\s*([\w-]+)\s*\))?\s*\{([^}]*)\}")
_FONT_FAMILY = re.compile(r"(?<![\w-])font-family\s*:\s*([^;}]+)")


@dataclass(frozen=True)
class Font:
    """A family named by the stylesheet, and the font file fontconfig resolves it to."""

    family: str
    file: Path | None  # None: not installed (fontconfig would substitute another family)
    index: int = 0

    def __str__(self) -> str:
        return f"{self.family} ({self.file}, face {self.index})" if self.file else \
            f"{self.family} (not installed)"


def declared_families(stylesheet: str, language: str) -> list[str]:
    """The font families the print stylesheet sets for `language`, generic names left out."""
    match = _PRINT.search(stylesheet)
    rules = stylesheet[match.end():] if match else ""
    chosen = None
    for rule in _ROOT_RULE.finditer(rules):
        rule_language, declarations = rule.group(1), rule.group(2)
        family = _FONT_FAMILY.search(declarations)
        if family and rule_language in (None, language, language.split("-")[0]):
            chosen = family.group(1)  # a later or more specific rule wins, as in CSS
            if rule_language:
                break
    if chosen is None:
        return []
    names = [name.strip().strip("\"'") for name in chosen.split(",")]
    return [name for name in names if name and name.lower() not in GENERIC_FAMILIES]


def resolve(family: str) -> Font:
    """The file fontconfig uses for `family` (its regular face)."""
    try:
        found = subprocess.run(["fc-match", "--format", "%{family}\t%{file}\t%{index}", family],
                               capture_output=True, text=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return Font(family, None)
    families, file, index = (found.split("\t") + ["", "", "0"])[:3]
    if family.lower() not in (name.strip().lower() for name in families.split(",")):
        return Font(family, None)
    return Font(family, Path(file), int(index or 0))


def language_fonts(stylesheet: str, language: str) -> list[Font]:
    return [resolve(family) for family in declared_families(stylesheet, language)]


@lru_cache(maxsize=16)
def _characters(file: Path, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # noqa: PLC0415 - only when a PDF is made

    with TTFont(file, fontNumber=index, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def needs_no_glyph(char: str) -> bool:
    """White space, controls and invisible format characters (word joiner, ZWSP) draw nothing."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def uncovered(text: str, fonts: list[Font]) -> list[str]:
    """The characters of `text` that none of `fonts` has, in order of first appearance."""
    covered = set()
    for font in fonts:
        if font.file is not None:
            covered |= _characters(font.file, font.index)
    return [char for char in dict.fromkeys(text)
            if ord(char) not in covered and not needs_no_glyph(char)]

"""The fonts the PDF is set in, per language, and the characters they can print.

The print stylesheet names each language's fonts on the root element (`html { font-family }`,
`html:lang(zh) { font-family }` under `@media print`). fontconfig says which file each name
resolves to, and which characters that file has. A character none of them has
would be printed by whatever font Pango falls back to, or as an empty box: the PDF output checks
its text against these fonts before rendering (`uncovered`), and stops the build instead.
The characters come from fontconfig's own cache of each font's character set: asking costs a few
milliseconds, where reading the cmap of a CJK collection with fontTools took a tenth of a second.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

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
    characters: frozenset[int] = field(default=frozenset(), repr=False, compare=False)

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
        found = subprocess.run(
            ["fc-match", "--format", "%{family}\t%{file}\t%{index}\t%{charset}", family],
            capture_output=True, text=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return Font(family, None)
    families, file, index, charset = (found.split("\t") + ["", "", "0", ""])[:4]
    if family.lower() not in (name.strip().lower() for name in families.split(",")):
        return Font(family, None)
    return Font(family, Path(file), int(index or 0), _character_set(charset))


def _character_set(ranges: str) -> frozenset[int]:
    """fontconfig's charset notation, "20-7e a0 4e00-9fff", as code points."""
    characters: set[int] = set()
    for item in ranges.split():
        first, _, last = item.partition("-")
        characters.update(range(int(first, 16), int(last or first, 16) + 1))
    return frozenset(characters)


def language_fonts(stylesheet: str, language: str) -> list[Font]:
    return fonts_by_language(stylesheet, [language])[language]


def fonts_by_language(stylesheet: str, languages: Iterable[str]) -> dict[str, list[Font]]:
    """Each language's fonts; a family that several languages share is resolved once."""
    resolved: dict[str, Font] = {}
    fonts = {}
    for language in languages:
        families = declared_families(stylesheet, language)
        for family in families:
            if family not in resolved:
                resolved[family] = resolve(family)
        fonts[language] = [resolved[family] for family in families]
    return fonts


def needs_no_glyph(char: str) -> bool:
    """White space, controls and invisible format characters (word joiner, ZWSP) draw nothing."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def uncovered(text: str, fonts: list[Font]) -> list[str]:
    """The characters of `text` that none of `fonts` has, in order of first appearance."""
    covered = frozenset().union(*(font.characters for font in fonts))
    return [char for char in dict.fromkeys(text)
            if ord(char) not in covered and not needs_no_glyph(char)]

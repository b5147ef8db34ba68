"""The script each language is written in: a target without it is no translation into it.

A CAT tool that leaves a unit untranslated often returns the source in the target (OmegaT does,
for every segment nobody touched). The script of the words tells such a copy from a translation
without guessing at the words: a Chinese target has Han characters, an Arabic one Arabic letters.
"""

from __future__ import annotations

import unicodedata

# The first word of the Unicode names of the letters each language is written with. A language
# not listed is written in Latin letters.
SCRIPTS: dict[str, tuple[str, ...]] = {
    "zh": ("CJK",), "ja": ("CJK", "HIRAGANA", "KATAKANA"), "ko": ("HANGUL", "CJK"),
    "ar": ("ARABIC",), "fa": ("ARABIC",), "ur": ("ARABIC",), "he": ("HEBREW",),
    "ru": ("CYRILLIC",), "uk": ("CYRILLIC",), "bg": ("CYRILLIC",), "sr": ("CYRILLIC", "LATIN"),
    "el": ("GREEK",), "hi": ("DEVANAGARI",), "th": ("THAI",), "am": ("ETHIOPIC",),
}
LATIN = ("LATIN",)


def scripts(language: str) -> tuple[str, ...]:
    return SCRIPTS.get(language.split("-")[0].lower(), LATIN)


def _script(char: str) -> str:
    return unicodedata.name(char, "").split(" ")[0]


def has_letters(text: str) -> bool:
    return any(char.isalpha() for char in text)


def in_script(text: str, language: str) -> bool:
    """Whether the words have a letter of the language's script (words without letters, a
    number or a symbol, belong to every language)."""
    wanted = scripts(language)
    letters = [char for char in text if char.isalpha()]
    return not letters or any(_script(char) in wanted for char in letters)

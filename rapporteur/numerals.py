"""Number styles for section numbers and result codes: 三 in Chinese, III in English, or the
labels a language declares (report.yaml: `numerals`)."""

from __future__ import annotations

import re

_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
_CHINESE_DIGITS = "零一二三四五六七八九"


def roman(number: int) -> str:
    """Roman numerals up to 3999; beyond, Arabic digits (the schema keeps numbers far smaller)."""
    if not 0 < number < 4000:
        return str(number)
    result = ""
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        result += letters * count
    return result


def chinese(number: int) -> str:
    """Chinese numerals up to 99 (一, 十, 十一, 二十三): section and goal numbers stay small."""
    if not 0 < number < 100:
        return str(number)
    tens, units = divmod(number, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else _CHINESE_DIGITS[tens]) + "十"
    if units:
        text += _CHINESE_DIGITS[units]
    return text


STYLES = {"roman": roman, "chinese": chinese, "decimal": str}


def format_number(number: int, style: str | list[str]) -> str:
    """`number` in `style`: a named style, or a list of labels for 1, 2, 3… (past its end,
    digits: a list long enough for the report is the author's to give)."""
    if isinstance(style, list):
        return style[number - 1] if 0 < number <= len(style) else str(number)
    return STYLES[style](number)


_MARKER_VALUE = re.compile(r"^\(?([^()\s]+?)[.)]?$")
LATIN = tuple("abcdefghijklmnopqrstuvwxyz")
_ROMAN_VALUES = {roman(number).lower(): number for number in range(1, 40)}
_CHINESE_VALUES = {chinese(number): number for number in range(1, 100)}

Count = tuple[str, int]
"""What an enumeration marker counts: ("letter", 2) for (b), ("number", 2) for (ii) or （二）."""


def marker_count(value: str, letters: tuple[str, ...] = LATIN, after: Count | None = None
                 ) -> Count | None:
    """What the value inside a marker counts, in a language numbering with `letters`: "b", and
    "ب" where the letters are [أ, ب, …], are the second letter; "ii" and "二" the number 2.
    "i", "v" and "x" are roman numbers unless they follow (`after`) the letter before them."""
    value = value.lower() if value.isascii() else value
    number = _ROMAN_VALUES.get(value) or _CHINESE_VALUES.get(value)
    if value in letters:
        letter = ("letter", letters.index(value) + 1)
        if number is None or value in "lc" or after == ("letter", letter[1] - 1):
            return letter
    return ("number", number) if number else None


def marker_value(marker: str) -> str | None:
    """The letter or number inside an item's marker: "ii" of "(ii)", "b" of "b)"."""
    match = _MARKER_VALUE.match(marker)
    return match.group(1) if match else None


def item_marker(marker: str, pattern: str, letters: tuple[str, ...] = LATIN,
                after: Count | None = None, numbers: str = "as written") -> str:
    """An item's marker as a language writes it: "(i)" with the pattern "{})" is "i)", and
    "(b)" is "(ب)" in a language whose letters are [أ, ب, …]. A roman number stays roman,
    unless the language writes numbered items with a `numbers` pattern of its own: "(ii)" is
    "”2“" with the pattern "”{}“". `after` is what the item before counts ("i" follows "h")."""
    value = marker_value(marker)
    if value is None:
        return marker
    count = marker_count(value, LATIN, after)
    if count and count[0] == "number" and numbers != "as written":
        return numbers.format(count[1])
    if pattern == "as written":
        return marker
    if count and count[0] == "letter" and count[1] <= len(letters):
        value = letters[count[1] - 1]
    return pattern.format(value)


def numbered_marker(marker: str, numbers: str) -> int | None:
    """The number of a marker written with a language's `numbers` pattern: 2 for "”2“" with
    the pattern "”{}“"; None for any other marker, or where the language has no such pattern."""
    if numbers == "as written":
        return None
    before, after = numbers.split("{}")
    inner = marker[len(before):len(marker) - len(after)]
    if (len(marker) > len(before) + len(after) and marker.startswith(before)
            and marker.endswith(after) and inner.isascii() and inner.isdigit()):
        return int(inner)
    return None

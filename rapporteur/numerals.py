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


def item_marker(marker: str, pattern: str) -> str:
    """An item's marker as a language writes it: "(i)" with the pattern "{})" is "i)"."""
    if pattern == "as written":
        return marker
    match = _MARKER_VALUE.match(marker)
    return pattern.format(match.group(1)) if match else marker

"""Fingerprints of source texts: what a translation says it was made from.

The fingerprint is of the normalized text, so that only a change a translator must look at
changes it: wrapped lines are joined (as the builder joins them), Unicode is NFC, and runs of
spaces count as one. A changed word, number, URL, footnote id or markup changes it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from ..text import (FOOTNOTE_REF_PATTERN, bare_urls, cjk_as_spaces, cjk_characters,
                    join_wrapped_lines)

FINGERPRINT_LENGTH = 8
_SPACES = re.compile(r"[^\S\n]+")
_WORD = re.compile(r"[^\W_]+")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return _SPACES.sub(" ", join_wrapped_lines(text)).strip()


def fingerprint(text: str) -> str:
    """Eight hex digits of the SHA-256 of the normalized text."""
    digest = hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()
    return digest[:FINGERPRINT_LENGTH]


def word_count(text: str) -> int:
    """Words as a translator counts them: each CJK character is one, other words by spaces.

    Footnote references and URLs are not words: nobody translates them.
    """
    text = FOOTNOTE_REF_PATTERN.sub(" ", normalize(text))
    for url, _ in bare_urls(text):
        text = text.replace(url, " ")
    cjk = sum(1 for char in cjk_characters(text) if char.isalnum())
    rest = cjk_as_spaces(text)
    return cjk + sum(1 for token in rest.split() if _WORD.search(token))  # CDIP/26/7 is one

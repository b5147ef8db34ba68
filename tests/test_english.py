"""The English of the sample: the review of issue 10 found these mistakes; they stay corrected."""

from __future__ import annotations

import re

import pytest

from rapporteur.text import bare_urls


@pytest.fixture(scope="module")
def texts(real_build) -> list[dict[str, str]]:
    """Every paragraph, item and footnote text of the body, in both languages."""
    document = real_build[1].document
    found = []
    for paragraph in document.paragraphs:
        found += [paragraph.text] + [item.text for item in paragraph.items] + [
            more for item in paragraph.items for more in item.continued]
        found += [note.text for note in paragraph.footnotes]
    return found


def test_shen_ping_is_evaluation_not_review(texts):
    """审评 is an evaluation; "review" belongs to the Independent Review (独立审查)."""
    wrong = [text["en"][:60] for text in texts
             if "审评" in text["zh"] and "审查" not in text["zh"]
             and re.search(r"\breview", text["en"], re.IGNORECASE)]
    assert wrong == []
    assert sum("审评" in text["zh"] for text in texts) >= 5


def test_countries_have_their_un_names(texts):
    short = [text["en"][:60] for text in texts
             if re.search(r"\bIran\b(?! \(Islamic Republic of\))|\bRussia\b", text["en"])]
    assert short == []


def test_english_text_links_no_chinese_document(texts):
    chinese = [url for text in texts for url, _ in bare_urls(text["en"])
               if re.search(r"/zh(?:-hans)?/|_Chinese\.", url)]
    assert chinese == []

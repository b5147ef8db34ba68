"""The report in its six languages, read back from the real PDFs as each language's reader
would see them: the Arabic mirrored, the French, Spanish and Russian set by their house rules."""

from __future__ import annotations

import re
import subprocess

import pikepdf
import pytest

from test_languages import words_at

LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.fixture(scope="module")
def pdfs(real_build):
    output, _ = real_build
    return {language: output / f"cdip-28-2.{language}.pdf" for language in LANGUAGES}


@pytest.fixture(scope="module")
def texts(pdfs):
    return {language: pdf_text(path) for language, path in pdfs.items()}


def test_every_language_has_its_pdf_tagged_with_its_language(pdfs):
    for language, path in pdfs.items():
        with pikepdf.open(path) as pdf:
            assert str(pdf.Root.Lang).split("-")[0] == language, language


@pytest.mark.parametrize("language, letter, original", [
    ("ar", "A", "الأصل"), ("es", "S", "ORIGINAL: INGLÉS"), ("fr", "F", "ORIGINAL : ANGLAIS"),
    ("ru", "R", "ОРИГИНАЛ: АНГЛИЙСКИЙ")])
def test_each_masthead_has_its_letter_and_its_words(pdfs, texts, language, letter, original):
    words = [word for word, _, _ in words_at(pdfs[language], 1)]
    assert letter in words and "CDIP/28/2" in words
    assert original in texts[language].replace("\u00a0", " ")


def test_the_arabic_pdf_is_mirrored(pdfs, texts):
    path = pdfs["ar"]
    # Page one: the symbol at the end of the line (left), the letter at its start (right).
    first = words_at(path, 1)
    symbol = next(x / width for word, x, width in first if word == "CDIP/28/2")
    letter = next(x / width for word, x, width in first if word == "A")
    assert symbol < 0.5 < letter
    # The running head on the mirrored side (top left) from page two on.
    second = words_at(path, 2)
    assert next(x / width for word, x, width in second if word == "CDIP/28/2") < 0.5
    # Annex I: the recommendation column at the right, the results (their codes, 3.2) at the
    # left; Western digits throughout, as UN and WIPO Arabic documents print them.
    with pikepdf.open(path) as pdf:
        pages = len(pdf.pages)
    # pdftotext gives Arabic words in visual order, letters reversed.
    recommendation = ("التوصية", "ةيصوتلا")
    checked = 0
    for page in range(pages // 2, pages + 1):
        words = words_at(path, page)
        codes = [x / width for word, x, width in words if re.fullmatch(r"\d\.\d", word)]
        headers = [x / width for word, x, width in words if word in recommendation]
        if codes and headers:
            assert max(codes) < 0.5 < min(headers), page
            checked += 1
    assert checked >= 10  # Annex I's pages
    assert not re.search("[\u0660-\u0669\u06f0-\u06f9]", texts["ar"])  # no Arabic-Indic digits


def test_the_arabic_writes_wipos_arabic_names_and_numbers(real_build, texts):
    """WIPO's Arabic: the Development Agenda is أجندة التنمية, and subparagraphs (i), (ii) are
    the digit in double quotes ("1", "2"), in this report's Arabic quotes ”…“, as items and
    inside the text; no roman number is left."""
    page = (real_build[0] / "cdip-28-2.ar.html").read_text(encoding="utf-8")
    markers = re.findall(r'class="item-marker">([^<]*)<', page)
    assert len(markers) == 22 and set(markers) == {f"”{n}“" for n in range(1, 9)}
    text = re.sub("[\u202a-\u202e]", "", texts["ar"])  # pdftotext's direction marks
    assert not re.search(r"\((?:i|ii|iii|iv|v|vi|vii|viii)\)", text)
    assert len(re.findall(r"“\d”|”“\d", text)) > 30  # read back in visual order: “2”
    assert "أجندة التنمية" in text and "جدول أعمال التنمية" not in text


def test_no_arabic_is_set_in_a_slanted_face(pdfs):
    fonts = subprocess.run(["pdffonts", str(pdfs["ar"])], capture_output=True, text=True,
                           check=True).stdout
    assert "Naskh" in fonts
    assert not re.search(r"Naskh\S*(Italic|Oblique)", fonts)


def test_french_spanish_and_russian_follow_their_house_rules(real_build, texts):
    french, spanish, russian = texts["fr"], texts["es"], texts["ru"]
    # The no-break spaces, in the page (pdftotext reads them as spaces).
    page = (real_build[0] / "cdip-28-2.fr.html").read_text(encoding="utf-8")
    assert "«\u00a0" in page and "\u00a0»" in page  # guillemets with no-break spaces
    assert re.search(r"\w\u00a0:", page)  # a no-break space before ":"
    assert french.count("« ") > 50  # and in the PDF
    for text in (french, spanish, russian):
        assert re.search(r"(?m)^\s*i\)", text), "items print i), not (i)"
        assert not re.search(r"(?m)^\(i\)", text)
    assert "«" in russian and "»" in russian  # Russian quotes are «ёлочки»

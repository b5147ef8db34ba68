"""The outputs reproduce the document: no typography that changes a text, no lines it lacks."""

from __future__ import annotations

import gzip
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

# What markdown-it's typographer made of "(c)", "(r)", "(tm)" and "+-".
SYMBOLS = "©®™±"


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def output_texts(output: Path) -> dict[str, str]:
    """Every text output of a build: the PDFs as their text layer, the search index's page
    fragments (what a search result shows) unpacked."""
    texts = {}
    for path in sorted(output.rglob("*")):
        name = path.relative_to(output).as_posix()
        if path.suffix == ".pdf":
            texts[name] = pdf_text(path)
        elif path.suffix in {".html", ".csv", ".json", ".txt", ".xml"}:
            texts[name] = path.read_text(encoding="utf-8")
        elif path.suffix == ".docx":
            with zipfile.ZipFile(path) as docx:  # the text of its paragraphs and notes
                texts[name] = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", "".join(
                    docx.read(part).decode("utf-8")
                    for part in ("word/document.xml", "word/footnotes.xml"))))
        elif path.suffix == ".pf_fragment":
            texts[name] = gzip.decompress(path.read_bytes()).decode("utf-8")
    return texts


@pytest.fixture(scope="module")
def texts(real_build):
    output, _ = real_build
    return output_texts(output)


def test_no_output_has_a_symbol_the_content_does_not(texts):
    content = "".join(path.read_text(encoding="utf-8") for path in (REPO / "content").rglob("*.yaml"))
    allowed = {symbol for symbol in SYMBOLS if symbol in content}
    assert len(texts) > 10  # the HTML, PDFs, site pages and open data of both languages
    for name, text in texts.items():
        found = {symbol for symbol in SYMBOLS if symbol in text} - allowed
        assert not found, f"{name} has {''.join(found)}, which no content file has"


def test_recommendation_22_reads_c_in_every_output(texts):
    item = {"en": re.compile(r"\(c\)\s*IP-related transfer of technology"),
            "zh": re.compile(r"\(c\)\s*与知识产权有关的技术转让")}
    for language in ("en", "zh"):
        for name in (f"cdip-28-2.{language}.html", f"cdip-28-2.{language}.pdf",
                     f"cdip-28-2.{language}.docx",
                     f"site/cdip-28-2.{language}.html", f"data/cdip-28-2.{language}.annex-1.csv",
                     f"data/cdip-28-2.{language}.annex-1.json"):
            assert item[language].search(texts[name]), name


# The back-link line under an annex row: "Cited in paragraphs 2, 3", "见第 2、3 段".
CITED_IN = re.compile(r"Cited in paragraphs? \d|见第\s*\d[\d、和\s]*段")


def test_the_pdfs_have_no_cited_in_lines_and_the_site_keeps_them(texts):
    for language in ("en", "zh"):
        assert not CITED_IN.search(texts[f"cdip-28-2.{language}.pdf"]), language
        assert not CITED_IN.search(texts[f"cdip-28-2.{language}.docx"]), language
        page = re.sub(r"<[^>]+>", "", texts[f"site/cdip-28-2.{language}.html"])
        assert len(CITED_IN.findall(page)) >= 50, language


def test_a_report_setting_prints_the_cited_in_lines(tiny):
    tiny.replace("body/02-section.yaml", "zh: 第三段[^third-note]有以下事项：",
                 "zh: 第三段[^third-note]有以下事项（{rec:1}）：")
    tiny.replace("body/02-section.yaml", 'en: "The third paragraph[^third-note] has these items:"',
                 'en: "The third paragraph[^third-note] has these items ({rec:1}):"')
    pdf = tiny.output / "test-1-1.en.pdf"
    tiny.build(formats=["pdf"])
    assert not CITED_IN.search(pdf_text(pdf))
    tiny.replace("report.yaml", "end_markers:", "print:\n  cited_in: true\nend_markers:")
    tiny.build(formats=["pdf"])
    assert CITED_IN.search(pdf_text(pdf))


def test_pages_of_the_projects_translations_say_so_and_name_the_official_text(texts):
    """Only the Chinese is WIPO's text (report.yaml: official_text); the site's other pages say
    that they are translations, in their language."""
    notices = {language: re.findall(r'class="unofficial">([^<]*)<',
                                    texts[f"site/cdip-28-2.{language}.html"])
               for language in ("zh", "en", "fr", "es", "ru", "ar")}
    assert notices["zh"] == []
    assert notices["en"] == ["Unofficial translation. Official text: Chinese."]
    assert notices["fr"] == ["Traduction non officielle. Texte officiel : chinois."]
    assert all(len(notices[language]) == 1 for language in ("es", "ru", "ar"))
    # The PDF is the document as circulated: the notice is the site's.
    assert "Unofficial translation" not in texts["cdip-28-2.en.pdf"]

"""Another language is data: an entry in report.yaml, a message catalogue and content keys, no
code. The entry says how the language is printed (its letter, numerals, item markers, quotes,
spaces, emphasis); these tests add French as UN and WIPO print it, and German, which the report
does not have, with rules of its own."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from rapporteur.build import Project, build_report
from rapporteur.render import Theme

FRENCH_MESSAGES = {
    "%(title)s (%(count)s)": "%(title)s (%(count)s)",
    "ANNEX I": "ANNEXE I",
    "ANNEX II": "ANNEXE II",
    "Annex I, page %(number)s": "Annexe I, page %(number)s",
    "Annex II, page %(number)s": "Annexe II, page %(number)s",
    "DATE: %(date)s": "DATE : %(date)s",
    "Languages": "Langues",
    "Link to expected results": "Lien avec les résultats escomptés",
    "Notes": "Notes",
    "ORIGINAL: %(language)s": "ORIGINAL : %(language)s",
    "Recommendation %(number)s": "Recommandation %(number)s",
    "page %(number)s": "page %(number)s",
}
FRENCH = {"code": "fr", "locale": "fr", "letter": "F",
          "numerals": {"section": "roman", "result": "roman", "item": "{})"},
          "typography": {"quotes": ["«\u00a0", "\u00a0»", "“", "”"],
                         "space_before": {":": "no-break space", ";": "narrow no-break space"}}}

GERMAN_MESSAGES = {"ORIGINAL: %(language)s": "ORIGINAL: %(language)s",
                   "DATE: %(date)s": "DATUM: %(date)s",
                   "Recommendation %(number)s": "Empfehlung %(number)s"}
GERMAN = {"code": "de", "locale": "de", "letter": "D",
          "numerals": {"section": ["Erstens", "Zweitens", "Drittens"], "result": "decimal"},
          "typography": {"quotes": ["„", "“", "‚", "‘"], "emphasis": "bold"}}


def add_language(node, code: str, prefix: str):
    """Give every {zh, en} text of a content tree a text in `code` beside it: `prefix` and
    the English."""
    if isinstance(node, dict):
        if set(node) == {"zh", "en"}:
            node[code] = prefix + node["en"]
        for value in node.values():
            add_language(value, code, prefix)
    elif isinstance(node, list):
        for value in node:
            add_language(value, code, prefix)


def add_language_to_content(content: Path, entry: dict, prefix: str) -> None:
    """Texts in the language of `entry` beside every {zh, en} text, and the language declared."""
    for path in content.rglob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        add_language(data, entry["code"], prefix)
        if path.name == "report.yaml":
            data["languages"].append(entry)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")


def add_french_to_content(content: Path) -> None:
    add_language_to_content(content, FRENCH, "FR ")


def with_catalogue(tmp_path: Path, code: str, messages: dict[str, str]) -> Path:
    """A copy of the project's locales with a catalogue for `code`."""
    locales = tmp_path / "locales"
    shutil.copytree(REPO / "locales", locales)
    (locales / code / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)  # replaced if there
    po = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=utf-8\\n"', ""]
    for msgid, msgstr in messages.items():
        po += [f'msgid "{msgid}"', f'msgstr "{msgstr}"', ""]
    (locales / code / "LC_MESSAGES" / "messages.po").write_text("\n".join(po), encoding="utf-8")
    return locales


def build_with(tiny, tmp_path, entry, messages, prefix) -> tuple[str, str]:
    """Build the tiny report with one more language; its page's HTML and its PDF's text."""
    # A quoted word and an emphasised one, to see the language's quotes and emphasis.
    tiny.replace("body/02-section.yaml", "en: the second item.",
                 "en: 'the *second* \"item\": done.'")
    add_language_to_content(tiny.content, entry, prefix)
    project = Project(tiny.content, Theme(REPO / "templates",
                                          with_catalogue(tmp_path, entry["code"], messages)))
    result = build_report(project, tiny.output)
    names = sorted(path.name for path in result.outputs if path.parent == tiny.output)
    code = entry["code"]
    assert f"test-1-1.{code}.html" in names and f"test-1-1.{code}.pdf" in names
    pdf = tiny.output / f"test-1-1.{code}.pdf"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return (tiny.output / f"test-1-1.{code}.html").read_text(encoding="utf-8"), text


def test_french_is_a_report_entry_and_a_catalogue(tiny, tmp_path):
    html, pdf = build_with(tiny, tmp_path, FRENCH, FRENCH_MESSAGES, "FR ")
    text = re.sub(r"<[^>]+>", "", html)
    assert '<html lang="fr" dir="ltr" class="emphasis-italic">' in html
    assert "ORIGINAL : FR ENGLISH" in text
    assert "DATE : 15 MARS 2022" in text  # Babel's French date
    assert "FR Geneva, May 16 to 20, 2022" in text
    assert "Recommandation 1" in text and "Lien avec les résultats escomptés" in text
    assert "I.2" in text and "III.2" in text  # roman result codes, as the language declares
    assert 'id="para-3"' in html and 'id="fn-3"' in html  # same anchors as the others
    assert "FR The first paragraph" in text
    # French items are "i)", its quotes « » with no-break spaces, a no-break space before ":".
    assert re.search(r'class="item-marker">ii\)<', html)
    assert "«\u00a0item\u00a0»\u00a0: done" in text
    assert pdf.lstrip().startswith("F\n") or "\nF\n" in pdf[:200]  # the letter on page one
    # The other languages keep their own rules.
    english = (tiny.output / "test-1-1.en.html").read_text(encoding="utf-8")
    assert re.search(r'class="item-marker">\(ii\)<', english) and "“item”: done" in english


def test_a_language_the_report_does_not_have_needs_no_code(tiny, tmp_path):
    html, pdf = build_with(tiny, tmp_path, GERMAN, GERMAN_MESSAGES, "DE ")
    text = re.sub(r"<[^>]+>", "", html)
    assert '<html lang="de" dir="ltr" class="emphasis-bold">' in html
    assert "DATUM: 15. MÄRZ 2022" in text
    assert re.search(r'class="section-number">Erstens\.<', html)  # the declared labels
    assert "„item“: done" in text
    assert "Empfehlung 1" in text
    assert "D\n" in pdf[:200] and "TEST/1/1" in pdf[:200]


ARABIC_MESSAGES = {"ORIGINAL: %(language)s": "الأصل: %(language)s",
                   "DATE: %(date)s": "التاريخ: %(date)s",
                   "Recommendation %(number)s": "التوصية %(number)s"}
ARABIC = {"code": "ar", "locale": "ar", "letter": "A", "direction": "rtl",
          "numerals": {"section": ["أولا", "ثانيا"], "result": "decimal"},
          "typography": {"quotes": ["«", "»", "“", "”"], "emphasis": "bold"}}


def words_at(pdf: Path, page: int) -> list[tuple[str, float, float]]:
    """(word, x of its middle, page width) of each word on a page of `pdf`."""
    xml = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', xml).group(1))
    return [(word, (float(x1) + float(x2)) / 2, width) for x1, x2, word in
            re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">'
                       r'([^<]*)</word>', xml)]


def test_a_right_to_left_language_mirrors_the_page(tiny, tmp_path):
    html, _ = build_with(tiny, tmp_path, ARABIC, ARABIC_MESSAGES, "نص ")
    assert '<html lang="ar" dir="rtl" class="emphasis-bold">' in html
    for code, symbol_side in (("ar", "left"), ("en", "right")):
        words = words_at(tiny.output / f"test-1-1.{code}.pdf", 1)
        symbol = next(x / width for word, x, width in words if word == "TEST/1/1")
        # The symbol stands at the end of the line: right in English, left in Arabic; the
        # language's letter at its start.
        assert (symbol < 0.5) == (symbol_side == "left"), (code, symbol)
        letter = next(x / width for word, x, width in words if word in ("A", "E"))
        assert (letter > 0.5) == (symbol_side == "left"), (code, letter)
    # An address reads left to right inside the Arabic: no "?" or "/" thrown to its other end.
    words = [word for word, _, _ in words_at(tiny.output / "test-1-1.ar.pdf", 1)]
    addresses = [word for word in words if "wipo.int" in word]
    assert addresses and all(word.startswith("https://") for word in addresses), addresses
    assert 'dir="ltr">https://www.wipo.int/meetings/en/doc_details.jsp?doc_id=1</a>' in html

"""The Word output: what a Word user and LibreOffice find in each language's .docx.

The real report is built once for the module (Word and HTML, six languages), and each .docx is
converted to PDF once by LibreOffice headless, as a user's office suite would open it.
"""

from __future__ import annotations

import bisect
import re
import shutil
import subprocess
import unicodedata
import zipfile
from dataclasses import replace
from html import unescape as html_unescape
from pathlib import Path

import lxml.html
import pytest
from lxml import etree
from pypdf import PdfReader

from rapporteur.build import build_report, check_report
from rapporteur.errors import UsageError
from rapporteur.render import Theme

from conftest import REPO

LANGUAGES = ("zh", "en", "fr", "es", "ru", "ar")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class Docx:
    """A .docx read as XML: its parts and the text of its paragraphs."""

    def __init__(self, path: Path):
        self.path = path
        with zipfile.ZipFile(path) as archive:
            self.names = archive.namelist()
            self.parts = {name: archive.read(name) for name in self.names}
        self.document = etree.fromstring(self.parts["word/document.xml"])
        # The reference document has no notes.
        self.footnotes = etree.fromstring(self.parts.get("word/footnotes.xml", b"<none/>"))

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.parts[name])

    @staticmethod
    def text(element: etree._Element) -> str:
        return "".join(t.text or "" for t in element.iter(f"{W}t"))

    def paragraphs(self, *styles: str) -> list[etree._Element]:
        return [p for p in self.document.iter(f"{W}p")
                if p.find(f"{W}pPr/{W}pStyle") is not None
                and p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") in styles]

    def notes(self) -> dict[int, str]:
        """Each footnote's text (its mark left out), by id."""
        out = {}
        for note in self.footnotes.iter(f"{W}footnote"):
            number = int(note.get(f"{W}id"))
            if number > 0:
                out[number] = words(self.text(note))
        return out

    def link_targets(self) -> set[str]:
        targets = set()
        for name in ("word/_rels/document.xml.rels", "word/_rels/footnotes.xml.rels"):
            for rel in self.xml(name):
                if rel.get("TargetMode") == "External":
                    targets.add(rel.get("Target"))
        return targets


@pytest.fixture(scope="module")
def built(real_project, tmp_path_factory):
    output = tmp_path_factory.mktemp("docx-output")
    build_report(real_project, output, formats=("docx", "html"))
    return output


@pytest.fixture(scope="module")
def docx(built):
    return {lang: Docx(built / f"cdip-28-2.{lang}.docx") for lang in LANGUAGES}


@pytest.fixture(scope="module")
def html(built):
    """A language's web page, parsed afresh for each test (tests take parts out of it)."""
    return lambda lang: lxml.html.fromstring((built / f"cdip-28-2.{lang}.html").read_bytes())


@pytest.fixture(scope="module")
def document(real_project):
    return check_report(real_project)[0]


def convert(source: Path, folder: Path) -> Path:
    """The .docx as LibreOffice headless prints it to PDF, with bookmarks for the headings;
    each conversion has a profile of its own (a shared one fails at random when two run)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("LibreOffice is not installed: apt-get install libreoffice-writer "
                    "(scripts/system-packages.txt)")
    profile = folder / f"profile-{source.stem}"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
         'pdf:writer_pdf_Export:{"ExportBookmarks":{"type":"boolean","value":true}}',
         "--outdir", str(folder), str(source)],
        capture_output=True, text=True, timeout=300)
    converted = folder / f"{source.stem}.pdf"
    assert result.returncode == 0 and converted.is_file(), result.stderr + result.stdout
    return converted


@pytest.fixture(scope="module")
def converted(built, tmp_path_factory):
    folder = tmp_path_factory.mktemp("libreoffice")
    return {lang: convert(built / f"cdip-28-2.{lang}.docx", folder) for lang in LANGUAGES}


def pdf_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    text = subprocess.run(["pdftotext", *pages, "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    return BIDI_CONTROLS.sub("", text)


# -- LibreOffice opens each file and prints it as the report -----------------------------------

def set_apart_numbers(path: Path) -> list[int]:
    """The numbers "N." (or, right to left, ".N") that stand apart on their line, a tab's
    width (over 8 pt) from the words beside them: paragraph and list numbers, not a number in
    the text that a line happens to start with."""
    boxes = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"],
                           capture_output=True, text=True, check=True).stdout
    found = []
    for page in boxes.split("<page ")[1:]:
        lines: dict[int, list[list]] = {}
        for x0, y0, x1, word in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" '
                                           r'xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', page):
            lines.setdefault(round(float(y0)), []).append(
                [float(x0), float(x1), BIDI_CONTROLS.sub("", html_unescape(word))])
        for y in sorted(lines):
            words: list[list] = []
            for x0, x1, word in sorted(lines[y]):
                if words and x0 - words[-1][1] < 0.5:  # "." and "1" of ".1" come apart
                    words[-1][1:] = [x1, words[-1][2] + word]
                else:
                    words.append([x0, x1, word])
            for index, (x0, x1, word) in enumerate(words):
                match = re.fullmatch(r"(\d{1,2})\.|\.(\d{1,2})", word)
                gaps = ([words[index + 1][0] - x1] if index + 1 < len(words) else []) + \
                       ([x0 - words[index - 1][1]] if index else [])
                if match and min(gaps, default=99) > 8:
                    found.append(int(match.group(1) or match.group(2)))
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_libreoffice_prints_the_paragraph_numbers_in_order(converted, document, lang):
    """The body's paragraphs numbered 1 to 89, then Annex II's lists, each counted from 1."""
    lists = [n for group in document.annex_ii.groups for n in range(1, group.count + 1)]
    assert set_apart_numbers(converted[lang]) == list(range(1, 90)) + lists


def letters(text: str) -> str:
    """The letters of a text, to find it in a PDF's text whatever the extraction made of its
    spaces, punctuation, digits and combining marks (Arabic's are extracted apart)."""
    return "".join(char for char in unicodedata.normalize("NFKC", text) if char.isalpha())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_libreoffice_prints_the_99_footnotes(converted, docx, lang):
    """Each note's first words, in the order of the notes, on a page that shows its number:
    99 notes, numbered as the document numbers them (their text is the HTML's: see below)."""
    path = converted[lang]
    pages = [pdf_text(path, page) for page in range(1, len(PdfReader(path).pages) + 1)]
    text, starts = "", []
    for page in pages:
        starts.append(len(text))
        text += letters(page)
    notes = docx[lang].notes()
    position, missing = -1, []
    for number, note in sorted(notes.items()):
        found = text.find(letters(note)[:12], position + 1)
        page = pages[bisect.bisect_right(starts, found) - 1]
        if found < 0 or not re.search(rf"(?<!\d){number}(?!\d)", page):
            missing.append(number)
        else:
            position = found
    assert len(notes) == 99
    assert missing == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_annex_i_starts_under_its_title(converted, docx, document, lang):
    """The page with Annex I's title also holds the table's start, as the PDF's does: not a
    title alone above an empty page (rows chained by "keep with next" moved the whole table)."""
    path = converted[lang]
    header = next(docx[lang].document.iter(f"{W}tr"))
    column = letters(Docx.text(header.findall(f"{W}tc")[1].find(f"{W}p")))
    title = letters(document.annex_i.title[lang])  # whole: its start is quoted in the body
    pages = [letters(pdf_text(path, page)) for page in range(1, len(PdfReader(path).pages) + 1)]
    title_page = next(page for page in pages if title in page)
    assert column in title_page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_headings_are_in_the_converted_pdf_outline(converted, docx, lang):
    def titles(items):
        for item in items:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield squeeze(item.title)
    outline = list(titles(PdfReader(converted[lang]).outline))
    headings = [squeeze(Docx.text(p)) for p in docx[lang].paragraphs(
        "Heading1", "Heading2", "Heading3")]
    assert len(headings) == 51
    assert outline == headings


# -- the .docx itself -------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_headings_have_word_heading_styles(docx, html, lang):
    """The title, sections, sub-headings, annexes and project groups: Heading 1 to 3 at the
    HTML's levels (h1 to h3), with the HTML's words."""
    page = html(lang)
    for permalink in page.xpath("//a[@class='permalink']"):
        permalink.drop_tree()
    for n in (1, 2, 3):
        in_word = [squeeze(Docx.text(p)) for p in docx[lang].paragraphs(f"Heading{n}")]
        assert in_word == [squeeze(h.text_content()) for h in page.xpath(f"//h{n}")], n
    assert len(docx[lang].paragraphs("Heading1", "Heading2", "Heading3")) == 51


@pytest.mark.parametrize("lang", LANGUAGES)
def test_footnotes_are_word_footnotes_with_the_html_text(docx, html, lang):
    page = html(lang)
    for link in page.xpath("//li[starts-with(@id, 'fn-')]/a[@class='fn-back' or "
                           "@class='permalink']"):
        link.drop_tree()
    expected = {int(li.get("id")[3:]): words(li.text_content())
                for li in page.xpath("//li[starts-with(@id, 'fn-')]")}
    notes = docx[lang].notes()
    assert len(notes) == 99
    assert notes == expected
    # Word numbers notes in the order of their calls: that order is the document's numbers.
    calls = [int(ref.get(f"{W}id")) for ref in docx[lang].document.iter(f"{W}footnoteReference")]
    assert calls == list(range(1, 100))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_annex_i_is_a_table_with_a_repeating_header_row(docx, document, lang):
    tables = list(docx[lang].document.iter(f"{W}tbl"))
    assert len(tables) == 1
    table = tables[0]
    rows = table.findall(f"{W}tr")
    assert [row.find(f"{W}trPr/{W}tblHeader") is not None for row in rows] == [True] + [False] * 45
    assert all(row.find(f"{W}trPr/{W}cantSplit") is not None for row in rows)
    labels = [Docx.text(row.find(f"{W}tc/{W}p")) for row in rows[1:]]
    assert [re.search(r"\d+", label).group() for label in labels] == \
        [str(n) for n in range(1, 46)]
    assert [label.endswith("*") for label in labels] == [row.immediate for row in
                                                         document.annex_i.rows]
    properties = table.find(f"{W}tblPr")
    assert properties.find(f"{W}tblCaption").get(f"{W}val")
    assert properties.find(f"{W}tblDescription").get(f"{W}val")
    # Right to left, the table's columns run right to left too.
    assert (properties.find(f"{W}bidiVisual") is not None) == (lang == "ar")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_annex_ii_projects_are_numbered_lists(docx, html, lang):
    projects = docx[lang].paragraphs("Project")
    lists: dict[str, list[str]] = {}
    for paragraph in projects:
        number = paragraph.find(f"{W}pPr/{W}numPr/{W}numId").get(f"{W}val")
        lists.setdefault(number, []).append(squeeze(Docx.text(paragraph)))
    page = html(lang)
    for cited in page.xpath("//ol[@class='projects']//*[@class='cited-in']"):
        cited.drop_tree()
    expected = [[squeeze(li.text_content()) for li in ol.xpath("li")]
                for ol in page.xpath("//ol[@class='projects']")]
    assert list(lists.values()) == expected
    assert sum(map(len, expected)) == 46
    # Each list starts again at 1.
    numbering = docx[lang].xml("word/numbering.xml")
    starts = {num.get(f"{W}numId"): num.find(f".//{W}startOverride").get(f"{W}val")
              for num in numbering.iter(f"{W}num")}
    assert set(lists) <= set(starts) and set(starts.values()) == {"1"}


URL = re.compile(r"https?://|www\.")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_url_is_a_hyperlink(docx, html, lang):
    page = html(lang)
    external = {a.get("href") for a in page.xpath("//main//a[starts-with(@href, 'http')] | "
                                                  "//li[starts-with(@id, 'fn-')]"
                                                  "//a[starts-with(@href, 'http')]")}
    assert external and external == docx[lang].link_targets()
    for part in (docx[lang].document, docx[lang].footnotes):
        for t in part.iter(f"{W}t"):
            if URL.search(t.text or ""):
                assert any(parent.tag == f"{W}hyperlink" for parent in t.iterancestors()), t.text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_runs_carry_the_language_and_direction(docx, lang):
    tag = {"zh": "zh-CN", "en": "en-US", "fr": "fr-FR", "es": "es-ES", "ru": "ru-RU",
           "ar": "ar-EG"}[lang]
    runs = [run for part in (docx[lang].document, docx[lang].footnotes)
            for run in part.iter(f"{W}r") if run.find(f"{W}t") is not None]
    languages = {tuple(sorted(run.find(f"{W}rPr/{W}lang").attrib.items())) for run in runs}
    attributes = {f"{W}val": tag}
    if lang == "zh":
        attributes[f"{W}eastAsia"] = tag  # what Word reads for Han characters
    if lang == "ar":
        attributes[f"{W}bidi"] = tag  # and for Arabic ones
    assert languages == {tuple(sorted(attributes.items()))}
    paragraphs = list(docx[lang].document.iter(f"{W}p"))
    rtl = [p.find(f"{W}pPr/{W}bidi") is not None for p in paragraphs]
    assert set(rtl) == {lang == "ar"}
    sections = list(docx[lang].document.iter(f"{W}sectPr"))
    assert [s.find(f"{W}bidi") is not None for s in sections] == [lang == "ar"] * 3


def test_core_properties_describe_the_report(docx, document):
    core = docx["fr"].xml("docProps/core.xml")
    values = {element.tag.split("}")[1]: element.text for element in core}
    assert values["title"].startswith("CDIP/28/2 – ")
    assert "Plan d’action pour le développement" in values["title"]
    assert values["language"] == "fr-FR"
    assert values["identifier"] == "CDIP/28/2"
    assert values["creator"] and values["subject"]
    assert values["created"] == values["modified"] == f"{document.date.isoformat()}T00:00:00Z"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_each_part_has_its_running_header_and_page_numbers(docx, lang):
    """The body, Annex I and Annex II are sections of their own: "Annex I, page N" from the
    annex's first page, counted from 1, and no running header on the first pages."""
    doc = docx[lang]
    rels = {rel.get("Id"): rel.get("Target") for rel in doc.xml("word/_rels/document.xml.rels")}
    sections = list(doc.document.iter(f"{W}sectPr"))
    headers = []
    for section in sections:
        refs = {ref.get(f"{W}type"): rels[ref.get(f"{R}id")]
                for ref in section.findall(f"{W}headerReference")}
        headers.append(Docx.text(doc.xml("word/" + refs["default"])))
        assert Docx.text(doc.xml("word/" + refs["first"])) == ""
        assert section.find(f"{W}titlePg") is not None
    assert all(header.startswith("CDIP/28/2") for header in headers)
    if lang == "en":
        assert headers == ["CDIP/28/2page 1", "CDIP/28/2Annex I, page 1",
                           "CDIP/28/2Annex II, page 1"]
    assert [s.find(f"{W}pgNumType") is not None for s in sections] == [False, True, True]
    assert all(b"PAGE" in doc.parts[f"word/header{n}.xml"] for n in (2, 3, 4))


def test_the_same_report_gives_the_same_bytes(built, real_project, tmp_path):
    again = tmp_path / "again"
    build_report(real_project, again, formats=("docx",))
    for lang in LANGUAGES:
        name = f"cdip-28-2.{lang}.docx"
        assert (again / name).read_bytes() == (built / name).read_bytes(), name
    with zipfile.ZipFile(again / "cdip-28-2.en.docx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.namelist()[0] == "[Content_Types].xml"


def test_the_reference_document_restyles_the_output(real_project, tmp_path):
    """An edit to templates/reference.docx (here: Heading 2 in 20 pt) is in every output."""
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    reference = templates / "reference.docx"
    with zipfile.ZipFile(reference) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    styles = etree.fromstring(parts["word/styles.xml"])
    heading = styles.find(f"{W}style[@{W}styleId='Heading2']/{W}rPr/{W}sz")
    heading.set(f"{W}val", "40")
    parts["word/styles.xml"] = etree.tostring(styles)
    with zipfile.ZipFile(reference, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    project = replace(real_project, theme=Theme(templates, real_project.theme.locales))
    build_report(project, tmp_path / "out", formats=("docx",), languages=("en",))
    output = Docx(tmp_path / "out" / "cdip-28-2.en.docx")
    size = output.xml("word/styles.xml").find(f"{W}style[@{W}styleId='Heading2']/{W}rPr/{W}sz")
    assert size.get(f"{W}val") == "40"


def test_a_missing_reference_document_is_named(real_project, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    (templates / "reference.docx").unlink()
    project = replace(real_project, theme=Theme(templates, real_project.theme.locales))
    with pytest.raises(UsageError, match=r"reference\.docx"):
        build_report(project, tmp_path / "out", formats=("docx",), languages=("en",))
    assert not (tmp_path / "out" / "cdip-28-2.en.docx").exists()


@pytest.mark.parametrize("lang", ["zh", "ar"])
def test_cross_references_link_to_bookmarks_that_exist(docx, lang):
    """"Development Agenda recommendations 13, 14" links to the rows of Annex I, as in the PDF."""
    anchors = [link.get(f"{W}anchor") for link in docx[lang].document.iter(f"{W}hyperlink")
               if link.get(f"{W}anchor")]
    bookmarks = {mark.get(f"{W}name") for mark in docx[lang].document.iter(f"{W}bookmarkStart")}
    assert len(anchors) > 50
    assert set(anchors) <= bookmarks
    assert {"rec_13", "para_27"} <= bookmarks


def test_a_report_setting_prints_the_cited_in_lines(tiny):
    tiny.replace("body/02-section.yaml", 'en: "The third paragraph[^third-note] has these items:"',
                 'en: "The third paragraph[^third-note] has these items ({rec:1}):"')
    tiny.replace("body/02-section.yaml", "zh: 第三段[^third-note]有以下事项：",
                 "zh: 第三段[^third-note]有以下事项（{rec:1}）：")
    path = tiny.output / "test-1-1.en.docx"
    tiny.build(formats=["docx"])
    assert Docx(path).paragraphs("CitedIn") == []
    tiny.replace("report.yaml", "end_markers:", "print:\n  cited_in: true\nend_markers:")
    tiny.build(formats=["docx"])
    cited = Docx(path).paragraphs("CitedIn")
    assert [Docx.text(p) for p in cited] == ["Cited in paragraph 3"]
    assert [link.get(f"{W}anchor") for link in cited[0].iter(f"{W}hyperlink")] == ["para_3"]


def test_the_reference_document_opens_with_a_sample_of_each_style(tmp_path):
    """What a user opens to restyle the output: LibreOffice reads it, and it shows each
    paragraph style the output uses, by name."""
    reference = Docx(REPO / "templates" / "reference.docx")
    used = {p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") for p in reference.document.iter(f"{W}p")}
    styles = reference.xml("word/styles.xml")
    defined = {style.get(f"{W}styleId") for style in styles.iter(f"{W}style")}
    assert used <= defined and {"Heading1", "NumberedParagraph", "FootnoteText"} <= used
    assert pdf_text(convert(reference.path, tmp_path)).count("Numbered Paragraph") == 1

"""Stage 5, PDF: read the real PDFs back (pdftotext, pypdf) as a reader would see them."""

from __future__ import annotations

import os
import re
import subprocess

import pdfua
import pikepdf
import pytest
from pypdf import PdfReader

from rapporteur.build import check_report
from rapporteur.outputs.pdf import render_pdf
from rapporteur.render import render_language

from conftest import THEME


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


class Pdf:
    def __init__(self, path):
        self.path = path
        self.reader = PdfReader(path)
        self.pages = [squeeze(self._page_text(n)) for n in range(1, len(self.reader.pages) + 1)]

    def _page_text(self, number: int) -> str:
        return subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), "-enc", "UTF-8",
                               str(self.path), "-"], capture_output=True, text=True,
                              check=True).stdout

    def pages_with(self, text: str) -> list[int]:
        text = squeeze(text)
        return [n for n, page in enumerate(self.pages, 1) if text in page]


@pytest.fixture(scope="module")
def pdfs(real_build):
    output, _ = real_build
    return {lang: Pdf(output / f"cdip-28-2.{lang}.pdf") for lang in ("zh", "en")}


@pytest.fixture(scope="module")
def document(real_project):
    return check_report(real_project)[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_footnotes_stand_on_the_page_of_their_call(pdfs, document, lang):
    """Every footnote, annexes included, is printed at the foot of the page of its call."""
    pdf = pdfs[lang]
    destinations = pdf.reader.named_destinations
    page_of = {name: pdf.reader.get_destination_page_number(dest) + 1
               for name, dest in destinations.items()}
    misplaced = {}
    for note in document.footnotes:
        call, body = page_of[f"fnref-{note.number}"], page_of[f"fn-{note.number}"]
        # Quotes are left out: the typographer curls them.
        text = squeeze(re.sub(r"[*_\\\"'“”‘’]", "", note.text[lang]))[:20]
        if call != body or text not in re.sub("[\"'“”‘’]", "", pdf.pages[body - 1]):
            misplaced[note.number] = (call, body)
    assert misplaced == {}
    assert len(document.footnotes) == 99


# Eight lines and a note fill the page; the next paragraph's first line does not fit. WeasyPrint
# 66 to 70 move the note to page 2 to fit that line; the note must stay with its call on page 1.
MOVED_NOTE = """<html lang="en"><style>
@page { size: 200px 100px; margin: 0; @footnote { margin: 0; padding: 0 } }
body { margin: 0; font: 10px/10px sans-serif }
p { margin: 0; orphans: 1; widows: 1 }
.note { float: footnote }
</style>
<p>1<br>2<br>3<br>4<br>5<br>6<br>7<br>8 <a id="call" href="#note">*</a><span class="note"
id="note">note</span></p>
<p>9<br>10</p>"""


def test_a_note_is_not_moved_to_make_room_for_the_next_paragraph(tmp_path):
    path = tmp_path / "moved-note.pdf"
    path.write_bytes(render_pdf(MOVED_NOTE, THEME.assets))
    reader = PdfReader(path)
    pages = {name: reader.get_destination_page_number(destination) + 1
             for name, destination in reader.named_destinations.items()}
    assert pages == {"call": 1, "note": 1}
    assert "9" in reader.pages[1].extract_text()


def test_running_header_from_page_two(pdfs):
    zh, en = pdfs["zh"], pdfs["en"]
    assert "第2页" not in zh.pages[0] and "CDIP/28/2第" not in zh.pages[0]
    assert "CDIP/28/2" in zh.pages[1] and "第2页" in zh.pages[1]
    assert "CDIP/28/2" in en.pages[1] and "page2" in en.pages[1]
    assert "page7" in en.pages[6]


def test_page_one_carries_the_header_block(pdfs):
    zh, en = pdfs["zh"].pages[0], pdfs["en"].pages[0]
    for text in ("CDIP/28/2", "原文：英文", "日期：2022年3月15日", "发展与知识产权委员会（CDIP）",
                 "第二十八届会议", "总干事关于发展议程落实情况的报告", "秘书处编拟"):
        assert squeeze(text) in zh
    for text in ("ORIGINAL: ENGLISH", "DATE: MARCH 15, 2022", "Twenty-Eighth Session"):
        assert squeeze(text) in en


def test_annexes_are_in_the_pdf(pdfs):
    zh, en = pdfs["zh"], pdfs["en"]
    assert zh.pages_with("建议45") and zh.pages_with("附件二")
    assert en.pages_with("Recommendation 45") and en.pages_with("ANNEX II")
    assert zh.pages_with("[附件和文件完]")[-1] == len(zh.pages)


@pytest.mark.parametrize("lang, family", [("zh", "Noto-Sans-CJK-SC"), ("en", "Liberation-Sans")])
def test_fonts_are_embedded(pdfs, lang, family):
    for pdf in [pdfs[lang]]:
        fonts = {}
        for page in pdf.reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descriptor = font.get("/FontDescriptor") or \
                    font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                descriptor = descriptor.get_object()
                fonts[font["/BaseFont"]] = any(key in descriptor for key in
                                               ("/FontFile", "/FontFile2", "/FontFile3"))
        assert fonts and all(fonts.values()), fonts
        assert any(family in name for name in fonts), fonts


def test_pdf_metadata_comes_from_the_report(pdfs):
    info = pdfs["en"].reader.metadata
    assert "CDIP/28/2" in info.title
    assert info["/CreationDate"].startswith("D:20220315")


def test_builds_are_byte_identical(tiny, tmp_path):
    """A second build, in another process with other hash seeds, gives the same bytes."""
    first = tiny.build()
    subprocess.run(tiny.build_command(tmp_path / "again"), check=True,
                   env={**os.environ, "PYTHONHASHSEED": "12345"})
    for path in first.outputs:
        assert (tmp_path / "again" / path.relative_to(tiny.output)).read_bytes() == \
            path.read_bytes(), path.name


def test_annex_i_notes_are_called_with_their_document_numbers(pdfs):
    """Notes 98 and 99 sit on recommendation 1's heading, with no generated marker beside."""
    assert pdfs["zh"].pages_with("建议1*98与预期成果的联系99")
    assert pdfs["en"].pages_with("Recommendation1*98Linktoexpectedresults99")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_is_tagged_for_assistive_technology(real_build, lang):
    """PDF/UA-1: no error from the pdfua checker, and what pikepdf reads in the catalog."""
    output, _ = real_build
    path = output / f"cdip-28-2.{lang}.pdf"
    report = pdfua.validate(str(path))
    assert [(finding.rule_id, finding.message) for finding in report.findings] == []
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root and root.MarkInfo.Marked is True
        tag = {"zh": "zh-Hans", "en": "en"}[lang]  # BCP 47, with the script
        assert str(root.Lang) == tag and root.ViewerPreferences.DisplayDocTitle is True
        with pdf.open_metadata() as xmp:
            assert xmp["dc:title"].startswith("CDIP/28/2 – ")
            assert xmp["dc:language"] == {tag} and xmp["dc:identifier"] == "CDIP/28/2"
            author = {"zh": "世界知识产权组织秘书处", "en": "WIPO Secretariat"}[lang]
            assert xmp["dc:creator"] == [author]
            assert xmp["xmp:CreateDate"].startswith("2022-03-15")
        links = [annotation for page in pdf.pages for annotation in page.get("/Annots", [])
                 if annotation.Subtype == "/Link"]
        assert len(links) > 140 and all(str(link.get("/Contents", "")).strip() for link in links)
        # A note call reads as the note itself, not as its anchor ("fn-2").
        notes = {str(link.Dest): str(link.Contents) for link in links
                 if "/Dest" in link and str(link.Dest).startswith("fn-")}
        assert len(notes) == 99 and not any(text.startswith("fn-") for text in notes.values())
        assert notes["fn-98"].startswith("98")
        # Each note is a /Note whose /ID is its call's destination, indexed in the /IDTree.
        tagged = {str(element.ID) for element in _structure_elements(root.StructTreeRoot)
                  if element.S == "/Note"}
        assert tagged == set(notes)
        assert set(notes) <= {str(name) for name in root.StructTreeRoot.IDTree.Names[::2]}


def _structure_elements(parent):
    kids = parent.get("/K", [])
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR"):
            yield kid
            yield from _structure_elements(kid)


def test_a_note_call_is_joined_to_the_text_before_it(tiny):
    """Unicode allows a line break between a Han character and a digit: a word joiner forbids
    it before a call, so that no printed line starts with a call (and the "，" after it)."""
    document = check_report(tiny.project)[0]
    html = render_language(document, "zh", "print", THEME, part="body")
    assert html.count('\u2060<a class="fn-call"') == html.count('<a class="fn-call"') > 0


def _internal_links(path):
    """Each internal link as (its page, its destination's name, the destination's page, its
    description), pages numbered from 1, and each destination's page by name."""
    with pikepdf.open(path) as pdf:
        names = pdf.Root.Names.Dests.Names
        numbers = {page.objgen: number for number, page in enumerate(pdf.pages, 1)}
        pages = {str(name): numbers[target[0].objgen]
                 for name, target in zip(names[::2], names[1::2])}
        links = [(number, str(link.Dest), pages[str(link.Dest)], str(link.Contents))
                 for number, page in enumerate(pdf.pages, 1)
                 for link in page.get("/Annots", []) if "/Dest" in link]
    return links, pages


@pytest.mark.parametrize("lang, label", [("zh", "建议13"), ("en", "Recommendation13")])
def test_links_between_parts_land_on_their_targets(pdfs, lang, label):
    """The parts are rendered apart and assembled: the body's links to Annex I rows and Annex
    II projects are internal links to the page that shows their target, described by their
    target's text. (The annexes' back-links to paragraphs are their 'Cited in' lines, which
    the PDF prints only when report.yaml asks: `test_parts_rendered_apart_are_one_document`
    links both ways.)"""
    pdf = pdfs[lang]
    links, pages = _internal_links(pdf.path)
    annex_i, annex_ii = pages["annex-1"], pages["annex-2"]
    assert 1 < annex_i < annex_ii <= len(pdf.pages)
    to_rec_13 = [link for link in links if link[1] == "rec-13" and link[0] < annex_i]
    assert to_rec_13 and all(annex_i <= target < annex_ii and label in pdf.pages[target - 1]
                             for _, _, target, _ in to_rec_13)
    to_projects = [link for link in links if link[1].startswith("project-")]
    assert len(to_projects) > 20 and all(link[0] < annex_i <= annex_ii <= link[2]
                                         for link in to_projects)
    # The annexes link back to no paragraph: the document as issued has no "Cited in" lines.
    assert not [link for link in links if link[1].startswith("para-") and link[0] >= annex_i]
    for _, name, target, description in to_rec_13 + to_projects:
        # Quotes are left out: the typographer curls them; a word joiner prints nothing.
        start = squeeze(re.sub("[\"'“”‘’\u2060…]", "", description))[:15]
        assert start in re.sub("[\"'“”‘’]", "", pdf.pages[target - 1]), (name, description)
    assert not [link for link in links if link[1].startswith("para-") and link[0] < annex_i
                and link[2] >= annex_i]


def _font_programs(path) -> dict[str, set]:
    """Each font's name, with the embedded programs that fonts of that name use."""
    programs: dict[str, set] = {}
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                descriptor = font.DescendantFonts[0].FontDescriptor
                program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
                programs.setdefault(str(font.BaseFont), set()).add(program.objgen)
    return programs


@pytest.mark.parametrize("lang, faces", [("zh", 2), ("en", 3)])
def test_each_font_face_is_embedded_once(pdfs, lang, faces):
    """One subset per face for the whole PDF, not one per part."""
    programs = _font_programs(pdfs[lang].path)
    assert len(programs) == faces and all(len(found) == 1 for found in programs.values())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_outline_holds_every_part_in_order(pdfs, lang):
    """As when one document is written: the title holds the body's sections, then the
    annexes' headings, each pointing at a page no earlier than the one before."""
    _, pages = _internal_links(pdfs[lang].path)
    with pikepdf.open(pdfs[lang].path) as pdf:
        numbers = {page.objgen: number for number, page in enumerate(pdf.pages, 1)}

        def items(item, depth):
            while item is not None:
                yield depth, numbers[item.Dest[0].objgen], item
                yield from items(item.get("/First"), depth + 1)
                item = item.get("/Next")

        flat = list(items(pdf.Root.Outlines.First, 0))
        top = [item for depth, _, item in flat if depth == 0]
        sections = [(page, item) for depth, page, item in flat if depth == 1]
    assert len(top) == 1 and len(flat) == 51
    assert [page for _, page, _ in flat] == sorted(page for _, page, _ in flat)
    assert [page for page, _ in sections[-2:]] == [pages["annex-1"], pages["annex-2"]]
    assert int(sections[-1][1].Count) == 3  # Annex II's three lists of projects


TWO_PARTS = (
    '<html lang="en"><title>Two parts</title><h1>Part one</h1>'
    '<p id="one">The first part; see <a href="#two">the second part</a>.</p>',
    '<html lang="en"><h2>Part two</h2>'
    '<p id="two">The second part, after <a href="#one">the first</a>.</p>',
)


@pytest.mark.parametrize("shared_font", [True, False], ids=["one subset", "installed face unknown"])
def test_parts_rendered_apart_are_one_document(tmp_path, monkeypatch, shared_font):
    """Links between parts, their descriptions, the outline's nesting and the tags survive the
    assembly; a face the assembly cannot find again keeps one subset per part."""
    from rapporteur.outputs import pdf_fonts

    if not shared_font:
        monkeypatch.setattr(pdf_fonts, "original_font", lambda face: None)
    path = tmp_path / "two-parts.pdf"
    path.write_bytes(render_pdf(TWO_PARTS, THEME.assets))
    links, pages = _internal_links(path)
    assert (pages["one"], pages["two"]) == (1, 2)
    assert sorted(link[:3] for link in links) == [(1, "two", 2), (2, "one", 1)]
    assert {name: text for _, name, _, text in links} == {
        "two": "The second part, after the first.", "one": "The first part; see the second part."}
    with pikepdf.open(path) as pdf:
        title = pdf.Root.Outlines.First
        assert str(title.Title) == "Part one" and str(title.First.Title) == "Part two"
    copies = {name: len(found) for name, found in _font_programs(path).items()}
    assert len(copies) == 2  # the heading's bold face and the text's regular one
    assert set(copies.values()) == {1 if shared_font else 2}
    assert [finding.rule_id for finding in pdfua.validate(str(path)).findings] == []


@pytest.mark.parametrize("weight", ["Regular", "Bold"])
def test_cjk_font_box_found_without_drawing_every_glyph(weight):
    """The assembly's CFF font box (`pdf_fonts._font_bbox`: HarfBuzz's boxes, a few glyphs
    drawn) is the one fontTools finds by drawing every glyph, for subsets of the CJK face."""
    import io
    import random

    from fontTools.ttLib import TTFont

    from rapporteur.outputs import pdf_fonts

    listing = subprocess.run(["fc-list", f":postscriptname=NotoSansCJKsc-{weight}",
                              "--format", "%{file}\t%{index}\n"],
                             capture_output=True, text=True, check=True).stdout.split()
    file, index = listing[0], int(listing[1])
    choose = random.Random(weight)
    for size in (1, 30, 800, 4000):
        glyphs = choose.sample(range(1, 65000), size)
        program, _ = pdf_fonts.subset_font(file, index, glyphs)
        with TTFont(io.BytesIO(program)) as fast, TTFont(io.BytesIO(program)) as slow:
            top = fast["CFF "].cff.topDictIndex[0]
            box = pdf_fonts._font_bbox(top, fast.getGlyphOrder(),
                                       pdf_fonts._control_boxes(program))
            drawn = sum(1 for charstring in top.CharStrings.values()
                        if charstring.bytecode is None)  # decompiled to be drawn
            reference = slow["CFF "].cff.topDictIndex[0]
            reference.recalcFontBBox()
            assert box == reference.FontBBox, size
            assert 1 <= drawn <= max(20, size // 10)  # the point: few glyphs drawn

"""The real PDFs as an independent PDF/UA-1 check and an assistive technology read them.

Each test reads the PDFs of the sample report, built once for the session (`real_build`):
what the Matterhorn machine checks found in them, what a screen reader hears when it reads the
structure tree, and what the files weigh.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from fontTools.cffLib import CFFFontSet

LANGUAGES = ("zh", "en")
ALL_LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")  # the checker runs on every version


@pytest.fixture(scope="module")
def pdfs(real_build) -> dict[str, Path]:
    output, _ = real_build
    return {lang: output / f"cdip-28-2.{lang}.pdf" for lang in ALL_LANGUAGES}


# --- fonts: only what is used ------------------------------------------------------------------

def _embedded_fonts(path: Path):
    """(name, glyphs in the program, codes the PDF uses) for each embedded font program."""
    with pikepdf.open(path) as document:
        seen = set()
        for page in document.pages:
            for font in page.obj.Resources.Font.values():
                if font.objgen in seen:
                    continue
                seen.add(font.objgen)
                descendant = font.DescendantFonts[0]
                descriptor = descendant.FontDescriptor
                widths = list(descendant.W)
                codes = sum(len(run) for run in widths[1::2])
                if "/FontFile3" in descriptor:
                    program = descriptor.FontFile3
                    if program.Subtype == "/CIDFontType0C":
                        cff = CFFFontSet()
                        cff.decompile(io.BytesIO(program.read_bytes()), None)
                        glyphs = len(cff.topDictIndex[0].charset)
                    else:
                        glyphs = TTFont(io.BytesIO(program.read_bytes()))["maxp"].numGlyphs
                else:
                    glyphs = TTFont(io.BytesIO(descriptor.FontFile2.read_bytes()))["maxp"].numGlyphs
                yield str(font.BaseFont), glyphs, codes


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_font_holds_only_the_glyphs_the_pdf_uses(pdfs, lang):
    """WeasyPrint's subsets keep every glyph id up to the last used one: ~60,000 empty CJK
    glyphs. Ours hold the glyphs used, .notdef, and the few parts HarfBuzz keeps with them."""
    fonts = list(_embedded_fonts(pdfs[lang]))
    assert fonts
    for name, glyphs, codes in fonts:
        assert glyphs <= codes + 1 + max(8, codes // 50), (name, glyphs, codes)


def test_the_chinese_pdf_is_a_quarter_lighter(pdfs):
    """768 KB before the subsets were renumbered; at most 75 % of that now."""
    assert pdfs["zh"].stat().st_size <= 0.75 * 768 * 1024


# --- reading the structure tree as assistive technology does -----------------------------------

INLINE_ROLES = {"/Span", "/Link", "/NonStruct", "/Reference", "/Quote", "/Code", "/Em",
                "/Strong"}
"""Roles read within the line of the block around them."""


class Chunk:
    """One marked-content sequence as read: its text and where its first glyph stands."""

    def __init__(self, page: int, x: float, y: float):
        self.page, self.x, self.y = page, x, y
        self.glyphs: list[str] = []
        self.actual_text: str | None = None
        self.block = None  # the structure element whose text it is part of

    @property
    def text(self) -> str:
        return self.actual_text if self.actual_text is not None else "".join(self.glyphs)


def _unicode_map(font: pikepdf.Dictionary) -> dict[int, str]:
    import re  # noqa: PLC0415

    data = font.ToUnicode.read_bytes()
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for start, end, text in re.findall(
                rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            first = int.from_bytes(bytes.fromhex(text.decode()), "big")
            for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                mapping[code] = chr(first + offset)
    return mapping


def _multiply(a, b):
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


class MarkedContent:
    """A page's marked-content sequences: text by MCID, and the text of artifacts by type."""

    def __init__(self, page: pikepdf.Page, number: int):
        self.chunks: dict[int, Chunk] = {}
        self.artifacts: list[tuple[str | None, str]] = []  # (artifact /Type, its text)
        self.unmarked = ""  # text outside any marked content
        fonts = {name: (_unicode_map(font), font) for name, font in
                 page.obj.Resources.get("/Font", {}).items()}
        marks: list[tuple[int | None, pikepdf.Dictionary | None, list]] = []
        ctm, saved, line = (1, 0, 0, 1, 0, 0), [], (1, 0, 0, 1, 0, 0)
        unicode_map = {}
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "q":
                saved.append(ctm)
            elif op == "Q":
                ctm = saved.pop()
            elif op == "cm":
                ctm = _multiply(tuple(map(float, operands)), ctm)
            elif op in ("BMC", "BDC"):
                properties = operands[1] if op == "BDC" else None
                if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
                    mcid = int(properties.MCID)
                    self.chunks[mcid] = Chunk(number, *_multiply(line, ctm)[4:])
                    if "/ActualText" in properties:
                        self.chunks[mcid].actual_text = str(properties.ActualText)
                    marks.append((mcid, None, []))
                else:
                    kind = None
                    if str(operands[0]) == "/Artifact" and isinstance(properties,
                                                                      pikepdf.Dictionary):
                        kind = str(properties.get("/Type", ""))
                    marks.append((None, properties, [str(operands[0]), kind]))
            elif op == "EMC":
                mcid, _, artifact = marks.pop()
                if artifact and artifact[0] == "/Artifact" and len(artifact) > 2:
                    self.artifacts.append((artifact[1], "".join(artifact[2:])))
            elif op == "BT":
                line = (1, 0, 0, 1, 0, 0)
            elif op == "Tm":
                line = tuple(map(float, operands))
                open_mcid = next((m for m, _, _ in reversed(marks) if m is not None), None)
                if open_mcid is not None and not self.chunks[open_mcid].glyphs:
                    chunk = self.chunks[open_mcid]
                    chunk.x, chunk.y = _multiply(line, ctm)[4:]
            elif op == "Td":
                line = _multiply((1, 0, 0, 1, float(operands[0]), float(operands[1])), line)
            elif op == "Tf":
                unicode_map = fonts[str(operands[0])][0]
            elif op in ("Tj", "TJ"):
                strings = operands[0] if op == "TJ" else [operands[0]]
                data = b"".join(bytes(item) for item in strings
                                if isinstance(item, pikepdf.String))
                text = "".join(unicode_map.get(int.from_bytes(data[i:i + 2], "big"), "\ufffd")
                               for i in range(0, len(data) - 1, 2))
                open_mark = next((mark for mark in reversed(marks)), None)
                mcid = next((m for m, _, _ in reversed(marks) if m is not None), None)
                if mcid is not None:
                    self.chunks[mcid].glyphs.append(text)
                elif open_mark is not None:
                    open_mark[2].append(text)
                else:
                    self.unmarked += text


class StructureReading:
    """A PDF read in structure order: the chunks of text, each in its block."""

    def __init__(self, path: Path):
        self.pdf = pikepdf.open(path)
        self.page_numbers = {page.obj.objgen: n for n, page in enumerate(self.pdf.pages)}
        self.content = [MarkedContent(page, n) for n, page in enumerate(self.pdf.pages)]
        self.chunks: list[Chunk] = []
        self.read: set[tuple[int, int]] = set()
        self.elements: list[pikepdf.Dictionary] = []
        root = self.pdf.Root.StructTreeRoot.K
        for element in (root if isinstance(root, pikepdf.Array) else [root]):
            self._read(element, None)

    def _read(self, element: pikepdf.Dictionary, block) -> None:
        self.elements.append(element)
        role = str(element.S)
        if role not in INLINE_ROLES or block is None:
            block = element
        page = self.page_numbers.get(element.Pg.objgen) if "/Pg" in element else None
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, int):
                self._chunk(page, int(kid), block)
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                mcr_page = self.page_numbers[kid.Pg.objgen] if "/Pg" in kid else page
                self._chunk(mcr_page, int(kid.MCID), block)
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/OBJR":
                self._read(kid, block)

    def _chunk(self, page: int, mcid: int, block) -> None:
        chunk = self.content[page].chunks[mcid]
        chunk.block = block
        self.read.add((page, mcid))
        self.chunks.append(chunk)

    def line_breaks(self):
        """(text before, text after, the word the break stands in) for each place where the
        reading of a block goes on to the next line, or page."""
        blocks: dict[int, list[Chunk]] = {}
        for chunk in self.chunks:
            blocks.setdefault(id(chunk.block), []).append(chunk)
        for chunks in blocks.values():
            text = "".join(chunk.text for chunk in chunks)
            end = 0
            for before, after in zip(chunks, chunks[1:]):
                end += len(before.text)
                new_line = after.page != before.page or (after.y < before.y - 1
                                                         and after.x <= before.x + 1)
                if new_line and before.text and after.text:
                    start = len(text[:end]) - len(text[:end].split()[-1]) if text[:end].strip() \
                        else end
                    word = text[start:end] + (text[end:].split() or [""])[0]
                    yield before.text, after.text, word


def _glued(before: str, after: str, word: str) -> bool:
    """Two words read as one: no space between them where the line broke at a space."""
    import unicodedata  # noqa: PLC0415

    last, first = before[-1], after[0]
    if last.isspace() or first.isspace() or last in "-‐–—/":
        return False
    if "://" in word or "www." in word:
        return False  # a web address breaks anywhere, and has no spaces to lose
    if not any(char.isascii() and char.isalnum() for char in (last, first)):
        return False  # between Han characters (or punctuation): Chinese has no spaces
    wide = [unicodedata.east_asian_width(char) in ("W", "F") and not unicodedata.category(
        char).startswith("L") for char in (last, first)]
    return not any(wide)  # "，2021" is set without a space


@pytest.fixture(scope="module")
def readings(pdfs):
    return {lang: StructureReading(path) for lang, path in pdfs.items()}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_words_are_not_glued_at_line_breaks(readings, lang):
    """Read in structure order (a screen reader, an accessibility-aware extractor), the last
    word of a line and the first of the next are two words: 1,785 English line breaks glued
    them ("theDevelopment") and 251 Chinese ones ("在2021"), as WeasyPrint writes it."""
    reading = readings[lang]
    breaks = list(reading.line_breaks())
    glued = [before[-20:] + "|" + after[:20] for before, after, word in breaks
             if _glued(before, after, word)]
    assert len(breaks) > 300
    assert glued == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_everything_outside_the_structure_tree_is_a_pagination_artifact(readings, lang):
    """Running heads and page numbers were tagged by structure elements outside the tree."""
    reading = readings[lang]
    outside = [(page, mcid, chunk.text) for page, content in enumerate(reading.content)
               for mcid, chunk in content.chunks.items() if (page, mcid) not in reading.read]
    assert outside == []
    assert all(not content.unmarked.strip() for content in reading.content)
    text_artifacts = [(kind, text) for content in reading.content
                      for kind, text in content.artifacts if text.strip()]
    assert text_artifacts and all(kind == "/Pagination" for kind, _ in text_artifacts)
    # The running head: from page 2, except on the annexes' first pages (34 and 50).
    heads = [" ".join(text for kind, text in content.artifacts).strip()
             for content in reading.content]
    assert heads[0] == "" and "CDIP/28/2" in heads[1]
    assert sum(map(bool, heads)) == len(heads) - 3


@pytest.mark.parametrize("lang", LANGUAGES)
def test_list_items_hold_only_a_label_and_a_body(readings, lang):
    """Matterhorn 7.2-20: an Annex II item held its 'Cited in' line beside its /LBody, and
    the half of an item on the next page was a bare /Span."""
    items = [element for element in readings[lang].elements if element.S == "/LI"]
    assert len(items) > 50
    wrong = [[str(kid.S) for kid in item.K] for item in items
             if any(kid.S not in ("/Lbl", "/LBody") for kid in item.K)]
    assert wrong == []


def test_a_list_item_with_its_cited_in_line_holds_only_a_label_and_a_body(tiny):
    """With `print: {cited_in: true}`, each Annex II item prints a 'Cited in' line
    (`display: block`) beside its title: it belongs in the item's body."""
    tiny.replace("report.yaml", "end_markers:", "print:\n  cited_in: true\nend_markers:")
    tiny.replace("body/02-section.yaml", 'en: "The third paragraph[^third-note] has these items:"',
                 'en: "The third paragraph[^third-note] has these items ({project:project-a}):"')
    tiny.replace("body/02-section.yaml", "zh: 第三段[^third-note]有以下事项：",
                 "zh: 第三段[^third-note]有以下事项（{project:project-a}）：")
    tiny.build(formats=["pdf"])
    reading = StructureReading(tiny.output / "test-1-1.en.pdf")
    items = [element for element in reading.elements if element.S == "/LI"]
    cited = [item for item in items
             if "Cited in" in "".join(chunk.text for chunk in reading.chunks
                                      if _inside(chunk.block, item))]
    assert cited
    assert [[str(kid.S) for kid in item.K] for item in items
            if any(kid.S not in ("/Lbl", "/LBody") for kid in item.K)] == []


def _inside(element, ancestor) -> bool:
    while isinstance(element, pikepdf.Dictionary) and element.get("/Type") == "/StructElem":
        if element.objgen == ancestor.objgen:
            return True
        element = element.get("/P")
    return False


# --- one element per element of the document, whatever the page breaks -------------------------

HTML_OF_ROLE = {"/Part": ("main",), "/Sect": ("section",), "/P": ("p",), "/L": ("ol", "ul"),
                "/LI": ("li",), "/Table": ("table",), "/TR": ("tr",), "/TD": ("td",),
                "/TH": ("th",)}


@pytest.fixture(scope="module")
def print_html_elements(real_project):
    """How many of each element the print HTML of each language has (all parts)."""
    from collections import Counter  # noqa: PLC0415
    from html.parser import HTMLParser  # noqa: PLC0415

    from rapporteur.build import check_report  # noqa: PLC0415
    from rapporteur.render import PRINT_PARTS, render_language  # noqa: PLC0415

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.counts: Counter = Counter()

        def handle_starttag(self, tag, attrs):
            self.counts[tag] += 1

    document = check_report(real_project)[0]
    counts = {}
    for lang in LANGUAGES:
        tags = Tags()
        for part in PRINT_PARTS:
            tags.feed(render_language(document, lang, "print", real_project.theme, part=part))
        counts[lang] = tags.counts
    return counts


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_element_is_split_by_a_page_break(readings, print_html_elements, lang):
    """A paragraph, list, item, table, row or cell broken by a page break was two structure
    elements (one per page, 196 paragraphs for 177), and WeasyPrint tags a table's header row
    again on each page: now the tree has one element per element of the document."""
    from collections import Counter  # noqa: PLC0415

    roles = Counter(str(element.S) for element in readings[lang].elements)
    html = print_html_elements[lang]
    assert {role: roles[role] for role in HTML_OF_ROLE} == {
        role: sum(html[tag] for tag in tags) for role, tags in HTML_OF_ROLE.items()}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_pages_notes_are_read_after_the_paragraph_they_interrupt(readings, lang):
    """Never between two halves of a paragraph, list or table: after the block that the page
    break cut, in its section, division or list item body."""
    reading = readings[lang]
    notes = [element for element in reading.elements if element.S == "/Note"]
    assert len(notes) == 99
    assert {str(note.P.S) for note in notes} == {"/NonStruct"}
    assert {str(note.P.P.S) for note in notes} <= {"/Part", "/Sect", "/Div", "/LBody"}
    # Page 2's text ends inside paragraph 3, whose notes are on page 2: they follow it.
    texts = [chunk.text for chunk in reading.chunks]
    first_note = next(n for n, chunk in enumerate(reading.chunks)
                      if _inside(chunk.block, notes[0]))
    paragraph = reading.chunks[first_note - 1].block
    assert paragraph.S == "/P" and not _inside(paragraph, notes[0])
    assert texts[first_note - 1].rstrip()[-1] in ".。:：", texts[first_note - 1]


# --- the checker itself -------------------------------------------------------------------------

def validate_every_rule(path: Path):
    """pdfua's report, with every one of its rules evaluated.

    pdfua runs each rule in a try block and keeps a rule that raised as "skipped" beside
    its findings, so that `report.findings == []` also holds when a rule never ran. Its
    `as_integer` asks a pikepdf object for `.is_integer` with getattr, which pikepdf answers
    with ValueError (not AttributeError) for an array: UA-14-001 (empty headings) raises on the
    first heading whose /K is an array. The helper reads the same value without that error.
    """
    import pdfua  # noqa: PLC0415
    from pdfua.rules import structure  # noqa: PLC0415

    original = structure.as_integer

    def as_integer(value):
        if isinstance(value, (pikepdf.Array, pikepdf.Dictionary)):
            return None  # a container is not a number
        return original(value)

    structure.as_integer = as_integer
    try:
        return pdfua.validate(str(path))
    finally:
        structure.as_integer = original


@pytest.mark.parametrize("lang", ALL_LANGUAGES)
def test_the_pdf_ua_checker_evaluates_every_rule_and_finds_nothing(pdfs, lang):
    report = validate_every_rule(pdfs[lang])
    assert [(outcome.rule_id, outcome.skipped_reason) for outcome in report.skipped] == []
    assert len(report.outcomes) >= 12
    assert [(finding.rule_id, finding.message) for finding in report.findings] == []


def test_a_link_description_reads_only_what_it_keeps():
    """A link's description is its target's text, spaces collapsed, cut to 120 characters; it
    is read only as far as it is kept (a link to a section read the whole section). Same text
    either way, however the element's text comes in pieces."""
    import random

    from rapporteur.outputs import pdf_tags

    class Element:
        def __init__(self, pieces):
            self.pieces, self.read = pieces, 0

        def itertext(self):
            for piece in self.pieces:
                self.read += 1
                yield piece

    choose = random.Random(19)
    for _ in range(3000):
        text = "".join(choose.choice(["a", "é", "中", " ", "\n", "  ", "word", "…"])
                       for _ in range(choose.randint(0, 300)))
        cuts = sorted(choose.sample(range(len(text) + 1), min(len(text) + 1, 12)))
        element = Element([text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])])
        whole = " ".join(text.split())
        expected = whole if len(whole) <= 120 else whole[:119].rstrip() + "…"
        assert pdf_tags._description(element) == expected
    section = Element(["A heading. "] + ["A long paragraph of the section. "] * 1000)
    assert pdf_tags._description(section).endswith("…") and section.read < 20

"""Stage 5, PDF: the print layout, measured on the real PDFs as a reader would see it.

Positions come from `pdftotext -bbox-layout` (words and lines with their boxes, in points from
the top of the page), fonts from `pdffonts`, text matrices from the content streams (pikepdf).
The sample report is built once for the whole run (conftest.real_build).
"""

from __future__ import annotations

import re
import statistics
import subprocess
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

import pikepdf
import pytest

from rapporteur.resolve import Heading

A4_HEIGHT = 841.89
MARGIN = 2.2 / 2.54 * 72  # top and bottom page margins of the print stylesheet, in points
CONTENT_TOP, CONTENT_BOTTOM = MARGIN, A4_HEIGHT - MARGIN
TEXT_SIZE = 11.0  # the body text's font size
CLOSING = set("，。、；：？！）」』》,.;:?!)")


@dataclass(frozen=True)
class Word:
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float

    @property
    def height(self) -> float:
        return self.y_max - self.y_min


@dataclass(frozen=True)
class Line:
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return "".join(word.text for word in self.words)

    def body_words(self, height: float) -> list[Word]:
        return [word for word in self.words if abs(word.height - height) < 0.5]

    def calls(self, height: float) -> list[Word]:
        """Note calls: numbers set smaller than the text around them, raised."""
        return [word for word in self.words
                if word.height < 0.8 * height and re.fullmatch(r"\d{1,3}", word.text)]


class Layout:
    """The lines of every page of a PDF, with their positions."""

    def __init__(self, path):
        self.path = path
        xml = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True,
                             text=True, check=True).stdout
        xml = re.sub(r"<!DOCTYPE[^>]*>", "", xml)
        xml = xml.replace(' xmlns="http://www.w3.org/1999/xhtml"', "")
        root = ElementTree.fromstring(xml)
        self.blocks: list[list[list[Line]]] = [
            [[Line(tuple(Word(word.text or "", *(float(word.get(key)) for key in
                                                  ("xMin", "yMin", "xMax", "yMax")))
                         for word in line.iter("word")))
              for line in block.iter("line")]
             for block in page.iter("block")]
            for page in root.iter("page")]
        self.pages = [[line for block in page for line in block] for page in self.blocks]
        # The height of a body-text word box: the most common height in the document.
        self.body_height = statistics.mode(round(word.height, 1) for page in self.pages
                                           for line in page for word in line.words)

    def text(self, number: int) -> str:
        return "".join(line.text for line in self.pages[number - 1])

    def pages_with(self, text: str) -> list[int]:
        return [n for n in range(1, len(self.pages) + 1) if text in self.text(n)]


@pytest.fixture(scope="module")
def layouts(real_build):
    output, _ = real_build
    return {lang: Layout(output / f"cdip-28-2.{lang}.pdf") for lang in ("zh", "en")}


def annex_pages(layout: Layout, label: str, next_label: str | None) -> list[int]:
    """The pages of an annex, from its first page (its label at the top) to the next annex's."""
    first = next(n for n in range(1, len(layout.pages) + 1)
                 if label in "".join(line.text for line in layout.pages[n - 1][:3]))
    last = len(layout.pages)
    if next_label:
        last = annex_pages(layout, next_label, None)[0] - 1
    return list(range(first, last + 1))


LABELS = {"zh": ("附件一", "附件二"), "en": ("ANNEXI", "ANNEXII")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_lines_with_note_calls_keep_the_line_pitch(layouts, lang):
    """A line carrying a note call is spaced like any other line of its paragraph.

    Pairs of consecutive body-text lines on a page where the upper one is full (it wraps, so
    the lower one continues its paragraph); the pitch is the distance between their baselines.
    """
    layout = layouts[lang]
    height = layout.body_height
    lines = [line for page in layout.pages for line in page if line.body_words(height)]
    left = min(line.words[0].x_min for line in lines)
    right = max(line.words[-1].x_max for line in lines)
    with_calls, without = [], []
    for page in layout.pages:
        body = sorted(((statistics.median(word.y_max for word in line.body_words(height)), line)
                       for line in page if line.body_words(height)), key=lambda item: item[0])
        for (y_above, above), (y_below, below) in zip(body, body[1:]):
            if above.words[-1].x_max > right - 0.1 * (right - left):
                calls = above.calls(height) or below.calls(height)
                (with_calls if calls else without).append(y_below - y_above)
    assert len(with_calls) > 100 and len(without) > 400
    usual = statistics.median(without)
    even = [pitch for pitch in with_calls if abs(pitch - usual) < 0.3]
    # A paragraph whose last line happens to be full is followed by a gap: a rare exception.
    assert len(even) >= 0.95 * len(with_calls), sorted(set(round(p, 1) for p in with_calls))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_annex_i_pages_are_at_least_three_quarters_full(layouts, lang):
    layout = layouts[lang]
    pages = annex_pages(layout, *LABELS[lang])
    blank = {}
    for number in pages[:-1]:  # the annex may end anywhere on its last page
        bottom = max(word.y_max for line in layout.pages[number - 1] for word in line.words)
        blank[number] = round((CONTENT_BOTTOM - bottom) / (CONTENT_BOTTOM - CONTENT_TOP), 2)
    assert len(blank) >= 10
    assert {number: share for number, share in blank.items() if share > 0.25} == {}


HEADINGS = {"zh": ("建议", "与预期成果的联系"), "en": ("Recommendation", "Link")}


def recommendation_headings(layout: Layout, number: int, lang: str) -> list[tuple[float, str]]:
    """(top, recommendation number) of each Annex I header row on a page."""
    words = [word for line in layout.pages[number - 1] for word in line.words]
    left, right = HEADINGS[lang]
    tops = {round(word.y_min) for word in words if word.text == right}
    return [(word.y_min, following.text.rstrip("*"))
            for word, following in zip(words, words[1:])
            if word.text == left and round(word.y_min) in tops]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_recommendation_breaks_only_after_its_first_lines_and_repeats_its_header(layouts, lang):
    """A recommendation continued on the next page has its header row there again, and on its
    first page its text and its first expected result have begun."""
    layout = layouts[lang]
    pages = annex_pages(layout, *LABELS[lang])
    continued = []
    for number, next_number in zip(pages, pages[1:]):
        headings = recommendation_headings(layout, number, lang)
        following = recommendation_headings(layout, next_number, lang)
        if not headings or not following or following[0][1] != headings[-1][1]:
            continue
        continued.append(headings[-1][1])
        top, _ = headings[-1]
        words = [word for line in layout.pages[number - 1] for word in line.words]
        size = next(word.height for word in words if word.y_min == top)
        split = next(word.x_min for word in words  # where the results column starts
                     if word.y_min == top and word.text == HEADINGS[lang][1]) - 2
        below = [word for word in words  # the row's cells, not the notes under the table
                 if word.y_min > top + 5 and word.height > 0.9 * size]
        assert any(word.x_max < split for word in below), f"no text under {headings[-1]}"
        assert any(word.x_min > split for word in below), f"no result under {headings[-1]}"
    assert len(continued) >= 5  # rows do break, rather than leave half a page blank


@pytest.mark.parametrize("lang, follows", [("zh", ("[后接附件一]", "[后接附件二]")),
                                           ("en", ("[AnnexIfollows]", "[AnnexIIfollows]"))])
def test_each_annex_that_follows_another_is_announced(layouts, lang, follows):
    """The last page before each annex ends with "[Annex N follows]"."""
    layout = layouts[lang]
    annex_i, annex_ii = LABELS[lang]
    first_i = annex_pages(layout, annex_i, annex_ii)[0]
    first_ii = annex_pages(layout, annex_ii, None)[0]
    for marker, first in zip(follows, (first_i, first_ii)):
        assert layout.pages_with(marker) == [first - 1]
        assert layout.pages[first - 2][-1].text.endswith(marker) or \
            marker in "".join(line.text for line in layout.pages[first - 2][-4:])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_annex_first_pages_carry_symbol_and_label_top_right(layouts, lang):
    layout = layouts[lang]
    right_edge = max(word.x_max for word in layout.pages[1][0].words)  # page 2's running header
    for label in LABELS[lang]:
        first = annex_pages(layout, label, None)[0]
        top = layout.pages[first - 1][:2]
        assert [line.text for line in top] == ["CDIP/28/2", label]
        for line in top:
            assert line.words[0].y_min < CONTENT_TOP + 30
            assert abs(line.words[-1].x_max - right_edge) < 1


def test_chinese_running_header_spaces_numbers_alike(layouts):
    """"第 2 页" and "附件一第 8 页": one space each side of the number, as in the text."""
    layout = layouts["zh"]
    headers = [line.words for page in layout.pages[1:] for line in page[1:2]
               if line.text.endswith("页")]
    assert len(headers) == len(layout.pages) - 3  # all but the first pages of the 3 parts
    for words in headers:
        assert re.fullmatch(r"(附件[一二])?第", words[0].text) and words[2].text == "页"
        gaps = (words[1].x_min - words[0].x_max, words[2].x_min - words[1].x_max)
        assert abs(gaps[0] - gaps[1]) < 0.5 and gaps[0] > 1, [word.text for word in words]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_line_starts_with_closing_punctuation_or_a_call(layouts, lang):
    layout = layouts[lang]
    bad = []
    height = layout.body_height
    for number, lines in enumerate(layout.pages, 1):
        for line in lines:
            first = line.words[0]
            # A call is small beside body text; in a note's own lines, small numbers are text.
            call = line.body_words(height) and first in line.calls(height)
            if first.text[:1] in CLOSING or call:
                bad.append((number, line.text[:20]))
    assert bad == []


@pytest.mark.parametrize("lang, families", [
    ("zh", {"Noto-Sans-CJK-SC", "Noto-Sans-CJK-SC-Bold"}),
    ("en", {"Liberation-Sans", "Liberation-Sans-Bold", "Liberation-Sans-Italic"})])
def test_one_font_family_per_script(real_build, lang, families):
    """Chinese is set in Noto Sans CJK SC throughout (page headers too), English in Liberation."""
    output, _ = real_build
    listing = subprocess.run(["pdffonts", str(output / f"cdip-28-2.{lang}.pdf")],
                             capture_output=True, text=True, check=True).stdout
    names = {line.split()[0].split("+", 1)[-1] for line in listing.splitlines()[2:]}
    assert names == families


def test_chinese_is_never_slanted_or_stroked(real_build):
    """No synthetic italic (a skewed text matrix) or bold (stroked glyphs) in the Chinese PDF."""
    output, _ = real_build
    with pikepdf.open(output / "cdip-28-2.zh.pdf") as pdf:
        for page in pdf.pages:
            for operands, operator in pikepdf.parse_content_stream(page, "Tm Tr"):
                if str(operator) == "Tm":
                    assert float(operands[1]) == 0 and float(operands[2]) == 0
                else:
                    assert int(operands[0]) == 0


def test_english_quotes_are_typographic(real_build):
    output, _ = real_build
    text = subprocess.run(["pdftotext", str(output / "cdip-28-2.en.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert text.count("“") > 50 and text.count("’") > 50
    urls = re.compile(r"\S*(?:www\.|https?://)\S*")
    assert re.findall("[\"']", urls.sub("", text)) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_headings_keep_at_least_two_lines_under_them(layouts, real_build, lang):
    """No heading stands at a page's foot alone or with a single line of its text under it."""
    layout = layouts[lang]
    document = real_build[1].document
    headings = [section.title[lang] for section in document.sections if section.title]
    headings += [block.text[lang] for section in document.sections for block in section.blocks
                 if isinstance(block, Heading)]
    height = layout.body_height
    squeeze = lambda text: re.sub(r"[\s*_\"'“”‘’]", "", text)  # noqa: E731
    label = re.compile(r"^[IVX一二三四五六七八九十]+\.")
    checked = 0
    for heading in map(squeeze, headings):
        for page in layout.pages:
            body = [line for line in page if line.body_words(height)]
            for index, line in enumerate(body):
                text = label.sub("", squeeze(line.text))
                if len(text) >= 6 and heading.startswith(text):  # its first (or only) line
                    checked += 1
                    rest = [other for other in body[index + 1:]
                            if not heading.startswith(label.sub("", squeeze(other.text)))]
                    assert len(rest) >= 2, heading
    assert checked >= len(headings)


@pytest.mark.parametrize("lang", ["en", "es", "fr", "ru"])
def test_no_numbered_line_holds_a_single_word_before_the_rest(real_build, lang):
    """A project title that just filled its line broke after its first word when white space
    followed it in the HTML (WeasyPrint; French Annex II printed "2. Base" / "de données…")."""
    text = subprocess.run(["pdftotext", str(real_build[0] / f"cdip-28-2.{lang}.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    lines = text.splitlines()
    stranded = [line for line, after in zip(lines, lines[1:])
                if re.fullmatch(r"\d{1,3}\.\s+\S+", line) and after[:1].islower()]
    assert stranded == []


def test_arabic_number_ranges_read_from_the_right_wherever_the_line_breaks(real_build):
    """After Arabic text "2022-2026" is set right to left, its first year at the right (as
    browsers show it); WeasyPrint, which runs the bidi algorithm per line, turned a range that
    started a line the other way round (paragraph 5). Words come in drawing order."""
    words = subprocess.run(["pdftotext", "-bbox", str(real_build[0] / "cdip-28-2.ar.pdf"),
                            "-"], capture_output=True, text=True, check=True).stdout
    ranges = [tuple(map(int, found)) for found in
              re.findall(r">\W*((?:19|20)\d\d)[-\u2013]((?:19|20)\d\d)\W*<", words)]
    assert len(ranges) >= 3
    assert [drawn for drawn in ranges if drawn[0] < drawn[1]] == []


def test_arabic_paragraphs_are_justified(real_build, tmp_path):
    """Arabic print is justified like the organisation's Arabic documents: a paragraph's
    lines reach both margins (measured on the rendered pixels of page 2, as the reader sees
    them; pdftotext's word boxes do not reliably give Arabic lines' ends)."""
    from PIL import Image  # noqa: PLC0415 - WeasyPrint's own dependency
    subprocess.run(["pdftoppm", "-r", "72", "-gray", "-png", "-f", "2", "-l", "2",
                    "-singlefile", str(real_build[0] / "cdip-28-2.ar.pdf"),
                    str(tmp_path / "page")], check=True)
    pixels = Image.open(tmp_path / "page.png").convert("L")
    width, height = pixels.size
    data = pixels.load()
    lines, start = [], None
    for y in range(height):
        ink = [x for x in range(width) if data[x, y] < 128]
        if ink and start is None:
            start, left, right = y, min(ink), max(ink)
        elif ink:
            left, right = min(left, min(ink)), max(right, max(ink))
        elif start is not None:
            lines.append((left, right))
            start = None
    margin = min(left for left, _ in lines)
    # Lines of text at least four fifths of the measure: all but the last of each paragraph
    # (and some notes, which stay ragged).
    full = [left for left, right in lines if right - left > 0.8 * (width - 2 * margin)]
    flush = [left for left in full if left - margin <= 3]
    # Ragged, 3 of the 25 such lines on page 2 met the left margin; justified, 23 (the two
    # others are notes).
    assert len(full) >= 10 and len(flush) >= 0.8 * len(full), full

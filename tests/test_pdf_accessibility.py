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


@pytest.fixture(scope="module")
def pdfs(real_build) -> dict[str, Path]:
    output, _ = real_build
    return {lang: output / f"cdip-28-2.{lang}.pdf" for lang in LANGUAGES}


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

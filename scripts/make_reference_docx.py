"""Writes templates/reference.docx: the styles of the Word output, matching the PDF's.

Run once to (re)create the reference document from these defaults:

    .venv/bin/python scripts/make_reference_docx.py

After that the file is the source: restyle it in Word or LibreOffice (Home > Styles > Modify),
save it as .docx, and every build's Word output takes its styles (docs/word.md). Rerunning this
script overwrites such changes.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from rapporteur.outputs.docx.ooxml import Relationships, root, serialise, text, w  # noqa: E402
from rapporteur.outputs.docx.package import core_properties, package  # noqa: E402

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

# Sizes in half-points (22 = 11 pt), spacing in twentieths of a point (the PDF's em sizes at
# 11 pt). Line spacing is a multiple of the font's own line (about 1.15 em for Arial): 1.25
# (300/240) gives the PDF's 1.45 em. Text is set flush left, as in the PDF. Fonts: Arial (Liberation Sans, its metric twin, on Linux), Noto Sans CJK SC for
# Chinese and Noto Naskh Arabic for Arabic, as the PDF.
PARAGRAPH_STYLES = [
    # id, name, based on, paragraph properties, run properties
    ("Heading1", "heading 1", "Normal",
     '<w:keepNext/><w:spacing w:before="0" w:after="264"/><w:outlineLvl w:val="0"/>',
     '<w:b/><w:bCs/><w:sz w:val="30"/><w:szCs w:val="30"/>'),
    ("Heading2", "heading 2", "Normal",
     '<w:keepNext/><w:tabs><w:tab w:val="left" w:pos="550"/></w:tabs>'
     '<w:spacing w:before="396" w:after="176"/><w:jc w:val="left"/><w:outlineLvl w:val="1"/>',
     '<w:b/><w:bCs/><w:sz w:val="24"/><w:szCs w:val="24"/>'),
    ("Heading3", "heading 3", "Normal",
     '<w:keepNext/><w:spacing w:before="308" w:after="154"/><w:jc w:val="left"/>'
     '<w:outlineLvl w:val="2"/>', '<w:u w:val="single"/>'),
    ("NumberedParagraph", "Numbered Paragraph", "Normal",
     '<w:tabs><w:tab w:val="left" w:pos="550"/></w:tabs>', ''),
    ("Item", "Item", "Normal",
     '<w:tabs><w:tab w:val="left" w:pos="1210"/></w:tabs><w:spacing w:after="110"/>'
     '<w:ind w:left="1210" w:hanging="660"/>', ''),
    ("ItemContinued", "Item Continued", "Item", '<w:ind w:left="1210" w:hanging="0"/>', ''),
    # A frame at the start of the line, as a drop capital: the symbol stands beside it.
    ("LanguageLetter", "Language Letter", "Normal",
     '<w:keepNext/><w:framePr w:wrap="around" w:vAnchor="text" w:hAnchor="margin" '
     'w:xAlign="left" w:y="1"/><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
     '<w:jc w:val="left"/>',
     '<w:b/><w:bCs/><w:sz w:val="57"/><w:szCs w:val="57"/>'),
    ("DocumentSymbol", "Document Symbol", "Normal",
     '<w:keepNext/><w:spacing w:after="70"/><w:jc w:val="right"/>',
     '<w:b/><w:bCs/><w:sz w:val="35"/><w:szCs w:val="35"/>'),
    ("MastheadMeta", "Masthead Meta", "Normal",
     '<w:keepNext/><w:spacing w:after="0"/><w:jc w:val="right"/>',
     '<w:sz w:val="21"/><w:szCs w:val="21"/>'),
    ("Committee", "Committee", "Normal",
     '<w:keepNext/><w:spacing w:before="484" w:after="88"/><w:jc w:val="left"/>',
     '<w:b/><w:bCs/><w:sz w:val="25"/><w:szCs w:val="25"/>'),
    ("Session", "Session", "Normal", '<w:keepNext/><w:spacing w:after="44"/><w:jc w:val="left"/>',
     '<w:b/><w:bCs/>'),
    ("DatesPlace", "Dates and Place", "Normal",
     '<w:keepNext/><w:spacing w:after="484"/><w:jc w:val="left"/>', ''),
    ("PreparedBy", "Prepared By", "Normal", '<w:spacing w:after="330"/><w:jc w:val="left"/>', ''),
    ("EndMarker", "End Marker", "Normal",
     '<w:keepLines/><w:spacing w:before="440" w:after="440"/><w:jc w:val="center"/>', ''),
    ("AnnexSymbol", "Annex Symbol", "Normal",
     '<w:keepNext/><w:spacing w:after="0"/><w:jc w:val="right"/>',
     '<w:b/><w:bCs/><w:sz w:val="20"/><w:szCs w:val="20"/>'),
    ("Header", "header", "Normal", '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
     '<w:jc w:val="right"/>', '<w:sz w:val="20"/><w:szCs w:val="20"/>'),
    ("FootnoteText", "footnote text", "Normal",
     '<w:spacing w:after="40" w:line="264" w:lineRule="auto"/><w:jc w:val="left"/>',
     '<w:sz w:val="17"/><w:szCs w:val="17"/>'),
    ("TableHeading", "Table Heading", "Normal", '<w:keepNext/><w:spacing w:after="0"/>'
     '<w:jc w:val="left"/>', '<w:b/><w:bCs/><w:sz w:val="20"/><w:szCs w:val="20"/>'),
    # No keepNext here: in a table it keeps a row with the next row, and since every row has a
    # label, LibreOffice moved the whole of Annex I's table off the title's page. Rows are kept
    # whole by w:cantSplit instead.
    ("TableLabel", "Table Label", "Normal", '<w:spacing w:after="88"/>'
     '<w:jc w:val="left"/>', '<w:b/><w:bCs/><w:sz w:val="20"/><w:szCs w:val="20"/>'),
    ("TableText", "Table Text", "Normal",
     '<w:spacing w:after="88" w:line="264" w:lineRule="auto"/><w:jc w:val="left"/>',
     '<w:sz w:val="20"/><w:szCs w:val="20"/>'),
    ("TableResult", "Table Result", "TableText",
     '<w:keepLines/><w:tabs><w:tab w:val="left" w:pos="567"/></w:tabs><w:spacing w:after="77"/>'
     '<w:ind w:left="567" w:hanging="567"/>', ''),
    ("CitedIn", "Cited In", "Normal", '<w:spacing w:before="60" w:after="88"/><w:jc w:val="left"/>',
     '<w:color w:val="444444"/><w:sz w:val="18"/><w:szCs w:val="18"/>'),
    ("Project", "Project", "Normal", '<w:spacing w:after="88"/><w:jc w:val="left"/>', ''),
    ("Draft", "Draft", "Normal", '', '<w:b/><w:bCs/><w:color w:val="BB0000"/>'),
]

CHARACTER_STYLES = [
    ("FootnoteReference", "footnote reference", '<w:vertAlign w:val="superscript"/>'),
    ("Hyperlink", "Hyperlink", '<w:color w:val="0563C1"/><w:u w:val="single"/>'),
]


def styles() -> bytes:
    paragraph = "".join(
        f'<w:style w:type="paragraph" w:styleId="{sid}"><w:name w:val="{name}"/>'
        f'<w:basedOn w:val="{base}"/><w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr>'
        '</w:style>' for sid, name, base, ppr, rpr in PARAGRAPH_STYLES)
    character = "".join(
        f'<w:style w:type="character" w:styleId="{sid}"><w:name w:val="{name}"/>'
        f'<w:basedOn w:val="DefaultParagraphFont"/><w:rPr>{rpr}</w:rPr></w:style>'
        for sid, name, rpr in CHARACTER_STYLES)
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles {W}>'
        '<w:docDefaults><w:rPrDefault><w:rPr>'
        '<w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="Noto Sans CJK SC" '
        'w:cs="Noto Naskh Arabic"/><w:sz w:val="22"/><w:szCs w:val="22"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-EG"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:spacing w:after="176" w:line="300" w:lineRule="auto"/>'
        '</w:pPr></w:pPrDefault></w:docDefaults>'
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
        '<w:qFormat/><w:pPr><w:widowControl/><w:jc w:val="left"/></w:pPr></w:style>'
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
        '</w:style>'
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal">'
        '<w:name w:val="Normal Table"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>'
        '</w:tblPr></w:style>'
        '<w:style w:type="table" w:styleId="AnnexTable"><w:name w:val="Annex Table"/>'
        '<w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders>'
        + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
                  for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + '</w:tblBorders><w:tblCellMar><w:top w:w="70" w:type="dxa"/>'
        '<w:left w:w="110" w:type="dxa"/><w:bottom w:w="40" w:type="dxa"/>'
        '<w:right w:w="110" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        '<w:tblStylePr w:type="firstRow"><w:tcPr><w:shd w:val="clear" w:color="auto" '
        'w:fill="EDEDED"/></w:tcPr></w:tblStylePr></w:style>'
        + paragraph + character + '</w:styles>').encode("utf-8")


def sample() -> bytes:
    """A page showing each paragraph style by name, to see what a change does."""
    paragraphs = [w("p", w("pPr", w("pStyle", val=sid)), w("r", text(name)))
                  for sid, name, *_ in PARAGRAPH_STYLES]
    return serialise(root("document", w("body", *paragraphs)))


def main() -> None:
    relationships = Relationships()
    relationships.add("styles", "styles.xml")
    parts = {"word/document.xml": sample(), "word/styles.xml": styles(),
             "docProps/core.xml": core_properties(
                 "Rapporteur reference document", "Styles of the Word output", "Rapporteur",
                 "en-US", "reference", "2026-12-02")}
    target = REPO / "templates" / "reference.docx"
    target.write_bytes(package(parts, relationships, {}))
    print(f"wrote {target}")


if __name__ == "__main__":
    main()

"""Annex I as one Word table: a header row that repeats on every page (`w:tblHeader`, which
screen readers also announce as the column headers), a caption and description, and a row per
recommendation that Word keeps on one page when it fits (`w:cantSplit`).

The annex's two notes (on the "*" of the rows and on the links to expected results) are called
at the end of the annex's title, before the table: LibreOffice 7.4 does not print a note called
in a table's header row when the first row below it does not fit on the page with the note
(French, Russian and Arabic here), and on the row's "*", as in the PDF, the notes would come in
the wrong order for Word, which numbers notes by the order of their calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from ...resolve import AnnexI, RecommendationRow
from .ooxml import w

if TYPE_CHECKING:
    from .body import Body

TEXT_WIDTH = 11906 - 1134 - 1417  # the page less its margins, in twentieths of a point
COLUMNS = (TEXT_WIDTH // 2, TEXT_WIDTH - TEXT_WIDTH // 2)  # as the PDF: half and half


def annex_i_table(body: "Body", annex: AnnexI) -> etree._Element:
    _ = body._
    title = body.inline.typesetter.set(annex.title[body.lang])
    # w:tblPr children in the schema's order.
    properties = w("tblPr", w("tblStyle", val="AnnexTable"),
                   w("bidiVisual") if body.rtl else None,
                   w("tblW", w=TEXT_WIDTH, type="dxa"),
                   w("tblLayout", type="fixed"),
                   w("tblLook", val="0020", firstRow=1, lastRow=0, firstColumn=0,
                     lastColumn=0, noHBand=1, noVBand=1),
                   w("tblCaption", val=title),
                   w("tblDescription", val=_("%(first)s, %(second)s") % {
                       "first": _("Recommendation"), "second": _("Link to expected results")}))
    grid = w("tblGrid", *(w("gridCol", w=width) for width in COLUMNS))
    header = _row(body, [[body.paragraph("TableHeading", body.plain(_("Recommendation")))],
                         [body.paragraph("TableHeading",
                                         body.plain(_("Link to expected results")))]],
                  header=True)
    return w("tbl", properties, grid, header, *(_recommendation(body, row) for row in annex.rows))


def _recommendation(body: "Body", row: RecommendationRow) -> etree._Element:
    label = body.plain(body._("Recommendation %(number)s") % {"number": row.number})
    if row.immediate:
        label += body.plain("*")
    text = [body.paragraph("TableLabel", body.bookmarked(row.anchor, label))]
    text += [body.paragraph("TableText", runs)
             for runs in body.inline.paragraphs(row.text[body.lang])]
    text += body.cited_in(row.cited_in)
    results = [body.paragraph("TableResult", [body.inline.run(result.label[body.lang] + "\t",
                                                              bold=True),
                                              *body.text(result.text)])
               for result in row.results]
    return _row(body, [text, results])


def _row(body: "Body", cells: list[list[etree._Element]], header: bool = False
         ) -> etree._Element:
    # w:trPr children in the schema's order: cantSplit, tblHeader.
    properties = w("trPr", w("cantSplit"), w("tblHeader") if header else None)
    return w("tr", properties, *(
        w("tc", w("tcPr", w("tcW", w=width, type="dxa")), *paragraphs)
        for width, paragraphs in zip(COLUMNS, cells)))

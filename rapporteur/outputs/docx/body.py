"""The report's body in WordprocessingML: the masthead, the sections with their headings,
numbered paragraphs and items, and the page sections (body, Annex I, Annex II) with their own
running headers and page numbers.

Paragraphs carry style names only; what they look like is the reference document's
(`templates/reference.docx`). Headings use Word's Heading 1–3 at the HTML's levels (the title
h1, sections and annexes h2, sub-headings and project groups h3), so the navigation pane and a
table of contents show the document's outline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from lxml import etree

from ...resolve import Document, Footnote, Paragraph, Section
from ...versions import marks
from .ooxml import qn, text, w
from .runs import Inline, bookmark
from .tables import annex_i_table

# A4 and the PDF's margins (2.2 cm 2 cm 2.2 cm 2.5 cm), in twentieths of a point.
PAGE = {"w": 11906, "h": 16838}
MARGINS = {"top": 1247, "right": 1134, "bottom": 1247, "left": 1417, "header": 567,
           "footer": 567, "gutter": 0}


@dataclass
class PageSection:
    """A part paginated on its own: its running header's part and where its pages start."""

    header_rid: str
    first_header_rid: str  # an empty header: the first page shows the masthead or annex label
    restart: bool


class Body:
    """Builds `word/document.xml`'s body for one language."""

    def __init__(self, document: Document, language: str, inline: Inline,
                 gettext: Callable[[str], str], long_date: str,
                 cited_in: Callable[[tuple[int, ...]], str]) -> None:
        self.document = document
        self._cited_in = cited_in  # the theme's "Cited in paragraphs N" for a row
        self.lang = language
        self.inline = inline
        self._ = gettext
        self.long_date = long_date
        self.rtl = document.language(language).direction == "rtl"
        self.project_lists: list[int] = []  # Annex II: a numbering instance per group
        self.bookmarks = 0

    # -- paragraphs -----------------------------------------------------------------------

    def paragraph(self, style: str, runs: list[etree._Element], *, section=None,
                  numbering: int | None = None, centred: bool = False) -> etree._Element:
        # w:pPr children in the schema's order: pStyle, numPr, bidi, jc, sectPr.
        properties = w("pPr", w("pStyle", val=style),
                       w("numPr", w("ilvl", val=0), w("numId", val=numbering))
                       if numbering is not None else None,
                       w("bidi") if self.rtl else None,
                       w("jc", val="center") if centred else None,
                       section)
        return w("p", properties, *runs)

    def text(self, source: dict[str, str], **style) -> list[etree._Element]:
        return self.inline.runs(source[self.lang], **style)

    def plain(self, value: str) -> list[etree._Element]:
        return [self.inline.run(value)]

    def cited_in(self, paragraphs: tuple[int, ...]) -> list[etree._Element]:
        """The annex row's back-links to the paragraphs citing it, when the report prints
        them (`print: {cited_in: true}`), as in the PDF."""
        if not paragraphs or not self.document.print_options.cited_in:
            return []
        return [self.paragraph("CitedIn", self.inline.theme_runs(self._cited_in(paragraphs)))]

    def bookmarked(self, anchor: str, runs: list[etree._Element]) -> list[etree._Element]:
        self.bookmarks += 1
        start, end = bookmark(anchor, self.bookmarks)
        return [start, *runs, end]

    # -- the document -----------------------------------------------------------------------

    def build(self, sections: tuple[PageSection, PageSection, PageSection]) -> etree._Element:
        doc = self.document
        body: list[etree._Element] = [*self.masthead()]
        for section in doc.sections:
            body += self.section(section)
        body.append(self.paragraph("EndMarker", self.text(doc.end_of_body),
                                   section=self.section_properties(sections[0])))
        body += self.annex_head(self._("ANNEX I"), doc.annex_i.title, "annex-1",
                                doc.annex_i.footnotes)
        body.append(annex_i_table(self, doc.annex_i))
        body.append(self.paragraph("EndMarker", self.plain(self._("[Annex II follows]")),
                                   section=self.section_properties(sections[1])))
        body += self.annex_ii()
        body.append(self.paragraph("EndMarker", self.text(doc.end_of_document)))
        body.append(self.section_properties(sections[2]))
        return w("body", *body)

    def masthead(self) -> list[etree._Element]:
        """The PDF's first page: the language letter, the symbol, the original language and
        date, the committee, the session, the title and who prepared it."""
        header, spec = self.document.header, self.document.language(self.lang)
        original = self.inline.typesetter.set(header.original_language[self.lang]).upper()
        emphasis = spec.typography.emphasis
        out = []
        if self.document.draft:
            out.append(self.paragraph("Draft", self.plain(
                "DRAFT: missing or outdated translations are marked in the text")))
        if spec.letter:
            out.append(self.paragraph("LanguageLetter", self.plain(spec.letter)))
        out += [
            self.paragraph("DocumentSymbol", self.plain(header.symbol)),
            self.paragraph("MastheadMeta", self.plain(
                self._("ORIGINAL: %(language)s") % {"language": original})),
            self.paragraph("MastheadMeta", self.plain(
                self._("DATE: %(date)s") % {"date": self.long_date.upper()})),
            self.paragraph("Committee", self.text(header.committee)),
            self.paragraph("Session", self.text(header.session)),
            self.paragraph("DatesPlace", self.text(header.dates_and_place)),
            self.paragraph("Heading1", self.text(header.title)),
            self.paragraph("PreparedBy", self.text(header.prepared_by,
                                                   italic=emphasis == "italic",
                                                   bold=emphasis == "bold")),
        ]
        return out

    def section(self, section: Section) -> list[etree._Element]:
        out = []
        if section.title:
            label = [self.inline.run(section.label[self.lang] + "\t")] if section.label else []
            out.append(self.paragraph("Heading2", self.bookmarked(
                section.anchor, label + self.text(section.title))))
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out += self.numbered(block)
            else:
                out.append(self.paragraph("Heading3", self.text(block.text)))
        return out

    def numbered(self, paragraph: Paragraph) -> list[etree._Element]:
        """A paragraph with its number as text: the document's number, which cross-references
        and other languages cite, and which no edit in Word may change (a Word list would
        renumber when a paragraph is added)."""
        label = f"{paragraph.number}."
        if paragraph.former_number:  # in a redline (versions/redline.py)
            label = marks.renumbered(f"{paragraph.former_number}.", label)
        number = self.inline.run(marks.like(label + "\t", paragraph.text[self.lang]))
        out = [self.paragraph("NumberedParagraph", self.bookmarked(
            f"para-{paragraph.number}", [number, *self.text(paragraph.text)]))]
        for item in paragraph.items:
            marker = marks.like(item.marker[self.lang] + "\t", item.text[self.lang])
            out.append(self.paragraph("Item", [self.inline.run(marker), *self.text(item.text)]))
            out += [self.paragraph("ItemContinued", self.text(more)) for more in item.continued]
        return out

    def annex_head(self, label: str, title: dict[str, str], anchor: str,
                   notes: tuple[Footnote, ...] = ()) -> list[etree._Element]:
        """An annex's first page: the symbol and the annex label where the running header
        stands on its other pages, then its title (with the calls of the annex's notes)."""
        calls = [self.inline.footnote_call(note, spaced=index < len(notes) - 1)
                 for index, note in enumerate(notes)]
        return [self.paragraph("AnnexSymbol", self.plain(self.document.header.symbol)),
                self.paragraph("AnnexSymbol", self.plain(label)),
                # Centred as in the PDF, and a Heading 2 like the sections, as in the HTML.
                self.paragraph("Heading2", self.bookmarked(anchor, self.text(title)) + calls,
                               centred=True)]

    def annex_ii(self) -> list[etree._Element]:
        annex = self.document.annex_ii
        out = self.annex_head(self._("ANNEX II"), annex.title, "annex-2")
        for group in annex.groups:
            heading = self._("%(title)s (%(count)s)") % {
                "title": self.inline.typesetter.set(group.title[self.lang]),
                "count": group.count}
            out.append(self.paragraph("Heading3", self.plain(heading)))
            self.project_lists.append(len(self.project_lists) + 1)
            for project in group.projects:
                out.append(self.paragraph("Project", self.bookmarked(
                    project.anchor, self.text(project.title)),
                    numbering=self.project_lists[-1]))
                out += self.cited_in(project.cited_in)
        return out

    def section_properties(self, page: PageSection) -> etree._Element:
        # w:sectPr children in the schema's order.
        first = w("headerReference", type="first")
        first.set(qn("r:id"), page.first_header_rid)
        default = w("headerReference", type="default")
        default.set(qn("r:id"), page.header_rid)
        return w("sectPr", default, first, w("type", val="nextPage"), w("pgSz", **PAGE),
                 w("pgMar", **MARGINS),
                 w("pgNumType", start=1) if page.restart else None,
                 w("titlePg"), w("bidi") if self.rtl else None)

    def running_header(self, label: str) -> etree._Element:
        """`CDIP/28/2` over `Annex I, page N`: the catalogue's label around a PAGE field."""
        before, _, after = (self._(label) % {"number": "\x00"}).partition("\x00")
        field = w("fldSimple", w("r", w("rPr", self.inline.language_properties()), text("1")))
        field.set(qn("w:instr"), " PAGE ")
        runs = [*self.plain(self.document.header.symbol), w("r", w("br")),
                *self.plain(before), field, *(self.plain(after) if after else [])]
        return self.paragraph("Header", runs)


"""Stage 3, resolve: number everything and link it up, producing the document the templates show.

Paragraph, footnote and section numbers follow from the authors' order; annex rows are built
from the recommendation and result data, each with the paragraphs that cite it. Templates
receive this `Document` and never count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import DocumentHeader, LanguageSpec, ParagraphBlock, PrintOptions
from .numerals import format_number, item_marker, marker_count, marker_value
from .markup import footnote_ids
from .references import body_references
from .validate import ValidContent, paragraph_texts

Localized = dict[str, str]


@dataclass(frozen=True)
class Footnote:
    id: str
    number: int
    text: Localized


@dataclass(frozen=True)
class Item:
    marker: Localized  # as each language writes it: "(i)", "i)"
    text: Localized
    continued: list[Localized]


@dataclass(frozen=True)
class Paragraph:
    number: int
    text: Localized
    items: list[Item]
    footnotes: list[Footnote]  # in number order
    # In a redline (versions/redline.py): what happened to the paragraph since the earlier
    # version in each language whose text of it changed ("inserted", "deleted", "changed"),
    # and its number there if it was another.
    revision: Localized | None = None
    former_number: int | None = None


@dataclass(frozen=True)
class Heading:
    text: Localized


@dataclass(frozen=True)
class Section:
    label: Localized | None  # "一." / "I.", None for unnumbered sections
    title: Localized | None
    anchor: str
    blocks: list[Paragraph | Heading]

    @property
    def footnotes(self) -> list[Footnote]:
        return [note for block in self.blocks if isinstance(block, Paragraph)
                for note in block.footnotes]


@dataclass(frozen=True)
class LinkedResult:
    code: str
    label: Localized  # "三.2" / "III.2"
    text: Localized


@dataclass(frozen=True)
class Citation:
    """A paragraph's reference to an annex row: {rec:13} in paragraph 27 cites "rec-13"."""

    paragraph: int
    target: str  # the annex row's anchor: "rec-13", "project-smart-ip-institutions"


@dataclass(frozen=True)
class RecommendationRow:
    number: int
    immediate: bool
    text: Localized
    results: list[LinkedResult]
    star_note: Footnote | None = None  # the annex's note on "*", on the first starred row
    label_note: Footnote | None = None  # the annex's note on "link to expected results", row 1
    cited_in: tuple[int, ...] = ()  # the numbers of the paragraphs that cite it, in order

    @property
    def anchor(self) -> str:
        return f"rec-{self.number}"


@dataclass(frozen=True)
class AnnexI:
    title: Localized
    rows: list[RecommendationRow]
    immediate_note: Footnote
    results_note: Footnote

    @property
    def footnotes(self) -> list[Footnote]:
        return [self.immediate_note, self.results_note]

    @property
    def immediate_count(self) -> int:
        return sum(row.immediate for row in self.rows)


@dataclass(frozen=True)
class Project:
    id: str
    title: Localized
    cited_in: tuple[int, ...] = ()  # the numbers of the paragraphs that cite it, in order

    @property
    def anchor(self) -> str:
        return f"project-{self.id}"


@dataclass(frozen=True)
class ProjectGroup:
    status: str
    title: Localized
    projects: list[Project]

    @property
    def count(self) -> int:
        return len(self.projects)


@dataclass(frozen=True)
class AnnexII:
    title: Localized
    groups: list[ProjectGroup]

    def project(self, project_id: str) -> Project:
        return next(project for group in self.groups for project in group.projects
                    if project.id == project_id)


@dataclass(frozen=True)
class Document:
    languages: list[LanguageSpec]
    header: DocumentHeader
    sections: list[Section]
    annex_i: AnnexI
    annex_ii: AnnexII
    end_of_body: Localized
    end_of_document: Localized
    draft: bool = False  # built with placeholders for missing or stale translations
    citations: tuple[Citation, ...] = ()  # in reading order
    print_options: PrintOptions = PrintOptions()

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [block for section in self.sections for block in section.blocks
                if isinstance(block, Paragraph)]

    @property
    def footnotes(self) -> list[Footnote]:
        return [note for section in self.sections for note in section.footnotes] \
            + self.annex_i.footnotes

    @property
    def date(self) -> dt.date:
        """The date of this issue: the masthead's."""
        return self.header.issue_date

    @property
    def symbol(self) -> str:
        """The symbol of this issue, "CDIP/28/2 Rev.", as masthead, file names and site show it."""
        return self.header.full_symbol

    def language(self, code: str) -> LanguageSpec:
        return next(language for language in self.languages if language.code == code)


def _label(number: int, languages: list[LanguageSpec], kind: str, pattern: str = "{}"
           ) -> Localized:
    """`number` as each language writes a number of this `kind` ("section", "result"), in
    `pattern`, or in the language's own section label ("I.", "أولا -") when that is None."""
    return {language.code: (pattern or language.numerals.section_label).format(
                format_number(number, getattr(language.numerals, kind)))
            for language in languages}


def resolve_document(content: ValidContent) -> Document:
    languages = content.report.languages
    # Footnotes are numbered in the reading order of the first declared language; the parity
    # check makes sure the other languages reference the same footnotes in each paragraph.
    reading_language = languages[0].code
    paragraph_number = 0
    footnote_number = 0
    section_number = 0
    sections: list[Section] = []
    for section in content.sections:
        blocks: list[Paragraph | Heading] = []
        for block in section.content.blocks:
            if not isinstance(block, ParagraphBlock):
                blocks.append(Heading(block.heading))
                continue
            paragraph_number += 1
            footnotes = []
            for _, text in paragraph_texts(block):
                for footnote_id in footnote_ids(text[reading_language]):
                    footnote_number += 1
                    footnotes.append(Footnote(footnote_id, footnote_number,
                                              block.footnotes[footnote_id]))
            items, after = [], None
            for item in block.items:
                items.append(Item({language.code: item_marker(
                    item.marker, language.numerals.item, language.numerals.letters, after,
                    language.numerals.numbers)
                    for language in languages}, item.text, item.continued))
                after = marker_count(marker_value(item.marker) or "", after=after)
            blocks.append(Paragraph(paragraph_number, block.paragraph, items, footnotes))
        label = None
        if section.content.is_numbered:
            section_number += 1
            label = _label(section_number, languages, "section", None)
        sections.append(Section(label, section.content.title,
                                f"section-{section_number}" if label else
                                section.source.path.stem.split("-", 1)[-1], blocks))

    results = {result.code: result for result in content.results.results}

    def linked(code: str) -> LinkedResult:
        goal, number = (int(part) for part in code.split("."))
        label = _label(goal, languages, "result", f"{{}}.{number}")
        return LinkedResult(code, label, results[code].text)

    recs = content.recommendations
    immediate_note = Footnote("annex-immediate", footnote_number + 1, recs.immediate_note)
    results_note = Footnote("annex-results", footnote_number + 2, recs.results_note)
    citations = _citations(content)
    cited = _cited_in(citations)
    first_immediate = next((rec.number for rec in recs.recommendations if rec.immediate), None)
    rows = [RecommendationRow(rec.number, rec.immediate, rec.text,
                              [linked(code) for code in rec.results],
                              star_note=immediate_note if rec.number == first_immediate else None,
                              label_note=results_note if index == 0 else None,
                              cited_in=cited.get(f"rec-{rec.number}", ()))
            for index, rec in enumerate(recs.recommendations)]
    annex_i = AnnexI(recs.title, rows, immediate_note, results_note)

    annex_ii = AnnexII(content.projects.title,
                       [ProjectGroup(group.status, group.title,
                                     [Project(project.id, project.title,
                                              cited.get(f"project-{project.id}", ()))
                                      for project in group.projects])
                        for group in content.projects.groups if group.projects])
    markers = content.report.end_markers
    return Document(languages, content.report.document, sections, annex_i, annex_ii,
                    markers.body, markers.document, citations=citations,
                    print_options=content.report.print)


def _citations(content: ValidContent) -> tuple[Citation, ...]:
    """Each paragraph's citations, once per row, in reading order."""
    found = [Citation(paragraph, target) for paragraph, reference in body_references(content)
             for target in reference.targets]
    return tuple(dict.fromkeys(found))


def _cited_in(citations: tuple[Citation, ...]) -> dict[str, tuple[int, ...]]:
    """Annex row anchor → the numbers of the paragraphs citing it."""
    cited: dict[str, list[int]] = {}
    for citation in citations:
        cited.setdefault(citation.target, []).append(citation.paragraph)
    return {target: tuple(paragraphs) for target, paragraphs in cited.items()}

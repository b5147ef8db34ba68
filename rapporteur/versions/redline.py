"""A redline: the new version of the report with every change since the earlier one marked.

The redline is the new version's `Document` with its texts replaced by marked texts (marks.py)
and the deleted paragraphs put back where they stood, rendered by the ordinary outputs (HTML
for the screen, the PDF for print) through the ordinary templates: insertions in bold, deletions
struck out (report.css), a bar beside each changed paragraph, and a renumbered paragraph's
former number struck out beside its new one. Only the file names and a line above the
masthead say that it is a redline. The Word output writes the same marked document as a .docx
whose changes are Word's tracked changes (outputs/docx/revisions.py), which an editor accepts or
rejects one by one; there a deleted footnote stays a footnote, deleted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..outputs import BuildContext
from ..outputs.base import symbol_slug
from ..outputs.cache import RenderCache
from ..outputs.docx import DocxOutput
from ..outputs.html import HtmlOutput
from ..outputs.jobs import JobRunner
from ..outputs.pdf import PdfOutput
from ..publish import write_outputs
from ..render import Medium, Theme
from ..resolve import (AnnexI, AnnexII, Document, Heading, Item, LinkedResult, Paragraph,
                       Project, ProjectGroup)
from . import marks
from .compare import MASTHEAD_FIELDS, Comparison, section_files
from ..words import Segment

Localized = dict[str, str]
_FOOTNOTE_CALL = re.compile(r"\[\^([a-z0-9][a-z0-9-]*)\]")
_PROJECT = re.compile(r"\{project:\s*([a-z0-9][a-z0-9-]*)[^{}\n]*\}")


def redline_document(comparison: Comparison, deleted_notes: bool = False) -> Document:
    """The new version with its changes marked. A deleted footnote is struck out in brackets
    where it was called ("[17: …]"), the new version having no number for it; with
    `deleted_notes` (the Word redline, whose footnotes are tracked changes too) it stays a
    footnote of its own, its call and its text deleted."""
    new = comparison.new.document
    marker = _Marker(comparison, deleted_notes)
    header = new.header.model_copy(update={
        name: marker.text(f"masthead:{name}", getattr(new.header, name))
        for name in MASTHEAD_FIELDS})
    if header.issue and header.issue.note:
        header = header.model_copy(update={"issue": header.issue.model_copy(
            update={"note": marker.text("masthead:note", header.issue.note)})})
    sections = []
    old_files = dict(section_files(comparison.old))
    for (name, (_, title, _)), section in zip(section_files(comparison.new), new.sections):
        blocks = []
        for change in comparison.changes:
            if not re.fullmatch(rf"{re.escape(name)}#(blocks|deleted)\.\d+", change.key):
                continue
            index = int(change.key.rsplit(".", 1)[1])
            if change.new is None:  # deleted: the old block, struck out where it stood
                blocks.append(marker.block(change.key, old_files[name][2][index], deleted=True))
            else:
                blocks.append(marker.block(change.key, section.blocks[index]))
        sections.append(replace(section, title=marker.text(f"{name}#title", title)
                                if title else None, blocks=blocks))
    return replace(new, header=header, sections=sections,
                   annex_i=marker.annex_i(new.annex_i), annex_ii=marker.annex_ii(new.annex_ii),
                   end_of_body=marker.text("end:body", new.end_of_body),
                   end_of_document=marker.text("end:document", new.end_of_document))


@dataclass
class _Marker:
    comparison: Comparison
    deleted_notes: bool = False

    def __post_init__(self) -> None:
        new = self.comparison.new.document
        self.notes = {note.id for note in new.footnotes}
        self.old_notes = {note.id: note for note in self.comparison.old.document.footnotes}
        # Deleted notes kept as notes take numbers after the new version's, so that no two
        # notes share one (Word numbers the notes it shows by itself).
        last = max((note.number for note in new.footnotes), default=0)
        self.gone_notes = {note.id: replace(note, number=last + index)
                           for index, note in enumerate(
                               (note for note in self.old_notes.values()
                                if note.id not in self.notes), 1)}
        self.projects = {project.id for group in new.annex_ii.groups
                         for project in group.projects}
        self.languages = [language.code for language in new.languages]
        self.old_paragraphs = {paragraph.number: paragraph
                               for paragraph in self.comparison.old.document.paragraphs}

    def text(self, key: str, current: Localized) -> Localized:
        change = self.comparison.get(key)
        if change is None or change.status == "unchanged":
            return current
        return {code: marks.marked(self._renderable(change.segments(code), code))
                for code in self.languages}

    def _renderable(self, segments: tuple[Segment, ...], language: str
                    ) -> tuple[Segment, ...]:
        """Deleted runs as the new version can render them: the call of a note that is gone
        becomes the note itself, struck out in brackets where it was called ("[17: …]"), and
        a reference to a project that is gone is left out."""
        kept = []
        for segment in segments:
            if segment.op == "delete":
                text = _FOOTNOTE_CALL.sub(lambda call: self._gone_note(call, language),
                                          segment.text)
                text = _PROJECT.sub(lambda reference: reference.group()
                                    if reference.group(1) in self.projects else "", text)
                segment = Segment("delete", text)
            kept.append(segment)
        return tuple(kept)

    def _gone_note(self, call: re.Match, language: str) -> str:
        if call.group(1) in self.notes or self.deleted_notes:
            return call.group()
        note = self.old_notes[call.group(1)]
        return f" [{note.number}: {note.text[language]}]"

    def block(self, key: str, block: Paragraph | Heading, deleted: bool = False
              ) -> Paragraph | Heading:
        change = self.comparison.get(key)
        assert change is not None
        if isinstance(block, Heading):
            return Heading(self.text(key, block.text))
        items = []
        for other in self.comparison.changes:  # in order, deleted items where they stood
            found = re.fullmatch(rf"{re.escape(key)}\.(items|deleted-items)\.(\d+)", other.key)
            if not found:
                continue
            source = block if deleted or found[1] == "items" else \
                self.old_paragraphs[change.old_number]  # type: ignore[index]
            item = source.items[int(found[2])]
            items.append(Item(item.marker, self.text(other.key, item.text),
                              [self.text(f"{other.key}.continued.{more}", text)
                               for more, text in enumerate(item.continued)]))
        notes = [] if deleted else [
            replace(note, text=self.text(f"footnote:{note.id}", note.text))
            for note in block.footnotes]
        if self.deleted_notes:
            was = block if deleted else self.old_paragraphs.get(change.old_number)  # type: ignore
            notes += [replace(self.gone_notes[note.id],
                              text=self.text(f"footnote:{note.id}", note.text))
                      for note in (was.footnotes if was else []) if note.id in self.gone_notes]
        touched = [other for other in self.comparison.changes
                   if other.key.startswith(key + ".") or (other.key.startswith("footnote:")
                   and any(other.key == f"footnote:{note.id}" for note in block.footnotes))]
        revision = {code: "deleted" if deleted else "inserted" if change.status == "inserted"
                    else "changed" for code in self.languages
                    if deleted or code in change.languages()
                    or any(code in other.languages() for other in touched)}
        return Paragraph(block.number, self.text(key, block.text), items, notes,
                         revision=revision or None,
                         former_number=change.old_number if change.renumbered else None)

    def annex_i(self, annex: AnnexI) -> AnnexI:
        old_rows = {row.number: row for row in self.comparison.old.document.annex_i.rows}
        new_rows = {row.number: row for row in annex.rows}
        rows = []
        for change in self.comparison.changes:
            if change.place.kind != "recommendation":
                continue
            number = int(change.place.row or 0)
            row = new_rows.get(number) or old_rows[number]
            results = [LinkedResult(result.code, result.label,
                                    self.text(f"result:{result.code}", result.text))
                       for result in row.results]
            rows.append(replace(row, text=self.text(f"rec:{number}", row.text),
                                results=results))
        notes = {note: replace(getattr(annex, f"{note}_note"),
                               text=self.text(f"footnote:annex-{note}",
                                              getattr(annex, f"{note}_note").text))
                 for note in ("immediate", "results")}
        rows = [replace(row, star_note=notes["immediate"] if row.star_note else None,
                        label_note=notes["results"] if row.label_note else None)
                for row in rows]
        return AnnexI(self.text("annex-1:title", annex.title), rows, notes["immediate"],
                      notes["results"])

    def annex_ii(self, annex: AnnexII) -> AnnexII:
        old = self.comparison.old.document.annex_ii
        old_groups = {group.status: group for group in old.groups}
        new_groups = {group.status: group for group in annex.groups}
        old_projects = {project.id: project for group in old.groups
                        for project in group.projects}
        groups = []
        for change in self.comparison.changes:
            if change.place.kind != "project-group":
                continue
            status = change.place.row
            group = new_groups.get(status) or old_groups[status]
            projects = []
            for item in self.comparison.changes:
                if item.place.kind == "project" and item.place.field == status:
                    project_id = item.place.row
                    project = next((p for p in group.projects if p.id == project_id), None) \
                        or old_projects[project_id]
                    projects.append(Project(project.id,
                                            self.text(f"project:{project_id}", project.title),
                                            project.cited_in))
            if not projects:  # a group emptied, its projects moved (new-edition): not shown
                continue
            groups.append(ProjectGroup(group.status, self.text(f"group:{status}", group.title),
                                       projects))
        return AnnexII(self.text("annex-2:title", annex.title), groups)


class RedlineContext(BuildContext):
    """The outputs' context for a redline: its own file names and the page that says so."""

    since: str = ""

    def file_name(self, language: str, extension: str) -> str:
        return f"{symbol_slug(self.document.symbol)}.{language}.redline.{extension}"

    def page(self, language: str, medium: Medium, part: str = "whole",
             template: str = "report.html", **extra) -> str:
        return super().page(language, medium, part, "redline.html", since=self.since, **extra)


def write_redline(comparison: Comparison, theme: Theme, output: Path,
                  languages: tuple[str, ...], cache: Path | None, content: Path | None = None,
                  owned: tuple[Path, ...] = ()) -> list[Path]:
    """The redline's HTML pages (with their assets), PDFs and Word documents in `output`,
    written at once; earlier files in the `owned` folders are removed."""
    context = RedlineContext(redline_document(comparison), theme, languages, content=content)
    context.since = comparison.old.label
    files: dict[Path, bytes] = {}
    jobs = {}
    with JobRunner(RenderCache(cache) if cache else None, None) as runner:
        for kind in (PdfOutput, HtmlOutput):
            for relative, result in context.render(kind).items():
                if isinstance(result, bytes):
                    files[output / relative] = result
                else:
                    jobs[output / relative] = result
        runner.start(jobs)
        results = runner.finish()
    files.update({path: results[path].data for path in jobs})
    # The Word redline: the same comparison as tracked changes (outputs/docx/revisions.py).
    word = RedlineContext(redline_document(comparison, deleted_notes=True), theme, languages,
                          content=content)
    files.update({output / relative: data
                  for relative, data in word.render(DocxOutput).items()})
    write_outputs(files, owned)
    return sorted(files)

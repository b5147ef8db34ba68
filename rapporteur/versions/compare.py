"""Two versions of a report compared unit by unit: what a redline marks and a corrigendum says.

A unit is one text of the document in every language: a masthead line, a section title, a
heading, a paragraph, an item, a footnote, an annex row. Units are matched by what keys them:
footnotes by their id, recommendations by number, expected results by code, projects by id,
project groups by status, masthead lines by name. Paragraphs and headings have no id of their
own, so within each body file the two sequences of blocks are aligned (difflib, then the most
alike pairs within a replaced stretch): a paragraph inserted before paragraph 24 is one
insertion, and paragraphs 24 to 89 are the same units renumbered 25 to 90, not 66 changes.

The result, a `Comparison`, is plain data in the new version's reading order (deleted units
where they stood): each `Change` has its stable key, its place (what a corrigendum names),
both texts, and per language the word-level `Segment`s (words.py). A redline renders it
(redline.py), a corrigendum words it (corrigendum.py); a Word writer can turn the same segments
into w:ins/w:del runs.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator, Literal

from ..resolve import (Document, Footnote, Heading, Item, Localized, Paragraph, Project,
                       RecommendationRow)
from ..validate import ValidContent
from ..words import Segment, diff, tokens

Status = Literal["unchanged", "changed", "inserted", "deleted"]


@dataclass(frozen=True)
class Version:
    """One version of the report, validated and resolved, and what to call it ("HEAD~1")."""

    content: ValidContent
    document: Document
    label: str


@dataclass(frozen=True)
class Place:
    """Where a unit stands, as a corrigendum names it. Numbers are the new version's, or the
    old one's for a deleted unit."""

    kind: str  # masthead, section-title, heading, paragraph, item, footnote, annex-title,
    # annex-note, recommendation, recommendation-results, result, project-group, project,
    # end-marker
    paragraph: int | None = None  # the paragraph's number (of the paragraph holding an item)
    item: Localized | None = None  # the item's marker in each language: "(ii)", "ii)"
    continued: int = 0  # 1 for an item's first continued paragraph
    footnote: int | None = None  # the note's number
    annex: int | None = None  # 1 or 2
    row: str | None = None  # recommendation number, result code, project id, group status
    field: str | None = None  # the masthead's line ("title"), the end marker ("body")
    section: Localized | None = None  # the section's label ("III."), for headings and titles
    title: Localized | None = None  # the section's title; a project's group's title
    index: int | None = None  # a project's place in its group's list, from 1


@dataclass(frozen=True)
class Change:
    key: str  # stable: "footnote:mtsp-2022-2026", "rec:22", "03-patents.yaml#blocks.4.items.1"
    place: Place
    old: Localized | None  # None: inserted
    new: Localized | None  # None: deleted
    old_number: int | None = None  # a paragraph's number in each version
    new_number: int | None = None
    old_place: Place | None = None

    @property
    def status(self) -> Status:
        if self.old is None:
            return "inserted"
        if self.new is None:
            return "deleted"
        return "changed" if self.languages() else "unchanged"

    @property
    def renumbered(self) -> bool:
        return (self.old_number is not None and self.new_number is not None
                and self.old_number != self.new_number)

    def languages(self) -> tuple[str, ...]:
        """The languages whose text of this unit differs between the versions."""
        codes = dict.fromkeys([*(self.old or {}), *(self.new or {})])
        return tuple(code for code in codes
                     if (self.old or {}).get(code) != (self.new or {}).get(code))

    def segments(self, language: str) -> tuple[Segment, ...]:
        return diff((self.old or {}).get(language, ""), (self.new or {}).get(language, ""))


@dataclass(frozen=True)
class Comparison:
    old: Version
    new: Version
    changes: tuple[Change, ...]  # every unit, in the new version's reading order
    _by_key: dict[str, Change] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_key.update({change.key: change for change in self.changes})

    def get(self, key: str) -> Change | None:
        return self._by_key.get(key)

    @property
    def edits(self) -> tuple[Change, ...]:
        """The units inserted, deleted or changed, in reading order."""
        return tuple(change for change in self.changes if change.status != "unchanged")

    def renumbered(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes
                     if change.place.kind == "paragraph" and change.renumbered)


def compare(old: Version, new: Version) -> Comparison:
    changes: list[Change] = []
    changes += _masthead(old.document, new.document)
    old_notes = {note.id: note for note in old.document.footnotes}
    new_notes = {note.id: note for note in new.document.footnotes}
    old_files = dict(section_files(old))
    seen_files = set()
    for name, (label, title, blocks) in section_files(new):
        seen_files.add(name)
        before = old_files.get(name)
        changes += _section(name, before, (label, title, blocks), old_notes, new_notes)
    for name, before in old_files.items():  # a file no longer in the report
        if name not in seen_files:
            changes += _section(name, before, None, old_notes, new_notes)
    for note_id, note in old_notes.items():  # an annex note, or a note orphaned elsewhere
        if note_id not in new_notes and not any(change.key == f"footnote:{note_id}"
                                                for change in changes):
            changes.append(_footnote_change(note, None, None))
    changes += _annex_i(old.document, new.document)
    changes += _annex_ii(old.document, new.document)
    for name in ("body", "document"):
        changes.append(Change(f"end:{name}", Place("end-marker", field=name),
                              getattr(old.document, f"end_of_{name}"),
                              getattr(new.document, f"end_of_{name}")))
    return Comparison(old, new, tuple(changes))


# The masthead ---------------------------------------------------------------------------------

MASTHEAD_FIELDS = ("committee", "session", "dates_and_place", "title", "prepared_by",
                   "original_language")


def _masthead(old: Document, new: Document) -> list[Change]:
    codes = [language.code for language in new.languages]
    changes = [Change("masthead:symbol", Place("masthead", field="symbol"),
                      {code: old.symbol for code in codes}, {code: new.symbol for code in codes}),
               Change("masthead:date", Place("masthead", field="date"),
                      {code: old.date.isoformat() for code in codes},
                      {code: new.date.isoformat() for code in codes})]
    for name in MASTHEAD_FIELDS:
        changes.append(Change(f"masthead:{name}", Place("masthead", field=name),
                              getattr(old.header, name), getattr(new.header, name)))
    old_note = old.header.issue.note if old.header.issue else None
    new_note = new.header.issue.note if new.header.issue else None
    if old_note or new_note:
        changes.append(Change("masthead:note", Place("masthead", field="note"),
                              old_note, new_note))
    return changes


# The body -------------------------------------------------------------------------------------

SectionParts = tuple[Localized | None, Localized | None, list[Paragraph | Heading]]


def section_files(version: Version) -> Iterator[tuple[str, SectionParts]]:
    """Each body file's name (as report.yaml lists it) with its resolved section."""
    root = Path(version.content.loaded.report.path).parent
    for valid, resolved in zip(version.content.sections, version.document.sections):
        path = Path(valid.source.path)
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
        yield name, (resolved.label, resolved.title, resolved.blocks)


def _section(name: str, old: SectionParts | None, new: SectionParts | None,
             old_notes: dict[str, Footnote], new_notes: dict[str, Footnote]) -> list[Change]:
    label = (new or old)[0]  # type: ignore[index]
    changes = []
    old_title, new_title = old[1] if old else None, new[1] if new else None
    if old_title or new_title:
        changes.append(Change(f"{name}#title", Place("section-title", section=label,
                                                     title=new_title or old_title),
                              old_title, new_title))
    old_blocks, new_blocks = (old[2] if old else []), (new[2] if new else [])
    for i, j in align(old_blocks, new_blocks, _block_texts):
        before = old_blocks[i] if i is not None else None
        after = new_blocks[j] if j is not None else None
        key = f"{name}#blocks.{j}" if j is not None else f"{name}#deleted.{i}"
        if isinstance(after or before, Heading):
            changes.append(Change(key, Place("heading", section=label,
                                             title=(after or before).text),  # type: ignore
                                  before.text if before else None,
                                  after.text if after else None))
            continue
        changes += _paragraph(key, before, after, old_notes, new_notes)  # type: ignore[arg-type]
    return _headings_placed(changes)


def _headings_placed(changes: list[Change]) -> list[Change]:
    """Each heading with the number of the paragraph after it: "the heading before
    paragraph 24", as a corrigendum names it."""
    placed, following = [], None
    for change in reversed(changes):
        if change.place.kind == "paragraph":
            following = change.place.paragraph
        elif change.place.kind == "heading":
            change = replace(change, place=replace(change.place, paragraph=following))
        placed.append(change)
    return placed[::-1]


def _paragraph(key: str, old: Paragraph | None, new: Paragraph | None,
               old_notes: dict[str, Footnote], new_notes: dict[str, Footnote]) -> list[Change]:
    number = new.number if new else old.number  # type: ignore[union-attr]
    changes = [Change(key, Place("paragraph", paragraph=number),
                      old.text if old else None, new.text if new else None,
                      old.number if old else None, new.number if new else None,
                      Place("paragraph", paragraph=old.number) if old else None)]
    old_items, new_items = (old.items if old else []), (new.items if new else [])
    # Items are aligned as blocks are: an item inserted before (ii) is one insertion.
    for i, j in align(old_items, new_items, _item_texts):
        before = old_items[i] if i is not None else None
        after = new_items[j] if j is not None else None
        marker = (after or before).marker  # type: ignore[union-attr]
        item_key = f"{key}.items.{j}" if j is not None else f"{key}.deleted-items.{i}"
        changes.append(Change(item_key, Place("item", paragraph=number, item=marker),
                              before.text if before else None, after.text if after else None))
        old_more = before.continued if before else []
        new_more = after.continued if after else []
        for more in range(max(len(old_more), len(new_more))):
            changes.append(Change(
                f"{item_key}.continued.{more}",
                Place("item", paragraph=number, item=marker, continued=more + 1),
                old_more[more] if more < len(old_more) else None,
                new_more[more] if more < len(new_more) else None))
    # Footnotes by id: a note moved to another paragraph is the same note.
    for note in (new.footnotes if new else []):
        changes.append(_footnote_change(old_notes.get(note.id), note, number))
    for note in (old.footnotes if old else []):
        if note.id not in new_notes:
            changes.append(_footnote_change(note, None, number))
    return changes


def _footnote_change(old: Footnote | None, new: Footnote | None,
                     paragraph: int | None) -> Change:
    note = new or old
    assert note is not None
    return Change(f"footnote:{note.id}", Place("footnote", paragraph=paragraph,
                                               footnote=note.number),
                  old.text if old else None, new.text if new else None,
                  old.number if old else None, new.number if new else None,
                  Place("footnote", footnote=old.number) if old else None)


def _item_texts(item: Item) -> tuple:
    return ("item", tuple(sorted(item.text.items())),
            tuple(tuple(sorted(more.items())) for more in item.continued))


def _block_texts(block: Paragraph | Heading) -> tuple:
    if isinstance(block, Heading):
        return ("heading", tuple(sorted(block.text.items())))
    items = tuple((tuple(sorted(item.text.items())),
                   tuple(tuple(sorted(more.items())) for more in item.continued))
                  for item in block.items)
    return ("paragraph", tuple(sorted(block.text.items())), items)


def align(old: list[Any], new: list[Any], signature) -> list[tuple[int | None, int | None]]:
    """Pairs of indices (old, new), None on the side a unit is missing from, in reading order.

    Identical runs are matched first; within a replaced stretch, units of the same kind are
    paired when alike enough (their texts share at least half their words in some language),
    keeping the order, and the rest are insertions and deletions.
    """
    a, b = [signature(unit) for unit in old], [signature(unit) for unit in new]
    pairs: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += [(i1 + k, j1 + k) for k in range(i2 - i1)]
        else:
            pairs += _pair_alike(list(range(i1, i2)), list(range(j1, j2)), a, b)
    return pairs


_ALIKE = 0.5


def _pair_alike(olds: list[int], news: list[int], a: list[tuple], b: list[tuple]
                ) -> list[tuple[int | None, int | None]]:
    """The best order-keeping pairing of a replaced stretch (dynamic programming)."""
    score = {(i, j): _likeness(a[i], b[j]) for i in olds for j in news}
    best: dict[tuple[int, int], tuple[float, list]] = {}
    n, m = len(olds), len(news)
    for x in range(n, -1, -1):
        for y in range(m, -1, -1):
            if x == n or y == m:
                rest = [(olds[k], None) for k in range(x, n)] + \
                       [(None, news[k]) for k in range(y, m)]
                best[x, y] = (0.0, rest)
                continue
            options = [(best[x + 1, y][0], [(olds[x], None)] + best[x + 1, y][1]),
                       (best[x, y + 1][0], [(None, news[y])] + best[x, y + 1][1])]
            alike = score[olds[x], news[y]]
            if alike >= _ALIKE:
                options.append((alike + best[x + 1, y + 1][0],
                                [(olds[x], news[y])] + best[x + 1, y + 1][1]))
            best[x, y] = max(options, key=lambda option: option[0])
    return best[0, 0][1]


def _likeness(a: tuple, b: tuple) -> float:
    if a[0] != b[0]:
        return 0.0
    old, new = dict(a[1]), dict(b[1])
    found = 0.0
    for code in old.keys() & new.keys():
        if old[code] == new[code]:
            return 1.0
        matcher = difflib.SequenceMatcher(None, tokens(old[code]), tokens(new[code]),
                                          autojunk=False)
        found = max(found, matcher.ratio())
    return found


# The annexes ----------------------------------------------------------------------------------

def _annex_i(old: Document, new: Document) -> list[Change]:
    changes = [Change("annex-1:title", Place("annex-title", annex=1), old.annex_i.title,
                      new.annex_i.title)]
    for note, before, after in (("immediate", old.annex_i.immediate_note,
                                 new.annex_i.immediate_note),
                                ("results", old.annex_i.results_note,
                                 new.annex_i.results_note)):
        changes.append(Change(f"footnote:annex-{note}",
                              Place("annex-note", annex=1, footnote=after.number, field=note),
                              before.text, after.text, before.number, after.number))
    old_rows = {row.number: row for row in old.annex_i.rows}
    new_rows = {row.number: row for row in new.annex_i.rows}
    old_results = {result.code: result for row in old.annex_i.rows for result in row.results}
    shown: set[str] = set()
    for number in _keyed_order(list(old_rows), list(new_rows)):
        before, after = old_rows.get(number), new_rows.get(number)
        place = Place("recommendation", annex=1, row=str(number))
        changes.append(Change(f"rec:{number}", place, before.text if before else None,
                              after.text if after else None))
        changes.append(Change(f"rec:{number}:results",
                              Place("recommendation-results", annex=1, row=str(number)),
                              _result_list(before), _result_list(after)))
        for result in (after.results if after else []):
            if result.code not in shown:  # each expected result once, where first linked
                shown.add(result.code)
                was = old_results.get(result.code)
                changes.append(Change(f"result:{result.code}",
                                      Place("result", annex=1, row=result.code,
                                            field=str(number)),
                                      was.text if was else None, result.text))
    return changes


def _result_list(row: RecommendationRow | None) -> Localized | None:
    if row is None:
        return None
    codes = row.results[0].label.keys() if row.results else ()
    return {code: ", ".join(result.label[code] for result in row.results) for code in codes}


def _annex_ii(old: Document, new: Document) -> list[Change]:
    changes = [Change("annex-2:title", Place("annex-title", annex=2), old.annex_ii.title,
                      new.annex_ii.title)]
    old_groups = {group.status: group for group in old.annex_ii.groups}
    new_groups = {group.status: group for group in new.annex_ii.groups}
    old_projects: dict[str, Project] = {project.id: project for group in old.annex_ii.groups
                                        for project in group.projects}
    new_ids = {project.id for group in new.annex_ii.groups for project in group.projects}
    for status in _keyed_order(list(old_groups), list(new_groups)):
        before, after = old_groups.get(status), new_groups.get(status)
        title = (after or before).title  # type: ignore[union-attr]
        changes.append(Change(f"group:{status}",
                              Place("project-group", annex=2, row=status, title=title),
                              before.title if before else None, after.title if after else None))
        for index, project in enumerate(after.projects if after else [], 1):
            was = old_projects.get(project.id)
            changes.append(Change(f"project:{project.id}",
                                  Place("project", annex=2, row=project.id, field=status,
                                        title=title, index=index),
                                  was.title if was else None, project.title))
        for index, project in enumerate(before.projects if before else [], 1):
            if project.id not in new_ids:
                changes.append(Change(f"project:{project.id}",
                                      Place("project", annex=2, row=project.id, field=status,
                                            title=title, index=index),
                                      project.title, None))
    return changes


def _keyed_order(old: list, new: list) -> list:
    """The new order of keys, each key only in the old one placed after its old predecessor."""
    order = list(new)
    for index, key in enumerate(old):
        if key not in order:
            previous = old[index - 1] if index else None
            order.insert(order.index(previous) + 1 if previous in order else 0, key)
    return order

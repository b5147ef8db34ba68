"""A corrigendum: the changes since an earlier version, as located instructions per language.

Pagination differs between language versions, so each instruction names its place by
paragraph (and item), footnote, or annex row, never by page: "Paragraph 3, second sentence:
for … read …", "Footnote 1: for … read …", "Annex I, Recommendation 22: …". A change that stays
within one sentence quotes that sentence; any other quotes the whole text. A language whose
text did not change gets no corrigendum, and when one language alone changed its corrigendum
says "Concerns the Chinese text only".

This module finds the instructions (`instructions`) as data; the theme's corrigendum.html words
them from the message catalogues, so that each language reads in its own words.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Callable, Literal

from ..errors import UsageError
from ..model import Issue
from ..outputs import BuildContext
from ..outputs.base import symbol_slug
from ..outputs.cache import RenderCache
from ..outputs.jobs import JobRunner
from ..outputs.pdf import PdfJob, PdfPartJob
from ..publish import write_outputs
from ..render import Theme, reading_text
from ..resolve import Document
from ..text import is_cjk
from ..translation.sentences import sentence_ends
from ..words import diff, tokens
from .compare import Change, Comparison, Place

# What a corrigendum does not list: the masthead's symbol, date and starred note are the
# issue's own, and change with every issue.
_NOT_CORRECTIONS = {"masthead:symbol", "masthead:date", "masthead:note"}


@dataclass(frozen=True)
class Instruction:
    """One correction in one language: where, and what to do there."""

    action: Literal["replace", "insert", "delete", "renumber"]
    place: Place
    sentence: int | None = None  # the sentence concerned (1-based), when only one is
    old: str | None = None  # the text to be replaced or deleted, as a reader reads it
    new: str | None = None  # the text to read instead, or to insert
    previous: int | None = None  # an inserted paragraph follows this paragraph (0: none)
    numbers: tuple[int, int, int, int] | None = None  # renumbered: first, last → new ones


def corrigenda(comparison: Comparison, theme: Theme) -> dict[str, list[Instruction]]:
    """The instructions of each language that has corrections, in the report's order.

    A change a reader cannot see (a space the typesetter adds anyway, a line wrapped
    differently) is no correction; renumberings alone make no corrigendum.
    """
    found = {}
    for language in comparison.new.document.languages:
        listed = instructions(comparison, language.code, theme)
        if any(instruction.action != "renumber" for instruction in listed):
            found[language.code] = listed
    return found


def instructions(comparison: Comparison, language: str, theme: Theme) -> list[Instruction]:
    """The corrections of `language`'s text, in reading order, renumberings where they start."""
    old_read = reading_text(comparison.old.document, language, theme)
    new_read = reading_text(comparison.new.document, language, theme)
    found: list[Instruction] = []
    renumbered = _renumbering(comparison)
    previous_paragraph = 0
    for change in comparison.changes:
        if change.key in renumbered:
            found.append(renumbered[change.key])
        previous = previous_paragraph  # the paragraph before this unit, for an insertion
        if change.place.kind == "paragraph" and change.new_number is not None:
            previous_paragraph = change.new_number
        if change.key in _NOT_CORRECTIONS or language not in change.languages():
            continue
        instruction = _instruction(change, language, old_read, new_read, previous)
        if instruction.action != "replace" or instruction.old != instruction.new:
            found.append(instruction)
    return found


def _instruction(change: Change, language: str, old_read: Callable, new_read: Callable,
                 previous: int) -> Instruction:
    old = (change.old or {}).get(language)
    new = (change.new or {}).get(language)
    place = change.place if change.new is not None else (change.old_place or change.place)
    if old is None or not old.strip():
        return Instruction("insert", place, new=new_read({language: new}),
                           previous=previous if change.place.kind == "paragraph" else None)
    if new is None or not new.strip():
        return Instruction("delete", place)
    old_sentences, new_sentences = _sentences(old, language), _sentences(new, language)
    matcher = difflib.SequenceMatcher(None, old_sentences, new_sentences, autojunk=False)
    edits = [opcode for opcode in matcher.get_opcodes() if opcode[0] != "equal"]
    if len(old_sentences) > 1 and len(edits) == 1:
        tag, i1, i2, j1, j2 = edits[0]
        if tag == "delete" and i2 - i1 == 1:
            return Instruction("delete", place, sentence=i1 + 1,
                               old=old_read({language: old_sentences[i1]}))
        if tag == "insert" and i1 > 0:  # read as a change of the sentence before it
            i1, j1 = i1 - 1, j1 - 1
        elif tag == "insert":  # or, at the start, of the sentence after it
            i2, j2 = 1, j2 + 1
        if i2 - i1 == 1:
            was, now = old_sentences[i1], " ".join(new_sentences[j1:j2])
            was, now = _fragment(was, now) or (was, now)
            return Instruction("replace", place, sentence=i1 + 1,
                               old=old_read({language: was}), new=new_read({language: now}))
    fragment = _fragment(old, new)
    if fragment:  # one stretch of a long text: quoted with the words around it
        return Instruction("replace", place, old=old_read({language: fragment[0]}),
                           new=new_read({language: fragment[1]}))
    return Instruction("replace", place, old=old_read({language: old}),
                       new=new_read({language: new}))


_SENTENCE_END = frozenset(".!?;。！？；")


def _words(found: list[str], count: int, backwards: bool = False) -> list[str]:
    """The first tokens of `found` holding `count` words (two CJK characters count as one),
    not past the end of a sentence: context is quoted from the sentence of the change."""
    taken: list[str] = []
    for token in found:
        if count <= 0 or (backwards and token in _SENTENCE_END):
            break
        taken.append(token)
        if not backwards and token in _SENTENCE_END:
            break
        if any(char.isalnum() for char in token):
            count -= 0.5 if is_cjk(token[0]) else 1
    return taken


_CLAUSE_END = frozenset("，、；：。！？,;:.!?")


def _clause(found: list[str]) -> list[str]:
    """The tokens of `found` up to the first mark that ends a clause."""
    taken: list[str] = []
    for token in found:
        if token in _CLAUSE_END:
            break
        taken.append(token)
    return taken


_MARKUP = re.compile(r"[*_\[\]{}<>`]")


def _fragment(old: str, new: str) -> tuple[str, str] | None:
    """The one changed stretch of a text, with enough words around it to be found once in
    the old text ("for 'the main areas' read 'the Sectors' main areas'"), when the text has
    one such stretch, no markup in it, and it is well short of the whole."""
    segments = diff(old, new)
    changed = [index for index, segment in enumerate(segments) if segment.op != "equal"]
    if not changed:
        return None
    first, last = changed[0], changed[-1]
    if any(segments[index].op == "equal" and len(tokens(segments[index].text)) > 2
           for index in range(first, last)):
        return None  # changes apart from each other: the whole text is clearer
    before = tokens(segments[first - 1].text) if first > 0 else []
    after = tokens(segments[last + 1].text) if last + 1 < len(segments) else []
    middle = segments[first:last + 1]
    # Text without spaces between words (CJK) is quoted by the clause, which cannot cut a
    # word in two; other text with a few words on either side.
    near = "".join(before[-1:] + [segment.text for segment in middle] + after[:1])
    spans = (((_clause(before[::-1])[::-1], _clause(after)),) if any(map(is_cjk, near)) else
             ((_words(before[::-1], words, backwards=True)[::-1], _words(after, words))
              for words in (3, 6, 12)))
    for head_tokens, tail_tokens in spans:
        head, tail = "".join(head_tokens), "".join(tail_tokens)
        old_part = head + "".join(s.text for s in middle if s.op != "insert") + tail
        new_part = head + "".join(s.text for s in middle if s.op != "delete") + tail
        if old.count(old_part.strip()) == 1:
            old_part, new_part = old_part.strip(), new_part.strip()
            if _MARKUP.search(old_part + new_part) or len(old_part) > len(old) / 2:
                return None
            return old_part, new_part
    return None


def _sentences(text: str, language: str) -> list[str]:
    cuts = [0, *sentence_ends(text, language), len(text)]
    return [text[start:end].strip() for start, end in zip(cuts, cuts[1:])
            if text[start:end].strip()]


def _renumbering(comparison: Comparison) -> dict[str, Instruction]:
    """Runs of paragraphs (and of footnotes) moved by the same amount, keyed by the change
    where each run starts: "Paragraphs 24 to 89 become paragraphs 25 to 90"."""
    found: dict[str, Instruction] = {}
    for kind, kinds in (("paragraph", ("paragraph",)), ("footnote", ("footnote", "annex-note"))):
        runs: list[list[Change]] = []
        for change in comparison.changes:
            if change.place.kind not in kinds:
                continue
            if not change.renumbered:
                if runs and runs[-1]:
                    runs.append([])  # an unmoved paragraph (or note) ends a run
                continue
            if runs and runs[-1] and _continues(runs[-1][-1], change):
                runs[-1].append(change)
            else:
                runs.append([change])
        for run in filter(None, runs):
            first, last = run[0], run[-1]
            found[first.key] = Instruction("renumber", Place(kind), numbers=(
                first.old_number, last.old_number, first.new_number,  # type: ignore[arg-type]
                last.new_number))
    return found


def _continues(last: Change, change: Change) -> bool:
    """Whether `change` moved as `last` did, and follows it."""
    assert last.old_number and last.new_number and change.old_number and change.new_number
    return (change.old_number == last.old_number + 1
            and change.new_number - change.old_number == last.new_number - last.old_number)


def corrigendum_document(comparison: Comparison, languages: tuple[str, ...],
                         suffix: str | None, date: dt.date | None) -> Document:
    """The new version's document as the corrigendum's masthead shows it: "CDIP/28/2 Corr.".

    Its date is `--date`'s, else the header's Corr. issue's; never the clock's, so that the
    same versions give the same files whenever they are written."""
    new = comparison.new.document
    issue = new.header.issue
    if issue and issue.kind == "Corr.":
        suffix, date = suffix or issue.suffix, date or issue.date
    if date is None:
        raise UsageError(
            "the corrigendum has no date: give it with --date YYYY-MM-DD, or say it in the "
            "report's header (content/report.yaml, under 'document:': 'issue:' with "
            "'suffix: Corr.' and 'date: YYYY-MM-DD')")
    issue = Issue(suffix=suffix or "Corr.", date=date, languages=list(languages))
    return replace(new, header=new.header.model_copy(update={"issue": issue}))


class _CorrigendumContext(BuildContext):
    """The language switcher offers the corrigenda written, no others."""

    @property
    def page_names(self) -> dict[str, str]:
        return {code: self.file_name(code, "html") for code in self.languages}


def write_corrigenda(comparison: Comparison, theme: Theme, output: Path,
                     languages: tuple[str, ...], suffix: str | None, date: dt.date | None,
                     cache: Path | None, owned: tuple[Path, ...] = ()
                     ) -> tuple[list[Path], tuple[str, ...]]:
    """A corrigendum's HTML and PDF for each language whose text changed, written at once;
    earlier files in the `owned` folders are removed (all of them when none changed)."""
    listed = corrigenda(comparison, theme)
    corrected = tuple(listed)
    chosen = tuple(code for code in languages if code in corrected)
    if not chosen:
        write_outputs({}, owned)
        return [], ()
    document = corrigendum_document(comparison, corrected, suffix, date)
    context = _CorrigendumContext(document, theme, chosen)
    slug = symbol_slug(document.symbol)
    files: dict[Path, bytes] = {}
    jobs = {}
    for language in chosen:
        extra = {"instructions": listed[language],
                 "concerns": corrected[0] if len(corrected) == 1 else None}
        name = f"{slug}.{language}"  # what context.file_name gives, the switcher's links
        files[output / f"{name}.html"] = context.page(
            language, "screen", template="corrigendum.html", **extra).encode("utf-8")
        html = context.page(language, "print", "body", template="corrigendum.html", **extra)
        jobs[output / f"{name}.pdf"] = PdfJob(f"{name}.pdf", (
            PdfPartJob(f"{name}.pdf", html, theme.assets),))
    for asset in sorted(theme.assets.rglob("*")):
        if asset.is_file():
            files[output / PurePosixPath("assets", *asset.relative_to(theme.assets).parts)] = \
                asset.read_bytes()
    with JobRunner(RenderCache(cache) if cache else None, None) as runner:
        runner.start(jobs)
        results = runner.finish()
    files.update({path: results[path].data for path in jobs})
    write_outputs(files, owned)
    return sorted(files), chosen

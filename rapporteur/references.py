"""Cross-references from the text to the annexes: `{rec:13,14,17}`, `{project:smart-ip}`.

Part of validation. A reference names recommendations (Annex I) by number, or a project
(Annex II) by the id it has in projects.yaml; the renderer writes the words in the reader's
language and links them, and resolve records which paragraph cites what, for the back-links.

    {rec:13}            Development Agenda Recommendation 13
    {rec:13,14,17}      Development Agenda Recommendations 13, 14 and 17
    {rec:13-17}         Development Agenda Recommendations 13 to 17
    {project:ID}        the project's title from projects.yaml
    {project:ID|words}  the author's own words for it, linked the same way

This module parses references, checks them against the annex data (unknown numbers and ids are
errors, with a "did you mean"), and finds the mentions that were left as plain text
("建议 13", "recommendations 3 and 42"): warnings, errors under --strict.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from typing import Iterator

from .errors import Problem
from .load import Location, SourceFile
from .markup import REFERENCE_PATTERN, plain_runs, references
from .model import ParagraphBlock
from .parity import paragraphs
from .validate import ValidContent, paragraph_texts

KINDS = ("rec", "project")

_NUMBERS = re.compile(r"^\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*$")
# Bounds checked before a number is converted or an id compared: a recommendation number is at
# most 999 and an id at most 80 characters (model.py), so anything far longer is a mistake, told
# at once. Without them a 5,000-digit number stopped the build in int() (Python refuses to
# convert more than 4,300 digits) and a long id was compared with every id for a suggestion.
_LONGEST_NUMBER = 12  # digits: "{rec:1-999999999999}" is still "there is no recommendation …"
_LONGEST_ID = 80


class ReferenceSyntaxError(ValueError):
    """A reference that cannot be read; the message and hint are for the author."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Reference:
    kind: str  # "rec" or "project"
    spans: tuple[tuple[int, int], ...] = ()  # rec: (first, last) for each number or range
    id: str = ""  # project: its id in projects.yaml
    text: str | None = None  # project: the author's own words, if any

    @property
    def numbers(self) -> tuple[int, ...]:
        return tuple(n for first, last in self.spans for n in range(first, last + 1))

    @property
    def targets(self) -> tuple[str, ...]:
        """What the reference cites: "rec-13", "project-smart-ip"…, the ids of the annex rows."""
        if self.kind == "rec":
            return tuple(f"rec-{n}" for n in self.numbers)
        return (f"project-{self.id}",)


def parse_reference(kind: str, value: str) -> Reference:
    """The reference written `{kind:value}`; raises ReferenceSyntaxError if it cannot be read."""
    if kind not in KINDS:
        close = difflib.get_close_matches(kind, KINDS, n=1, cutoff=0.5)
        raise ReferenceSyntaxError(
            f"unknown kind of reference '{{{kind}:…}}'",
            f"did you mean '{{{close[0]}:…}}'?" if close else
            "references are {rec:NUMBERS} and {project:ID}")
    value = value.strip()
    if kind == "project":
        project_id, bar, text = value.partition("|")
        if len(project_id.strip()) > _LONGEST_ID:
            raise ReferenceSyntaxError(
                f"'{{project:{_shown(project_id.strip())}}}' is too long for a project id",
                f"a project id has at most {_LONGEST_ID} characters: use the id from "
                "projects.yaml")
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", project_id.strip()):
            raise ReferenceSyntaxError(f"'{{project:{_shown(value)}}}' does not name a project id",
                                       "write {project:ID} with the id from projects.yaml")
        if bar and not text.strip():
            raise ReferenceSyntaxError("the words after '|' are empty",
                                       "write the words after '|', or remove the '|'")
        return Reference("project", id=project_id.strip(), text=text.strip() if bar else None)
    compact = re.sub(r"\s+", "", value)
    if not _NUMBERS.match(compact):
        raise ReferenceSyntaxError(f"'{{rec:{_shown(value)}}}' is not a list of recommendation "
                                   "numbers", "write numbers and ranges separated by commas, "
                                   "e.g. {rec:13,14,17} or {rec:13-17}")
    spans: list[tuple[int, int]] = []
    for part in compact.split(","):
        first, dash, last = part.partition("-")
        longest = max(first, last, key=len)
        if len(longest) > _LONGEST_NUMBER:
            raise ReferenceSyntaxError(
                f"'{_shown(longest)}' ({len(longest)} digits) is too long for a recommendation "
                "number", "write the number of a recommendation of Annex I, e.g. {rec:13}")
        span = (int(first), int(last or first))
        if dash and span[1] <= span[0]:
            raise ReferenceSyntaxError(f"the range '{part}' does not go upwards",
                                       "write a range from the lower number to the higher")
        # Compared span by span, never expanded: {rec:1-999999999} costs nothing to reject.
        if spans and span[0] <= spans[-1][1]:
            raise ReferenceSyntaxError(f"'{{rec:{_shown(value)}}}' repeats or reorders numbers",
                                       "list each recommendation once, in increasing order")
        spans.append(span)
    return Reference("rec", spans=tuple(spans))


def _shown(written: str, limit: int = 40) -> str:
    """`written` as a message quotes it: cut after `limit` characters (the excerpt shows more)."""
    return written if len(written) <= limit else written[:limit] + "…"


def text_references(text: str) -> list[Reference]:
    """The references of a text that validation accepted, parsed."""
    return [parse_reference(kind, value) for kind, value in references(text)]


# --- where references may stand ---------------------------------------------------------------

def _paragraph_parts(block: ParagraphBlock) -> Iterator[tuple[Location, dict[str, str]]]:
    """A paragraph's texts and its footnotes: a reference in a note is cited by the paragraph."""
    yield from paragraph_texts(block)
    for footnote_id, text in block.footnotes.items():
        yield ("footnotes", footnote_id), text


def body_texts(content: ValidContent) -> Iterator[tuple[SourceFile, Location, dict[str, str],
                                                          int | None]]:
    """Every text of the body with the number of its paragraph (None for titles, headings)."""
    for number, source, where, block in paragraphs(content):
        for location, text in _paragraph_parts(block):
            yield source, where + location, text, number
    for section in content.sections:
        if section.content.title is not None:
            yield section.source, ("title",), section.content.title, None
        for index, block in enumerate(section.content.blocks):
            if not isinstance(block, ParagraphBlock):
                yield section.source, ("blocks", index, "heading"), block.heading, None


def _annex_texts(content: ValidContent) -> Iterator[tuple[SourceFile, Location, dict[str, str]]]:
    """The texts outside the body: the report's header and end markers, and the annex data."""
    loaded = content.loaded
    header = content.report.document
    for key in ("original_language", "committee", "session", "dates_and_place", "title",
                "prepared_by", "summary", "author"):
        if getattr(header, key) is not None:
            yield loaded.report, ("document", key), getattr(header, key)
    if header.issue is not None and header.issue.note is not None:
        yield loaded.report, ("document", "issue", "note"), header.issue.note
    for key in ("body", "document"):
        yield loaded.report, ("end_markers", key), getattr(content.report.end_markers, key)
    recommendations = content.recommendations
    for key in ("title", "immediate_note", "results_note"):
        yield loaded.recommendations, (key,), getattr(recommendations, key)
    for index, recommendation in enumerate(recommendations.recommendations):
        yield loaded.recommendations, ("recommendations", index, "text"), recommendation.text
    for index, result in enumerate(content.results.results):
        yield loaded.results, ("results", index, "text"), result.text
    yield loaded.projects, ("title",), content.projects.title
    for index, group in enumerate(content.projects.groups):
        yield loaded.projects, ("groups", index, "title"), group.title
        for position, project in enumerate(group.projects):
            yield (loaded.projects, ("groups", index, "projects", position, "title"),
                   project.title)


# --- the checks -------------------------------------------------------------------------------

def _problem(source: SourceFile, location: Location, written: str, message: str, hint: str,
             severity: str = "error") -> Problem:
    """A problem at the reference itself: the line and column where `written` stands in the
    file, searched from the text's key on; the key's own position if it was wrapped."""
    problem = source.problem(location, message, hint, severity)
    if problem.line is None:
        return problem
    lines = source.lines
    for number in range(problem.line - 1, min(len(lines), problem.line + 200)):
        column = lines[number].find(written)
        if column >= 0:
            return replace(problem, line=number + 1, column=column + 1, source_line=lines[number])
    return problem


def _check_text(content: ValidContent, source: SourceFile, location: Location,
                text: dict[str, str], paragraph: int | None, problems: list[Problem],
                misplaced_hint: str = "") -> None:
    languages = [language.code for language in content.report.languages]
    count = len(content.recommendations.recommendations)
    project_ids = [project.id for group in content.projects.groups for project in group.projects]
    cited: dict[str, set[str]] = {}
    reported = len(problems)
    for language in languages:
        cited[language] = set()
        where = location + (language,)
        for run in plain_runs(text[language]):
            for match in REFERENCE_PATTERN.finditer(run):
                problems.append(_problem(source, where, match.group(),
                                         "a reference cannot stand in the text of a link",
                                         "move it out of the link's [brackets]"))
        for kind, value in references(text[language]):
            written = f"{{{kind}:{value}}}"
            if paragraph is None:
                problems.append(_problem(
                    source, where, written, "a reference can only stand in a paragraph, "
                    "its items or its footnotes", misplaced_hint))
                continue
            try:
                reference = parse_reference(kind, value)
            except ReferenceSyntaxError as error:
                problems.append(_problem(source, where, written, str(error), error.hint))
                continue
            unknown = [n for span in reference.spans for n in span if not 1 <= n <= count]
            if unknown:
                problems.append(_problem(source, where, written,
                                         f"there is no recommendation {unknown[0]}",
                                         f"Annex I has recommendations 1 to {count}"))
                continue
            if reference.kind == "project" and reference.id not in project_ids:
                close = difflib.get_close_matches(reference.id, project_ids, n=1, cutoff=0.4)
                problems.append(_problem(
                    source, where, written, f"unknown project '{reference.id}'",
                    f"did you mean '{close[0]}'?" if close else
                    f"use the id of a project in {content.loaded.projects.path.name}"))
                continue
            cited[language].update(reference.targets)
    if len(problems) > reported:
        return  # a reference that cannot be read: the languages are compared once it is fixed
    first = languages[0]
    for language in languages[1:]:
        if cited[language] != cited[first]:
            different = sorted(cited[language] ^ cited[first])
            problems.append(source.problem(
                location + (language,),
                f"the '{language}' text does not cite the same annex rows as the '{first}' "
                f"text ({', '.join(different)})", "use the same references in every language"))


def _check_project_ids(content: ValidContent, problems: list[Problem]) -> None:
    source = content.loaded.projects
    first_line: dict[str, int | None] = {}
    for index, group in enumerate(content.projects.groups):
        for position, project in enumerate(group.projects):
            where = ("groups", index, "projects", position, "id")
            if project.id in first_line:
                problems.append(source.problem(
                    where, f"project id '{project.id}' appears twice",
                    f"it is already used on line {first_line[project.id]}; "
                    "give each project its own id"))
            else:
                first_line[project.id] = source.position(where)[0]


# A mention is "建议" or "recommendation(s)" followed by a number, unless the number carries a
# letter ("建议 2(a)": another body's recommendation with sub-items) or the sentence names
# another document before it ("JIU/REP/2011/3, Recommendation 3").
_MENTION = re.compile(r"(?:建议|\brecommendations?)\s*(\d+)(?!\d|\s*\([a-z]\))", re.IGNORECASE)
_OTHER_DOCUMENT = re.compile(r"\b[A-Z]{2,}(?:/[A-Za-z0-9.]+)+")
_SENTENCE_END = re.compile(r"[.;。；]\s|[。；]")


def plain_mentions(text: str) -> list[str]:
    """Recommendation numbers written out in a text instead of as a reference."""
    found = []
    for run in plain_runs(text):
        for match in _MENTION.finditer(run):
            sentence = _SENTENCE_END.split(run[:match.start()])[-1]
            if not _OTHER_DOCUMENT.search(sentence):
                found.append(match.group())
    return found


def _check_mentions(content: ValidContent, source: SourceFile, location: Location,
                    text: dict[str, str], problems: list[Problem]) -> None:
    for language, value in text.items():
        where = location + (language,)
        for mention in plain_mentions(value):
            problems.append(_problem(
                source, where, mention, f"'{_shown(mention)}' names a recommendation in plain "
                "text",
                "write it as a reference, e.g. {rec:13} or {rec:13,14,17}, so that it links "
                "to Annex I", severity="warning"))
        runs = "\n".join(plain_runs(value))  # a title within one run of text
        for group in content.projects.groups:
            for project in group.projects:
                title = project.title[language]
                if title in runs:
                    problems.append(_problem(
                        source, where, title[:20],
                        f"the title of project '{project.id}' is written in plain text",
                        f"write {{project:{project.id}}}, so that it links to Annex II",
                        severity="warning"))


def check_references(content: ValidContent) -> list[Problem]:
    """Every reference can be read and names an existing recommendation or project (errors);
    no recommendation or project of the body is left in plain text (warnings).

    References stand in paragraphs, their items and footnotes, where they are cited by the
    paragraph's number; every language of a text cites the same rows, so that the annexes'
    back-links hold in each language.
    """
    return reference_errors(content) + plain_mentions_left(content)


def reference_errors(content: ValidContent) -> list[Problem]:
    """The references that cannot be rendered: checked before any build, previews too."""
    problems: list[Problem] = []
    _check_project_ids(content, problems)
    for source, location, text, paragraph in body_texts(content):
        _check_text(content, source, location, text, paragraph, problems,
                    "mention the recommendation or project in the paragraph that follows")
    for source, location, text in _annex_texts(content):
        _check_text(content, source, location, text, None, problems,
                    "write the annex text out in full")
    return problems


def plain_mentions_left(content: ValidContent) -> list[Problem]:
    """Recommendations and projects of the body written as plain text (warnings)."""
    problems: list[Problem] = []
    for source, location, text, paragraph in body_texts(content):
        if paragraph is not None:
            _check_mentions(content, source, location, text, problems)
    return problems


def body_references(content: ValidContent) -> Iterator[tuple[int, Reference]]:
    """(paragraph number, reference) for every reference of the body, in the first language."""
    first = content.report.languages[0].code
    for _, _, text, paragraph in body_texts(content):
        if paragraph is not None:
            for reference in text_references(text[first]):
                yield paragraph, reference

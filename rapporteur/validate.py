"""Stage 2, validate: check loaded data against the schema and across files.

Produces a `ValidContent` (typed models, still in the authors' order) or raises a ContentError
listing every problem found, each pinned to the file and line where the author can fix it.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterator, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import ContentError, Problem
from .load import LoadedContent, Location, SourceFile
from .markup import footnote_ids
from .model import (LANGUAGE_CODE_PATTERN, RESULT_CODE_PATTERN, SCHEMA_KEYS,
                    GlossaryFile, ParagraphBlock, ProjectsFile, RecommendationsFile, ReportFile,
                    ResultsFile, SectionFile)

M = TypeVar("M", bound=BaseModel)

MAX_LINKED_RESULT_CHARS = 1_000_000  # the sample's Annex I repeats 26,368 characters
_MAX_GUESSES = 50  # unknown codes that get a "did you mean" hint


@dataclass(frozen=True)
class Section:
    source: SourceFile
    content: SectionFile


@dataclass(frozen=True)
class ValidContent:
    """Content that passed every check, with the source files kept for later warnings."""

    report: ReportFile
    sections: list[Section]
    results: ResultsFile
    recommendations: RecommendationsFile
    projects: ProjectsFile
    glossary: GlossaryFile | None
    loaded: LoadedContent


_TYPE_NAMES = {"string": "text", "int": "a whole number", "bool": "true or false",
               "date": "a date (YYYY-MM-DD)", "list": "a list", "dict": "a mapping (key: value)"}


def _data_location(data: Any, loc: tuple) -> Location:
    """Pydantic's error location, less the union tags that are not keys of the data."""
    location: list[str | int] = []
    current = data
    for part in loc:
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
        elif isinstance(part, str) and part.endswith("-block"):
            continue  # a tag of the block union, not a key
        else:
            location.append(part)
            break
        location.append(part)
    return tuple(location)


def _describe(error: dict, location: Location) -> tuple[str, str | None]:
    kind = error["type"]
    key = location[-1] if location else ""
    if kind == "missing":
        return f"missing '{key}'", f"add '{key}:' here"
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(key), SCHEMA_KEYS, n=1)
        return (f"unknown key '{key}'",
                f"did you mean '{close[0]}'?" if close else "remove it, or check its indentation")
    if kind == "link_not_allowed":
        return error["msg"], "links may use http, https or mailto, or be relative"
    if kind == "footnote_not_allowed":
        where = next((key for key in reversed(location[:-1]) if isinstance(key, str)), "")
        if len(location) > 2 and location[-3] == "footnotes":
            return ("a footnote cannot reference another footnote",
                    "write the reference out in the footnote's text")
        return (f"a footnote cannot stand in a {where}" if where == "heading" else
                f"a footnote cannot stand in '{where}'",
                "footnotes are called only from a paragraph and its items; move the call into "
                "the paragraph that follows")
    if kind == "missing_translation":
        code = error["ctx"]["code"]
        return error["msg"], f"add '{code}:' with the text in that language"
    if kind == "string_pattern_mismatch":
        value = error["input"]
        return {
            RESULT_CODE_PATTERN: (f"'{value}' is not a result code",
                                  'write the code as "GOAL.RESULT" in quotes, e.g. "3.2"; '
                                  "each number from 1 to 99"),
            LANGUAGE_CODE_PATTERN: (f"'{value}' is not a language code",
                                    "use the two- or three-letter code, e.g. 'en'"),
        }.get(error["ctx"]["pattern"], (f"'{value}' is not allowed here",
                                        "use lowercase letters, digits and '-'"))
    for name, label in _TYPE_NAMES.items():
        if kind == f"{name}_type" or kind == f"{name}_parsing":
            got = type(error["input"]).__name__
            got = {"str": "text", "int": "a number", "float": "a number", "NoneType": "nothing",
                   "dict": "a mapping", "list": "a list", "bool": "true/false",
                   "date": "a date"}.get(got, got)
            hint = "put the text in quotes" if name == "string" else None
            if name == "string" and got == "nothing":
                hint = "write the text after the colon, or remove the key"
            return f"expected {label}, got {got}", hint
    # A check of the schema's own may carry its hint with its message.
    return error["msg"], (error.get("ctx") or {}).get("hint")


def validate_model(model: type[M], source: SourceFile, languages: list[str],
                   problems: list[Problem]) -> M | None:
    try:
        return model.model_validate(source.data, context={"languages": languages})
    except ValidationError as failure:
        for error in failure.errors():
            location = _data_location(source.data, error["loc"])
            if error["type"] in ("empty_translation", "unknown_language", "link_not_allowed",
                                 "footnote_not_allowed", "bad_stamp"):
                location += (error["ctx"]["code"],)  # point at the language's own line
            message, hint = _describe(error, location)
            problems.append(source.problem(location, message, hint))
        return None


def _declared_languages(report: SourceFile) -> list[str]:
    """The language codes report.yaml declares, read leniently so every file can be checked."""
    languages = report.data.get("languages") if isinstance(report.data, dict) else None
    if not isinstance(languages, list):
        return []
    return [entry["code"] for entry in languages
            if isinstance(entry, dict) and isinstance(entry.get("code"), str)]


def paragraph_texts(block: ParagraphBlock) -> Iterator[tuple[Location, dict[str, str]]]:
    """Every localized text of a paragraph, with its location inside the block."""
    yield ("paragraph",), block.paragraph
    for index, item in enumerate(block.items):
        yield ("items", index, "text"), item.text
        for more, text in enumerate(item.continued):
            yield ("items", index, "continued", more), text


def _check_footnotes(sections: list[Section], languages: list[str],
                     problems: list[Problem]) -> None:
    defined_at: dict[str, tuple[SourceFile, Location]] = {}
    for section in sections:
        source = section.source
        for index, block in enumerate(section.content.blocks):
            where = ("blocks", index)
            if not isinstance(block, ParagraphBlock):
                continue
            for footnote_id in block.footnotes:
                if footnote_id in defined_at:
                    first_source, first_where = defined_at[footnote_id]
                    line, _ = first_source.position(first_where)
                    problems.append(source.problem(
                        where + ("footnotes", footnote_id),
                        f"footnote '{footnote_id}' is defined twice",
                        f"it is already defined in {first_source.path.name}:{line}; "
                        "give one of them another id"))
                else:
                    defined_at[footnote_id] = (source, where + ("footnotes", footnote_id))
            for language in languages:
                used: Counter[str] = Counter()
                for location, text in paragraph_texts(block):
                    for footnote_id in footnote_ids(text[language]):
                        used[footnote_id] += 1
                        if footnote_id not in block.footnotes:
                            known = difflib.get_close_matches(footnote_id, list(block.footnotes), 1)
                            problems.append(source.problem(
                                where + location + (language,),
                                f"footnote '{footnote_id}' is not defined in this paragraph",
                                f"did you mean '{known[0]}'?" if known else
                                f"add '{footnote_id}:' under this paragraph's 'footnotes:'"))
                        elif used[footnote_id] == 2:
                            problems.append(source.problem(
                                where + location + (language,),
                                f"footnote '{footnote_id}' is referenced twice in the "
                                f"'{language}' text", "a footnote is referenced exactly once"))
                for footnote_id in block.footnotes:
                    if not used[footnote_id]:
                        problems.append(source.problem(
                            where + ("footnotes", footnote_id),
                            f"footnote '{footnote_id}' is never referenced in the '{language}' text",
                            f"put [^{footnote_id}] where its number belongs, or remove the footnote"))


def _check_annex(loaded: LoadedContent, results: ResultsFile | None,
                 recommendations: RecommendationsFile | None, projects: ProjectsFile | None,
                 problems: list[Problem]) -> None:
    """Annex data across files; each check runs if the files it needs passed the schema."""
    results_source = loaded.results
    codes: dict[str, int] = {}
    for index, result in enumerate(results.results if results else []):
        if result.code in codes:
            problems.append(results_source.problem(
                ("results", index, "code"), f"result code '{result.code}' appears twice",
                f"it is already listed as entry {codes[result.code] + 1}"))
        codes.setdefault(result.code, index)

    recs_source = loaded.recommendations
    guesses: dict[str, list[str]] = {}
    linked_chars = 0
    for index, recommendation in enumerate(recommendations.recommendations
                                           if recommendations else []):
        expected = index + 1
        if recommendation.number != expected:
            problems.append(recs_source.problem(
                ("recommendations", index, "number"),
                f"recommendation {recommendation.number} stands where recommendation "
                f"{expected} is expected",
                "recommendations are numbered 1, 2, 3… in order, without gaps or repeats"))
        for position, code in enumerate(recommendation.results):
            if results and code not in codes:
                if code not in guesses:
                    # A guess compares with every code: only the first few unknown codes get
                    # one, so that a file of unknown codes is reported in linear time.
                    guesses[code] = (difflib.get_close_matches(code, list(codes), 1)
                                     if len(guesses) < _MAX_GUESSES else [])
                close = guesses[code]
                problems.append(recs_source.problem(
                    ("recommendations", index, "results", position),
                    f"unknown expected result '{code}'",
                    f"did you mean '{close[0]}'? " if close else
                    f"add it to {results_source.path.name}, or correct the code"))
            elif code in codes and results and linked_chars <= MAX_LINKED_RESULT_CHARS:
                # Each row repeats the texts of the results it links to: the annex grows with
                # rows × links × text, so that product is bounded, not only the files' sizes.
                linked_chars += sum(map(len, results.results[codes[code]].text.values()))
                if linked_chars > MAX_LINKED_RESULT_CHARS:
                    problems.append(recs_source.problem(
                        ("recommendations", index, "results", position),
                        f"the recommendations link to more than {MAX_LINKED_RESULT_CHARS:,} "
                        "characters of expected-result text in all",
                        "each link repeats the result's text in Annex I: link fewer results, "
                        "or shorten their texts"))
        if len(set(recommendation.results)) != len(recommendation.results):
            problems.append(recs_source.problem(
                ("recommendations", index, "results"), "an expected result is listed twice"))

    projects_source = loaded.projects
    seen: set[str] = set()
    # (language, name) → where it is first listed: (group, 'projects', position)
    listed: dict[tuple[str, str], tuple[int, str, int]] = {}
    for index, group in enumerate(projects.groups if projects else []):
        if group.status in seen:
            problems.append(projects_source.problem(
                ("groups", index, "status"), f"status '{group.status}' appears twice",
                "merge the two groups"))
        seen.add(group.status)
        statuses = [other.status for other in projects.groups]  # type: ignore[union-attr]
        if group.next_edition is not None and (group.next_edition == group.status
                                               or group.next_edition not in statuses):
            problems.append(projects_source.problem(
                ("groups", index, "next_edition"),
                f"'{group.next_edition}' is not another group's status",
                f"write the status of the group this group's projects join in the next edition "
                f"({', '.join(status for status in statuses if status != group.status)}); "
                "without 'next_edition' they stay in this group"))
        for position, project in enumerate(group.projects):
            # A project has one status: the same name twice is counted twice in the annex.
            first = next((listed[key] for key in project.title.items() if key in listed), None)
            if first is not None:
                line, _ = projects_source.position(("groups",) + first)
                problems.append(projects_source.problem(
                    ("groups", index, "projects", position),
                    "this project is already listed" + (
                        "" if first[0] == index else
                        f" under '{projects.groups[first[0]].status}'"),
                    f"it is on line {line}; a project is listed once, under its status"))
            for key in project.title.items():
                listed.setdefault(key, (index, "projects", position))


def validate_content(loaded: LoadedContent) -> ValidContent:
    problems: list[Problem] = []
    languages = _declared_languages(loaded.report)
    report = validate_model(ReportFile, loaded.report, languages, problems)
    sections = []
    for source in loaded.body:
        section = validate_model(SectionFile, source, languages, problems)
        if section:
            sections.append(Section(source, section))
    results = validate_model(ResultsFile, loaded.results, languages, problems)
    recommendations = validate_model(RecommendationsFile, loaded.recommendations, languages,
                                     problems)
    projects = validate_model(ProjectsFile, loaded.projects, languages, problems)
    glossary = (validate_model(GlossaryFile, loaded.glossary, [], problems)
                if loaded.glossary else None)
    if len(set(languages)) != len(languages):
        problems.append(loaded.report.problem(("languages",), "a language is declared twice"))
    if report and report.source not in languages:
        problems.append(loaded.report.problem(
            ("source",), f"the source language '{report.source}' is not declared",
            f"name one of the declared languages ({', '.join(languages)})"))
    # Cross-file checks run on whatever passed the schema, so one run reports everything.
    _check_footnotes(sections, languages, problems)
    _check_annex(loaded, results, recommendations, projects, problems)
    if problems or not (report and results and recommendations and projects):
        raise ContentError(problems)
    return ValidContent(report, sections, results, recommendations, projects, glossary, loaded)

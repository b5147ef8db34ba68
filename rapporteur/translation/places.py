"""Where a unit stands as the documents print it: "paragraph 24 (ii)", "note 26".

A reviewer speaks of paragraphs and notes by their printed numbers, not by block indexes. The
numbers follow resolve.py's rules (paragraphs counted across the body files in order; footnotes
in the reading order of the first declared language), read leniently from the loaded YAML, as
an export must work on content that does not build yet. Also the words a reader sees for a
cross-reference: a project's title, or the author's own words for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..load import LoadedContent, Location
from ..markup import footnote_ids

Place = tuple[Path, Location]


def printed_places(loaded: LoadedContent, reading_language: str) -> dict[Place, str]:
    found: dict[Place, str] = {}
    paragraph = note = 0
    for file in loaded.body:
        data = file.data if isinstance(file.data, dict) else {}
        if isinstance(data.get("title"), dict):
            found[(file.path, ("title",))] = "section title"
        blocks = data.get("blocks") if isinstance(data.get("blocks"), list) else []
        for index, block in enumerate(blocks):
            if not isinstance(block, dict):
                continue
            where = ("blocks", index)
            if "paragraph" not in block:
                found[(file.path, (*where, "heading"))] = f"heading before paragraph " \
                                                          f"{paragraph + 1}"
                continue
            paragraph += 1
            found[(file.path, (*where, "paragraph"))] = f"paragraph {paragraph}"
            texts = [_text(block.get("paragraph"), reading_language)]
            items = block.get("items") if isinstance(block.get("items"), list) else []
            for number, item in enumerate(items):
                if not isinstance(item, dict):
                    continue
                marker = str(item.get("marker", "")).strip("()")
                found[(file.path, (*where, "items", number, "text"))] = \
                    f"paragraph {paragraph} ({marker})"
                texts.append(_text(item.get("text"), reading_language))
                continued = item.get("continued") if isinstance(item.get("continued"),
                                                                 list) else []
                for more, text in enumerate(continued):
                    found[(file.path, (*where, "items", number, "continued", more))] = \
                        f"paragraph {paragraph} ({marker})"
                    texts.append(_text(text, reading_language))
            for text in texts:
                for footnote in footnote_ids(text):
                    note += 1
                    found[(file.path, (*where, "footnotes", footnote))] = \
                        f"note {note} (paragraph {paragraph})"
    found.update(_annex_places(loaded))
    report = loaded.report.data if isinstance(loaded.report.data, dict) else {}
    for key, name in (("document", "cover page"), ("end_markers", "end marker")):
        for field in report.get(key) or {} if isinstance(report.get(key), dict) else {}:
            found[(loaded.report.path, (key, field))] = f"{name} ({field.replace('_', ' ')})"
    return found


def _annex_places(loaded: LoadedContent) -> dict[Place, str]:
    """Annex rows by what their tables print: a recommendation's number, a result's code."""
    found: dict[Place, str] = {}
    for file, key, field, name in ((loaded.recommendations, "recommendations", "number",
                                    "Annex I, recommendation"),
                                   (loaded.results, "results", "code",
                                    "Annex I, expected result"),
                                   (loaded.projects, "groups", None, "Annex II")):
        data = file.data if file is not None and isinstance(file.data, dict) else {}
        found[(file.path, ("title",))] = f"{name.split(',')[0]} title"
        for note in ("immediate_note", "results_note"):
            found[(file.path, (note,))] = f"{name.split(',')[0]} note"
        rows = data.get(key) if isinstance(data.get(key), list) else []
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                continue
            if field:
                found[(file.path, (key, index, "text"))] = f"{name} {row.get(field)}"
                continue
            found[(file.path, (key, index, "title"))] = f"Annex II, group {index + 1} title"
            projects = row.get("projects") if isinstance(row.get("projects"), list) else []
            for number, project in enumerate(projects):
                if isinstance(project, dict):
                    found[(file.path, (key, index, "projects", number, "title"))] = \
                        f"Annex II, project {project.get('id')}"
    return found


def _text(node: Any, language: str) -> str:
    text = node.get(language) if isinstance(node, dict) else None
    return text if isinstance(text, str) else ""


def project_titles(loaded: LoadedContent, language: str) -> dict[str, str]:
    """Each project's title in `language`, by id, as Annex II prints it."""
    data = loaded.projects.data if loaded.projects and isinstance(loaded.projects.data,
                                                                   dict) else {}
    titles = {}
    for group in data.get("groups") or []:
        for project in (group.get("projects") or []) if isinstance(group, dict) else []:
            if isinstance(project, dict) and isinstance(project.get("id"), str):
                titles[project["id"]] = _text(project.get("title"), language)
    return titles


def shown_words(reference: str, titles: dict[str, str]) -> str:
    """What a reader sees for a reference written `reference` ("{project:x|words}")."""
    kind, _, value = reference.strip("{}").partition(":")
    target, bar, words = value.partition("|")
    if bar:
        return words
    if kind == "project":
        return titles.get(target, reference)
    if kind == "rec":
        return f"Recommendation{'s' if ',' in target or '-' in target else ''} " \
               f"{target.replace(',', ', ').replace('-', ' to ')}"
    return reference

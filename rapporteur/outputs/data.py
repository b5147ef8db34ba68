"""The annexes as open data: Annex I and Annex II as CSV and JSON, one file each per language.

The schema is documented in docs/site.md and versioned by the `schema` field of the JSON files:
a column or key is only ever added, never renamed or removed, without a new version. Texts are
plain text (the Markdown rendered, then stripped of its tags), footnote calls left out, so a
spreadsheet shows what the PDF's reader reads. A CSV cell that a spreadsheet would take for a
formula starts with a "'" (`spreadsheet_safe`); the JSON holds the texts exactly.
"""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import PurePosixPath

from ..markup import render_blocks, render_inline
from .base import BuildContext, Output, Rendered

SCHEMA_VERSION = 1
ANNEX_I_COLUMNS = ("recommendation", "immediate", "recommendation_text", "result_code",
                   "result_label", "result_text", "cited_in_paragraphs")
ANNEX_II_COLUMNS = ("status", "group_title", "number", "project_id", "project",
                    "cited_in_paragraphs")


class DataOutput(Output):
    name = "data"
    description = "the annexes as open data (CSV and JSON per language)"

    def render(self, context: BuildContext) -> Rendered:
        if context.preview:
            return {}  # nothing a page shows: it follows with the full build
        return {PurePosixPath("data") / name: data
                for name, data in annex_data(context).items()}


def annex_data(context: BuildContext) -> dict[str, bytes]:
    """Every data file's name (`cdip-28-2.en.annex-1.csv`, ...) and bytes, per language."""
    files: dict[str, bytes] = {}
    for language in context.languages:
        annex_i, annex_ii = annex_i_records(context, language), annex_ii_records(context, language)
        files[context.file_name(language, "annex-1.json")] = _json(annex_i)
        files[context.file_name(language, "annex-1.csv")] = _csv(ANNEX_I_COLUMNS, [
            (rec["number"], "yes" if rec["immediate"] else "no", rec["text"], result["code"],
             result["label"], result["text"], _numbers(rec["cited_in"]))
            for rec in annex_i["recommendations"] for result in rec["results"]])
        files[context.file_name(language, "annex-2.json")] = _json(annex_ii)
        files[context.file_name(language, "annex-2.csv")] = _csv(ANNEX_II_COLUMNS, [
            (group["status"], group["title"], number, project["id"], project["title"],
             _numbers(project["cited_in"]))
            for group in annex_ii["groups"]
            for number, project in enumerate(group["projects"], start=1)])
    return files


def _head(context: BuildContext, language: str, annex: str, title) -> dict:
    """What both annexes' records begin with: their schema, document, language and title."""
    return {"schema": f"rapporteur/{annex}/v{SCHEMA_VERSION}",
            "document": context.document.symbol, "language": language,
            "title": plain_inline(title[language])}


def annex_i_records(context: BuildContext, language: str) -> dict:
    annex = context.document.annex_i
    return {
        **_head(context, language, "annex-1", annex.title),
        "recommendations": [{
            "number": row.number,
            "immediate": row.immediate,
            "text": plain_blocks(row.text[language]),
            "results": [{"code": result.code, "label": result.label[language],
                         "text": plain_inline(result.text[language])}
                        for result in row.results],
            "cited_in": list(row.cited_in),  # the numbers of the paragraphs that cite it
        } for row in annex.rows],
    }


def annex_ii_records(context: BuildContext, language: str) -> dict:
    annex = context.document.annex_ii
    return {
        **_head(context, language, "annex-2", annex.title),
        "groups": [{
            "status": group.status,
            "title": plain_inline(group.title[language]),
            "count": group.count,
            "projects": [{"id": project.id, "title": plain_inline(project.title[language]),
                          "cited_in": list(project.cited_in)} for project in group.projects],
        } for group in annex.groups],
    }


def _numbers(paragraphs: list[int]) -> str:
    return " ".join(str(number) for number in paragraphs)  # "27 31": one cell, spaced


def plain_inline(text: str) -> str:
    return _PlainText.of(render_inline(text, _no_call))


def plain_blocks(text: str) -> str:
    return _PlainText.of(render_blocks(text, _no_call))


def _no_call(footnote_id: str) -> str:
    return ""  # a footnote call is a pointer into the document, not part of the text


class _PlainText(HTMLParser):
    """The text of rendered Markdown: one line per paragraph or list item, bullets as "- "."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []

    @classmethod
    def of(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        parser.close()
        lines = (" ".join(line.split()) for line in "".join(parser.pieces).split("\n"))
        return "\n".join(line for line in lines if line)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "li":
            self.pieces.append("\n- ")
        elif tag in ("p", "ul", "ol", "br"):
            self.pieces.append("\n")

    def handle_data(self, data: str) -> None:
        self.pieces.append(data.replace("\n", " "))


def _json(records: dict) -> bytes:
    return (json.dumps(records, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# What a spreadsheet program takes for the start of a formula, so that a text such as
# "=HYPERLINK(…)" or "@SUM(…)" would run when the CSV is opened. OWASP's "CSV Injection" page
# lists exactly these first characters, and its remedy is a single quote before the cell, which
# spreadsheets read as "this is text" (and do not show). Followed precisely: only the first
# character counts (a cell that starts with a space is text to a spreadsheet), and the other
# half of OWASP's advice, quoting cells that hold a separator or a quote and doubling quotes, is
# what the csv module does. The JSON keeps every text exactly as it is.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: object) -> object:
    """A CSV cell as a spreadsheet may open it: a text starting like a formula gets a "'"."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS):
        return "'" + cell
    return cell


def _csv(columns: tuple[str, ...], rows: list[tuple]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    # With a byte order mark, spreadsheet programs read the file as UTF-8 (Chinese intact).
    return buffer.getvalue().encode("utf-8-sig")

"""The report as a Word document (.docx) per language: the format editors, translators and
conference services work in, rendered from the same resolved document as the HTML and PDF.

The parts are written with lxml (why not python-docx or pandoc: docs/word.md): `body.py` the
text, `tables.py` Annex I, `notes.py` the footnotes, `runs.py` a text's runs, `package.py` the
zip. It takes well under a second per language, so it is no render job and is not cached.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from babel.dates import format_date
from lxml import etree

from ...render import _print_link, _renderer, load_translations, typesetter
from ..base import BuildContext, Output, Rendered
from .body import Body, PageSection
from .notes import footnotes_part
from .ooxml import Relationships, root, serialise, w
from .package import core_properties, package, reference_parts
from .revisions import Revisions, track_changes
from .runs import Inline, word_language

REFERENCE = "reference.docx"
"""The reference document in the theme's templates folder: its styles are the output's."""

RUNNING_HEADERS = ("page %(number)s", "Annex I, page %(number)s", "Annex II, page %(number)s")
"""The catalogue's label of each page section's running header: the body, Annex I, Annex II."""


class DocxOutput(Output):
    name = "docx"
    description = "one Word document per language, for editing and translation"

    def render(self, context: BuildContext) -> Rendered:
        if context.preview:
            return {}  # `serve` shows pages first: the documents come with the full build
        reference = reference_parts(context.theme.templates / REFERENCE)
        return {PurePosixPath(context.file_name(language, "docx")):
                word_document(context, language, reference)
                for language in context.languages}


def word_document(context: BuildContext, language: str, reference: dict[str, bytes]) -> bytes:
    document = context.document
    spec = document.language(language)
    translations = load_translations(context.theme, language)
    # The cross-references' words come from the theme's macros, as in the PDF.
    references = _renderer(document, language, "print", context.theme, context.environment)
    document_rels, notes_rels = Relationships(), Relationships()
    inline = Inline(spec, typesetter(spec), _print_link(document.header.base_url),
                    references.reference, {note.id: note for note in document.footnotes},
                    document_rels)
    long_date = inline.typesetter.set(format_date(document.date, "long", locale=spec.locale))
    body = Body(document, language, inline, translations.gettext, long_date,
                lambda numbers: str(references.reference_macros.cited_in(numbers)))

    parts: dict[str, bytes] = dict(reference)
    for name in ("styles", "settings", "footnotes", "numbering"):
        document_rels.add(name, f"{name}.xml")
    for name in reference:
        if name != "word/styles.xml":
            document_rels.add("theme" if "theme" in name else "fontTable",
                              name.removeprefix("word/"))
    # The running headers: an empty one for the first pages (the masthead, the annex labels).
    headers = [body.paragraph("Header", [])] + [body.running_header(label)
                                                for label in RUNNING_HEADERS]
    header_rids = []
    for number, header in enumerate(headers, 1):
        parts[f"word/header{number}.xml"] = serialise(root("hdr", header))
        header_rids.append(document_rels.add("header", f"header{number}.xml"))
    sections = tuple(PageSection(header_rids[index + 1], header_rids[0], restart=index > 0)
                     for index in range(3))

    header = document.header
    author = (header.author[language] if header.author
              else translations.gettext("WIPO Secretariat"))
    text = root("document", body.build(sections))
    notes = footnotes_part(inline.called, inline.for_part(notes_rels), spec.direction == "rtl")
    # A redline's marks (versions/redline.py) as tracked changes, by the document's author
    # on its date; a report has none.
    revisions = Revisions(inline.typesetter.set(author), f"{document.date.isoformat()}T00:00:00Z",
                          first_id=body.bookmarks + 1)
    for part in (text, notes):
        track_changes(part, revisions)
    parts["word/document.xml"] = serialise(text)
    parts["word/footnotes.xml"] = serialise(notes)
    parts["word/numbering.xml"] = serialise(_numbering(len(body.project_lists)))
    tag, _ = word_language(spec.locale)
    parts["word/settings.xml"] = serialise(_settings(tag))
    parts["docProps/core.xml"] = core_properties(
        title=f"{header.symbol} – {inline.typesetter.set(header.title[language])}",
        subject=inline.typesetter.set(header.committee[language]),
        creator=inline.typesetter.set(author), language=tag,
        identifier=header.symbol, date=document.date.isoformat())
    return package(parts, document_rels, {"word/footnotes.xml": notes_rels})


def _numbering(lists: int) -> etree._Element:
    """Annex II's numbered lists: one decimal list, started afresh for each group."""
    level = w("lvl", w("start", val=1), w("numFmt", val="decimal"), w("lvlText", val="%1."),
              w("lvlJc", val="left"), w("pPr", w("ind", left=567, hanging=567)), ilvl=0)
    abstract = w("abstractNum", w("multiLevelType", val="singleLevel"), level, abstractNumId=0)
    instances = [w("num", w("abstractNumId", val=0),
                   w("lvlOverride", w("startOverride", val=1), ilvl=0), numId=number)
                 for number in range(1, lists + 1)]
    return root("numbering", abstract, *instances)


def _settings(language: str) -> etree._Element:
    # w:settings children in the schema's order.
    separators = w("footnotePr", w("footnote", id=-1), w("footnote", id=0))
    compatibility = w("compat", w("compatSetting", name="compatibilityMode",
                                  uri="http://schemas.microsoft.com/office/word", val=15))
    return root("settings", w("defaultTabStop", val=720),
                w("characterSpacingControl", val="doNotCompress"), separators, compatibility,
                w("themeFontLang", val=language))

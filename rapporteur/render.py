"""Stage 4, render: the resolved document as one HTML page per language and medium.

Jinja2 templates (autoescaped) get the `Document`, the language, and filters that pick the
language's text and render its inline Markdown. Template strings come from gettext catalogues
in `locales/`, compiled in memory by Babel, so adding a language needs no code.
"""

from __future__ import annotations

import gettext
import html
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Literal
from urllib.parse import urljoin, urlsplit

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import (BytecodeCache, Environment, FileSystemLoader, StrictUndefined,
                    select_autoescape)
from jinja2.bccache import Bucket
from markupsafe import Markup, escape

from .errors import UsageError
from .markup import render_blocks, render_inline
from .model import SPACES, LanguageSpec
from .references import parse_reference
from .resolve import Document, Footnote
from .text import Typesetter
from .versions import marks

Medium = Literal["screen", "print"]

PRINT_PARTS = ("body", "annex-1", "annex-2")
"""The print edition's parts: each is paginated on its own ("Annex I, page 2")."""


@dataclass(frozen=True)
class Theme:
    """Where the templates and message catalogues live."""

    templates: Path
    locales: Path

    @property
    def assets(self) -> Path:
        return self.templates / "assets"


def load_translations(theme: Theme, language: str) -> gettext.NullTranslations:
    """The language's catalogue (locales/LANG/LC_MESSAGES/messages.po), compiled in memory."""
    po_path = theme.locales / language / "LC_MESSAGES" / "messages.po"
    if not po_path.is_file():
        raise UsageError(f"no message catalogue for '{language}': expected {po_path}")
    return _compiled_catalogue(po_path.read_bytes(), language)


@lru_cache(maxsize=32)
def _compiled_catalogue(po: bytes, language: str) -> gettext.GNUTranslations:
    """A catalogue compiled once per content of its file: each page of a language would parse
    it again (the sample's build: 24 parses of 6 files). Nothing changes a catalogue once made."""
    catalog = read_po(io.BytesIO(po), locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class _Renderer:
    """Text filters for one language and medium; the footnote call/body HTML lives here."""

    def __init__(self, document: Document, language: str, medium: Medium,
                 reference_macros=None, note_label: str = "%(number)s",
                 memo: dict | None = None):
        self.document = document
        # Texts already rendered in this language and medium: the site's page and the single
        # page show the same texts, and `serve` rebuilds both after every save.
        self.memo = memo if memo is not None else {}
        self.language = language
        self.medium = medium
        self.note_label = note_label
        self.footnotes = {note.id: note for note in document.footnotes}
        self.rewrite_link = (_print_link(document.header.base_url) if medium == "print"
                             else None)
        self.reference_macros = reference_macros  # templates/_references.html, as a module
        self.typesetter = typesetter(document.language(language), medium)

    def reference(self, kind: str, value: str) -> str:
        """A cross-reference's words and links, from the theme's _references.html."""
        reference = parse_reference(kind, value)
        if reference.kind == "project":
            project = self.document.annex_ii.project(reference.id)
            if reference.text is not None:
                # The author's own words are shown as written (docs/cross-references.md): no
                # Markdown, no curly quotes, no added spaces. They often quote the source's
                # name for the project, marks and all.
                words = html.escape(reference.text, quote=False)
            else:
                # The title is a text of the annex data: typeset like any (quotes, spacing),
                # but inside the reference's own link.
                words = render_inline(project.title[self.language], lambda footnote_id: "",
                                      rewrite_link=lambda href: None,
                                      typesetter=self.typesetter)
            return str(self.reference_macros.project(project, Markup(words)))
        return str(self.reference_macros.recommendations(reference))

    def footnote_call(self, note: Footnote) -> Markup:
        if self.medium == "screen":
            # On screen the bare number is a poor link name ("5"): say it is a note.
            call = Markup('<a class="fn-call" href="#fn-{0}" id="fnref-{0}" '
                          'aria-label="{1}">{0}</a>').format(
                note.number, self.note_label % {"number": note.number})
        else:
            call = Markup('<a class="fn-call" href="#fn-{0}" id="fnref-{0}">{0}</a>').format(
                note.number)
            # WeasyPrint floats this span to the foot of the page that holds the call.
            call += Markup('<span class="footnote" id="fn-{0}"><span class="fn-number">{0}'
                           '</span>{1}</span>').format(note.number, self.footnote_body(note))
        # A word joiner: Unicode lets a line break between a Han character and a digit, and
        # no line may start with a call (nor with the punctuation that follows it).
        return Markup("\u2060") + call

    def label_with_call(self, label: str, note: Footnote) -> Markup:
        """A label of the template's (a column heading) ending with a note's call, which stays
        on the line of the label's last character, as in the content's texts."""
        html = str(escape(label) + self.footnote_call(note))
        if self.medium == "screen":
            html = _CALL_AFTER_CHARACTER.sub(_keep_call_with_character, html)
        return Markup(html)

    def footnote_body(self, note: Footnote) -> Markup:
        return Markup(marks.to_html(render_inline(
            note.text[self.language], self._no_nested_footnote, self.reference,
            self.rewrite_link, self.typesetter)))

    def _footnote_ref(self, footnote_id: str) -> str:
        return str(self.footnote_call(self.footnotes[footnote_id]))

    @staticmethod
    def _no_nested_footnote(footnote_id: str) -> str:
        raise AssertionError(f"validate lets no footnote reference another ({footnote_id})")

    def inline(self, text: dict[str, str]) -> Markup:
        return self._rendered(render_inline, text[self.language])

    def blocks(self, text: dict[str, str]) -> Markup:
        return self._rendered(render_blocks, text[self.language])

    def _rendered(self, render, source: str) -> Markup:
        key = (render.__name__, self.language, self.medium, source)
        if key not in self.memo:
            html = render(source, self._footnote_ref, self.reference, self.rewrite_link,
                          self.typesetter)
            if self.medium == "screen" and "\u2060" in html:  # the calls' word joiner
                html = _CALL_AFTER_CHARACTER.sub(_keep_call_with_character, html)
            # A redline's texts carry revision marks (versions/marks.py); others pass as they are.
            self.memo[key] = Markup(marks.to_html(html))
        return self.memo[key]

    def plain(self, text: dict[str, str]) -> str:
        return self.typesetter.set(marks.plain(text[self.language]))


def typesetter(language: LanguageSpec, medium: str = "screen") -> Typesetter:
    """The text rules a language declares (report.yaml), as the renderer applies them."""
    rules = language.typography
    rtl = language.direction == "rtl"
    return Typesetter(tuple(rules.quotes),
                      tuple((mark, SPACES[space]) for mark, space in rules.space_before.items()),
                      rules.han_latin_space, isolate_urls=rtl,
                      mark_number_ranges=rtl and medium == "print")


# On screen a call is a 24 px box (an atomic inline): browsers break a line before such a box
# whatever the word joiner says. The call and the character (or character reference) before it
# are kept together in a span that does not wrap (site.css). After emphasis the span takes the
# last character in an emphasis of its own ("…Technolog</em><span><em>y</em>⁠<a>…</a></span>"):
# a span cannot begin inside an element and end outside it.
_CALL_AFTER_CHARACTER = re.compile(
    r'(?P<character>&#?\w+;|[^\s<>&])(?:</(?P<emphasis>em|strong)>)?'
    r'(?P<call>\u2060<a class="fn-call"[^>]*>\d+</a>)')


def _keep_call_with_character(match: re.Match) -> str:
    character, emphasis, call = match["character"], match["emphasis"], match["call"]
    if emphasis:
        return f'</{emphasis}><span class="fn-word"><{emphasis}>{character}</{emphasis}>' \
               f'{call}</span>'
    return f'<span class="fn-word">{character}{call}</span>'


def _print_link(base_url: str | None) -> Callable[[str], str | None]:
    """Link targets in the PDF: a relative link means nothing on paper (WeasyPrint would make
    it a file:// address on the build machine), so it points at the published site when the
    report declares its address, and is otherwise shown as plain text."""
    def rewrite(href: str) -> str | None:
        if urlsplit(href).scheme or href.startswith("#"):
            return href
        return urljoin(base_url, href) if base_url else None
    return rewrite


class _CompiledTemplates(BytecodeCache):
    """Templates compiled by earlier builds of this process, by name and source checksum.

    Each build has an environment of its own (an environment holds one language's catalogue at
    a time, and `serve` may run two builds at once), and compiling the templates again was a
    third of a page's rebuild in `serve`. Jinja checks the checksum: an edited template compiles
    afresh.
    """

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_compiled_templates = _CompiledTemplates()


def make_environment(theme: Theme) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(theme.templates),
        bytecode_cache=_compiled_templates,
        autoescape=select_autoescape(["html", "css"], default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return environment


def _renderer(document: Document, language: str, medium: Medium, theme: Theme,
              environment: Environment, memo: dict | None = None) -> _Renderer:
    """The language's filters, with its catalogue installed in `environment`."""
    translations = load_translations(theme, language)
    environment.install_gettext_translations(translations, newstyle=True)
    reference_macros = environment.get_template("_references.html").make_module(
        {"lang": language})
    return _Renderer(document, language, medium, reference_macros,
                     translations.gettext("Note %(number)s"), memo)


def reading_text(document: Document, language: str,
                 theme: Theme) -> Callable[[dict[str, str]], str]:
    """A function giving a content text as a reader reads it: references written out in the
    language's words, without markup or footnote calls (to compare the content with a source)."""
    renderer = _renderer(document, language, "screen", theme, make_environment(theme))

    def read(text: dict[str, str]) -> str:
        rendered = render_inline(text[language], lambda footnote_id: "", renderer.reference,
                                 typesetter=renderer.typesetter)
        return html.unescape(re.sub(r"<[^>]*>", "", rendered))
    return read


def language_tag(locale: str) -> str:
    """The BCP 47 tag for an HTML `lang`: language and script ("zh-Hans"), no territory."""
    parsed = Locale.parse(locale)
    return "-".join(filter(None, (parsed.language, parsed.script)))


def render_language(document: Document, language: str, medium: Medium, theme: Theme,
                    links: dict[str, str] | None = None,
                    environment: Environment | None = None, part: str = "whole",
                    template: str = "report.html", memo: dict | None = None, **extra) -> str:
    """The report in one language, as an HTML page for the screen or for print.

    `links` maps each language code to the file name of its page, for the language switcher;
    `part` is "whole" or one of PRINT_PARTS. A page that extends the report (the site's) names
    its `template` and passes what else it shows as `extra` variables. Pages rendered with the
    same `memo` (of one document) render each text once.
    """
    environment = environment or make_environment(theme)
    renderer = _renderer(document, language, medium, theme, environment, memo)
    spec = document.language(language)
    tags = {spec.code: language_tag(spec.locale) for spec in document.languages}
    return environment.get_template(template).render(
        doc=document,
        lang=language,
        locale=spec.locale,
        medium=medium,
        part=part,
        # The annexes' "Cited in paragraphs N": on screen always, in print if the report asks.
        show_cited_in=medium == "screen" or document.print_options.cited_in,
        t=renderer.inline,
        tb=renderer.blocks,
        plain=renderer.plain,
        footnote_call=renderer.footnote_call,
        label_with_call=renderer.label_with_call,
        footnote_body=renderer.footnote_body,
        long_date=lambda date: renderer.typesetter.set(format_date(date, "long",
                                                                   locale=spec.locale)),
        language_rules=spec,
        language_name=lambda code: Locale.parse(code).language_name,
        # The official versions' languages, named in the page's language ("chinois").
        official_text=", ".join(Locale.parse(code).get_display_name(spec.locale)
                                for code in document.header.official_text),
        links=links or {},
        # The stylesheet is the project's own file, not content: it goes in unescaped.
        stylesheet=Markup((theme.assets / "report.css").read_text(encoding="utf-8")),
        css_string=css_string,
        language_tag=tags.__getitem__,
        **extra,
    )


def css_string(text: str) -> Markup:
    """A CSS string literal that no content can break out of (quotes, `</style>`, newlines)."""
    escaped = "".join(f"\\{ord(char):x} " if char in '"\\<>&' or ord(char) < 0x20 else char
                      for char in text)
    return Markup(f'"{escaped}"')

"""A content text as Word runs: the inline tokens the HTML renderer renders, walked into `w:r`,
`w:hyperlink` and footnote references.

The text is parsed by the same markdown-it parser as the HTML (`markup.inline_tokens`), so the
quotes, dashes, spaces, bare URLs and footnote calls are the HTML's. A cross-reference's words
come from the theme's `_references.html`, as in the HTML; its links to the annexes become links
to the annex rows' bookmarks.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Callable

from babel import Locale
from babel.core import get_global
from lxml import etree
from markdown_it.token import Token

from ...markup import block_tokens, inline_tokens
from ...model import LanguageSpec
from ...resolve import Footnote
from ...text import Typesetter
from .ooxml import Relationships, qn, text, w


EAST_ASIAN_SCRIPTS = {"Hans", "Hant", "Hani", "Jpan", "Kore", "Hang"}
"""Scripts Word sets as East Asian text, with the language of `w:lang`'s `w:eastAsia`."""


def word_language(locale: str) -> tuple[str, str | None]:
    """The tag Word expects in `w:lang` (language-REGION: "zh_Hans_CN" → "zh-CN", "fr" →
    "fr-FR", the region the locale data gives as the language's likeliest) and the script."""
    parsed = Locale.parse(locale)
    # "ja_Jpan_JP": parsing it again would drop the script, as the language's default.
    likely = (get_global("likely_subtags").get(parsed.language) or "").split("_")
    territory = parsed.territory or next((part for part in likely[1:] if part.isupper()), None)
    script = parsed.script or next((part for part in likely[1:] if part.istitle()), None)
    return (f"{parsed.language}-{territory}" if territory else parsed.language), script


@dataclass
class Inline:
    """Turns one language's texts into runs, for one part (the body, the footnotes, a header):
    each part has relationships of its own for its hyperlinks."""

    language: LanguageSpec
    typesetter: Typesetter
    rewrite_link: Callable[[str], str | None]
    reference_html: Callable[[str, str], str]  # (kind, value) → the theme's HTML for it
    footnotes: dict[str, Footnote]
    relationships: Relationships
    called: list[Footnote] = field(default_factory=list)  # the notes called, in order

    def __post_init__(self) -> None:
        tag, script = word_language(self.language.locale)
        # To Word, Chinese is East Asian text and Arabic complex script (right to left): each
        # has a language attribute of its own, which spelling, line breaking and fonts follow.
        attributes = {"val": tag}
        if script in EAST_ASIAN_SCRIPTS:
            attributes["eastAsia"] = tag
        if self.language.direction == "rtl":
            attributes["bidi"] = tag
        self._lang = attributes

    def language_properties(self) -> etree._Element:
        """`w:lang` as this language's runs carry it."""
        return w("lang", **self._lang)

    def for_part(self, relationships: Relationships) -> "Inline":
        """The same language's runs for another part (another set of relationships)."""
        return Inline(self.language, self.typesetter, self.rewrite_link, self.reference_html,
                      self.footnotes, relationships, self.called)

    # -- runs ---------------------------------------------------------------------------

    def run(self, value: str, style: str | None = None, bold: bool = False,
            italic: bool = False, rtl: bool | None = None) -> etree._Element:
        """A run of text in this language (`w:rPr` children in the schema's order)."""
        rtl = self.language.direction == "rtl" if rtl is None else rtl
        properties = w("rPr",
                       w("rStyle", val=style) if style else None,
                       w("b") if bold else None, w("bCs") if bold else None,
                       w("i") if italic else None, w("iCs") if italic else None,
                       w("rtl") if rtl else None,
                       self.language_properties())
        return w("r", properties, text(value))

    def runs(self, source: str, **style) -> list[etree._Element]:
        """A one-block text (a paragraph, heading, footnote, item) as runs."""
        return self._walk(inline_tokens(source, self.typesetter), **style)

    def paragraphs(self, source: str) -> list[list[etree._Element]]:
        """A text of several blocks (a recommendation's) as the runs of each paragraph; a
        bullet list's items are paragraphs of their own, starting with a bullet."""
        paragraphs = []
        bullet = False
        for token in block_tokens(source, self.typesetter):
            if token.type == "bullet_list_open":
                bullet = True
            elif token.type == "bullet_list_close":
                bullet = False
            elif token.type == "inline":
                runs = self._walk(token.children or [])
                if bullet:
                    runs.insert(0, self.run("\u2022\t"))
                paragraphs.append(runs)
        return paragraphs

    def _walk(self, tokens: list[Token], bold: bool = False, italic: bool = False
              ) -> list[etree._Element]:
        out: list[etree._Element] = []
        # Where runs go: the text, or the link they are the words of; a link that means
        # nothing here (relative, and no site address) is its words alone, as in the PDF.
        stack: list[tuple[list | etree._Element, bool, bool]] = [(out, False, False)]
        strong = emphasis = 0
        emphasis_style = self.language.typography.emphasis
        for token in tokens:
            kind = token.type
            target, linked, ltr = stack[-1]
            if kind in ("text", "code_inline", "softbreak"):
                value = " " if kind == "softbreak" else token.content
                target.append(self.run(
                    value, "Hyperlink" if linked else None,
                    bold=bold or strong > 0 or (emphasis > 0 and emphasis_style == "bold"),
                    italic=italic or (emphasis > 0 and emphasis_style == "italic"),
                    rtl=False if ltr else None))
            elif kind == "hardbreak":
                target.append(w("r", w("br")))
            elif kind in ("em_open", "em_close"):
                emphasis += 1 if kind == "em_open" else -1
            elif kind in ("strong_open", "strong_close"):
                strong += 1 if kind == "strong_open" else -1
            elif kind == "link_open":
                href = self.rewrite_link(str(token.attrGet("href")))
                # An address set apart left to right in a right-to-left text (markup._spaces).
                ltr = ltr or token.attrGet("dir") == "ltr"
                stack.append((self.hyperlink(href), True, ltr) if href else (target, linked, ltr))
            elif kind == "link_close":
                link, _, _ = stack.pop()
                if link is not stack[-1][0]:
                    stack[-1][0].append(link)
            elif kind == "footnote_ref":
                target.append(self.footnote_call(self.footnotes[token.meta["id"]]))
            elif kind == "reference":
                target.extend(self.theme_runs(
                    self.reference_html(token.meta["kind"], token.meta["value"])))
        return out

    def theme_runs(self, markup: str) -> list[etree._Element]:
        """Runs for the theme's HTML of a reference or back-link: its words, its links to the
        annex rows or paragraphs as links to their bookmarks."""
        out = []
        for words, anchor in _reference_parts(markup):
            run = self.run(words, "Hyperlink" if anchor else None)
            if anchor:
                link = w("hyperlink", run)
                link.set(qn("w:anchor"), _bookmark(anchor))
                out.append(link)
            else:
                out.append(run)
        return out

    def hyperlink(self, href: str) -> etree._Element:
        link = w("hyperlink")
        if href.startswith("#"):
            link.set(qn("w:anchor"), _bookmark(href[1:]))
        else:
            link.set(qn("r:id"), self.relationships.add("hyperlink", href, external=True))
            link.set(qn("w:history"), "1")
        return link

    def footnote_call(self, note: Footnote, spaced: bool = False) -> etree._Element:
        """The call of a footnote: Word numbers it, and the notes are called in the order of
        their numbers (tests/test_docx.py checks that the numbers are the document's). A call
        followed by another is `spaced` a little (3 pt), so that "98" "99" do not read as 9899.

        A note's `w:id` is its place in the order of the calls: the document's number in a
        report; in a redline, whose deleted notes are numbered after the others, the order
        they are shown in, which LibreOffice reads the notes by."""
        ids = [other.id for other in self.called]
        if note.id not in ids:  # a redline's moved note is called twice: deleted and inserted
            self.called.append(note)
            ids.append(note.id)
        reference = w("footnoteReference")
        reference.set(qn("w:id"), str(ids.index(note.id) + 1))
        return w("r", w("rPr", w("rStyle", val="FootnoteReference"),
                        w("spacing", val=60) if spaced else None,
                        w("rtl") if self.language.direction == "rtl" else None,
                        self.language_properties()), reference)


_LINK = re.compile(r'<a\b[^>]*\bhref="#([^"]+)"[^>]*>(.*?)</a>', re.S)


def _reference_parts(markup: str) -> list[tuple[str, str | None]]:
    """The theme's HTML for a reference as (words, anchor) pieces: its words with the annex
    rows they link to. The HTML is the theme's own macro output, links and words only."""
    def plain(fragment: str) -> str:
        return html.unescape(re.sub(r"<[^>]*>", "", fragment))
    parts: list[tuple[str, str | None]] = []
    position = 0
    for match in _LINK.finditer(markup):
        parts.append((plain(markup[position:match.start()]), None))
        parts.append((plain(match.group(2)), match.group(1)))
        position = match.end()
    parts.append((plain(markup[position:]), None))
    return [(words, anchor) for words, anchor in parts if words]


def _bookmark(anchor: str) -> str:
    """A bookmark name Word accepts (letters, digits, underscores; at most 40)."""
    return re.sub(r"\W", "_", anchor)[:40]


def bookmark(anchor: str, number: int) -> tuple[etree._Element, etree._Element]:
    """The start and end of a bookmark named after an HTML anchor ("rec-13")."""
    start = w("bookmarkStart", id=number, name=_bookmark(anchor))
    return start, w("bookmarkEnd", id=number)

"""Inline Markdown for content texts: emphasis, links, bare URLs and footnote references.

Content is untrusted: raw HTML is shown as text, images are not markup at all, and only
http(s), mailto and relative links become links. Footnote references ``[^id]`` render as the
footnote's computed number, which the caller supplies in the render environment; so do
cross-references such as ``{rec:13,14}`` or ``{project:smart-ip}`` (rapporteur/references.py).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .text import FOOTNOTE_REF_PATTERN, Typesetter, bare_urls

ALLOWED_SCHEMES = ("http", "https", "mailto")

def is_allowed_link(url: str) -> bool:
    url = url.strip()
    if url.startswith("//"):
        return False  # protocol-relative: leaves the site without saying how
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return False  # not a URL at all ("http://[")
    return scheme in ALLOWED_SCHEMES or (scheme == "" and ":" not in url.split("/")[0])


def _footnote_reference(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[^", state.pos):
        return False
    match = FOOTNOTE_REF_PATTERN.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("footnote_ref", "", 0)
        token.meta = {"id": match.group(1)}
    state.pos = match.end()
    return True


# Any "{word:…}" is taken for a reference, so that a misspelled kind ("{recs:3}") is reported
# rather than printed as it stands; references.py parses what stands after the colon.
REFERENCE_PATTERN = re.compile(r"\{([a-z]+):([^{}\n]*)\}")


def _reference(state: StateInline, silent: bool) -> bool:
    # Not inside a link's text: a link in a link is no HTML. It stays text, which
    # references.py reports.
    if state.src[state.pos] != "{" or state.linkLevel > 0:
        return False
    match = REFERENCE_PATTERN.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("reference", "", 0)
        token.meta = {"kind": match.group(1), "value": match.group(2)}
        token.content = match.group()
    state.pos = match.end()
    return True


def _bare_urls(state: StateCore) -> None:
    """Turn bare URLs in text into links (linkify-it would swallow trailing CJK text)."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        inside_link = 0
        for token in block.children:
            inside_link += token.type == "link_open"
            inside_link -= token.type == "link_close"
            urls = bare_urls(token.content) if token.type == "text" and not inside_link else []
            if not urls:
                children.append(token)
                continue
            position = 0
            for url, start in urls:
                if start > position:
                    children.append(_text(token.content[position:start]))
                href = url if "://" in url else "https://" + url
                link_open = Token("link_open", "a", 1, attrs={"href": href})
                link_close = Token("link_close", "a", -1)
                link_open.info = link_close.info = "auto"  # the typographer leaves these alone
                children += [link_open, _text(url), link_close]
                position = start + len(url)
            if position < len(token.content):
                children.append(_text(token.content[position:]))
        block.children = children


def _spaces(typesetter: Typesetter):
    """The language's spaces (text.Typesetter) in the text, not in links' labels; in a
    right-to-left language, each address shown as such set apart, left to right."""
    def rule(state: StateCore) -> None:
        for block in state.tokens:
            inside_link = 0
            for token in block.children or []:
                inside_link += token.type == "link_open"
                inside_link -= token.type == "link_close"
                if token.type == "text" and not inside_link:
                    token.content = typesetter.set(token.content)
                elif token.type == "link_open" and token.info == "auto" \
                        and typesetter.isolate_urls:
                    token.attrSet("dir", "ltr")
    return rule


# "--" and "---" standing alone (not in a longer run of hyphens) become an en and an em dash.
_DASHES = ((re.compile(r"(?<!-)---(?!-)"), "\u2014"), (re.compile(r"(?<!-)--(?!-)"), "\u2013"))


def _dashes(state: StateCore) -> None:
    """Dashes typed as hyphens, outside bare URLs and autolinks, and nothing else.

    markdown-it's own `replacements` also turns "(c)" into "©", "(r)" into "®", "(tm)" into "™"
    and "+-" into "±": in an official text "(c)" is an item's letter (Recommendation 22), and
    the typography may never change what a text says.
    """
    for block in state.tokens:
        inside_url = 0
        for token in block.children or []:
            inside_url += token.type == "link_open" and token.info == "auto"
            inside_url -= token.type == "link_close" and token.info == "auto"
            if token.type == "text" and not inside_url and "--" in token.content:
                for pattern, dash in _DASHES:
                    token.content = pattern.sub(dash, token.content)


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _render_footnote_ref(self, tokens, index, options, env) -> str:
    return env["render_footnote_ref"](tokens[index].meta["id"])


def _render_link_open(self, tokens, index, options, env) -> str:
    """A link as `env["rewrite_link"]` has it: another target, or its label as text (None)."""
    rewrite = env.get("rewrite_link")
    if rewrite is not None:
        href = rewrite(str(tokens[index].attrGet("href")))
        env.setdefault("links_dropped", []).append(href is None)
        if href is None:
            return ""
        tokens[index].attrSet("href", href)
    return self.renderToken(tokens, index, options, env)


def _render_link_close(self, tokens, index, options, env) -> str:
    if env.get("rewrite_link") is not None and env["links_dropped"].pop():
        return ""
    return self.renderToken(tokens, index, options, env)


def _render_reference(self, tokens, index, options, env) -> str:
    meta = tokens[index].meta
    return env["render_reference"](meta["kind"], meta["value"])


def _parser(validate_link: Callable[[str], bool], typesetter: Typesetter = Typesetter()
            ) -> MarkdownIt:
    # The typographer gives the language's curly quotes, and `_dashes` the dashes; nothing else
    # is replaced.
    md = MarkdownIt("commonmark", {"html": False, "typographer": True,
                                   "quotes": list(typesetter.quotes)})
    md.enable(["smartquotes"])
    md.disable(["image", "html_inline", "html_block", "linkify", "replacements"],
               ignoreInvalid=True)
    md.inline.ruler.before("link", "footnote_ref", _footnote_reference)
    md.inline.ruler.before("link", "reference", _reference)
    md.core.ruler.before("smartquotes", "bare_urls", _bare_urls)  # URLs keep their "--"
    md.core.ruler.after("bare_urls", "dashes", _dashes)
    md.core.ruler.push("spaces", _spaces(typesetter))
    md.add_render_rule("footnote_ref", _render_footnote_ref)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("link_close", _render_link_close)
    md.add_render_rule("reference", _render_reference)
    md.validateLink = validate_link
    return md


_renderer = lru_cache(maxsize=16)(lambda typesetter: _parser(is_allowed_link, typesetter))
"""The renderer of each language's texts, by its typesetting rules."""
_INSPECTOR = _parser(lambda url: True)


# --- where each construct stands in the text ----------------------------------------------
#
# markdown-it's inline tokens carry no positions. The locator is the inspector's parser with
# every inline rule wrapped to note, on the tokens it pushes, the stretch of the text it
# consumed: so `xliff export` protects exactly what the renderer reads as a footnote call, a
# reference, a link or emphasis, and a translator's tool sees the rest as words.

_SPAN = "rapporteur-span"


@dataclass(frozen=True)
class Span:
    """A construct of a text, as the renderer parses it: text[start:end]; for a link or
    emphasis, the words inside are text[inner[0]:inner[1]] and the spans among them."""

    kind: str  # "footnote", "reference", "url" (an <autolink>), "link", "emphasis"
    start: int
    end: int
    inner: tuple[int, int] | None = None
    inside: tuple["Span", ...] = ()


def _located(name: str, rule: Callable) -> Callable:
    def located(state: StateInline, silent: bool) -> bool:
        if silent:
            return rule(state, silent)
        if state.pending:
            state.pushPending()  # text before the construct is not part of its span
        start, first = state.pos, len(state.tokens)
        label_end = (state.md.helpers.parseLinkLabel(state, start, True)
                     if name == "link" and state.src[start] == "[" else -1)
        if not rule(state, silent):
            return False
        new = [token for token in state.tokens[first:] if _SPAN not in token.meta]
        for offset, token in enumerate(new):
            # The emphasis rule pushes one token per "*" of a run; any other rule's tokens
            # (a link's open and close, an autolink's three) share what the rule consumed.
            span = (start + offset, start + offset + 1) if name == "emphasis" \
                else (start, state.pos)
            token.meta = {**(token.meta or {}), _SPAN: span}
        if name == "link" and new:
            new[0].meta["label_end"] = label_end
        return True
    return located


def _locator() -> MarkdownIt:
    md = _parser(lambda url: True)
    for rule in md.inline.ruler.__rules__:
        md.inline.ruler.at(rule.name, _located(rule.name, rule.fn))
    return md


_LOCATOR = _locator()


@lru_cache(maxsize=8192)
def inline_spans(text: str) -> tuple[Span, ...]:
    """The footnote calls, references, autolinks, links and emphasis of a text parsed as
    `render_inline` parses it, with where each stands. Bare URLs are not among them: the
    renderer finds those in the text between (`text.bare_urls`)."""
    # markdown-it turns "\r\n" into "\n"; one character for one keeps the positions.
    tokens = [token for block in _LOCATOR.parseInline(text.replace("\r", "\n"))
              for token in block.children or []]
    levels: list[list[Span]] = [[]]
    opened: list[tuple[str, int, int]] = []  # kind, start, where its words start
    label_ends: list[int] = []  # where each open link's words end: at its "]("
    for token in tokens:
        span = token.meta.get(_SPAN) if token.meta else None
        if span is None or token.type == "text" or (token.type == "link_close"
                                                    and token.info == "auto"):
            continue  # words, or tokens a core rule made (bare URLs): not located
        start, end = span
        if token.type in ("footnote_ref", "reference"):
            levels[-1].append(Span("footnote" if token.type == "footnote_ref" else "reference",
                                   start, end))
        elif token.type == "link_open" and token.info == "auto":
            levels[-1].append(Span("url", start, end))
        elif token.type == "link_open":
            opened.append(("link", start, start + 1))
            levels.append([])
            label_ends.append(token.meta["label_end"])
        elif token.type in ("em_open", "strong_open"):
            opened.append(("emphasis", end - len(token.markup), end))
            levels.append([])
        elif token.type in ("link_close", "em_close", "strong_close"):
            kind, open_start, inner_start = opened.pop()
            inside = levels.pop()
            if kind == "link":
                inner_end, close_end = label_ends.pop(), end
            else:
                inner_end, close_end = start, start + len(token.markup)
            levels[-1].append(Span(kind, open_start, close_end, (inner_start, inner_end),
                                   tuple(inside)))
    return tuple(levels[0])


RenderReference = Callable[[str, str], str]
"""HTML for a reference, from its kind and value ("rec", "13,14")."""

RewriteLink = Callable[[str], "str | None"]
"""A link target as it is to be written, or None to show the link's label as plain text."""


def _as_written(kind: str, value: str) -> str:
    return html.escape(f"{{{kind}:{value}}}", quote=False)


def render_inline(text: str, render_footnote_ref: Callable[[str], str],
                  render_reference: RenderReference = _as_written,
                  rewrite_link: RewriteLink | None = None,
                  typesetter: Typesetter = Typesetter()) -> str:
    """HTML for a one-block text (a paragraph, heading, footnote, list item)."""
    return _renderer(typesetter).renderInline(text, {
        "render_footnote_ref": render_footnote_ref, "render_reference": render_reference,
        "rewrite_link": rewrite_link})


def render_blocks(text: str, render_footnote_ref: Callable[[str], str],
                  render_reference: RenderReference = _as_written,
                  rewrite_link: RewriteLink | None = None,
                  typesetter: Typesetter = Typesetter()) -> str:
    """HTML for a text of several blocks (paragraphs and bullet lists)."""
    return _renderer(typesetter).render(text, {
        "render_footnote_ref": render_footnote_ref, "render_reference": render_reference,
        "rewrite_link": rewrite_link})


@lru_cache(maxsize=8192)
def _inline_tokens(text: str) -> tuple:
    """The inline tokens of a text parsed as blocks: parsed once for all the questions below
    (validation, parity and the reference check each ask about the same texts)."""
    return tuple(token for block in _INSPECTOR.parse(text) for token in block.children or [])


@lru_cache(maxsize=8192)
def _references(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The footnote ids and link targets of a text, read from the tokens the renderer uses.

    Footnote calls are found by an inline parse, as texts that hold them are rendered
    (`render_inline`): a ``[^id]`` in a code span or escaped is text, not a call. Links are
    collected from the inline and the block parse, so a text rendered either way is covered.
    """
    footnotes: list[str] = []
    links: list[str] = []
    inline = [token for block in _INSPECTOR.parseInline(text) for token in block.children or []]
    for mode, tokens in (("inline", inline), ("block", _inline_tokens(text))):
        for token in tokens:
            if token.type == "footnote_ref" and mode == "inline":
                footnotes.append(token.meta["id"])
            elif token.type == "link_open":
                links.append(str(token.attrGet("href")))
    return tuple(footnotes), tuple(dict.fromkeys(links))


def footnote_ids(text: str) -> list[str]:
    """The footnote ids a text references (``[^id]`` rendered as a call), in order."""
    return list(_references(text)[0])


def references(text: str) -> list[tuple[str, str]]:
    """The references in a text, as (kind, value), in reading order; none inside code."""
    return [(token.meta["kind"], token.meta["value"])
            for token in _inline_tokens(text) if token.type == "reference"]


def plain_runs(text: str) -> list[str]:
    """The runs of text a reader sees as written: outside references, code and link targets."""
    return [token.content for token in _inline_tokens(text) if token.type == "text"]


def disallowed_links(text: str) -> list[str]:
    """The link targets in a text that the renderer would refuse to link."""
    return [href for href in _references(text)[1] if not is_allowed_link(href)]


def protected_marks(text: str) -> tuple[Counter, Counter, set[str]]:
    """What a translation must keep as its source has it, as the renderer reads the text: its
    footnote calls (ids), its references ((kind, value)) and its link targets (links, autolinks
    and bare URLs alike). `xliff import` compares a translation's with its source's."""
    footnotes, links = _references(text)
    return Counter(footnotes), Counter(references(text)), set(links)


def inline_tokens(text: str, typesetter: Typesetter = Typesetter()) -> list[Token]:
    """The tokens `render_inline` renders, for formats that are not HTML (Word): the same
    parse, quotes, dashes, spaces and bare URLs; links are checked, not yet rewritten."""
    return [token for block in _renderer(typesetter).parseInline(text)
            for token in block.children or []]


def block_tokens(text: str, typesetter: Typesetter = Typesetter()) -> list[Token]:
    """The block and inline tokens `render_blocks` renders (paragraphs, bullet lists)."""
    return _renderer(typesetter).parse(text)

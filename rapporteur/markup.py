"""Inline Markdown for content texts: emphasis, links, bare URLs and footnote references.

Content is untrusted: raw HTML is shown as text, images are not markup at all, and only
http(s), mailto and relative links become links. Footnote references ``[^id]`` render as the
footnote's computed number, which the caller supplies in the render environment.
"""

from __future__ import annotations

from typing import Callable
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .text import FOOTNOTE_REF_PATTERN, bare_urls, space_han_and_latin

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


def _space_han_and_latin(state: StateCore) -> None:
    """The report's one rule for spacing Chinese and Latin text (text.space_han_and_latin)."""
    for block in state.tokens:
        inside_link = 0
        for token in block.children or []:
            inside_link += token.type == "link_open"
            inside_link -= token.type == "link_close"
            if token.type == "text" and not inside_link:
                token.content = space_han_and_latin(token.content)


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _render_footnote_ref(self, tokens, index, options, env) -> str:
    return env["render_footnote_ref"](tokens[index].meta["id"])


def _parser(validate_link: Callable[[str], bool]) -> MarkdownIt:
    # The typographer gives curly quotes, dashes and ellipses ("..." -> "…"), the same in every
    # language so far: Chinese uses the same curly quotes as English.
    md = MarkdownIt("commonmark", {"html": False, "typographer": True})
    md.enable(["replacements", "smartquotes"])
    md.disable(["image", "html_inline", "html_block", "linkify"], ignoreInvalid=True)
    md.inline.ruler.before("link", "footnote_ref", _footnote_reference)
    md.core.ruler.before("replacements", "bare_urls", _bare_urls)  # URLs keep their "--" and "..."
    md.core.ruler.push("space_han_and_latin", _space_han_and_latin)
    md.add_render_rule("footnote_ref", _render_footnote_ref)
    md.validateLink = validate_link
    return md


_RENDERER = _parser(is_allowed_link)
_INSPECTOR = _parser(lambda url: True)


def render_inline(text: str, render_footnote_ref: Callable[[str], str]) -> str:
    """HTML for a one-block text (a paragraph, heading, footnote, list item)."""
    return _RENDERER.renderInline(text, {"render_footnote_ref": render_footnote_ref})


def render_blocks(text: str, render_footnote_ref: Callable[[str], str]) -> str:
    """HTML for a text of several blocks (paragraphs and bullet lists)."""
    return _RENDERER.render(text, {"render_footnote_ref": render_footnote_ref})


def disallowed_links(text: str) -> list[str]:
    """The link targets in a text that `render_inline` would refuse to link."""
    found = []
    for block in _INSPECTOR.parse(text):
        for token in block.children or []:
            href = token.attrGet("href") if token.type == "link_open" else None
            if href is not None and not is_allowed_link(str(href)):
                found.append(str(href))
    return found

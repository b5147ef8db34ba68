"""The site's search index, built with Pagefind from the rendered pages, in memory.

Each paragraph, heading, note and recommendation of a page is one search record whose URL is
its permalink (`cdip-28-2.en.html#para-27`), so a result takes the reader to the very
paragraph. The records are read back from the pages themselves: whatever the templates show is
what is found. Pagefind's extended build splits Chinese into words.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser

# The parts of a page that are found on their own: these, and every heading with an id.
RECORD_ID = re.compile(r"(para|fn|rec)-\d+")
# Inside a record, these are pointers or numbering, not text.
SKIPPED_CLASSES = {"fn-call", "permalink", "fn-back", "para-number", "visually-hidden"}
# Pagefind's own UI: the site has a small search box of its own instead.
UNUSED_FILES = re.compile(r"pagefind-(component-ui|modular-ui|ui|highlight)\.(js|css)")
VOID_TAGS = {"br", "col", "img", "input", "meta", "link", "hr", "wbr"}


@dataclass(frozen=True)
class Record:
    anchor: str
    title: str
    text: str


def search_index(pages: dict[str, tuple[str, str]]) -> dict[str, bytes]:
    """Pagefind's files for `pages` (file name → (language tag, HTML)), by their file name."""
    records = {page: records_of(html) for page, (_, html) in pages.items()}
    files = asyncio.run(_index(
        [(page, tag.lower(), record) for page, (tag, _) in pages.items()
         for record in records[page]]))
    out = {}
    for file in files:
        name, data = file["path"], file["content"]
        if UNUSED_FILES.fullmatch(name):
            continue
        if name == "pagefind-entry.json":
            # Pagefind lists the languages in hash order: sort them, for byte-identical builds.
            data = json.dumps(json.loads(data), sort_keys=True, ensure_ascii=False,
                              separators=(",", ":")).encode("utf-8")
        out[name] = data
    return dict(sorted(out.items()))


async def _index(records: list[tuple[str, str, Record]]) -> list[dict]:
    from pagefind.index import PagefindIndex  # noqa: PLC0415 - starts a service: only when asked

    async with PagefindIndex() as index:
        for page, language, record in records:
            await index.add_custom_record(url=f"{page}#{record.anchor}", content=record.text,
                                          language=language, meta={"title": record.title})
        files = await index.get_files()
        await index.delete_index()  # nothing to write to disk: the builder writes the files
    return files


def records_of(html: str) -> list[Record]:
    parser = _Records()
    parser.feed(html)
    parser.close()
    return parser.records


class _Records(HTMLParser):
    """Collects the text of each element whose id is a record's, titled by its section."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.records: list[Record] = []
        self.open: list[tuple[str, str | None, bool]] = []  # (tag, record id, skipped)
        self.open_classes: list[set[str]] = []
        self.texts: dict[str, list[str]] = {}
        self.section_title = ""

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in VOID_TAGS:
            return
        attributes = dict(attrs)
        element_id = attributes.get("id") or ""
        record = element_id if element_id and (
            RECORD_ID.fullmatch(element_id) or tag in ("h2", "h3")) else None
        if tag in ("h1", "h2") and not record:
            record = f"#{tag}"  # a title for the records that follow, not a record itself
        classes = set((attributes.get("class") or "").split())
        skipped = bool(classes & SKIPPED_CLASSES) or any(skip for _, _, skip in self.open)
        self.open.append((tag, record, skipped))
        self.open_classes.append(classes)
        if record:
            self.texts[record] = []

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS:
            return
        while self.open:
            open_tag, record, _ = self.open.pop()
            if self.open_classes.pop() & {"section-number", "para-number"}:
                self.handle_data(" ")  # "七." then the title: keep them apart
            if record:
                text = " ".join("".join(self.texts.pop(record)).split())
                if tag in ("h1", "h2"):
                    self.section_title = text
                if text and not record.startswith("#"):
                    title = self.section_title or text
                    if record.startswith(("para-", "fn-", "rec-")):
                        # "VII. IP and Innovation Ecosystems Sector · 71"
                        title = f"{title} · {record.split('-')[1]}"
                    self.records.append(Record(record, title, text))
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1][2]:
            return
        for pieces in self.texts.values():
            pieces.append(data)

"""The site's search index, built with Pagefind from the rendered pages, in memory.

Each paragraph, heading, note and recommendation of a page is one search record whose URL is
its permalink (`cdip-28-2.en.html#para-27`), so a result takes the reader to the very
paragraph. The records are read back from the pages themselves: whatever the templates show is
what is found. Pagefind's extended build splits Chinese into words.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import threading
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import IO

# The parts of a page that are found on their own: these, and every heading with an id.
RECORD_ID = re.compile(r"(para|fn|rec)-\d+")
# Inside a record, these are pointers or numbering, not text.
SKIPPED_CLASSES = {"fn-call", "permalink", "fn-back", "para-number", "visually-hidden"}
# Pagefind's own UI: the site has a small search box of its own instead.
UNUSED_FILES = re.compile(r"pagefind-(component-ui|modular-ui|ui|highlight)\.(js|css)")
VOID_TAGS = {"br", "col", "img", "input", "meta", "link", "hr", "wbr"}
BLOCK_TAGS = {"p", "li", "td", "th", "div", "h2", "h3", "span"}


# What a result calls each kind of record, in the page's language: {"para": "Paragraph %(number)s"}.
RecordNames = dict[str, str]
# Numbers alone would not say what they count: a paragraph's 26 and a note's 26 read alike.
NUMBERS_ONLY: RecordNames = {"para": "%(number)s", "fn": "%(number)s", "rec": "%(number)s"}
# The word joiner that keeps a note call on its word's line (render.py): no part of any word.
WORD_JOINER = "\u2060"


@dataclass(frozen=True)
class Record:
    anchor: str
    title: str
    text: str


def search_index(pages: dict[str, tuple[str, str, RecordNames]]) -> dict[str, bytes]:
    """Pagefind's files for `pages` (file name → (language tag, HTML, record names)), by name."""
    records = [{"type": "AddRecord", "url": f"{page}#{record.anchor}", "content": record.text,
                "language": tag.lower(), "meta": {"title": record.title}, "filters": None,
                "sort": None}
               for page, (tag, html, names) in pages.items()
               for record in records_of(html, names)]
    out = {}
    for file in _PagefindService().index(records):
        name, data = file["path"], base64.b64decode(file["content"])
        if UNUSED_FILES.fullmatch(name):
            continue
        if name == "pagefind-entry.json":
            # Pagefind lists the languages in hash order: sort them, for byte-identical builds.
            data = json.dumps(json.loads(data), sort_keys=True, ensure_ascii=False,
                              separators=(",", ":")).encode("utf-8")
        out[name] = data
    # The entry file, which names the index files to load, is written last: until it is
    # replaced, a killed build leaves the previous index working (its files are removed only
    # after every new file is in place).
    return dict(sorted(out.items(), key=lambda item: (item[0] == "pagefind-entry.json", item)))


class _PagefindService:
    """Pagefind's binary in its service mode, spoken to directly.

    The messages are base64-encoded JSON, each ended by a comma, both ways. The `pagefind`
    package's own client waits 0.1 s between reading two answers, which for a record per
    paragraph is about a minute; here every record is sent at once and the answers read as they
    come (a thread writes, so neither side's pipe can fill up and block the other).
    """

    def __init__(self) -> None:
        from pagefind.service import get_executable  # noqa: PLC0415 - only when a site is built

        executable = get_executable()
        if executable is None:
            raise RuntimeError("Pagefind's binary is missing: reinstall 'pagefind[extended]'")
        self.executable = executable
        self.next_id = 0
        self.buffer = bytearray()  # what was read of the answers and not yet taken
        self.searched = 0  # how far the buffer is known to hold no comma

    def _message(self, payload: dict) -> bytes:
        self.next_id += 1
        request = {"message_id": self.next_id, "payload": payload}
        return base64.b64encode(json.dumps(request).encode("utf-8")) + b","

    def index(self, records: list[dict]) -> list[dict]:
        with subprocess.Popen([str(self.executable), "--service"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as service:
            stdin, stdout = service.stdin, service.stdout
            assert stdin is not None and stdout is not None
            try:
                stdin.write(self._message({"type": "NewIndex", "config": None}))
                stdin.flush()
                index_id = self._answer(stdout)["index_id"]
                messages = [self._message({**record, "index_id": index_id})
                            for record in records]
                messages.append(self._message({"type": "GetFiles", "index_id": index_id}))
                writer = threading.Thread(target=self._write, args=(stdin, messages))
                writer.start()
                while True:
                    answer = self._answer(stdout)
                    if answer["type"] == "GetFiles":
                        break
                writer.join()
                return answer["files"]
            finally:
                stdin.close()
                service.wait(timeout=30)

    @staticmethod
    def _write(stdin: IO[bytes], messages: list[bytes]) -> None:
        for message in messages:
            stdin.write(message)
        stdin.flush()

    def _answer(self, stdout: IO[bytes]) -> dict:
        """The next answer's payload; an error is raised with Pagefind's message."""
        while (end := self.buffer.find(b",", self.searched)) < 0:
            self.searched = len(self.buffer)
            chunk = stdout.read1(1 << 20)
            if not chunk:
                raise RuntimeError("Pagefind stopped before it answered")
            self.buffer += chunk
        message = bytes(self.buffer[:end])
        del self.buffer[:end + 1]
        self.searched = 0
        payload = json.loads(base64.b64decode(message))["payload"]
        if payload.get("type") == "Error":
            raise RuntimeError(f"Pagefind: {payload.get('message')}")
        return payload


def records_of(html: str, names: RecordNames = NUMBERS_ONLY) -> list[Record]:
    parser = _Records(names)
    parser.feed(html)
    parser.close()
    return parser.records


class _Records(HTMLParser):
    """Collects the text of each element whose id is a record's, titled by its section."""

    def __init__(self, names: RecordNames) -> None:
        super().__init__(convert_charrefs=True)
        self.names = names
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
            classes = self.open_classes.pop()
            if classes & {"section-number", "para-number"} or \
                    open_tag in BLOCK_TAGS and "fn-word" not in classes:  # a word's last letter
                self.handle_data(" ")  # "七." then the title, or two list items: keep apart
            if record:
                text = " ".join("".join(self.texts.pop(record)).split())
                if tag in ("h1", "h2"):
                    self.section_title = text
                if text and not record.startswith("#"):
                    title = self.section_title or text
                    kind, _, number = record.partition("-")
                    if kind in self.names:
                        # "VII. IP and Innovation Ecosystems Sector · Paragraph 71"
                        title = f"{title} · {self.names[kind] % {'number': number}}"
                    self.records.append(Record(record, title, text))
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1][2]:
            return
        data = data.replace(WORD_JOINER, "")
        for pieces in self.texts.values():
            pieces.append(data)

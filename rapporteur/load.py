"""Stage 1, load: read the content's YAML files into plain data, remembering where each value stands.

Only the structure of YAML is interpreted here (mappings, lists, scalars). What the data means is
the validate stage's business; this stage guarantees that what it hands on came from well-formed,
UTF-8, reasonably sized files without duplicate keys or aliases.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
import yaml.reader
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import ContentError, Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
# Every file of a report together: the sample is 1.2 MB in its six languages, and a report ten
# times its length in six languages (benchmarks/rebuild_speed.py) must still build.
MAX_TOTAL_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 40

# PyYAML counts NEL, LS and PS as line breaks and editors do not: refused, so that every
# position the builder reports is the one an editor shows.
_YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")
# The 66 noncharacters (U+FDD0-U+FDEF, U+FFFE and U+FFFF of every plane): never meant in a
# text (a broken conversion), and U+FFFE/U+FFFF cannot be written in XML. Refused anywhere in a
# file, at their line and column.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17))
_NONCHARACTER = re.compile(f"[{_NONCHARACTERS}]")
# What a text may not hold even when written as a YAML escape ("\x07", "\u0085", "\ud800"):
# controls other than tab and newline, the breaks above, lone surrogates (not encodable) and
# the noncharacters. Everything else XML 1.0 can carry, so every text can be exported for
# translators (translation/xliff/).
_FORBIDDEN_IN_TEXT = re.compile(
    f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff{_NONCHARACTERS}]")


def forbidden_character(text: str) -> str | None:
    """The first character of `text` that no content text may hold, if any (see above)."""
    found = _FORBIDDEN_IN_TEXT.search(text)
    return found.group() if found else None


def _describe(character: str) -> str:
    code = ord(character)
    if 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        return f"a noncharacter (U+{code:04X})"
    return f"an invisible control character (U+{code:04X})"

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class SourceFile:
    """The data of one YAML file and the line/column (1-based) of every key and list item."""

    path: Path
    data: Any
    positions: dict[Location, tuple[int, int]] = field(repr=False)
    lines: tuple[str, ...] = field(default=(), repr=False)  # split once, for error excerpts
    # The bytes read and parsed: what a rewrite (translations ack, xliff import) edits, and what
    # the file must still hold when the rewrite replaces it.
    raw: bytes = field(default=b"", repr=False)

    def position(self, location: Location) -> tuple[int | None, int | None]:
        """Where `location` (a path of keys and indices) stands, or its nearest existing parent."""
        for end in range(len(location), -1, -1):
            found = self.positions.get(tuple(location[:end]))
            if found:
                return found
        return None, None

    def problem(self, location: Location, message: str, hint: str | None = None,
                severity: str = "error") -> Problem:
        line, column = self.position(location)
        return Problem(self.path, line, column, message, hint, severity,
                       _line_of(self.lines, line))


@dataclass(frozen=True)
class LoadedContent:
    """Every file of a report, as loaded: the report file, then the files it names."""

    root: Path
    report: SourceFile
    body: list[SourceFile]
    glossary: SourceFile | None
    results: SourceFile
    recommendations: SourceFile
    projects: SourceFile


class _NoAliasLoader(yaml.SafeLoader):
    """Refuses anchors/aliases: content never needs them, and they are how "billion laughs" works."""

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "aliases (*name) are not allowed in content", event.start_mark)
        return super().compose_node(parent, index)


# libyaml's parser, through PyYAML's C extension when PyYAML was built with it: loading the
# sample's six languages takes a fifth of the time of PyYAML's own parser. Its composer is C, so it
# cannot refuse an alias as it meets one (an alias comes back as the anchored node, met twice),
# and its error messages are libyaml's. So it only ever loads a file with nothing to say about
# it: any error, or an alias, and the file is read again by `_NoAliasLoader`, whose messages and
# positions are the ones the builder gives. Both give the same data and the same positions
# (tests/test_load.py). libyaml refuses nesting deeper than 1000 levels, so its C recursion is
# bounded.
_FastLoader = getattr(yaml, "CSafeLoader", None) if getattr(yaml, "__with_libyaml__", False) \
    else None


class _NodeMetTwice(Exception):
    """An alias composed by libyaml: refused, by the pure loader's message."""


def _line_of(lines: tuple[str, ...], line: int | None) -> str | None:
    return lines[line - 1] if line is not None and 1 <= line <= len(lines) else None


def _problem_at(path: Path, lines: tuple[str, ...], mark, message: str,
                hint: str | None = None) -> Problem:
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    return Problem(path, line, column, message, hint, source_line=_line_of(lines, line))


def _hint_for_yaml_error(message: str) -> str | None:
    if "'\\t'" in message or "tab" in message:
        return "YAML indentation must use spaces, not tabs: replace the tab with spaces"
    if "mapping values are not allowed" in message:
        return "a text containing ': ' must be quoted, or written as a |- block on the next lines"
    if "could not find expected ':'" in message:
        return "check the indentation of this line and of the line above; keys end with ':'"
    if "found undefined alias" in message or "aliases" in message:
        return "write the value out instead of using &anchor / *alias"
    if "expected <block end>" in message:
        return "this line is indented differently from the lines around it"
    if "found unexpected end of stream" in message or "while scanning a quoted scalar" in message:
        return "a quotation mark is not closed"
    return None


def _unclosed_bracket(error: yaml.MarkedYAMLError) -> str | None:
    """A hint for a text that starts with '[' or '{': YAML reads a list or a mapping, and the
    error surfaces lines later, where the bracket was expected to close."""
    context, opened = error.context or "", error.context_mark
    if "flow" not in context or opened is None:
        return None
    bracket = "[" if "sequence" in context else "{"
    return (f"the '{bracket}' at line {opened.line + 1}, column {opened.column + 1} is not "
            f"closed: a text that starts with '{bracket}' must be quoted, or written as a |- "
            "block on the next lines")


def _refuse(path: Path, message: str, hint: str | None = None) -> ContentError:
    return ContentError([Problem(path, None, None, message, hint)])


def read_confined(path: Path, root: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of `path`, if it is a regular file inside `root` of at most `limit` bytes.

    Everything is checked before a byte is read: a link out of the content folder (to
    /etc/passwd, /proc/self/environ), a device (/dev/zero), a fifo or an oversized file is
    refused, and nothing of what it points at ever reaches a message.
    """
    try:
        resolved = path.resolve(strict=True)
        inside = resolved.is_relative_to(root.resolve())
    except FileNotFoundError:
        raise _refuse(path, "file not found") from None
    except (OSError, RuntimeError, ValueError):  # a loop of links, a name too long, a NUL
        raise _refuse(path, "cannot read this file name",
                      "use a short name of letters, digits, '-' and '.'") from None
    if not inside:
        raise _refuse(path, "the file is a link to a place outside the content folder",
                      "content files must be inside the content folder: copy the file there")
    try:
        status = os.stat(resolved)
    except OSError as error:
        raise _refuse(path, f"cannot read file: {error.strerror}") from None
    if not stat.S_ISREG(status.st_mode):
        raise _refuse(path, "not a regular file", "content files are ordinary text files")
    if status.st_size > limit:
        raise _too_large(path, status.st_size, limit)
    try:
        # No link may be swapped in after the check, and a fifo must not block the open.
        handle = os.open(resolved, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        raise _refuse(path, f"cannot read file: {error.strerror}") from None
    with os.fdopen(handle, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise _refuse(path, "not a regular file", "content files are ordinary text files")
        raw = stream.read(limit + 1)  # never more, even if the file grew since the check
    if len(raw) > limit:
        raise _too_large(path, len(raw), limit)
    return raw


def _too_large(path: Path, size: int, limit: int) -> ContentError:
    return _refuse(path, f"file is {size:,} bytes, more than the {limit:,} allowed",
                   "split it into several files, or check that nothing was pasted by mistake")


def load_yaml_file(path: Path, root: Path | None = None) -> SourceFile:
    """Read one YAML file, confined to `root` (default: its own folder).

    Raises ContentError with a positioned Problem for anything malformed.
    """
    raw = read_confined(path, root if root is not None else path.parent)
    parsed = _parsed.get(path)
    if parsed is not None and parsed[0] == raw:
        return parsed[1]
    loaded = parse_yaml(path, raw)
    _parsed[path] = (raw, loaded)
    return loaded


# The last parse of each file, by its bytes. `serve` rebuilds after every save, and most files
# have not changed since the build before: parsing them again would be most of a page's rebuild.
# Later stages never change what they are given, so sharing a parse between builds is safe.
_parsed: dict[Path, tuple[bytes, SourceFile]] = {}


def parse_yaml(path: Path, raw: bytes) -> SourceFile:
    """The bytes of a content file, as `load_yaml_file` reads them (the reading already done)."""
    if raw.startswith(codecs.BOM_UTF8):
        raise ContentError([Problem(path, 1, 1, "file starts with a byte order mark (BOM)",
                                    "save the file as UTF-8 without BOM")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        shown = raw.decode("utf-8", errors="replace").split("\n")
        raise ContentError([Problem(path, line, column, "file is not valid UTF-8",
                                    "save the file with UTF-8 encoding",
                                    source_line=_line_of(tuple(shown), line))]) from None
    lines = tuple(line.removesuffix("\r") for line in text.split("\n"))
    odd_break = _YAML_ONLY_BREAKS.search(text)
    if odd_break:
        line = text.count("\n", 0, odd_break.start()) + 1
        column = odd_break.start() - (text.rfind("\n", 0, odd_break.start()) + 1) + 1
        raise ContentError([Problem(
            path, line, column,
            f"the file contains an invisible line separator (U+{ord(odd_break.group()):04X})",
            "replace it with an ordinary line break or a space; it often comes from pasting",
            source_line=_line_of(lines, line))])
    nonchar = _NONCHARACTER.search(text)
    if nonchar:
        line = text.count("\n", 0, nonchar.start()) + 1
        column = nonchar.start() - (text.rfind("\n", 0, nonchar.start()) + 1) + 1
        raise ContentError([Problem(
            path, line, column, f"the file contains {_describe(nonchar.group())}",
            "delete it: it is no character of any language, and often comes from a broken "
            "conversion", source_line=_line_of(lines, line))])
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#")
                               for ln in text.splitlines()):
        raise ContentError([Problem(path, 1, 1, "file is empty",
                                    "write the content, or remove the file from report.yaml")])

    fast = _fast_parse(path, lines, text)
    if fast is not None:
        return SourceFile(path, fast[0], fast[1], lines, raw)
    try:
        loader = _NoAliasLoader(text)
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        raise ContentError([Problem(
            path, line, column, f"the file contains a control character ({error.character!r})",
            "delete it: it is invisible, and often comes from pasting",
            source_line=_line_of(lines, line))]) from None
    try:
        node = loader.get_single_node()
        positions: dict[Location, tuple[int, int]] = {}
        data = _construct(path, lines, loader, node, (), positions, 0, set())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = error.problem or error.context or "invalid YAML"
        hint = _hint_for_yaml_error(message) or _unclosed_bracket(error)
        raise ContentError([_problem_at(path, lines, mark, f"YAML syntax error: {message}",
                                        hint)]) from None
    except yaml.YAMLError as error:
        raise ContentError([Problem(path, None, None, f"YAML error: {error}")]) from None
    except RecursionError:
        raise ContentError([Problem(path, None, None, "content is nested too deeply")]) from None
    finally:
        loader.dispose()
    return SourceFile(path, data, positions, lines, raw)


def _fast_parse(path: Path, lines: tuple[str, ...],
                text: str) -> tuple[Any, dict[Location, tuple[int, int]]] | None:
    """The data and positions of a file libyaml reads without a word to say, else None."""
    if _FastLoader is None or "\t" in text:
        return None  # libyaml takes a tab after "key:" that PyYAML refuses: PyYAML decides
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        positions: dict[Location, tuple[int, int]] = {}
        return _construct(path, lines, loader, node, (), positions, 0, set()), positions
    except (yaml.YAMLError, ContentError, RecursionError, _NodeMetTwice):
        return None  # the pure loader says what is wrong
    finally:
        loader.dispose()


def _construct(path: Path, lines: tuple[str, ...], loader: yaml.SafeLoader, node: Node,
               location: Location, positions: dict[Location, tuple[int, int]],
               depth: int, met: set[int]) -> Any:
    if id(node) in met:
        raise _NodeMetTwice
    met.add(id(node))
    if depth > MAX_DEPTH:
        raise ContentError([_problem_at(path, lines, node.start_mark,
                                        "content is nested too deeply",
                                        f"no content needs more than {MAX_DEPTH} levels")])
    positions.setdefault(location, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if id(key_node) in met:
                raise _NodeMetTwice
            met.add(id(key_node))
            if not isinstance(key_node, ScalarNode):
                raise ContentError([_problem_at(path, lines, key_node.start_mark,
                                                "a key must be a plain word")])
            key = _scalar(path, lines, loader, key_node)
            if key == "<<":
                raise ContentError([_problem_at(path, lines, key_node.start_mark,
                                                "merge keys (<<) are not allowed in content")])
            if not isinstance(key, str):
                key = str(key_node.value)
            if key in result:
                first = positions[location + (key,)]
                raise ContentError([_problem_at(
                    path, lines, key_node.start_mark, f"duplicate key '{key}'",
                    f"'{key}' is already set on line {first[0]}; keep one of the two")])
            positions[location + (key,)] = (key_node.start_mark.line + 1,
                                            key_node.start_mark.column + 1)
            result[key] = _construct(path, lines, loader, value_node, location + (key,),
                                     positions, depth + 1, met)
        return result
    if isinstance(node, SequenceNode):
        return [_construct(path, lines, loader, item, location + (index,), positions, depth + 1,
                           met)
                for index, item in enumerate(node.value)]
    return _scalar(path, lines, loader, node)


def _scalar(path: Path, lines: tuple[str, ...], loader: yaml.SafeLoader, node: Node) -> Any:
    try:
        value = loader.construct_object(node)
    except ValueError:
        # A scalar YAML reads as a date or number but cannot be one (2022-13-45): keep the
        # text and let validation say what was expected there.
        value = node.value
    if isinstance(value, str):
        # The reader refuses raw control characters; these came in as escapes ("\x1b").
        bad = forbidden_character(value)
        if bad:
            raise ContentError([_problem_at(
                path, lines, node.start_mark, f"the text contains {_describe(bad)}",
                "remove it, or the escape sequence (such as \\x07, \\u0085 or \\uFFFE) "
                "that wrote it; write characters as themselves")])
    return value


def load_content(content_dir: Path) -> LoadedContent:
    """Load report.yaml and every file it names. All unreadable files are reported together.

    Each file is read once, from inside the content folder; together they may not exceed
    MAX_TOTAL_BYTES, and no file may be named twice (it would be rendered twice).
    """
    report_path = content_dir / "report.yaml"
    report = load_yaml_file(report_path, content_dir)
    problems: list[Problem] = []
    root = content_dir.resolve()
    named_at: dict[Path, Location] = {report_path.resolve(): ()}
    budget = [MAX_TOTAL_BYTES - len("\n".join(report.lines).encode("utf-8"))]

    def named_file(location: Location, required: bool = True) -> SourceFile | None:
        value: Any = report.data
        for key in location:
            if isinstance(value, dict):
                value = value.get(key)
            elif isinstance(value, list) and isinstance(key, int) and key < len(value):
                value = value[key]
            else:
                value = None
        if value is None:
            if required:
                problems.append(report.problem(location, f"missing '{'.'.join(map(str, location))}'",
                                               "name the file, relative to the content folder"))
            return None
        if not isinstance(value, str):
            problems.append(report.problem(location, "expected a file name"))
            return None
        try:
            target = (content_dir / value).resolve()
            exists, regular = target.exists(), target.is_file()
            size = target.stat().st_size if regular else 0
        except (OSError, ValueError):  # a NUL in the name, a name too long
            problems.append(report.problem(location, "this is not a usable file name",
                                           "use a short name of letters, digits, '-' and '.'"))
            return None
        if not target.is_relative_to(root):
            problems.append(report.problem(location, f"'{value}' is outside the content folder"))
            return None
        if not regular:
            problems.append(report.problem(
                location, f"included file '{value}' " + ("is not a regular file" if exists
                                                         else "does not exist"),
                "name a YAML file" if exists else "check the file name and its folder"))
            return None
        if target in named_at:
            first = named_at[target]
            problems.append(report.problem(
                location, f"'{value}' is named twice",
                f"it is already named on line {report.position(first)[0]}; "
                "a file is part of the report once" if first else
                "report.yaml cannot name itself"))
            return None
        named_at[target] = location
        if budget[0] < 0:
            return None  # already over the total: reported once, the rest is not read
        if budget[0] < size <= MAX_FILE_BYTES:  # a larger file is refused on its own
            problems.append(report.problem(
                location, f"the content is larger than the {MAX_TOTAL_BYTES:,} bytes allowed "
                f"in all, with '{value}'", "check that nothing was pasted by mistake"))
            budget[0] = -1  # one message is enough; later files are not read
            return None
        try:
            loaded = load_yaml_file(target, content_dir)
        except ContentError as error:
            problems.extend(error.problems)
            return None
        budget[0] -= size
        return loaded

    if not isinstance(report.data, dict):
        raise ContentError([report.problem((), "report.yaml must be a mapping of keys to values")])
    body_list = report.data.get("body")
    body: list[SourceFile] = []
    if not isinstance(body_list, list) or not body_list:
        problems.append(report.problem(("body",), "'body' must list the section files in order"))
    else:
        for index in range(len(body_list)):
            loaded = named_file(("body", index))
            if loaded:
                body.append(loaded)
    glossary = named_file(("glossary",), required=False)
    results = named_file(("annexes", "results"))
    recommendations = named_file(("annexes", "recommendations"))
    projects = named_file(("annexes", "projects"))
    if problems:
        raise ContentError(problems)
    assert results and recommendations and projects
    return LoadedContent(content_dir, report, body, glossary, results, recommendations, projects)

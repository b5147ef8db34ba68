"""One error type for everything an author can get wrong, and the report that collects them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

# Characters that must never reach a terminal raw: C0/C1 controls (escape sequences start with
# ESC), line and paragraph separators, lone surrogates, and the bidirectional overrides that can
# make a line read differently from what it holds.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff"
                          "\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with every character that could act on a terminal written as an escape (\\x1b)."""
    return _UNPRINTABLE.sub(lambda match: match.group().encode("unicode_escape")
                            .decode("ascii") if ord(match.group()) < 0x100
                            else f"\\u{ord(match.group()):04x}", text)


@dataclass(frozen=True)
class Problem:
    """A mistake in the content, pinned to a place in a file, with a hint on how to fix it."""

    file: Path
    line: int | None
    column: int | None
    message: str
    hint: str | None = None
    severity: str = "error"  # or "warning"
    # The text of `line`, kept by the loader. Excerpts never re-read a file: only files that
    # passed the loader's checks (confined, regular, small) are ever shown, and each line once.
    source_line: str | None = None

    def location(self, root: Path | None = None) -> str:
        path = self.file
        if root is not None:
            try:
                # As named first: a link (the render cache's folder, say) is named, not its target.
                path = self.file.relative_to(root)
            except ValueError:
                try:
                    path = self.file.resolve().relative_to(root.resolve())
                except (ValueError, OSError):
                    pass
        parts = [str(path)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def format(self, root: Path | None = None) -> str:
        text = f"{printable(self.location(root))}: {self.severity}: {printable(self.message)}"
        excerpt = self.excerpt()
        if excerpt:
            text += "\n" + excerpt
        if self.hint:
            text += f"\n    hint: {printable(self.hint)}"
        return text

    def excerpt(self) -> str:
        """The offending source line with a caret under the column, when the loader kept it."""
        if self.line is None or self.source_line is None:
            return ""
        source = self.source_line
        if len(source) > 120:
            source = source[:117] + "..."
        caret = ""
        if self.column is not None and self.column - 1 <= len(source):
            # The caret stands under the character as printed, escapes included, and as wide
            # as a terminal shows what precedes it (a Chinese character takes two columns).
            caret = "\n    | " + " " * _width(printable(source[: self.column - 1])) + "^"
        return f"    | {printable(source)}{caret}"


def _width(text: str) -> int:
    """How many terminal columns a text takes: two for wide (East Asian) characters."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


class ContentError(Exception):
    """The content cannot be built. Carries every problem found in the run."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (str(p.file), p.line or 0, p.column or 0))
        super().__init__("\n".join(p.format() for p in self.problems))

    def __reduce__(self):
        # Raised in a worker process, it crosses back to the parent by pickle.
        return (type(self), (self.problems,))


class UsageError(Exception):
    """The command line asks for something that does not exist (exit code 2)."""


class EnvironmentFailure(Exception):
    """The machine, not the content, stops the build (exit code 4): a folder that cannot be
    written, a full disk, a device or a folder where an output file belongs."""

    def __init__(self, path: Path, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")

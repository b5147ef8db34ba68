"""One error type for everything an author can get wrong, and the report that collects them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """A mistake in the content, pinned to a place in a file, with a hint on how to fix it."""

    file: Path
    line: int | None
    column: int | None
    message: str
    hint: str | None = None
    severity: str = "error"  # or "warning"

    def location(self, root: Path | None = None) -> str:
        path = self.file
        if root is not None:
            try:
                path = self.file.resolve().relative_to(root.resolve())
            except ValueError:
                pass
        parts = [str(path)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def format(self, root: Path | None = None) -> str:
        text = f"{self.location(root)}: {self.severity}: {self.message}"
        excerpt = self.excerpt()
        if excerpt:
            text += "\n" + excerpt
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def excerpt(self) -> str:
        """The offending source line with a caret under the column, when the file is readable."""
        if self.line is None:
            return ""
        try:
            lines = self.file.read_bytes().decode("utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        if not 1 <= self.line <= len(lines):
            return ""
        source = lines[self.line - 1]
        if len(source) > 120:
            source = source[:117] + "..."
        caret = ""
        if self.column is not None and self.column - 1 <= len(source):
            caret = "\n    | " + " " * (self.column - 1) + "^"
        return f"    | {source}{caret}"


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

"""Earlier source texts, from the project's git history: what a stale translation was made from.

The content keeps only the fingerprint of the source a translation was made from
(`based-on: {zh: 8f3c2a91}`). To show a translator the text behind it, the versions of the unit's
content file are read back from git, newest first, and the first source text of any unit in them
with that fingerprint is the one (a unit may have moved since: blocks inserted, reordered).

Bounded: at most HISTORY_DEPTH versions of a file, each at most the loader's MAX_FILE_BYTES, read
through one `git cat-file --batch` (rapporteur/git.py: no prompt, a timeout). No git,
no repository, no version with that fingerprint: the text is not available, and the caller says
so; nothing here fails an export.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError
from ..git import run_git
from ..load import MAX_FILE_BYTES, parse_yaml
from .fingerprint import fingerprint, normalize
from .units import Languages, Unit, file_units

HISTORY_DEPTH = 50  # versions of one content file: several translation rounds back


@dataclass(frozen=True)
class Previous:
    """The source text a translation was made from, or why it cannot be given."""

    text: str | None
    missing: str = ""  # when text is None: why, in words for the note


class SourceHistory:
    """The earlier source texts of a project's content files, read once per file."""

    def __init__(self, content: Path, languages: Languages):
        self.content = content
        self.languages = languages
        self._top: Path | None | bool = False  # not asked yet
        self._found: dict[Path, dict[str, str]] = {}  # file → fingerprint → source text
        self._depth: dict[Path, int] = {}  # file → versions read

    def previous(self, unit: Unit, language: str) -> Previous:
        stamp = unit.stamps.get(language)
        if stamp is None:
            return Previous(None, "the translation has no based-on stamp")
        top = self._toplevel()
        if top is None:
            return Previous(None, "the project is not in a git repository (or git is not "
                            "installed)")
        path = Path(os.path.abspath(unit.file.path))
        if path not in self._found:
            self._found[path], self._depth[path] = self._read(top, path)
        text = self._found[path].get(stamp)
        if text is None:
            depth = self._depth[path]
            return Previous(None, f"no version of the file in its last {depth} commit"
                            f"{'s' if depth != 1 else ''} has the {self.languages.source} "
                            f"text this translation was made from ({stamp})")
        return Previous(text)

    def _toplevel(self) -> Path | None:
        if self._top is False:
            found = _git(self.content, "rev-parse", "--show-toplevel")
            self._top = Path(found.decode("utf-8").strip()) if found else None
        return self._top  # type: ignore[return-value]

    def _read(self, top: Path, path: Path) -> tuple[dict[str, str], int]:
        """Fingerprint → source text of every unit of every version of the file, newest first
        (the newest text of a fingerprint wins)."""
        try:
            name = path.resolve().relative_to(top.resolve()).as_posix()
        except ValueError:
            return {}, 0
        commits = _git(top, "log", f"--max-count={HISTORY_DEPTH}", "--format=%H", "--", name)
        hashes = commits.decode("ascii", errors="replace").split() if commits else []
        if not hashes:
            return {}, 0
        batch = _git(top, "cat-file", "--batch",
                     stdin="".join(f"{commit}:{name}\n" for commit in hashes).encode())
        found: dict[str, str] = {}
        for data in _blobs(batch or b""):
            if len(data) > MAX_FILE_BYTES:
                continue
            try:
                version = parse_yaml(path, data)
            except ContentError:
                continue  # a version that did not load then: nothing to learn from it
            for unit in file_units(version, self.languages):
                source = normalize(unit.texts[self.languages.source])
                found.setdefault(fingerprint(source), source)
        return found, len(hashes)


def _blobs(batch: bytes) -> list[bytes]:
    """The contents `git cat-file --batch` gave: "<sha> blob <size>\\n<data>\\n" each, or
    "<name> missing\\n" for a commit where the file did not exist."""
    blobs, position = [], 0
    while position < len(batch):
        end = batch.find(b"\n", position)
        if end < 0:
            break
        header = batch[position:end].split()
        position = end + 1
        if len(header) == 3 and header[1] == b"blob" and header[2].isdigit():
            size = int(header[2])
            blobs.append(batch[position:position + size])
            position += size + 1
    return blobs


def _git(cwd: Path, *arguments: str, stdin: bytes | None = None) -> bytes | None:
    """git's output, or None if git is missing, fails or takes too long."""
    done = run_git(cwd, *arguments, stdin=stdin)
    return done.stdout if done is not None and done.returncode == 0 else None

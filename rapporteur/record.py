"""The build record: what the last build of an output folder was made from, and what it wrote.

A build that finds its inputs unchanged since the last build of the same folder, and that folder's
files still as that build wrote them, has nothing to do: it returns at once, with the warnings
the content had then (`current_build`). This is what makes a rebuild after no edit cost about as
much as starting the program, where checking the content and rendering every page to find the
cache keys took a quarter of a cold build.

The inputs are hashed by content, not by modification time: the content, templates and locales
folders, this package's own code, the installed Python packages, the fonts and renderer
libraries, and the build's options. Anything else the build depends on would be a bug here. The
outputs are checked by hash too, so a file edited, deleted or half-written (a build killed while
renaming) makes the next build run in full. The record is only a shortcut: deleting it is safe.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import stat
import sys
import tempfile
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from .errors import Problem
from .outputs.pdf import renderer_fingerprint

RECORD_NAME = ".rapporteur-build.json"
_VERSION = 1
_LARGEST_HASHED = 16 * 1024 * 1024
"""Files larger than this (nothing the loader would read) count by size and time, not bytes."""


@dataclass(frozen=True)
class RecordedFile:
    path: Path
    format: str


@dataclass(frozen=True)
class CurrentBuild:
    """The last build, still current: its files and the warnings its content had."""

    files: list[RecordedFile]
    warnings: list[Problem]


def inputs_key(folders: list[Path], options: dict) -> str:
    """A hash of everything a build reads: `folders` (content, templates, locales), this package's
    code, the environment (Python, installed packages, fonts, Pango and HarfBuzz) and `options`."""
    digest = hashlib.sha256()

    def add(text: str) -> None:
        encoded = text.encode("utf-8", "surrogateescape")
        digest.update(len(encoded).to_bytes(8, "big") + encoded)

    add(json.dumps(options, sort_keys=True, default=str))
    add(_environment())
    for folder in [*folders, Path(__file__).parent]:
        add(str(folder))
        for relative, fingerprint in _tree(folder):
            add(relative)
            digest.update(fingerprint)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _environment() -> str:
    """Python, every installed package's version, the fonts and the renderer's libraries.

    Read once per process: `serve` rebuilds many times, and nothing is installed under it.
    """
    packages = sorted(f"{distribution.metadata['Name']}=={distribution.version}"
                      for distribution in importlib.metadata.distributions())
    return "\n".join([sys.version, *packages, renderer_fingerprint()])


def _tree(folder: Path):
    """(relative path, fingerprint) of each file under `folder`, in a stable order.

    Never reads through a symbolic link or from anything but a regular file: a link to a device
    or to /proc counts by what it points at, as the loader refuses to read it anyway.
    """
    for directory, subfolders, names in os.walk(folder):
        subfolders.sort()
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        for name in sorted(names):
            path = Path(directory, name)
            relative = path.relative_to(folder).as_posix()
            try:
                status = path.lstat()
                if stat.S_ISREG(status.st_mode) and status.st_size <= _LARGEST_HASHED:
                    yield relative, hashlib.sha256(path.read_bytes()).digest()
                    continue
                if stat.S_ISLNK(status.st_mode):
                    relative += " -> " + os.readlink(path)
                    status = path.stat()
            except OSError:
                yield relative, b"unreadable"
                continue
            yield relative, (f"{stat.S_IFMT(status.st_mode)} {status.st_size} "
                             f"{status.st_mtime_ns} {status.st_ino}").encode("ascii")


def current_build(output: Path, key: str) -> CurrentBuild | None:
    """The last build of `output`, if it was made from `key` and its files are all as written."""
    try:
        record = json.loads((output / RECORD_NAME).read_text(encoding="utf-8"))
        if record.get("version") != _VERSION or record.get("key") != key:
            return None
        files = record["files"]
        for relative, (_, digest) in files.items():
            if hashlib.sha256((output / relative).read_bytes()).hexdigest() != digest:
                return None
        for folder in record["owned"]:
            # A build empties its owned folders of files it did not write: so must this one.
            present = {path.relative_to(output).as_posix()
                       for path in (output / folder).rglob("*") if not path.is_dir()}
            if not present <= files.keys():
                return None
        return CurrentBuild(
            [RecordedFile(output / relative, format) for relative, (format, _) in files.items()],
            [Problem(**{**warning, "file": Path(warning["file"])})
             for warning in record["warnings"]])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_record(output: Path, key: str, files: dict[Path, tuple[str, bytes]],
                 owned: list[Path], warnings: list[Problem]) -> None:
    """Record a build that has just written `files` (path → format, bytes) into `output`."""
    record = {
        "version": _VERSION,
        "key": key,
        "files": {path.relative_to(output).as_posix(): [format, hashlib.sha256(data).hexdigest()]
                  for path, (format, data) in files.items()},
        "owned": [folder.relative_to(output).as_posix() for folder in owned],
        "warnings": [{**asdict(warning), "file": str(warning.file)} for warning in warnings],
    }
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(dir=output, prefix=RECORD_NAME, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(record, stream, ensure_ascii=False, indent=1)
        os.replace(temporary, output / RECORD_NAME)
    except OSError:
        # Without a record the next build simply runs in full.
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        forget(output)


def forget(output: Path) -> None:
    """Drop the record: the folder's files are no longer those of one full build."""
    try:
        (output / RECORD_NAME).unlink(missing_ok=True)
    except OSError:
        pass

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

The record is an untrusted file like any in the output folder (a repository or another program
can put one there): it is read only from a regular file, every value in it must have the shape
this module writes, and the paths it names are only ever read inside the output folder, never
through a link. Anything else is a miss (`current_build` returns None), never an error.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import stat
import sys
import tempfile
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from .errors import Problem
from .outputs import REGISTRY
from .outputs.pdf import renderer_fingerprint

RECORD_NAME = ".rapporteur-build.json"
_VERSION = 2  # 2: each file's size recorded; the owned folders no longer are
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


def current_build(output: Path, key: str, owned: list[Path]) -> CurrentBuild | None:
    """The last build of `output`, if it was made from `key` and its files are all as written.

    `owned` are the folders this build would empty of files it did not write (from its
    formats, never from the record). Anything wrong with the record is a miss: a full build.
    """
    record = _read_record(output / RECORD_NAME)
    if not isinstance(record, dict) or record.get("version") != _VERSION \
            or record.get("key") != key:
        return None
    files = _recorded_files(record.get("files"))
    warnings = _recorded_warnings(record.get("warnings"))
    if files is None or warnings is None:
        return None
    # The files to check come from the record: which files a build writes is known only once
    # it has rendered, and not rendering is the point. So the record is trusted for names only
    # as far as it can be checked: the key covers every input and option that decides the file
    # set (content, theme, code, languages, formats, draft, print HTML), and each name must be
    # a plain relative path inside `output`, reached without a link, of a regular file whose
    # size and digest are the recorded ones. A record naming anything else is a miss, and no
    # byte outside the output folder is read.
    root = os.path.realpath(output)
    for relative, (_, size, digest) in files.items():
        if _digest(root, relative, size) != digest:
            return None
    for folder in owned:
        # A build empties its owned folders of files it did not write: so must this one.
        if _strays(folder, output, files.keys()):
            return None
    return CurrentBuild([RecordedFile(output / relative, format)
                         for relative, (format, _, _) in files.items()], warnings)


_LARGEST_RECORD = 8 * 1024 * 1024  # the sample report's record is a few kilobytes
_DIGEST = re.compile(r"[0-9a-f]{64}")
_WARNING_FIELDS = {"file": str, "line": int, "column": int, "message": str, "hint": str,
                   "severity": str, "source_line": str}
_OPTIONAL_FIELDS = {"line", "column", "hint", "source_line"}


def _read_record(path: Path) -> object:
    """The record's JSON, read only from a regular file of a sane size; None if anything is off
    (a fifo or a device there is never opened, a link never followed)."""
    try:
        if not _regular(path.lstat(), _LARGEST_RECORD):
            return None
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        with os.fdopen(handle, "rb") as stream:
            if not _regular(os.fstat(stream.fileno()), _LARGEST_RECORD):
                return None
            return json.loads(stream.read(_LARGEST_RECORD + 1))
    except (OSError, ValueError, RecursionError):  # RecursionError: "[[[[…" nested deep
        return None


def _regular(status: os.stat_result, largest: int) -> bool:
    return stat.S_ISREG(status.st_mode) and status.st_size <= largest


def _recorded_files(files: object) -> dict[str, tuple[str, int, str]] | None:
    """The record's files (relative path → format, size, digest), if every entry is well made."""
    if not isinstance(files, dict):
        return None
    checked = {}
    for relative, entry in files.items():
        if not (_plain_relative(relative) and isinstance(entry, list) and len(entry) == 3):
            return None
        format, size, digest = entry
        if not (format in REGISTRY and _count(size) and isinstance(digest, str)
                and _DIGEST.fullmatch(digest)):
            return None
        checked[relative] = (format, size, digest)
    return checked


def _plain_relative(relative: object) -> bool:
    """A relative POSIX path of plain names: no "..", ".", empty part, absolute path or NUL."""
    return (isinstance(relative, str) and "\0" not in relative and not relative.startswith("/")
            and all(part not in ("", ".", "..") for part in relative.split("/")))


def _count(value: object) -> bool:
    return type(value) is int and 0 <= value < 2 ** 53  # not a bool, not a huge number


def _recorded_warnings(warnings: object) -> list[Problem] | None:
    """The record's warnings as problems, if each has exactly a warning's fields and types."""
    if not isinstance(warnings, list):
        return None
    problems = []
    for warning in warnings:
        if not (isinstance(warning, dict) and warning.keys() == _WARNING_FIELDS.keys()
                and warning["severity"] == "warning"):
            return None
        for name, kind in _WARNING_FIELDS.items():
            value = warning[name]
            if value is None and name in _OPTIONAL_FIELDS:
                continue
            if not (_count(value) if kind is int else isinstance(value, kind)):
                return None
        problems.append(Problem(**{**warning, "file": Path(warning["file"])}))
    return problems


def _digest(root: str, relative: str, size: int) -> str | None:
    """The SHA-256 of the output file `relative` under the real path `root`, if it is a regular
    file of `size` bytes reached without a link; None otherwise (never read, then)."""
    path = os.path.join(root, relative)
    try:
        if os.path.realpath(path) != path or not stat.S_ISREG(os.lstat(path).st_mode):
            return None  # a link on the way, or not a file
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        with os.fdopen(handle, "rb") as stream:
            status = os.fstat(stream.fileno())
            if not stat.S_ISREG(status.st_mode) or status.st_size != size:
                return None
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except (OSError, ValueError):
        return None


def _strays(folder: Path, output: Path, written) -> bool:
    """Whether `folder` holds anything the last build did not write (a link counts as such)."""
    try:
        status = folder.lstat()
    except FileNotFoundError:
        return False
    except OSError:
        return True
    if not stat.S_ISDIR(status.st_mode):
        return True

    def stop(error: OSError) -> None:
        raise error

    try:
        for directory, subfolders, names in os.walk(folder, onerror=stop):
            links = [name for name in subfolders if os.path.islink(os.path.join(directory, name))]
            for name in [*names, *links]:
                if Path(directory, name).relative_to(output).as_posix() not in written:
                    return True
    except OSError:
        return True
    return False


def write_record(output: Path, key: str, files: dict[Path, tuple[str, bytes]],
                 warnings: list[Problem]) -> None:
    """Record a build that has just written `files` (path → format, bytes) into `output`."""
    record = {
        "version": _VERSION,
        "key": key,
        "files": {path.relative_to(output).as_posix():
                  [format, len(data), hashlib.sha256(data).hexdigest()]
                  for path, (format, data) in files.items()},
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

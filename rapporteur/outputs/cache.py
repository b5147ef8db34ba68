"""The render cache: finished renders stored under the hash of everything that made them.

Renders are deterministic, so a job whose key was seen before would produce the bytes stored
under that key. Nothing else is trusted: an entry is used only if its header names the key it
is looked up by and the digest of its payload matches, so a truncated, corrupt or copied-in
entry is ignored, never served. Deleting the folder is always safe.

The folder is an untrusted place too: a repository can commit `.rapporteur-cache` as a symbolic
link, or put a fifo or a link where an entry belongs. So the folder is used only if it is a real
folder (a link to one, even inside the project, is refused: following it would write where the
project did not say), every name in it is opened without following links and read only if it is
a regular file, and only files that start with the cache's own header are ever deleted. A cache
that cannot be used or written costs speed, never the build: `warning` says why, naming the
folder, and the build shows it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

_MAGIC = b"rapporteur-render-cache 1\n"
_KEEP = 64  # entries kept after a build: a few generations of each language's parts and PDF
_IGNORE_ALL = b"*\n"  # the folder's .gitignore: nothing in it belongs in a repository


class _Unusable(Exception):
    """The folder is not one this cache may use (a link, a file); the reason is for the user."""


class RenderCache:
    def __init__(self, folder: Path):
        self.folder = folder
        self.warning: str | None = None
        """Why this build could not use or fill the cache (the first reason), or None."""

    def get(self, key: str) -> bytes | None:
        try:
            with self._opened(create=False) as folder:
                if folder is None:
                    return None
                name = f"{key}.bin"
                handle = _open_regular(name, folder)
                if handle is None:
                    return None
                with os.fdopen(handle, "rb") as stream:
                    stored = stream.read()
                    payload = _payload(stored, key)
                    if payload is not None:
                        _touch(stream.fileno())  # recently used: kept longest
                        return payload
                if stored.startswith(_MAGIC):
                    _remove(name, folder)  # one of ours, truncated or corrupt
                return None
        except _Unusable as reason:
            self._warn(str(reason))
        except OSError:
            pass  # an entry that cannot be read is a miss
        return None

    def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key`; a cache that cannot be written only costs speed."""
        temporary = f".{key}.{secrets.token_hex(8)}.tmp"
        try:
            with self._opened(create=True) as folder:
                try:
                    # Created once, never rewritten: whatever stands there (a link) is left.
                    _write_new(".gitignore", folder, _IGNORE_ALL)
                except FileExistsError:
                    pass
                digest = hashlib.sha256(data).hexdigest().encode("ascii")
                _write_new(temporary, folder,
                           _MAGIC + key.encode("ascii") + b"\n" + digest + b"\n" + data)
                # A rename replaces the name, never writes through a link standing there.
                os.replace(temporary, f"{key}.bin", src_dir_fd=folder, dst_dir_fd=folder)
                self._prune(folder)
        except _Unusable as reason:
            self._warn(str(reason))
        except OSError as error:
            self._warn(f"cannot be written ({error.strerror or error}): this build's renders "
                       "are not kept for the next")
            try:
                with self._opened(create=False) as folder:
                    if folder is not None:
                        os.unlink(temporary, dir_fd=folder)
            except (OSError, _Unusable):
                pass

    def _warn(self, reason: str) -> None:
        if self.warning is None:
            self.warning = f"the render cache {reason}"

    @contextmanager
    def _opened(self, create: bool) -> Iterator[int | None]:
        """The folder, opened without following a link (None if absent and not `create`d)."""
        if create:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
            except FileExistsError:
                pass  # a file or a link to nothing: refused just below
        try:
            handle = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
                             | os.O_CLOEXEC)
        except FileNotFoundError:
            if create:
                raise
            yield None
            return
        except OSError as error:
            try:
                mode = os.lstat(self.folder).st_mode
            except OSError:
                raise error from None
            if stat.S_ISLNK(mode):
                raise _Unusable("is a symbolic link, so it is not used (it could send the "
                                "build's writes outside the project): remove the link to "
                                "build with a cache") from None
            if not stat.S_ISDIR(mode):
                raise _Unusable("is not a folder, so it is not used: remove it to build "
                                "with a cache") from None
            raise  # a folder this user may not open: read as a miss, written as a warning
        try:
            yield handle
        finally:
            os.close(handle)

    def _prune(self, folder: int) -> None:
        """Remove the least recently used entries beyond `_KEEP`: only the cache's own files."""
        entries = []
        with os.scandir(folder) as listing:
            for entry in listing:
                try:
                    if entry.name.endswith(".bin") and entry.is_file(follow_symlinks=False):
                        entries.append((entry.stat(follow_symlinks=False).st_mtime, entry.name))
                except OSError:
                    continue  # gone meanwhile
        for _, name in sorted(entries, reverse=True)[_KEEP:]:
            handle = _open_regular(name, folder)
            if handle is None:
                continue
            with os.fdopen(handle, "rb") as stream:
                ours = stream.read(len(_MAGIC)) == _MAGIC
            if ours:
                _remove(name, folder)


def _payload(stored: bytes, key: str) -> bytes | None:
    """The bytes an entry holds, if its header names `key` and its digest matches."""
    header = _MAGIC + key.encode("ascii") + b"\n"
    digest_end = len(header) + 64
    payload = stored[digest_end + 1:]
    if (stored.startswith(header) and stored[digest_end:digest_end + 1] == b"\n"
            and stored[len(header):digest_end].decode("ascii", "replace")
            == hashlib.sha256(payload).hexdigest()):
        return payload
    return None


def _open_regular(name: str, folder: int) -> int | None:
    """`name` in `folder` opened for reading if it is a regular file; None for anything else.

    Looked at before it is opened, so a fifo is never opened (opening one waits for a writer);
    opened without following a link and without waiting, then looked at again, in case it was
    swapped meanwhile.
    """
    try:
        if not stat.S_ISREG(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode):
            return None
        handle = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                         dir_fd=folder)
    except OSError:
        return None
    if not stat.S_ISREG(os.fstat(handle).st_mode):
        os.close(handle)
        return None
    return handle


def _write_new(name: str, folder: int, data: bytes) -> None:
    """Write `data` to a file `name` that must not exist yet (not even as a link)."""
    handle = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                     0o644, dir_fd=folder)
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)


def _touch(handle: int) -> None:
    try:
        os.utime(handle)
    except OSError:
        pass  # someone else's entry, or a read-only cache: it only ages sooner


def _remove(name: str, folder: int) -> None:
    try:
        os.unlink(name, dir_fd=folder)
    except OSError:
        pass  # a read-only cache keeps its entries: a miss costs a render, nothing more

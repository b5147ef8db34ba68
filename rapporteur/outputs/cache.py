"""The render cache: finished renders stored under the hash of everything that made them.

Renders are deterministic, so a job whose key was seen before would produce the bytes stored
under that key. Nothing else is trusted: an entry is used only if its header names the key it
is looked up by and the digest of its payload matches, so a truncated, corrupt or copied-in
entry is ignored (and removed), never served. Deleting the folder is always safe.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

_MAGIC = b"rapporteur-render-cache 1\n"
_KEEP = 64  # entries kept after a build: a few generations of each language's parts and PDF


class RenderCache:
    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.bin"

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            stored = path.read_bytes()
        except OSError:
            return None
        header = _MAGIC + key.encode("ascii") + b"\n"
        digest_end = len(header) + 64
        payload = stored[digest_end + 1:]
        if (stored.startswith(header) and stored[digest_end:digest_end + 1] == b"\n"
                and stored[len(header):digest_end].decode("ascii", "replace")
                == hashlib.sha256(payload).hexdigest()):
            os.utime(path)  # recently used: kept longest
            return payload
        path.unlink(missing_ok=True)
        return None

    def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key`; a cache that cannot be written only costs speed."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / ".gitignore").write_text("*\n", encoding="ascii")
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "wb") as stream:
                stream.write(_MAGIC + key.encode("ascii") + b"\n")
                stream.write(hashlib.sha256(data).hexdigest().encode("ascii") + b"\n")
                stream.write(data)
            os.replace(temporary, self._path(key))
        except OSError:
            return
        self._prune()

    def _prune(self) -> None:
        entries = sorted(self.folder.glob("*.bin"), key=lambda path: path.stat().st_mtime,
                         reverse=True)
        for stale in entries[_KEEP:]:
            stale.unlink(missing_ok=True)

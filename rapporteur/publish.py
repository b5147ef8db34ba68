"""Stage 5b, publish: write every output format's files into the output folder, all or nothing.

Everything is produced in memory first, then written atomically: each file goes to a temporary
name beside its target and is renamed into place only once every output exists. A failure at
any point leaves the previous outputs as they were and no temporary files behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable

_TEMPORARY_SUFFIX = ".rapporteur-tmp"


def write_outputs(outputs: dict[Path, bytes], owned: Iterable[Path] = ()) -> list[Path]:
    """Write every output atomically; returns the files whose content changed.

    Folders in `owned` hold nothing but this build's files (a search index named by content
    hashes): once the new files are in place, the files of earlier builds there are removed.
    """
    for folder in {target.parent for target in outputs}:
        # A build killed between writing and renaming leaves its temporaries: clear them.
        for stale in folder.glob(f".*{_TEMPORARY_SUFFIX}") if folder.is_dir() else []:
            stale.unlink(missing_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in outputs.items():
            if target.is_file() and target.read_bytes() == data:
                continue  # unchanged: keep the file (and its timestamp) as it is
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.",
                                                 suffix=_TEMPORARY_SUFFIX,
                                                 dir=target.parent)
            staged.append((Path(temporary), target))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        for temporary, target in staged:
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        for folder in owned:
            for stale in sorted(folder.rglob("*")) if folder.is_dir() else []:
                if stale.is_file() and stale not in outputs:
                    stale.unlink(missing_ok=True)
        return [target for _, target in staged]
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)

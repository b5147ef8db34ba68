"""Stage 5b, publish: write every output format's files into the output folder, all or nothing.

Everything is produced in memory first, then written atomically: every target is checked, each
file goes to a temporary name beside its target and is renamed into place only once every output
exists. A failure at any point leaves the previous outputs as they were and no temporary files
behind; one build at a time writes into an output folder (`output_lock`).
"""

from __future__ import annotations

import fcntl
import os
import signal
import stat
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from .errors import ContentError, EnvironmentFailure, Problem

_TEMPORARY_SUFFIX = ".rapporteur-tmp"
def _announce_wait(folder: Path, holder: str = "build") -> None:
    print(f"rapporteur: another {holder} is writing to {folder}; waiting for it to finish",
          file=sys.stderr)


@contextmanager
def output_lock(folder: Path, holder: str = "build") -> Iterator[None]:
    """Hold the output folder for one build: a second build waits here until the first is done.

    Two builds writing at once could delete each other's temporary files or leave one language
    from each; with the lock, the outputs are those of the build that wrote last, whole. The
    lock is an flock on the folder itself, released by the system even if we are killed, and it
    leaves no file behind (a lock file in content/ showed in the authors' `git status`).
    The content folder has its own, held by the commands that rewrite content (`xliff import`,
    `translations ack`): `holder` names them in the message a second one prints while it waits.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise _environment_failure(error, folder) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _announce_wait(folder, holder)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _environment_failure(error: OSError, default: Path) -> EnvironmentFailure:
    return EnvironmentFailure(Path(error.filename) if error.filename else default,
                              error.strerror or str(error))


def _check_targets(outputs: dict[Path, bytes]) -> None:
    """Refuse, before anything is replaced, a target that could not be replaced by a file."""
    folders: set[Path] = set()
    for target in outputs:
        for folder in [target.parent, *target.parent.parents]:
            if folder in folders:
                break
            folders.add(folder)
            if folder.exists() and not folder.is_dir():
                raise EnvironmentFailure(folder, "not a folder, but an output folder belongs here")
        try:
            mode = target.lstat().st_mode
        except FileNotFoundError:
            continue
        except OSError as error:
            raise _environment_failure(error, target) from None
        if stat.S_ISDIR(mode):
            raise EnvironmentFailure(target, "a folder stands where this output file belongs")
        if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
            raise EnvironmentFailure(target, "not a regular file (a device?): it cannot be "
                                     "replaced by an output")


def _unchanged(target: Path, data: bytes) -> bool:
    """Whether `target` already holds `data` (a link or a file of another size is not read)."""
    try:
        status = target.lstat()
    except OSError:
        return False
    return (stat.S_ISREG(status.st_mode) and status.st_size == len(data)
            and target.read_bytes() == data)


def _check_still_holds(expected: Mapping[Path, bytes], targets: list[Path]) -> None:
    """Refuse to replace a file that changed since it was read: its change would be lost."""
    changed = [target for target in targets if target in expected
               and not _unchanged(target, expected[target])]
    if changed:
        raise ContentError([Problem(target, None, None, "this file changed while the command "
                                    "ran (saved in an editor, or rewritten by another command)",
                                    "run the command again: it reads the file as it is now")
                            for target in changed])


@contextmanager
def _interruptions_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while outputs are renamed, so that they end all old or all new."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_outputs(outputs: dict[Path, bytes], owned: Iterable[Path] = (),
                  still_holds: Mapping[Path, bytes] | None = None) -> list[Path]:
    """Write every output atomically; returns the files whose content changed.

    Raises EnvironmentFailure, with nothing replaced, when a target cannot be written: a folder
    or a device in its place, a read-only folder, a full disk. Folders in `owned` hold nothing
    but this build's files (a search index named by content hashes): once the new files are in
    place, the files of earlier builds there are removed. A rewrite of content names in
    `still_holds` the bytes each target had when it was read: if one has changed since (an
    editor saved it, another command rewrote it), ContentError, and nothing is replaced.
    """
    _check_targets(outputs)
    for folder in {target.parent for target in outputs}:
        # A build killed between writing and renaming leaves its temporaries: clear them.
        for stale in folder.glob(f".*{_TEMPORARY_SUFFIX}") if folder.is_dir() else []:
            stale.unlink(missing_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in outputs.items():
            if _unchanged(target, data):
                continue  # unchanged: keep the file (and its timestamp) as it is
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.",
                                                     suffix=_TEMPORARY_SUFFIX,
                                                     dir=target.parent)
                staged.append((Path(temporary), target))
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                    stream.flush()
                    os.fsync(stream.fileno())
            except OSError as error:
                raise _environment_failure(error, target.parent) from error
        with _interruptions_deferred():
            _check_still_holds(still_holds or {}, [target for _, target in staged])
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

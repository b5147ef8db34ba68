"""The earlier version a redline or a corrigendum compares with: `--from REV|PATH`.

PATH is another project folder (or its content/ folder), relative to the project or not; REV is a git revision of the project,
whose content/ folder is read with `git archive` into a temporary folder, as it was committed.
Nothing of the working tree is touched, and nothing git runs is taken from the repository's
configuration beyond what `git archive` itself reads.
"""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from ..build import Project, prepare_report
from ..errors import ContentError, UsageError
from ..git import GIT_TIMEOUT, run_git
from .compare import Version


@contextmanager
def earlier_version(spec: str, project: Project, root: Path) -> Iterator[Version]:
    """The version `spec` names, loaded, validated and resolved with this project's theme."""
    with earlier_content(spec, project.content, root) as content:
        earlier = replace(project, content=content)
        try:
            valid, document, _ = prepare_report(earlier)
        except ContentError as error:
            first = error.problems[0]
            raise UsageError(f"--from {spec}: that version does not validate "
                             f"({len(error.problems)} problem(s); first: {first.message}), "
                             "so it cannot be compared") from None
        yield Version(valid, document, spec)


@contextmanager
def earlier_content(spec: str, content: Path, root: Path) -> Iterator[Path]:
    """The content folder of the version `spec` names, for as long as the context lasts.

    A relative folder is looked for in the project first (`editions/cdip-28-2`), then in the
    current folder."""
    folder = next((candidate for candidate in (root / spec, Path(spec).expanduser())
                   if candidate.is_dir()), None)
    if folder is not None:
        for candidate in (folder / "content", folder):
            if (candidate / "report.yaml").is_file():
                yield candidate.resolve()
                return
        raise UsageError(f"--from {spec}: that folder holds no report.yaml, nor content/report.yaml")
    if spec.startswith("-") or not spec.strip():
        raise UsageError(f"--from {spec!r}: give a git revision (HEAD~1, a tag) or a folder")
    with tempfile.TemporaryDirectory(prefix="rapporteur-from-") as temporary:
        yield _archive(spec, content.resolve(), Path(temporary))


def _git(arguments: list[str], cwd: Path) -> subprocess.CompletedProcess:
    done = run_git(cwd, *arguments)
    if done is None:
        raise UsageError(f"--from needs git to read a revision: git is not installed, or "
                         f"'git {arguments[0]}' took more than {GIT_TIMEOUT} s")
    return done


def _archive(spec: str, content: Path, target: Path) -> Path:
    top = _git(["rev-parse", "--show-toplevel"], content)
    if top.returncode != 0:
        raise UsageError(f"--from {spec}: no such folder, and {content} is not in a git "
                         "repository to read a revision from")
    repository = Path(top.stdout.decode().strip())
    commit = _git(["rev-parse", "--verify", "--quiet", "--end-of-options",
                   f"{spec}^{{commit}}"], repository)
    if commit.returncode != 0:
        raise UsageError(f"--from {spec}: neither a folder nor a revision of the git "
                         f"repository at {repository} (try HEAD~1, a tag or a commit)")
    inside = content.relative_to(repository.resolve()).as_posix()
    archive = _git(["archive", "--format=tar", commit.stdout.decode().strip(), "--", inside],
                   repository)
    if archive.returncode != 0:
        raise UsageError(f"--from {spec}: that revision has no {inside}/ folder")
    tar_path = target / "content.tar"
    tar_path.write_bytes(archive.stdout)
    with tarfile.open(tar_path) as tar:
        tar.extractall(target / "tree", filter="data")  # no links out, no absolute paths
    tar_path.unlink()
    folder = target / "tree" / inside
    if not (folder / "report.yaml").is_file():
        raise UsageError(f"--from {spec}: that revision has no {inside}/report.yaml")
    return folder

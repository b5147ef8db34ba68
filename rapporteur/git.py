"""git, as Rapporteur runs it on a project's repository: read-only commands, bounded in time,
never prompting, with nothing of the repository's configuration that could start a program
(core.fsmonitor names one). `--from REV` and the translators' previous source texts read the
project's history through here."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_TIMEOUT = 120  # seconds, for one git command (an archive of a large content folder)


def run_git(cwd: Path, *arguments: str, stdin: bytes | None = None
            ) -> subprocess.CompletedProcess | None:
    """git's result, or None when git is not installed or took longer than GIT_TIMEOUT."""
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0",
                   "GIT_PAGER": "cat"}
    try:
        return subprocess.run(["git", "-c", "core.fsmonitor=false", *arguments], cwd=cwd,
                              **({"input": stdin} if stdin is not None
                                 else {"stdin": subprocess.DEVNULL}),
                              capture_output=True, env=environment, timeout=GIT_TIMEOUT,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None

"""Translation parity: do the languages of a report say the same things?

Part of validation, run by `check` and `build`. Returns problems; severity "error" stops the
build, "warning" is reported (and stops it under --strict).
"""

from __future__ import annotations

from .errors import Problem
from .validate import ValidContent


def check_parity(content: ValidContent) -> list[Problem]:
    """Every parity problem in the content (to be written: see issue 3)."""
    return []

"""`rapporteur translations ack`: stamp translations as current without changing them.

For a source change that needs no new translation (a typo fix, a re-wrapped line), or once,
to start tracking a report whose translations are known to be current.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..load import LoadedContent
from .fingerprint import fingerprint
from .units import MISSING, CURRENT, Languages, Unit, is_tracked, state, units
from .yamledit import Edit, apply_edits


@dataclass(frozen=True)
class Place:
    """FILE:LINE as given on the command line."""

    file: str
    line: int

    @classmethod
    def parse(cls, text: str) -> "Place":
        name, _, line = text.rpartition(":")
        if not name or not line.isdigit():
            raise UsageError(f"'{text}' is not FILE:LINE (e.g. content/body/01-intro.yaml:12)")
        return cls(name, int(line))

    def matches(self, path: Path, content: Path) -> bool:
        given = Path(self.file)
        # As printed by status (relative to the project), relative to content/, or as given.
        candidates = [given.resolve(), (content / given).resolve(),
                      (content.parent / given).resolve()]
        return path.resolve() in candidates or (len(given.parts) == 1 and path.name == self.file)


def unit_at(all_units: list[Unit], place: Place, content: Path) -> Unit:
    """The unit that holds line `place.line`: the last one starting on or before it."""
    in_file = [unit for unit in all_units if place.matches(unit.file.path, content)]
    if not in_file:
        raise UsageError(f"no translatable text in '{place.file}'")
    before = [unit for unit in in_file if (unit.position()[0] or 0) <= place.line]
    if not before:
        raise UsageError(f"no translatable text at {place.file}:{place.line}")
    return max(before, key=lambda unit: unit.position()[0] or 0)


def acknowledge(loaded: LoadedContent, languages: Languages, targets: list[str],
                place: Place | None) -> tuple[dict[Path, bytes], int]:
    """New file contents stamping the chosen units' translations, and how many were stamped."""
    all_units = units(loaded, languages)
    tracked = is_tracked(all_units)
    chosen = [unit_at(all_units, place, loaded.root)] if place else all_units
    edits = []
    for unit in chosen:
        for language in targets:
            unit_state = state(unit, language, languages, tracked)
            if unit_state in (MISSING, CURRENT):
                if place and unit_state == MISSING:
                    line, _ = unit.position()
                    raise UsageError(f"the {language} translation at {place.file}:{line} is "
                                     "missing: there is nothing to acknowledge")
                continue
            edits.append(Edit(unit.file.path, unit.location, language,
                              fingerprint(unit.texts[languages.source])))
    return apply_edits(edits, loaded, languages), len(edits)

"""The translators' journey on the real report, through the tools translators use.

A translation service gets the XLIFF export, opens it in its tool (translate-toolkit, the engine
behind Weblate; OmegaT), translates some units and sends the file back. What it did must land,
and nothing else: an untouched file changes no byte, a unit the tool left untranslated (a target
marked not done, a copy of the source, text in the wrong script) is reported at its line and
never stamped. Every test works on a copy of the real report's content in tmp_path.
"""

from __future__ import annotations

import copy
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from conftest import REPO
from rapporteur.load import load_content
from rapporteur.markup import protected_marks
from rapporteur.translation.inline import Code, Keep, Pair, Text, markdown, pieces
from rapporteur.translation.units import declared_languages, units
from rapporteur.translation.xliff import XLIFF_1, XLIFF_2
from test_translation_status import Project

IP_TAD = "{project:ip-technical-assistance-database|IP Technical Assistance Database}"


@pytest.fixture
def real(tmp_path: Path) -> Project:
    """A copy of the real report's content, with the real templates and locales."""
    shutil.copytree(REPO / "content", tmp_path / "content")
    for folder in ("templates", "locales"):
        os.symlink(REPO / folder, tmp_path / folder)
    return Project(tmp_path)


def yaml_files(project: Project) -> dict[str, bytes]:
    return {str(path.relative_to(project.content)): path.read_bytes()
            for path in sorted(project.content.rglob("*.yaml"))}


def export(project: Project, capsys, version: str, *options: str,
           name: str | None = None) -> Path:
    path = project.root / (name or f"zh-{version}.xlf")
    code, _, err = project.run("xliff", "export", "--lang", "zh", "-o", str(path),
                               "--version", version, *options, capsys=capsys)
    assert code == 0, err
    return path


def words(tree: etree._ElementTree, part: str) -> str:
    """The words of every <source> or <target>, without the text 1.2 keeps inside codes."""
    found = []
    for element in tree.iter(f"{{{XLIFF_2}}}{part}", f"{{{XLIFF_1}}}{part}"):
        element = copy.deepcopy(element)
        etree.strip_elements(element, f"{{{XLIFF_1}}}ph", f"{{{XLIFF_1}}}bpt",
                             f"{{{XLIFF_1}}}ept", with_tail=False)
        found.append("".join(element.itertext()))
    return "\n".join(found)


def run_import(project: Project, path: Path, capsys) -> tuple[int, str, str]:
    return project.run("xliff", "import", str(path), capsys=capsys)


# --- 1. one reference grammar --------------------------------------------------------------

def _codes_only(found: tuple) -> str:
    """The text with every word blanked: what is left is what the translator cannot touch."""
    parts = []
    for piece in found:
        if isinstance(piece, (Text, Keep)):
            # An em space: no word, no indentation, and it ends a bare URL as a space does.
            parts.append("".join(char if char == "\n" else "\u2003" for char in piece.text))
        elif isinstance(piece, Code):
            parts.append(piece.data)
        else:
            parts.append(piece.start + _codes_only(piece.inside) + piece.end)
    return "".join(parts)


def test_whatever_the_renderer_reads_as_a_call_reference_or_link_is_a_protected_code():
    loaded = load_content(REPO / "content")
    for unit in units(loaded, declared_languages(loaded)):
        for text in unit.texts.values():
            found = pieces(text)
            assert markdown(found) == text
            # Blank every word: the renderer still finds every footnote call, reference and
            # link, so none of them was left in the words a translator edits.
            assert protected_marks(_codes_only(found)) == protected_marks(text), (unit.id, text)
    label = pieces(f'under the "{IP_TAD}" project')
    assert Code("reference", IP_TAD) in label


@pytest.mark.parametrize("version", ["2.0", "1.2"])
def test_an_untouched_export_of_the_real_report_imports_byte_identically(real, capsys, version):
    path = export(real, capsys, version)
    tree = etree.parse(str(path))
    # The English reference with spaces in its label is a code, not words to translate.
    assert "Assistance Database}" not in words(tree, "source")
    before = yaml_files(real)
    code, out, err = run_import(real, path, capsys)
    assert code == 0, err
    assert "imported 0 zh translations" in out
    assert yaml_files(real) == before

"""Stage 5, PDF fonts: every character is checked against the fonts of its language's PDF."""

from __future__ import annotations

import pytest

from conftest import REPO, THEME, snapshot
from rapporteur.cli import main
from rapporteur.errors import ContentError
from rapporteur.outputs.fonts import declared_families, language_fonts, uncovered


def test_the_stylesheet_sets_one_family_per_script_and_language():
    css = (THEME.assets / "report.css").read_text(encoding="utf-8")
    assert declared_families(css, "zh") == ["Noto Sans CJK SC"]
    assert declared_families(css, "en") == ["Liberation Sans", "Noto Sans CJK SC"]
    assert all(font.file is not None for font in language_fonts(css, "en"))


def test_invisible_characters_need_no_glyph():
    css = (THEME.assets / "report.css").read_text(encoding="utf-8")
    fonts = language_fonts(css, "zh")
    assert uncovered("第 2 页\u2060\u200b\n，“WIPO”", fonts) == []
    assert uncovered("a\U0001D11Eb", fonts) == ["\U0001D11E"]


def test_a_character_no_font_has_stops_the_build_at_its_place(tiny):
    tiny.build(formats=["html"])
    before = snapshot(tiny.output)
    tiny.replace("body/01-opening.yaml", "The second paragraph, in 2021.",
                 "The second paragraph, in 2021 \U0001D11E.")
    with pytest.raises(ContentError) as raised:
        tiny.build()
    [problem] = raised.value.problems
    assert problem.file.name == "01-opening.yaml"
    assert (problem.line, problem.column) == (11, 41)
    assert "U+1D11E MUSICAL SYMBOL G CLEF" in problem.message and "en PDF" in problem.message
    assert "font-family" in problem.hint
    assert snapshot(tiny.output) == before


def test_doctor_prints_what_a_bug_report_needs(capsys):
    assert main(["--project", str(REPO), "doctor"]) == 0
    out = capsys.readouterr().out
    for expected in ("WeasyPrint      7", "Pango           1.", "HarfBuzz        ",
                     "font subsetter  HarfBuzz", "zh: Noto Sans CJK SC (/",
                     "en: Liberation Sans (/", "render cache:", ".rapporteur-cache"):
        assert expected in out, expected


def test_doctor_warns_of_a_pango_known_to_crash_weasyprint(capsys, monkeypatch):
    import rapporteur.doctor as doctor
    real = doctor.renderer
    monkeypatch.setattr(doctor, "renderer", lambda: [
        (name, "1.56.4" if name == "Pango" else value) for name, value in real()])
    assert main(["--project", str(REPO), "doctor"]) == 0
    out = capsys.readouterr().out
    assert "warning: Pango 1.56.4: WeasyPrint segfaults" in out and "#2507" in out

"""Which translations are current: the declared source, based-on stamps, status, ack, drafts.

Every test works on a copy of the tiny report (source: zh, translated into en) and runs the
command line as a user would, reading what it prints and the files it leaves.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, snapshot
from rapporteur.build import Project as BuildProject, check_report
from rapporteur.cli import main
from rapporteur.errors import ContentError
from rapporteur.translation.fingerprint import fingerprint, normalize, word_count

OPENING = "body/01-opening.yaml"
SECTION = "body/02-section.yaml"


class Project:
    """A project folder: the tiny content, the real templates and (copied) locales."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"

    def path(self, name: str) -> Path:
        return self.content / name

    def read(self, name: str) -> str:
        return self.path(name).read_text(encoding="utf-8")

    def replace(self, name: str, old: str, new: str) -> None:
        text = self.read(name)
        assert text.count(old) == 1, (old, name)
        self.path(name).write_text(text.replace(old, new), encoding="utf-8")

    def line_of(self, name: str, snippet: str) -> int:
        found = [number for number, line in enumerate(self.read(name).splitlines(), 1)
                 if snippet in line]
        assert len(found) == 1, (snippet, found)
        return found[0]

    def run(self, *arguments: str, capsys) -> tuple[int, str, str]:
        code = main(["--project", str(self.root), *arguments])
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err
        return code, captured.out, captured.err

    def warnings(self, output: str) -> list[str]:
        return [line for line in output.splitlines() if ": warning: " in line]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    shutil.copytree(FIXTURES / "tiny" / "content", tmp_path / "content")
    shutil.copytree(REPO / "locales", tmp_path / "locales")
    os.symlink(REPO / "templates", tmp_path / "templates")
    return Project(tmp_path)


@pytest.fixture
def tracked(project: Project, capsys) -> Project:
    """The tiny report with every translation stamped as current."""
    code, out, _ = project.run("translations", "ack", "--all", capsys=capsys)
    assert code == 0 and out.startswith("stamped 32 translations in 6 files")
    return project


# --- the declared source language -------------------------------------------------------

def test_the_source_language_must_be_declared(project):
    project.replace("report.yaml", "source: zh\n", "")
    with pytest.raises(ContentError) as raised:
        check_report(_project_of(project))
    assert [problem.message for problem in raised.value.problems] == ["missing 'source'"]


def test_the_source_language_must_be_a_declared_language(project):
    project.replace("report.yaml", "source: zh", "source: fr")
    with pytest.raises(ContentError) as raised:
        check_report(_project_of(project))
    problem, = raised.value.problems
    assert problem.message == "the source language 'fr' is not declared"
    assert problem.line == project.line_of("report.yaml", "source: fr")


def test_parity_compares_the_other_languages_with_the_declared_source(project):
    project.replace("report.yaml", "source: zh", "source: en")
    project.replace(OPENING, "en: The second paragraph, in 2021.",
                    "en: The second paragraph, in 2021 (CDIP/27/1).")
    with pytest.raises(ContentError) as raised:
        check_report(_project_of(project))
    problem, = raised.value.problems
    assert problem.message == ("paragraph 2 (zh): document symbol CDIP/27/1 from the en text "
                               "is missing")


def test_the_glossary_is_checked_from_the_source_into_the_other_languages(project):
    project.replace("report.yaml", "source: zh", "source: en")
    (project.content / "glossary.yaml").write_text(
        "terms:\n  - {zh: 发展议程, en: Development Agenda}\n  - {zh: 产权组织, en: WIPO}\n",
        encoding="utf-8")
    project.replace("report.yaml", "annexes:\n", "glossary: glossary.yaml\nannexes:\n")
    project.replace(SECTION, "zh: 第二项。", "zh: 第二项，关于议程和 WIPO。")
    project.replace(SECTION, "en: the second item.",
                    "en: the second item, on the Development Agenda and WIPO.")
    _, warnings = check_report(_project_of(project))
    problem, = warnings  # WIPO may stay as the source writes it; the agenda may not
    assert problem.message == ('paragraph 3 (zh): the en text uses the glossary term '
                               'Development Agenda, but the zh text does not say "发展议程"')
    assert problem.line == project.line_of(SECTION, "zh: 第二项，关于议程和 WIPO。")


def _project_of(project: Project) -> BuildProject:
    return BuildProject.at(project.root)


# --- fingerprints -----------------------------------------------------------------------

def test_the_fingerprint_ignores_wrapping_normal_forms_and_spaces_but_not_words():
    text = "The first paragraph; see document CDIP/26/7.[^first-note]"
    assert fingerprint(text) == fingerprint("The first   paragraph;\n  see document\n"
                                            "CDIP/26/7.[^first-note]\n")
    assert fingerprint("café") == fingerprint("cafe\u0301")  # NFC
    assert fingerprint("第一段，\n见文件") == fingerprint("第一段，见文件")
    for changed in ("The first paragraph; see document CDIP/26/8.[^first-note]",
                    "The first section; see document CDIP/26/7.[^first-note]",
                    "The first paragraph; see document CDIP/26/7.[^other-note]",
                    "The *first* paragraph; see document CDIP/26/7.[^first-note]"):
        assert fingerprint(changed) != fingerprint(text), changed
    assert normalize("a\n\nb") == "a\n\nb"  # a paragraph break is structure, not wrapping
    assert re.fullmatch("[0-9a-f]{8}", fingerprint(text))


def test_source_words_count_cjk_characters_and_words_but_not_markup():
    assert word_count("第一段，见文件 CDIP/26/7。[^first-note]") == 7
    assert word_count("The first note: https://www.wipo.int/a/b.html [^x]") == 3


# --- status and ack ---------------------------------------------------------------------

def test_an_unstamped_report_is_untracked_and_says_so(project, capsys):
    code, out, _ = project.run("status", "--fail-on", "stale,missing", capsys=capsys)
    assert code == 0
    assert "no translation is stamped yet" in out
    assert "units      32: unstamped 32 (100.0 %), missing 0 (0.0 %)" in out
    assert project.warnings(out) == []
    assert project.run("status", "--fail-on", "unstamped", capsys=capsys)[0] == 1


def test_ack_all_stamps_each_translation_beside_its_text_and_touches_nothing_else(
        project, capsys):
    project.replace(OPENING, "blocks:\n", "blocks:  # the opening\n")
    before = {name: project.read(name) for name in (OPENING, SECTION)}
    code, out, _ = project.run("translations", "ack", "--all", capsys=capsys)
    assert code == 0
    for name, text in before.items():
        after = project.read(name)
        stamps = [line for line in after.splitlines() if "based-on" in line]
        assert stamps and all(re.fullmatch(r" +based-on: \{en: '?[0-9a-f]{8}'?\}", line)
                              for line in stamps)
        assert "\n".join(line for line in after.splitlines() if "based-on" not in line) \
            == text.rstrip("\n")
    assert "      based-on: {en: " in project.read(OPENING).split("footnotes:")[0]
    code, out, _ = project.run("status", "--fail-on", "stale,missing", capsys=capsys)
    assert code == 0
    assert "units      32: current 32 (100.0 %), stale 0 (0.0 %), missing 0 (0.0 %)" in out
    assert "    body/02-section.yaml: current 8, stale 0, missing 0" in out
    # The stamped content still builds, with no warning.
    assert check_report(_project_of(project))[1] == []


def test_editing_one_word_makes_exactly_that_unit_stale(tracked, capsys):
    tracked.replace(OPENING, "zh: 第二段于 2021 年。", "zh: 第二段落于 2021 年。")
    code, out, _ = tracked.run("status", "--fail-on", "stale", capsys=capsys)
    assert code == 1
    warning, = tracked.warnings(out)
    line = tracked.line_of(OPENING, "en: The second paragraph, in 2021.")
    assert warning.startswith(f"content/{OPENING}:{line}:7: warning: the en translation is "
                              "stale: the zh text changed since it was translated")
    assert "units      32: current 31 (96.9 %), stale 1 (3.1 %), missing 0 (0.0 %)" in out
    # check reports it as a warning; --strict makes it an error.
    code, _, err = tracked.run("check", capsys=capsys)
    assert code == 0 and len(tracked.warnings(err)) == 1
    code, _, err = tracked.run("check", "--strict", capsys=capsys)
    assert code == 1 and f"content/{OPENING}:{line}:7: error: the en translation is stale" in err


def test_rewrapping_a_source_text_makes_nothing_stale(tracked, capsys):
    tracked.replace(OPENING, "zh: 第一段，见文件 CDIP/26/7。[^first-note]",
                    "zh: |-\n        第一段，\n          见文件 CDIP/26/7。\n        [^first-note]")
    tracked.replace(SECTION, "zh: 第三个脚注。", "zh: |-\n          第三个\n          脚注。\n")
    code, out, _ = tracked.run("status", "--fail-on", "stale", capsys=capsys)
    assert code == 0, out
    assert tracked.warnings(out) == []


def test_ack_at_a_line_makes_that_unit_current_again(tracked, capsys):
    tracked.replace(SECTION, "zh: 第二项。", "zh: 第二项．")
    tracked.replace(SECTION, "zh: 第三个脚注。", "zh: 第三个脚注！")
    line = tracked.line_of(SECTION, "en: the second item.")
    code, out, _ = tracked.run("translations", "ack", f"content/{SECTION}:{line}", capsys=capsys)
    assert (code, out) == (0, "stamped 1 translation in 1 file\n")
    code, out, _ = tracked.run("status", "--fail-on", "stale", capsys=capsys)
    assert code == 1
    warning, = tracked.warnings(out)
    assert f":{tracked.line_of(SECTION, 'en: The third footnote.')}:" in warning
    assert tracked.run("translations", "ack", "--all", capsys=capsys)[0] == 0
    assert tracked.run("status", "--fail-on", "stale", capsys=capsys)[0] == 0


def test_a_stamp_must_be_a_fingerprint(tracked):
    text = tracked.read(OPENING)
    stamp = re.search(r"based-on: \{en: ([0-9a-f]{8})\}", text).group(1)
    tracked.replace(OPENING, f"based-on: {{en: {stamp}}}", "based-on: {en: latest}")
    with pytest.raises(ContentError) as raised:
        check_report(_project_of(tracked))
    problem, = raised.value.problems
    assert problem.message == "'based-on' must map language codes to 8-character fingerprints"
    assert problem.line == tracked.line_of(OPENING, "based-on: {en: latest}")


def test_a_new_unit_of_a_tracked_report_is_stale_until_stamped(tracked, capsys):
    tracked.replace(OPENING, "  - paragraph:\n      zh: 第二段",
                    "  - heading:\n      zh: 新标题\n      en: A new heading\n"
                    "  - paragraph:\n      zh: 第二段")
    code, out, _ = tracked.run("status", "--fail-on", "stale", capsys=capsys)
    assert code == 1
    warning, = tracked.warnings(out)
    assert "the en translation has no based-on stamp" in warning


def test_status_as_json(tracked, capsys):
    tracked.replace(SECTION, "zh: 第二项。", "zh: 第二项（已改）。")
    code, out, _ = tracked.run("status", "--format", "json", capsys=capsys)
    assert code == 0
    data = json.loads(out)
    assert data["source"] == "zh" and data["tracked"] is True
    english = data["languages"]["en"]
    assert english["units"] == {"current": 31, "stale": 1, "missing": 0, "unstamped": 0}
    assert english["files"][SECTION]["units"]["stale"] == 1
    assert english["words"]["stale"] == word_count("第二项（已改）。")
    problem, = data["problems"]
    assert problem["location"].startswith(f"content/{SECTION}:")


def test_fuzzy_and_missing_template_messages_are_reported(project, capsys):
    catalogue = project.root / "locales" / "zh" / "LC_MESSAGES" / "messages.po"
    text = catalogue.read_text(encoding="utf-8")
    text = text.replace('msgid "All languages"', '#, fuzzy\nmsgid "All languages"', 1)
    text = text.replace('msgstr "附件一"', 'msgstr ""', 1)
    catalogue.write_text(text, encoding="utf-8")
    code, out, _ = project.run("status", "--fail-on", "stale", capsys=capsys)
    assert code == 1
    assert re.search(r"template messages \(zh\): \d+, fuzzy 1, missing 1", out), out
    warnings = project.warnings(out)
    assert any(line.startswith("locales/zh/LC_MESSAGES/messages.po:") and
               'template message "All languages" is fuzzy' in line for line in warnings)
    assert any('template message "ANNEX I" is not translated' in line for line in warnings)


def test_usage_mistakes_exit_with_2(project, capsys):
    assert project.run("status", "--fail-on", "old", capsys=capsys)[0] == 2
    assert project.run("translations", "ack", capsys=capsys)[0] == 2
    assert project.run("translations", "ack", "--all", "--lang", "zh", capsys=capsys)[0] == 2
    assert project.run("translations", "ack", "nowhere.yaml:3", capsys=capsys)[0] == 2


# --- drafts ------------------------------------------------------------------------------

def test_a_draft_builds_missing_and_stale_translations_visibly_marked(tracked, capsys):
    output = tracked.root / "output"
    tracked.replace(OPENING, "      en: The second paragraph, in 2021.\n", "")
    tracked.replace(SECTION, "zh: 第三个脚注。", "zh: 第三个脚注，已修改。")
    code, _, err = tracked.run("build", capsys=capsys)
    assert code == 1 and "missing 'en' translation" in err and not output.exists()

    code, _, err = tracked.run("build", "--draft", capsys=capsys)
    assert code == 0, err
    html = (output / "test-1-1.en.html").read_text(encoding="utf-8")
    assert "DRAFT: missing or outdated translations are marked" in html
    assert "[DRAFT: not translated yet, zh text follows] 第二段于 2021 年。" in html
    assert "[DRAFT: translation of an earlier zh text] The third footnote." in html
    pdf = output / "test-1-1.en.pdf"
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout).group(1))
    for page in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "DRAFT" in text.splitlines()[:3], (page, text[:200])

    # A normal build afterwards fails again and leaves the draft outputs as they were.
    before = snapshot(output)
    assert tracked.run("build", capsys=capsys)[0] == 1
    assert snapshot(output) == before


def test_a_changed_source_makes_its_unit_stale_in_every_other_language(project, capsys):
    from test_languages import GERMAN, add_language_to_content
    add_language_to_content(project.content, GERMAN, "DE ")  # a language without a catalogue
    assert project.run("translations", "ack", "--all", capsys=capsys)[0] == 0
    project.replace(SECTION, "zh: 第二项。", "zh: 第二个项目。")
    code, out, _ = project.run("status", "--fail-on", "stale", capsys=capsys)
    assert code == 1
    assert "no message catalogue for 'de'" in out  # the template strings count too
    warnings = [line for line in project.warnings(out) if line.startswith("content/")]
    assert [line.split(": warning: ")[1].split(":")[0] for line in warnings] == [
        "the en translation is stale", "the de translation is stale"]
    assert {line.split(":")[1] for line in warnings} == {
        str(project.line_of(SECTION, "en: the second item.")),
        str(project.line_of(SECTION, "de: DE the second item."))}

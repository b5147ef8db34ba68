"""`xliff import` against a hostile translator's file, and the YAML writer it shares with `ack`.

Each test is one attack on the import: forged code data, links, references or footnote calls
typed in or smuggled out, a unit given twice, entities, characters XML or the content cannot
hold, files too large or empty, content swapped for a link or edited while the import runs, two
imports at once. What must hold each time: what lands in the YAML comes from the export and the
translated words only; a refusal is a located error (exit 1) with nothing written.
"""

from __future__ import annotations

import builtins
import copy
import os
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import snapshot
from rapporteur import publish
from rapporteur.cli import main
from rapporteur.errors import ContentError
from rapporteur.load import load_content
from rapporteur.translation import commands
from rapporteur.translation.units import declared_languages
from rapporteur.translation.xliff import XLIFF_1, XLIFF_2, merge, read
from test_translation_status import Project
from test_xliff import (NS, OPENING, SECTION, _refused, export, imported, line_of, save,
                        tracked, unit)

__all__ = ["tracked"]  # the fixture, shared with test_xliff.py
PLACE = "report.yaml"


def _with_link(project: Project, capsys) -> None:
    """The second paragraph links to the WIPO site, in each language's own page."""
    project.replace(OPENING, "zh: 第二段于 2021 年。",
                    "zh: 第二段于 2021 年，见[网站](https://www.wipo.int/zh/)。")
    project.replace(OPENING, "en: The second paragraph, in 2021.",
                    "en: The second paragraph, in 2021; see [the site](https://www.wipo.int/en/).")
    assert project.run("translations", "ack", "--all", capsys=capsys)[0] == 0


# --- codes: their data comes from the export ------------------------------------------------

def test_forged_original_data_does_not_change_the_link_that_lands(tracked, capsys):
    _with_link(tracked, capsys)
    path = export(tracked, capsys)
    tree = etree.parse(str(path)).getroot()
    second = unit(tree, OPENING, "blocks.1.paragraph")
    target = second.find("x:segment/x:target", NS)
    link = target.find("x:pc", NS)
    link.text = "THE SITE"
    # Same site in another language: the parity check alone cannot tell.
    forged = etree.SubElement(second.find("x:originalData", NS), f"{{{XLIFF_2}}}data",
                              id="forged")
    forged.text = "](https://www.wipo.int/fr/)"
    link.set("dataRefEnd", "forged")
    save(tree, path)
    imported(tracked, path, capsys)
    assert "[THE SITE](https://www.wipo.int/en/)" in tracked.read(OPENING)
    assert "/fr/" not in tracked.read(OPENING)


def test_forged_1_2_code_text_does_not_change_the_link_that_lands(tracked, capsys):
    _with_link(tracked, capsys)
    path = export(tracked, capsys, "--version", "1.2")
    text = path.read_text()
    end = '<ept id="1">](https://www.wipo.int/en/)</ept>'
    assert text.count(end) == 1
    path.write_text(text.replace(end, '<ept id="1">](https://www.wipo.int/fr/)</ept>')
                    .replace(">the site<", ">THE SITE<"))
    imported(tracked, path, capsys)
    assert "[THE SITE](https://www.wipo.int/en/)" in tracked.read(OPENING)


def test_a_1_2_start_code_without_its_end_is_refused(tracked, capsys):
    _with_link(tracked, capsys)
    path = export(tracked, capsys, "--version", "1.2")
    text = path.read_text()
    end = '<ept id="1">](https://www.wipo.int/en/)</ept>'
    path.write_text(text.replace(end, ""))
    _refused(tracked, path, capsys, line_of(path, '<bpt id="1" ctype="link">[</bpt>the site'),
             "the start code 1 has no end code")


def test_a_1_2_file_element_for_another_language_is_refused(tracked, capsys):
    path = export(tracked, capsys, "--version", "1.2")
    tree = etree.parse(str(path)).getroot()
    second = tree.findall(f"{{{XLIFF_1}}}file")[1]
    second.set("target-language", "fr")
    save(tree, path)
    _refused(tracked, path, capsys, line_of(path, f'original="{second.get("original")}"'),
             "target-language 'fr'")


# --- no link, reference or footnote call the source does not have ---------------------------

@pytest.mark.parametrize("typed", [
    "see [here](evil.html)",                       # a relative link: allowed in content
    "see <https://www.wipo.int/fr/evil>",          # an autolink
    "see {rec:1}",                                 # a reference, typed
    "see [^third-note]",                           # a footnote call of another unit
])
def test_a_link_or_reference_typed_as_text_is_refused(tracked, capsys, typed):
    path = export(tracked, capsys)
    tree = etree.parse(str(path)).getroot()
    target = unit(tree, PLACE, "document.committee").find("x:segment/x:target", NS)
    target.text = f"Test Committee, {typed}"
    save(tree, path)
    _refused(tracked, path, capsys, line_of(path, "<target>Test Committee, "),
             "unit 'document.committee': the translation has a")


def test_a_footnote_call_escaped_out_of_its_code_is_refused(tracked, capsys):
    path = export(tracked, capsys)
    tree = etree.parse(str(path)).getroot()
    target = unit(tree, SECTION, "blocks.1.items.0.text").find("x:segment/x:target", NS)
    target.text = "the first item;\\"  # a backslash before the code: "\[^item-note]" is text
    save(tree, path)
    _refused(tracked, path, capsys, line_of(path, "<target>the first item;\\"),
             "no footnote call [^item-note], which the source has")


# --- units, files, languages ----------------------------------------------------------------

def test_a_unit_given_again_in_a_second_file_element_is_refused(tracked, capsys):
    path = export(tracked, capsys)
    tree = etree.parse(str(path)).getroot()
    opening = tree.find(f"x:file[@original='{OPENING}']", NS)
    again = copy.deepcopy(opening)
    again.set("id", "f99")
    for each in again.findall("x:unit", NS):
        if each.get("id") != "body.01-opening:blocks.1.paragraph":
            again.remove(each)
    again.find("x:unit/x:segment/x:target", NS)[0].tail = ", AGAIN."
    tree.append(again)
    save(tree, path)
    _refused(tracked, path, capsys,
             [number for number, line in enumerate(path.read_text().splitlines(), 1)
              if '<unit id="body.01-opening:blocks.1.paragraph"' in line][-1],
             "unit 'blocks.1.paragraph' of 'body/01-opening.yaml' appears twice")


@pytest.mark.parametrize("original, unit_id, message", [
    ("../../x", "blocks.0.paragraph", "unknown content file '../../x'"),
    ("body/../body/01-opening.yaml", "blocks.0.paragraph", "unknown content file"),
    (OPENING, "..blocks.0.paragraph", "unknown unit id '..blocks.0.paragraph'"),
    (OPENING, "../../x", "not valid XLIFF 2.0"),  # no "/" in an id
])
def test_a_unit_pointing_outside_the_report_is_refused(tracked, capsys, original, unit_id,
                                                        message):
    path = export(tracked, capsys)
    tree = etree.parse(str(path)).getroot()
    opening = tree.find(f"x:file[@original='{OPENING}']", NS)
    opening.set("original", original)
    opening.find("x:unit", NS).set("id", unit_id)
    save(tree, path)
    _refused(tracked, path, capsys, None, message)


# --- what the file may not hold -------------------------------------------------------------

@pytest.mark.parametrize("declaration", [
    '<!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
    '<!DOCTYPE xliff [<!ENTITY c SYSTEM "file:///etc/passwd">]>',
])
def test_entities_are_refused_at_the_doctype(tracked, capsys, declaration):
    path = export(tracked, capsys)
    text = path.read_text()
    header, rest = text.split("\n", 1)
    path.write_text(f"{header}\n{declaration}\n"
                    + rest.replace("<target>Test Committee</target>", "<target>Test Committee &c;</target>"))
    _refused(tracked, path, capsys, 2, "document type declaration (<!DOCTYPE>)")


@pytest.mark.parametrize("hex_value", ["FFFE", "110000", "01FFFF", "00", "D800",
                                       "FFFFFFFFFFFFFFFF"])
def test_a_character_no_text_may_hold_is_refused_at_its_cp(tracked, capsys, hex_value):
    path = export(tracked, capsys)
    path.write_text(path.read_text().replace("<target>Test Committee</target>",
                                             f'<target>Test Committee<cp hex="{hex_value}"/></target>'))
    _refused(tracked, path, capsys, line_of(path, "<target>Test Committee<cp"),
             f'<cp hex="{hex_value[:12]}"/> is not a character a text may hold')


def test_an_allowed_cp_lands_as_its_character(tracked, capsys):
    path = export(tracked, capsys)
    path.write_text(path.read_text().replace("<target>Test Committee</target>",
                                             '<target>Gen<cp hex="E8"/>ve</target>'))
    imported(tracked, path, capsys)
    assert "en: Genève" in tracked.read(PLACE)


def test_an_empty_file_is_refused_at_line_1(tracked, capsys):
    path = tracked.root / "empty.xlf"
    path.write_bytes(b"")
    _refused(tracked, path, capsys, 1, "the file is empty")


def test_an_oversized_file_is_refused_before_it_is_read(tracked, capsys, monkeypatch):
    path = export(tracked, capsys)
    monkeypatch.setattr(read, "MAX_XLIFF_BYTES", 1000)
    opened = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda name, *rest, **kw: (opened.append(Path(name)),
                                                               real_open(name, *rest, **kw))[1])
    before = snapshot(tracked.content)
    code, _, err = tracked.run("xliff", "import", str(path), capsys=capsys)
    assert code == 1 and f"en.xlf: error: file is {path.stat().st_size:,} bytes, more than " \
        "the 1,000 allowed" in err, err
    assert path.resolve() not in opened
    assert snapshot(tracked.content) == before


# --- the content the import reads and writes ------------------------------------------------

def test_the_merge_check_reads_no_file_through_a_link_out_of_content(tracked, capsys,
                                                                     tmp_path_factory,
                                                                     monkeypatch):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.yaml").write_text("password: hunter2\n")
    os.symlink(outside, tracked.content / "elsewhere")  # in content/, named by nothing
    path = export(tracked, capsys)
    path.write_text(path.read_text().replace("<target>Test Committee</target>",
                                             "<target>GENEVA</target>"))
    opened = []
    real_open = builtins.open
    monkeypatch.setattr(builtins, "open", lambda name, *rest, **kw: (
        opened.append(str(name)), real_open(name, *rest, **kw))[1])
    imported(tracked, path, capsys)
    assert not [name for name in opened if "secret" in name or "elsewhere" in name]
    assert "en: GENEVA" in tracked.read(PLACE)


def test_a_body_file_swapped_for_a_link_out_during_the_import_is_not_followed(
        tracked, capsys, tmp_path_factory, monkeypatch):
    outside = tmp_path_factory.mktemp("outside") / "target.yaml"
    outside.write_text("not: content\n")
    path = export(tracked, capsys)
    path.write_text(path.read_text().replace("<target>A sub-heading</target>",
                                             "<target>A SUB-HEADING</target>"))
    real_import = commands.import_xliff

    def swapped(*arguments, **options):
        body = tracked.path(SECTION)
        body.unlink()
        body.symlink_to(outside)  # after the content was read, before it is written
        return real_import(*arguments, **options)

    monkeypatch.setattr(commands, "import_xliff", swapped)
    code, _, err = tracked.run("xliff", "import", str(path), capsys=capsys)
    assert code == 1 and "this file changed while the command ran" in err, err
    assert tracked.path(SECTION).is_symlink() and outside.read_text() == "not: content\n"


def test_a_file_saved_meanwhile_is_not_overwritten(tracked, capsys, monkeypatch):
    path = export(tracked, capsys)
    path.write_text(path.read_text().replace("<target>A sub-heading</target>",
                                             "<target>A SUB-HEADING</target>"))
    real_import = commands.import_xliff

    def edited_meanwhile(*arguments, **options):
        result = real_import(*arguments, **options)
        tracked.replace(SECTION, "en: Regional Sector", "en: The Regional Sector")
        return result

    monkeypatch.setattr(commands, "import_xliff", edited_meanwhile)
    code, _, err = tracked.run("xliff", "import", str(path), capsys=capsys)
    assert code == 1 and f"{SECTION}: error: this file changed while the command ran" in err
    assert "en: The Regional Sector" in tracked.read(SECTION)  # the editor's change stays
    assert "A SUB-HEADING" not in tracked.read(SECTION)


def test_two_imports_at_once_lose_neither(tracked, capsys, monkeypatch):
    first, second = tracked.root / "first.xlf", tracked.root / "second.xlf"
    export(tracked, capsys).rename(first)
    first.write_text(first.read_text().replace("<target>A sub-heading</target>",
                                               "<target>FIRST</target>"))
    export(tracked, capsys).rename(second)
    second.write_text(second.read_text().replace("<target>the second item.</target>",
                                                 "<target>SECOND.</target>"))
    first_writes, second_waits = threading.Event(), threading.Event()
    real_write = commands.write_outputs

    def write(outputs, *arguments, **options):
        if threading.current_thread().name == "first":
            first_writes.set()
            # A deadlock guard, not a timing assumption: the second import is waiting for the
            # lock (or, without one, has read the content and is about to write too).
            assert second_waits.wait(timeout=120)
        else:
            second_waits.set()
        return real_write(outputs, *arguments, **options)

    monkeypatch.setattr(commands, "write_outputs", write)
    monkeypatch.setattr(publish, "_announce_wait", lambda *_: second_waits.set())
    codes = {}

    def run(name: str, path: Path) -> None:
        codes[name] = main(["--project", str(tracked.root), "xliff", "import", str(path)])

    thread_first = threading.Thread(target=run, args=("first", first), name="first")
    thread_first.start()
    assert first_writes.wait(timeout=120)
    thread_second = threading.Thread(target=run, args=("second", second), name="second")
    thread_second.start()
    thread_first.join()
    thread_second.join()
    capsys.readouterr()
    assert codes == {"first": 0, "second": 0}
    section = tracked.read(SECTION)
    assert "en: FIRST" in section and "en: SECOND." in section


# --- line ends and the YAML writer ----------------------------------------------------------

def test_a_crlf_file_is_rewritten_with_crlf_everywhere(tracked, capsys):
    crlf = tracked.read(SECTION).replace("\n", "\r\n").encode()
    tracked.path(SECTION).write_bytes(crlf)
    path = export(tracked, capsys)
    path.write_text(path.read_text().replace("<target>A sub-heading</target>",
                                             "<target>A SUB-HEADING</target>"))
    imported(tracked, path, capsys)
    written = tracked.path(SECTION).read_bytes()
    assert b"en: A SUB-HEADING\r\n" in written
    assert written.count(b"\n") == written.count(b"\r\n") == crlf.count(b"\r\n")


TRICKY = ["yes", "No", "on", "off", "null", "~", "12:30", "1e3", "0x1F", "2022-05-16", ".inf",
          "- item", "#x", ": x", " leading", "trailing ", "a\tb", "two\nlines", " both\n",
          "x: y", "a #b", "'quoted'", '"double"', "[list]", "{map}", "!tag", "&anchor",
          "*alias", "|", ">", "?", "%x", "@x", "`x", "00012345", "\u00a0nbsp", "中文：x"]


@pytest.mark.parametrize("text", TRICKY)
def test_the_yaml_writer_writes_what_the_loader_reads_back(tracked, text):
    from rapporteur.load import parse_yaml
    from rapporteur.translation.yamledit import Edit, apply_edits

    loaded = load_content(tracked.content)
    languages = declared_languages(loaded)
    section = next(file for file in loaded.body if file.path.name == "02-section.yaml")
    edits = [Edit(section.path, ("blocks", 0, "heading"), "en", "00012345", text),
             Edit(section.path, ("title",), "en", "1e345678", text)]
    written = apply_edits(edits, loaded, languages)[section.path]
    data = parse_yaml(section.path, written).data
    assert data["blocks"][0]["heading"]["en"] == text
    assert data["blocks"][0]["heading"]["based-on"] == {"en": "00012345"}
    assert data["title"]["en"] == text and data["title"]["based-on"] == {"en": "1e345678"}


@pytest.mark.parametrize("text", ["yes", "on", "12:30", "2022-05-16", "~"])
def test_a_translation_that_yaml_1_1_would_read_as_no_text_isimported(tracked, capsys, text):
    path = export(tracked, capsys)
    path.write_text(path.read_text().replace("<target>Test Committee</target>",
                                             f"<target>{text}</target>"))
    imported(tracked, path, capsys)
    report = load_content(tracked.content).report.data
    assert report["document"]["committee"]["en"] == text


# --- every text the loader accepts survives export and import ------------------------------

def test_the_loader_refuses_noncharacters_at_their_line_and_column(tmp_path):
    from rapporteur.load import parse_yaml

    for written, column in (('"Gen\\uFFFEva"', 8), ("Gen\ufdd0va", 11), ("x \U0010FFFF", 10)):
        path = tmp_path / "x.yaml"
        path.write_text(f"# a comment\nplace: {written}\n", encoding="utf-8")
        with pytest.raises(ContentError) as error:
            parse_yaml(path, path.read_bytes())
        problem, = error.value.problems
        assert "noncharacter" in problem.message and problem.line == 2, problem
        if '"' not in written:
            assert problem.column == column, problem


def test_every_character_the_loader_accepts_can_be_written_in_xml():
    from rapporteur.load import forbidden_character

    element = etree.Element("t")
    accepted = [chr(code) for code in range(0x110000)
                if not forbidden_character(chr(code))]
    for start in range(0, len(accepted), 4096):
        element.text = "".join(accepted[start:start + 4096])  # lxml refuses XML-illegal text


_MARKUP = st.sampled_from(["*", "[", "](https://x.org/)", "[^n1]", "{rec:1}", "www.wipo.int/x",
                           "CDIP/26/7", "2021", "\n", "\n- ", " ", "&", "<", "]]>", "yes",
                           ": ", "#"])
_TEXTS = st.lists(st.one_of(st.text(st.characters(), max_size=8), _MARKUP),
                  max_size=12).map("".join)


@settings(max_examples=150, deadline=None)
@given(text=_TEXTS)
def test_any_text_the_loader_accepts_goes_through_the_yaml_writer(text):
    """(Through the XLIFF codes too: test_xliff's property, on the same alphabet.)"""
    from rapporteur.load import parse_yaml
    from rapporteur.translation.yamledit import _styled, dump, round_trip

    try:
        loaded = parse_yaml(Path("t.yaml"), ("text: " + _double_quoted(text) + "\n").encode())
    except ContentError:
        return  # refused by the loader: never exported
    assert loaded.data == {"text": text}
    yaml, _ = round_trip("text: x\n")
    styled = _styled(yaml, text, block="\n" in text)
    assert parse_yaml(Path("t.yaml"), dump(yaml, {"text": styled}).encode()).data == \
        {"text": text}


def _double_quoted(text: str) -> str:
    return '"' + "".join(character if character.isprintable() and character not in '"\\'
                         else f"\\U{ord(character):08x}" for character in text) + '"'


def test_a_1_2_link_as_g_lands_with_the_exported_url_and_a_code_of_another_kind_is_refused(
        tracked, capsys):
    _with_link(tracked, capsys)
    path = export(tracked, capsys, "--version", "1.2")
    text = path.read_text()
    exported = ('<bpt id="1" ctype="link">[</bpt>the site<ept id="1">](https://www.wipo.int/en/)'
                "</ept>")
    assert text.count(exported) == 1
    path.write_text(text.replace(exported, '<g id="1" ctype="x-evil">THE SITE</g>'))
    imported(tracked, path, capsys)
    assert "[THE SITE](https://www.wipo.int/en/)" in tracked.read(OPENING)

    path = export(tracked, capsys, "--version", "1.2")
    exported = exported.replace("the site", "THE SITE")
    path.write_text(path.read_text().replace(exported, '<x id="1"/>THE SITE'))
    _refused(tracked, path, capsys, line_of(path, '<x id="1"/>THE SITE'),
             "code 1 stands for a link or emphasis around words")


def test_a_second_target_in_a_1_2_unit_is_refused_not_ignored(tracked, capsys):
    path = export(tracked, capsys, "--version", "1.2")
    text = path.read_text()
    shown = '<target state="translated">Test Committee</target>'
    assert text.count(shown) == 1
    path.write_text(text.replace(shown, shown + '<target state="translated">Genf</target>'))
    _refused(tracked, path, capsys, line_of(path, '<trans-unit id="report:document.committee"'),
             "unit 'document.committee' has 1 sources and 2 targets")


def test_units_in_a_group_are_imported_not_skipped(tracked, capsys):
    path = export(tracked, capsys, "--version", "1.2")
    tree = etree.parse(str(path)).getroot()
    ns = {"x": XLIFF_1}
    body = tree.find("x:file[@original='report.yaml']/x:body", ns)
    group = etree.SubElement(body, f"{{{XLIFF_1}}}group", id="g1")
    place = body.find("x:trans-unit[@id='report:document.committee']", ns)
    group.append(place)
    place.find("x:target", ns).text = "GENEVA"
    save(tree, path)
    imported(tracked, path, capsys)
    assert "en: GENEVA" in tracked.read(PLACE)


def test_an_import_that_would_grow_the_content_past_its_limit_is_refused(tracked, capsys,
                                                                          monkeypatch):
    from rapporteur import load

    total = sum(len(data) for name, data in snapshot(tracked.content).items()
                if name.endswith(".yaml"))
    monkeypatch.setattr(load, "MAX_TOTAL_BYTES", total + 10)
    monkeypatch.setattr(merge, "MAX_TOTAL_BYTES", total + 10)
    path = export(tracked, capsys)
    path.write_text(path.read_text().replace("<target>Test Committee</target>",
                                             f"<target>Test Committee{' and Test Committee' * 10}</target>"))
    _refused(tracked, path, capsys, None, "after the import the content would be")

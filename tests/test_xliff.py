"""XLIFF and TMX: what translators receive, and what their files may and may not change.

The tiny report (source zh, target en) is stamped, exported, "translated" by rule (upper-case
English), imported and built; each refusal of the issue's list is one broken XLIFF file, which
must be named at its line with nothing written.
"""

from __future__ import annotations

import copy
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import FIXTURES, REPO, snapshot
from rapporteur.build import Project as BuildProject, build_report
from rapporteur.load import forbidden_character, load_content
from rapporteur.translation.inline import Code, Keep, Pair, Text, markdown, pieces
from rapporteur.translation.units import declared_languages, units
from rapporteur.translation.xliff import XLIFF_1, XLIFF_2, export_xliff, file_key
from rapporteur.translation.xliff.codes import Codes, write_inline
from rapporteur.translation.xliff.parts import read_parts
from rapporteur.translation.xliff.rebuild import rebuild
from test_translation_status import Project

SCHEMA = Path(__file__).parent / "schemas" / "xliff_core_2.0.xsd"
NS = {"x": XLIFF_2}
OPENING = "body/01-opening.yaml"
SECTION = "body/02-section.yaml"


@pytest.fixture
def tracked(tmp_path: Path, capsys) -> Project:
    shutil.copytree(FIXTURES / "tiny" / "content", tmp_path / "content")
    for folder in ("templates", "locales"):
        os.symlink(REPO / folder, tmp_path / folder)
    project = Project(tmp_path)
    assert project.run("translations", "ack", "--all", capsys=capsys)[0] == 0
    return project


def export(project: Project, capsys, *options: str) -> Path:
    path = project.root / "en.xlf"
    code, _, err = project.run("xliff", "export", "--lang", "en", "-o", str(path), *options,
                               capsys=capsys)
    assert code == 0, err
    return path


def unit(tree: etree._Element, file: str, unit_id: str) -> etree._Element:
    found = tree.xpath(f"//x:file[@original='{file}']/x:unit[@id='{file_key(file)}:{unit_id}']",
                       namespaces=NS)
    assert len(found) == 1, (file, unit_id)
    return found[0]


def save(tree: etree._Element, path: Path) -> None:
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))


def imported(project: Project, path: Path, capsys) -> str:
    """Import the file; it must succeed. What the command printed."""
    code, out, err = project.run("xliff", "import", str(path), capsys=capsys)
    assert code == 0, err
    return out


def line_of(path: Path, snippet: str) -> int:
    found = [number for number, line in enumerate(path.read_text().splitlines(), 1)
             if snippet in line]
    assert found, snippet
    return found[0]


# --- export -------------------------------------------------------------------------------

def test_the_export_is_valid_xliff_2_for_the_tiny_and_the_real_report(tracked, capsys):
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    tiny = etree.parse(str(export(tracked, capsys)))
    assert schema.validate(tiny), schema.error_log
    loaded = load_content(REPO / "content")
    languages = declared_languages(loaded)
    real = etree.fromstring(export_xliff(loaded, languages, "zh"))
    assert schema.validate(real), schema.error_log
    assert real.get("srcLang") == "en" and real.get("trgLang") == "zh"
    assert len(real.findall("x:file", NS)) == 16
    assert len(real.findall("x:file/x:unit", NS)) == len(units(loaded, languages))


def test_inline_markup_becomes_protected_codes(tracked, capsys):
    tracked.replace(OPENING, "zh: 第二段于 2021 年。",
                    "zh: 第二段于 2021 年，见[网站](https://www.wipo.int/zh/)和*重点*。")
    tracked.replace(OPENING, "en: The second paragraph, in 2021.",
                    "en: The second paragraph, in 2021; see [the site](https://www.wipo.int/en/) "
                    "and *the point*.")
    tracked.run("translations", "ack", "--all", capsys=capsys)
    tree = etree.parse(str(export(tracked, capsys))).getroot()

    first = unit(tree, OPENING, "blocks.0.paragraph")
    source = first.find("x:segment/x:source", NS)
    ph, = source.findall("x:ph", NS)
    assert ph.get("canDelete") == "no"
    assert first.find(f"x:originalData/x:data[@id='{ph.get('dataRef')}']", NS).text == \
        "[^first-note]"
    mark, = source.findall("x:mrk", NS)
    assert (mark.text, mark.get("translate")) == ("CDIP/26/7", "no")
    assert "[^" not in "".join(source.itertext())

    note = unit(tree, OPENING, "blocks.0.footnotes.first-note")
    url = note.find("x:segment/x:source/x:ph", NS)
    assert url.get("canDelete") == "no"
    assert "https://" not in "".join(note.find("x:segment/x:source", NS).itertext())

    second = unit(tree, OPENING, "blocks.1.paragraph")
    link, emphasis = second.findall("x:segment/x:target/x:pc", NS)
    assert (link.text, link.get("type"), link.get("canDelete")) == ("the site", "link", "no")
    data = {item.get("id"): item.text for item in second.iterfind(".//x:data", NS)}
    assert data[link.get("dataRefEnd")] == "](https://www.wipo.int/en/)"
    assert (emphasis.text, emphasis.get("type")) == ("the point", "fmt")
    assert "wipo.int" not in "".join(second.find("x:segment/x:target", NS).itertext())


def test_a_cross_reference_is_a_protected_code_and_pieces_lose_nothing():
    found = pieces("See {rec:13} and [^n1], *CDIP/26/7* of 2021: www.wipo.int/x.")
    assert found == (Text("See "), Code("reference", "{rec:13}"), Text(" and "),
                     Code("footnote", "[^n1]"), Text(", "),
                     Pair("emphasis", "*", "*", (Keep("CDIP/26/7"),)), Text(" of "),
                     Keep("2021"), Text(": "), Code("url", "www.wipo.int/x"), Text("."))
    loaded = load_content(REPO / "content")
    for each in units(loaded, declared_languages(loaded)):
        for text in each.texts.values():
            assert markdown(pieces(text)) == text


def test_notes_give_the_place_glossary_terms_and_a_stale_units_previous_translation(
        tracked, capsys):
    (tracked.content / "glossary.yaml").write_text("terms:\n  - {zh: 区域部门, en: Regional "
                                                   "Sector}\n", encoding="utf-8")
    tracked.replace("report.yaml", "annexes:\n", "glossary: glossary.yaml\nannexes:\n")
    tracked.replace(OPENING, "zh: 第二段于 2021 年。", "zh: 第二段落于 2021 年。")
    tree = etree.parse(str(export(tracked, capsys))).getroot()

    title = unit(tree, SECTION, "title")
    notes = {note.get("category"): note.text for note in title.iterfind(".//x:note", NS)}
    assert notes == {"location": f"{SECTION}:1", "place": "section title",
                     "glossary": "区域部门 = Regional Sector"}

    stale = unit(tree, OPENING, "blocks.1.paragraph")
    segment = stale.find("x:segment", NS)
    assert (segment.get("state"), segment.get("subState")) == ("initial", "r:needs-review")
    assert "".join(segment.find("x:target", NS).itertext()) == "The second paragraph, in 2021."
    previous = stale.find("x:notes/x:note[@category='previous-translation']", NS)
    assert previous.text == "The second paragraph, in 2021."


# --- round trips --------------------------------------------------------------------------

@pytest.mark.parametrize("version", ["2.0", "1.2"])
def test_an_untranslated_export_imports_without_changing_a_byte(tracked, capsys, version):
    before = snapshot(tracked.content)
    path = export(tracked, capsys, "--version", version)
    assert imported(tracked, path, capsys) == "imported 0 en translations into 0 files\n"
    assert snapshot(tracked.content) == before
    # Nor a file of its own left in the authors' folder (a lock file showed in git status).
    assert not list(tracked.content.glob(".*"))


def _upper(element: etree._Element) -> None:
    """Translate by rule: upper-case every text, except what is marked translate="no"."""
    if etree.QName(element).localname != "mrk":
        element.text = element.text.upper() if element.text else element.text
        for child in element:
            _upper(child)
    for child in element:
        child.tail = child.tail.upper() if child.tail else child.tail


def test_a_translated_xliff_lands_in_the_yaml_stamped_and_builds(tracked, capsys):
    tracked.replace(OPENING, "zh: 第二段于 2021 年。", "zh: 第二段落于 2021 年。")  # now stale
    path = export(tracked, capsys)
    tree = etree.parse(str(path)).getroot()
    for target in tree.iterfind(".//x:target", NS):
        _upper(target)
    stale = unit(tree, OPENING, "blocks.1.paragraph")
    stale.find("x:segment", NS).set("state", "translated")  # revised, and said so
    save(tree, path)

    assert imported(tracked, path, capsys) == "imported 32 en translations into 6 files\n"
    opening = tracked.read(OPENING)
    assert "en: THE FIRST PARAGRAPH; SEE DOCUMENT CDIP/26/7.[^first-note]" in opening
    assert 'en: "THE FIRST FOOTNOTE: https://www.wipo.int/meetings/en/doc_details.jsp?' \
           'doc_id=1"' in opening
    assert "en: THE SECOND PARAGRAPH, IN 2021." in opening
    assert tracked.run("status", "--fail-on", "stale,missing", capsys=capsys)[0] == 0

    result = build_report(BuildProject.at(tracked.root), tracked.root / "output",
                          formats=["html"])
    assert result.warnings == []
    html = (tracked.root / "output" / "test-1-1.en.html").read_text(encoding="utf-8")
    assert "THE SECOND PARAGRAPH, IN 2021." in html
    assert 'href="https://www.wipo.int/meetings/en/doc_details.jsp?doc_id=1"' in html


# --- refusals -----------------------------------------------------------------------------

def _refused(project: Project, path: Path, capsys, line: int | str | None,
             message: str) -> None:
    """The import stops, says `message` at the file's `line` (or at the place given: a content
    file, after the merge; None: the message alone), and writes nothing."""
    before = snapshot(project.content)
    code, _, err = project.run("xliff", "import", str(path), capsys=capsys)
    assert code == 1, err
    if isinstance(line, int):
        assert f"\n{path.name}:{line}:" in "\n" + err, err  # printed relative to the project
    elif line is not None:
        assert line in err, err
    assert message in err, err
    assert "nothing was written" in err
    assert snapshot(project.content) == before


def _target(tree, file: str, unit_id: str) -> etree._Element:
    return unit(tree, file, unit_id).find("x:segment/x:target", NS)


@pytest.mark.parametrize("version", ["2.0", "1.2"])
def test_a_deleted_footnote_placeholder_is_refused(tracked, capsys, version):
    path = export(tracked, capsys, "--version", version)
    text = path.read_text()
    placeholder = {"2.0": '<target>The first paragraph; see document <mrk id="m1" '
                          'translate="no">CDIP/26/7</mrk>.<ph id="1"',
                   "1.2": '<ph id="1" ctype="x-footnote">[^first-note]</ph></target>'}[version]
    assert text.count(placeholder) == 1
    if version == "2.0":
        tree = etree.parse(str(path)).getroot()
        target = _target(tree, OPENING, "blocks.0.paragraph")
        target.remove(target.find("x:ph", NS))  # its tail goes with it: nothing followed it
        save(tree, path)
    else:
        path.write_text(text.replace(placeholder, "</target>"))
    _refused(tracked, path, capsys, line_of(path, ">The first paragraph"),
             "unit 'blocks.0.paragraph': protected code 1 was deleted")


def test_a_duplicated_footnote_placeholder_is_refused(tracked, capsys):
    path = export(tracked, capsys)
    tree = etree.parse(str(path)).getroot()
    target = _target(tree, SECTION, "blocks.1.paragraph")
    target.append(copy.deepcopy(target.find("x:ph", NS)))
    save(tree, path)
    _refused(tracked, path, capsys, line_of(path, "<target>The third paragraph"),
             "unit 'blocks.1.paragraph': code 1 appears 2 times")


def test_an_unknown_unit_id_is_refused(tracked, capsys):
    path = export(tracked, capsys)
    tree = etree.parse(str(path)).getroot()
    unit(tree, OPENING, "blocks.1.paragraph").set("id", "blocks.7.paragraph")
    save(tree, path)
    _refused(tracked, path, capsys, line_of(path, '<unit id="blocks.7.paragraph"'),
             "unknown unit id 'blocks.7.paragraph'")


def test_a_source_changed_since_the_export_is_refused(tracked, capsys):
    path = export(tracked, capsys)
    tracked.replace(SECTION, "zh: 第二项。", "zh: 第二项（已改）。")
    _refused(tracked, path, capsys, line_of(path, '<unit id="body.02-section:blocks.1.items.1.text"'),
             "the zh text of unit 'blocks.1.items.1.text' changed since this file was exported")


def test_a_source_edited_in_the_xliff_is_refused(tracked, capsys):
    path = export(tracked, capsys)
    path.write_text(path.read_text().replace("<source>第二项。</source>",
                                             "<source>第三项。</source>"))
    _refused(tracked, path, capsys, line_of(path, "<source>第三项。</source>"),
             "the source text of unit 'blocks.1.items.1.text' was edited in the XLIFF")


def test_malformed_xml_is_refused(tracked, capsys):
    path = export(tracked, capsys)
    text = path.read_text()
    path.write_text(text.replace("<target>Test Committee</target>", "<target>Test Committee</targt>"))
    _refused(tracked, path, capsys, line_of(path, "<target>Test Committee</targt>"), "malformed XML")


def test_an_xliff_that_breaks_the_schema_is_refused(tracked, capsys):
    path = export(tracked, capsys)
    path.write_text(path.read_text().replace("<target>Test Committee</target>",
                                             "<target>Test Committee</target><target>Comité d’essai</target>"))
    _refused(tracked, path, capsys, line_of(path, "<target>Comité d’essai</target>"),
             "not valid XLIFF 2.0")


def test_a_translation_that_fails_parity_is_refused(tracked, capsys):
    path = export(tracked, capsys)
    text = path.read_text()
    path.write_text(text.replace('in <mrk id="m1" translate="no">2021</mrk>.', "last year."))
    _refused(tracked, path, capsys, f"content/{OPENING}:",
             "after the import: paragraph 2 (en): year 2021 from the zh text is missing")


def test_a_file_for_another_language_is_refused(tracked, capsys):
    path = export(tracked, capsys)
    path.write_text(path.read_text().replace('trgLang="en"', 'trgLang="fr"'))
    _refused(tracked, path, capsys, 2, "the target language 'fr' is not one the report "
                                       "translates into (en)")


def test_an_xliff_1_2_export_has_the_same_codes(tracked, capsys):
    path = export(tracked, capsys, "--version", "1.2")
    tree = etree.parse(str(path)).getroot()
    assert tree.get("version") == "1.2"
    ns = {"x": XLIFF_1}
    opening = tree.find(f"x:file[@original='{OPENING}']", ns)
    assert opening.get("source-language") == "zh" and opening.get("target-language") == "en"
    paragraph = opening.find("x:body/x:trans-unit[@id='body.01-opening:blocks.0.paragraph']", ns)
    assert paragraph.find("x:source/x:ph", ns).text == "[^first-note]"
    assert paragraph.find("x:source/x:mrk", ns).get("mtype") == "protected"


# --- TMX ----------------------------------------------------------------------------------

def test_tmx_holds_the_current_aligned_units(tracked, capsys):
    tracked.replace(OPENING, "zh: 第二段于 2021 年。", "zh: 第二段落于 2021 年。")  # stale
    path = tracked.root / "memory.tmx"
    code, _, err = tracked.run("tmx", "export", "--lang", "en", "-o", str(path), capsys=capsys)
    assert code == 0, err
    tree = etree.parse(str(path)).getroot()
    assert tree.get("version") == "1.4"
    assert tree.find("header").get("srclang") == "zh"
    tus = tree.findall("body/tu")
    # 31 current units; two of them have two sentences in both languages, one <tu> each.
    assert len({tu.get("tuid").split("#s")[0] for tu in tus}) == 31 and len(tus) == 33
    ids = {tu.get("tuid") for tu in tus}
    assert f"{OPENING}#blocks.0.paragraph" in ids and f"{OPENING}#blocks.1.paragraph" not in ids
    first = next(tu for tu in tus if tu.get("tuid") == f"{OPENING}#blocks.0.paragraph")
    zh, en = first.findall("tuv")
    assert zh.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh"
    assert en.find("seg").text == "The first paragraph; see document CDIP/26/7."
    assert en.find("seg/ph").text == "[^first-note]"
    # Deterministic: the same content gives the same bytes.
    first_bytes = path.read_bytes()
    tracked.run("tmx", "export", "--lang", "en", "-o", str(path), capsys=capsys)
    assert path.read_bytes() == first_bytes


def test_a_missing_translation_is_asked_for_and_lands_in_its_unit(tracked, capsys):
    tracked.replace(OPENING, "      en: The second paragraph, in 2021.\n", "")
    path = export(tracked, capsys)
    tree = etree.parse(str(path)).getroot()
    missing = unit(tree, OPENING, "blocks.1.paragraph")
    segment = missing.find("x:segment", NS)
    assert segment.get("state") == "initial" and len(segment.find("x:target", NS)) == 0
    target = copy.deepcopy(segment.find("x:source", NS))
    target.tag = f"{{{XLIFF_2}}}target"
    target.text = "Paragraph two, of "
    target[0].tail = "."  # the year, kept as marked
    segment.replace(segment.find("x:target", NS), target)
    segment.set("state", "translated")
    save(tree, path)
    assert imported(tracked, path, capsys) == "imported 1 en translation into 1 file\n"
    assert "      zh: 第二段于 2021 年。\n      en: Paragraph two, of 2021.\n      based-on: {en: " \
        in tracked.read(OPENING)
    assert tracked.run("status", "--fail-on", "stale,missing", capsys=capsys)[0] == 0


# --- properties ---------------------------------------------------------------------------

_MARKUP = st.sampled_from([
    "*", "**", "[", "]", "(", ")", "[^a-1]", "[^x]", "[^n1]", "{rec:13}", "{rec:1}",
    "{project:p-1}", "{project:p-1|its words}", "|", "{", "}", "https://www.wipo.int/a?b=1&c=<2>",
    "www.wipo.int/x", "CDIP/26/7", "2021", "1999", "[link](https://x.org/)", "](https://x.org/)",
    "&", "<", ">", "]]>", "\"", "'", "\n", "\n\n", "\n- ", " ", ": ", "#", "yes", "中文", "。",
    "\u00a0", "\U0001F600"])
# What YAML content can hold and XML can carry: what the loader accepts.
_WORDS = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20).filter(
    lambda text: not forbidden_character(text))
_TEXTS = st.lists(st.one_of(_WORDS, _MARKUP), max_size=20).map("".join)


@settings(max_examples=250, deadline=None)
@given(text=_TEXTS)
def test_any_text_survives_pieces_and_the_xliff_codes_unchanged(text):
    found = pieces(text)
    assert markdown(found) == text
    for version in ("2.0", "1.2"):
        namespace = XLIFF_2 if version == "2.0" else XLIFF_1
        codes = Codes()
        source = etree.Element(f"{{{namespace}}}source")
        write_inline(source, found, codes, Counter(), True, version)
        parsed = etree.fromstring(etree.tostring(source))
        assert rebuild(read_parts(parsed, version), codes.in_source, Counter(), "u") == text


def test_a_reference_keeps_or_gains_its_own_words_whichever_code_the_translator_keeps():
    """The source gives the reference words, the shown translation none: a translator who keeps
    the translation's placeholder gets the reference alone, one who takes the source's paired
    code and translates its words gets the reference with them."""
    codes = Codes()
    write_inline(etree.Element(f"{{{XLIFF_2}}}source"), pieces("See {project:p-1|its words}."),
                 codes, Counter(), True, "2.0")
    shown = etree.Element(f"{{{XLIFF_2}}}target")
    write_inline(shown, pieces("见{project:p-1}。"), codes, Counter(), False, "2.0")
    assert shown.find("x:ph", NS).get("id") == "1"
    merged = {**codes.in_source, **codes.in_target}
    for returned, expected in (('<ph id="1"/>见。', "{project:p-1}见。"),
                               ('<pc id="1">它的词</pc>见。', "{project:p-1|它的词}见。")):
        target = etree.fromstring(f'<target xmlns="{XLIFF_2}">{returned}</target>')
        assert rebuild(read_parts(target, "2.0"), merged, Counter(), "u",
                       codes.in_source) == expected


@pytest.mark.parametrize("old, new, expected", [
    ("one two three", "one two three four", "one two three {+four+}"),
    ("one two three", "one three", "one [-two-] three"),
    ("a b c d e f g h i j k l m n o p", "a b c d e f g h i J k l m n o p",
     "… d e f g h i [-j-] {+J+} k l m n o p"),
    ("a b c d e f g h i j k l m n o p q r s t", "A b c d e f g h i j k l m n o p q r s T",
     "[-a-] {+A+} b c d e f g … n o p q r s [-t-] {+T+}"),
    ("第一句。第二句。", "第一句。第三句。", "第一句。第[-二-]{+三+}句。"),
    ("same words", "same  words", ""),
    # A footnote call, a reference and an address changed are shown whole, never cut.
    ("See[^note-1] and {rec:13}.", "See[^note-2] and {rec:14}.",
     "See[-[^note-1]-] {+[^note-2]+} and [-{rec:13}-] {+{rec:14}+}."),
    ("At https://www.wipo.int/a now.", "At https://www.wipo.int/b now.",
     "At [-https://www.wipo.int/a-] {+https://www.wipo.int/b+} now."),
])
def test_a_word_diff_shows_what_changed_with_a_few_words_around(old, new, expected):
    from rapporteur.words import word_diff

    assert word_diff(old, new) == expected

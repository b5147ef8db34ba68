"""The document's life: issues in the header, a redline, a corrigendum, next year's edition.

The tests work on copies of the real report in temporary git repositories, change it as a
secretariat would (a Chinese paragraph, a footnote in two languages, a paragraph inserted
before paragraph 24), run the commands as a user does, and read the files they write.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from lxml import etree

from conftest import REPO, THEME
from rapporteur.build import Project, check_report, prepare_report
from rapporteur.cli import main
from rapporteur.errors import ContentError
from rapporteur.outputs import BuildContext
from rapporteur.outputs.docx import DocxOutput
from rapporteur.outputs.html import HtmlOutput
from rapporteur.resolve import Paragraph
from rapporteur.translation.fingerprint import fingerprint
from rapporteur.versions.compare import Version, compare
from rapporteur.versions.corrigendum import corrigenda
from rapporteur.versions.redline import RedlineContext, redline_document
from rapporteur.words import Segment, diff, tokens

OPENING = "body/00-opening.yaml"
INTRODUCTION = "body/01-introduction.yaml"
# Paragraph 2, second sentence, in Chinese only: "the Sectors' main areas" gains a 的.
ZH_PARAGRAPH = ("报告以产权组织各部门主要工作领域为中心", "报告以产权组织各部门的主要工作领域为中心")
# Footnote 1 (the Medium-Term Strategic Plan), in Chinese and in English.
ZH_NOTE = ("《2022-2026 年中期战略计划》可访问：", "《2022-2026 年中期战略计划》可查阅：")
EN_NOTE = ("The Medium-Term Strategic Plan for 2022-2026 is available at:",
           "The Medium-Term Strategic Plan for 2022-2026 can be found at:")


def _git(root: Path, *arguments: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
                    "-c", "commit.gpgsign=false", *arguments], cwd=root, check=True,
                   capture_output=True)


def _project_copy(root: Path) -> Path:
    """The real report's content in `root`, with the real theme beside it (linked)."""
    shutil.copytree(REPO / "content", root / "content")
    for folder in ("templates", "locales"):
        (root / folder).symlink_to(REPO / folder)
    return root


def _edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / "content" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _run(root: Path, *arguments: str) -> int:
    return main(["--project", str(root), *arguments])


def _version(root: Path, label: str) -> Version:
    valid, document, _ = prepare_report(Project(root / "content", THEME))
    return Version(valid, document, label)


def _insert_paragraph_before(root: Path, number: int) -> None:
    """A new paragraph in every language, written just before paragraph `number`."""
    valid, document, _ = prepare_report(Project(root / "content", THEME))
    for valid_section, section in zip(valid.sections, document.sections):
        for index, block in enumerate(section.blocks):
            if isinstance(block, Paragraph) and block.number == number:
                line, column = valid_section.source.position(("blocks", index))
                path = Path(valid_section.source.path)
                lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
                indent = " " * (column - 3)  # the position is the key's, after "- "
                lines[line - 1:line - 1] = [f"{indent}- paragraph:\n"] + [
                    f"{indent}    {code}: A new paragraph ({code}).\n"
                    for code in ("zh", "en", "es", "fr", "ru", "ar")]
                path.write_text("".join(lines), encoding="utf-8")
                return
    raise AssertionError(f"no paragraph {number}")


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository holding the report, then a commit changing paragraph 2 in Chinese
    only and footnote 1 in Chinese and English."""
    root = _project_copy(tmp_path_factory.mktemp("edited"))
    (root / ".gitignore").write_text("output/\n.rapporteur-cache/\n", encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "content", ".gitignore")
    _git(root, "commit", "-q", "-m", "as issued")
    _edit(root, OPENING, *ZH_PARAGRAPH)
    _edit(root, INTRODUCTION, *ZH_NOTE)
    _edit(root, INTRODUCTION, *EN_NOTE)
    _git(root, "commit", "-q", "-am", "corrections")
    return root


@pytest.fixture(scope="module")
def corrigendum(edited: Path) -> Path:
    assert _run(edited, "corrigendum", "--from", "HEAD~1", "--date", "2022-04-20") == 0
    return edited / "output" / "corrigendum"


@pytest.fixture(scope="module")
def redline(edited: Path) -> Path:
    # The PDFs of two languages (a PDF is the slow part); the HTML pages say the same.
    assert _run(edited, "redline", "--from", "HEAD~1", "--lang", "zh", "--lang", "en",
                "--lang", "fr") == 0
    return edited / "output" / "redline"


def _main_text(html: str) -> str:
    main_part = html[html.index("<main"):html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main_part))


# Corrigendum ---------------------------------------------------------------------------------

def test_a_corrigendum_is_written_for_the_languages_whose_text_changed_only(corrigendum: Path):
    assert sorted(path.name for path in corrigendum.iterdir() if path.is_file()) == [
        "cdip-28-2-corr.en.html", "cdip-28-2-corr.en.pdf",
        "cdip-28-2-corr.zh.html", "cdip-28-2-corr.zh.pdf"]


def test_the_chinese_corrigendum_names_the_paragraph_sentence_and_footnote(corrigendum: Path):
    html = (corrigendum / "cdip-28-2-corr.zh.html").read_text(encoding="utf-8")
    assert '<p class="symbol">CDIP/28/2 Corr.</p>' in html
    assert "日期：2022 年 4 月 20 日" in html
    text = _main_text(html)
    assert "更正" in text
    places = re.findall(r'<p class="where">([^<]*)</p>', html)
    assert places == ["第 2 段第二句", "脚注 1"]
    # The sentence as it stood and as it reads now, in the language's own quotes.
    assert ("将“报告以产权组织各部门主要工作领域为中心，介绍了发展议程的落实和主流化情况。”"
            "改为“报告以产权组织各部门的主要工作领域为中心，介绍了发展议程的落实和主流化情况。”"
            in text)
    assert "可查阅" in text and "仅涉及" not in text  # two languages changed, not one


def test_the_english_corrigendum_names_only_the_footnote(corrigendum: Path):
    html = (corrigendum / "cdip-28-2-corr.en.html").read_text(encoding="utf-8")
    assert re.findall(r'<p class="where">([^<]*)</p>', html) == ["Footnote 1"]
    assert ("For “The Medium-Term Strategic Plan for 2022-2026 is available at: https://"
            in _main_text(html))
    assert "DATE: APRIL 20, 2022" in html and "[End of document]" in html


def test_one_language_alone_changed_says_so_in_its_own_words(tmp_path: Path):
    before = _project_copy(tmp_path / "before")
    after = _project_copy(tmp_path / "after")
    _edit(after, OPENING, *ZH_PARAGRAPH)
    assert _run(after, "corrigendum", "--from", str(before), "--date", "2022-04-20") == 0
    written = sorted(path.name for path in (after / "output" / "corrigendum").glob("*.html"))
    assert written == ["cdip-28-2-corr.zh.html"]
    html = (after / "output" / "corrigendum" / written[0]).read_text(encoding="utf-8")
    assert '<p class="concerns">仅涉及中文本</p>' in html
    # Run again as Corr.1: the default folder holds that run's corrigendum alone.
    assert _run(after, "corrigendum", "--from", str(before), "--date", "2022-04-21",
                "--suffix", "Corr.1") == 0
    assert sorted(path.name for path in (after / "output" / "corrigendum").glob("*.*")) == [
        "cdip-28-2-corr-1.zh.html", "cdip-28-2-corr-1.zh.pdf"]


def test_a_corrigendum_takes_the_headers_corr_issue(tmp_path: Path):
    before = _project_copy(tmp_path / "before")
    after = _project_copy(tmp_path / "after")
    _edit(after, OPENING, *ZH_PARAGRAPH)
    _edit(after, "report.yaml", "  date: 2022-03-15\n",
          "  date: 2022-03-15\n" + _issue("Corr.1", "2022-04-25", languages="[zh]"))
    assert _run(after, "corrigendum", "--from", str(before)) == 0
    html = (after / "output" / "corrigendum" / "cdip-28-2-corr-1.zh.html").read_text("utf-8")
    assert '<p class="symbol">CDIP/28/2 Corr.1</p>' in html and "2022 年 4 月 25 日" in html


def test_a_corrigendum_without_a_date_says_how_to_give_one(tmp_path: Path, capsys):
    before = _project_copy(tmp_path / "before")
    after = _project_copy(tmp_path / "after")
    _edit(after, OPENING, *ZH_PARAGRAPH)
    assert _run(after, "corrigendum", "--from", str(before)) == 2
    error = capsys.readouterr().err
    assert "the corrigendum has no date: give it with --date YYYY-MM-DD" in error
    assert "content/report.yaml" in error and "Traceback" not in error
    assert not (after / "output").exists()
    # With a date, twice: the same bytes, whatever the day it is written.
    written = []
    for _ in range(2):
        assert _run(after, "corrigendum", "--from", str(before), "--date", "2022-04-20") == 0
        written.append((after / "output" / "corrigendum" / "cdip-28-2-corr.zh.html").read_bytes())
    assert written[0] == written[1] and "2022 年 4 月 20 日".encode() in written[0]


def test_no_change_no_corrigendum(tmp_path: Path, capsys):
    before = _project_copy(tmp_path / "before")
    after = _project_copy(tmp_path / "after")
    assert _run(after, "corrigendum", "--from", str(before)) == 0
    assert "no corrigendum" in capsys.readouterr().out
    assert not (after / "output").exists()


# Redline -------------------------------------------------------------------------------------

def _marks(html: str) -> tuple[list[str], list[str]]:
    return re.findall(r"<ins>(.*?)</ins>", html), re.findall(r"<del>(.*?)</del>", html)


def test_the_redline_marks_exactly_the_changes_of_each_language(redline: Path):
    zh = (redline / "cdip-28-2.zh.redline.html").read_text(encoding="utf-8")
    en = (redline / "cdip-28-2.en.redline.html").read_text(encoding="utf-8")
    fr = (redline / "cdip-28-2.fr.redline.html").read_text(encoding="utf-8")
    assert _marks(zh) == (["的", "查阅"], ["访问"])
    assert _marks(en) == (["can be found"], ["is available"])
    assert _marks(fr) == ([], [])
    # A bar beside the paragraphs that changed in that language: 2 (its text), 5 (its note).
    assert re.findall(r'class="para revision-changed" id="para-(\d+)"', zh) == ["2", "5"]
    assert re.findall(r'class="para revision-changed" id="para-(\d+)"', en) == ["5"]
    assert "revision-" not in fr.split("</header>", 1)[1].split("</main>")[0]
    assert "Changes since \u2066HEAD~1\u2069: insertions in bold, deletions struck out." in en


def test_the_redline_pdf_shows_the_marks(redline: Path):
    pdf = redline / "cdip-28-2.zh.redline.pdf"
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "2", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "自 HEAD~1 以来的修改" in text and "各部门的主要工作领域" in text
    assert (redline / "cdip-28-2.en.redline.pdf").stat().st_size > 100_000
    assert not (redline / "cdip-28-2.ar.redline.pdf").exists()  # only the languages asked


# The Word redline: tracked changes ----------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _part(docx: bytes | Path, name: str) -> etree._Element:
    with zipfile.ZipFile(docx if isinstance(docx, Path) else io.BytesIO(docx)) as archive:
        return etree.fromstring(archive.read(f"word/{name}.xml"))


def _changes(docx: bytes | Path) -> dict[str, list[str]]:
    """The texts of the w:ins and w:del of a document and its notes (paragraph marks not)."""
    found: dict[str, list[str]] = {"ins": [], "del": []}
    for name in ("document", "footnotes"):
        for kind in found:
            found[kind] += ["".join(change.itertext())
                            for change in _part(docx, name).iter(W + kind)
                            if change.getparent().tag != W + "rPr"]
    return found


def _settled(docx: bytes | Path, name: str, accept: bool) -> list[str]:
    """A part's paragraphs' texts once every change is accepted (or rejected), done as Word
    does it: the changes refused dropped, with the paragraphs whose mark they are; the others
    kept as plain text."""
    part = _part(docx, name)
    drop, keep = ("del", "ins") if accept else ("ins", "del")
    for paragraph in list(part.iter(W + "p")):
        if paragraph.find(f"{W}pPr/{W}rPr/{W}{drop}") is not None:
            paragraph.getparent().remove(paragraph)
    for change in list(part.iter(W + drop)):
        change.getparent().remove(change)
    for change in list(part.iter(W + keep)):
        parent = change.getparent()
        if parent.tag == W + "rPr":
            parent.remove(change)
            continue
        index = parent.index(change)
        for child in reversed(list(change)):
            parent.insert(index, child)
        parent.remove(change)
    for deleted in part.iter(W + "delText"):
        deleted.tag = W + "t"
    texts = ["".join(node.text or "" for node in paragraph.iter(W + "t"))
             for paragraph in part.iter(W + "p")]
    return [text for text in texts if text]


def _word(root: Path | None, languages: tuple[str, ...], document=None) -> dict[str, bytes]:
    """The ordinary Word documents of a project's content (or of a document given)."""
    if document is None:
        document = prepare_report(Project(root / "content", THEME))[1]
    rendered = BuildContext(document, THEME, languages).render(DocxOutput)
    return {language: rendered[PurePosixPath(f"cdip-28-2.{language}.docx")]
            for language in languages}


def test_the_word_redline_tracks_what_the_html_marks(redline: Path):
    for language in ("zh", "en", "fr"):
        docx = redline / f"cdip-28-2.{language}.redline.docx"
        html = (redline / f"cdip-28-2.{language}.redline.html").read_text(encoding="utf-8")
        inserted, deleted = _marks(html)
        changes = _changes(docx)
        assert (changes["ins"], changes["del"]) == (inserted, deleted), language
    zh = redline / "cdip-28-2.zh.redline.docx"
    assert _changes(zh) == {"ins": ["的", "查阅"], "del": ["访问"]}
    marks = [change for name in ("document", "footnotes") for kind in ("ins", "del")
             for change in _part(zh, name).iter(W + kind)]
    # Who and when: the document's author and date, not the machine's clock.
    assert {(mark.get(W + "author"), mark.get(W + "date")) for mark in marks} == {
        ("世界知识产权组织秘书处", "2022-03-15T00:00:00Z")}
    ids = [mark.get(W + "id") for mark in marks] + [
        mark.get(W + "id") for mark in _part(zh, "document").iter(W + "bookmarkStart")]
    assert len(ids) == len(set(ids))
    # Deleted text is w:delText (Word shows a w:t inside a w:del as kept text).
    assert all(mark.find(f"{W}r/{W}t") is None for mark in marks if mark.tag == W + "del")
    # The note's change is in the note, not at its call.
    assert _changes((redline / "cdip-28-2.en.redline.docx")) == {
        "ins": ["can be found"], "del": ["is available"]}
    assert len(list(_part(zh, "footnotes").iter(W + "ins"))) == 1


def test_accepting_every_change_gives_the_new_text_and_rejecting_them_the_old(
        redline: Path, edited: Path):
    new, old = _word(edited, ("zh", "en")), _word(REPO, ("zh", "en"))
    for language in ("zh", "en"):
        docx = redline / f"cdip-28-2.{language}.redline.docx"
        for name in ("document", "footnotes"):
            assert _settled(docx, name, accept=True) == _settled(new[language], name, True)
            assert _settled(docx, name, accept=False) == _settled(old[language], name, True)
    # Not a comparison of equals: the versions differ where the redline has changes.
    assert _settled(new["zh"], "document", True) != _settled(old["zh"], "document", True)
    assert _settled(new["en"], "footnotes", True) != _settled(old["en"], "footnotes", True)


def test_libreoffice_opens_the_tracked_changes(redline: Path, tmp_path: Path):
    docx = redline / "cdip-28-2.zh.redline.docx"
    profile = tmp_path / "profile"
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
        capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "cdip-28-2.zh.redline.pdf"
    assert result.returncode == 0 and pdf.is_file(), result.stderr + result.stdout
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "3", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    # LibreOffice shows the changes: the inserted 的 and both the old and new words of note 1.
    assert "各部门的主要工作领域" in re.sub(r"\s+", "", text)
    assert "可访问查阅" in re.sub(r"\s+", "", text)


def test_a_paragraph_inserted_before_24_is_one_insertion_and_a_renumbering(tmp_path: Path):
    before = _project_copy(tmp_path / "before")
    after = _project_copy(tmp_path / "after")
    _insert_paragraph_before(after, 24)
    comparison = compare(_version(before, "before"), _version(after, "after"))
    edits = comparison.edits
    assert [(change.status, change.place.paragraph) for change in edits] == [("inserted", 24)]
    moved = comparison.renumbered()
    assert len(moved) == 66
    assert (moved[0].old_number, moved[0].new_number) == (24, 25)
    assert (moved[-1].old_number, moved[-1].new_number) == (89, 90)
    # In the redline: one insertion, 66 former numbers struck out, no other mark.
    document = redline_document(comparison)
    context = RedlineContext(document, THEME, ("en",))
    html = context.render(HtmlOutput)[PurePosixPath("cdip-28-2.en.redline.html")].decode()
    assert _marks(html) == (["A new paragraph (en)."], [])
    assert len(re.findall(r'<del class="renumbered">', html)) == 66
    assert re.search(r'href="#para-25"[^>]*>25\.</a><del class="renumbered">24\.</del>', html)
    # In Word: the new paragraph inserted with its number and paragraph mark; each former
    # number deleted before the new one inserted.
    word = RedlineContext(redline_document(comparison, deleted_notes=True), THEME,
                          ("en",)).render(DocxOutput)[PurePosixPath("cdip-28-2.en.redline.docx")]
    changes = _changes(word)
    assert changes["ins"] == ["24.\tA new paragraph (en)."] + [f"{n}." for n in range(25, 91)]
    assert changes["del"] == [f"{n}." for n in range(24, 90)]
    body = _part(word, "document")
    assert len(body.findall(f".//{W}pPr/{W}rPr/{W}ins")) == 1
    plain = _word(after, ("en",))["en"]
    assert _settled(word, "document", accept=True) == _settled(plain, "document", True)
    assert _settled(word, "document", accept=False) == _settled(
        _word(before, ("en",))["en"], "document", True)
    # In a corrigendum: the insertion located after paragraph 23, then the renumbering.
    listed = corrigenda(comparison, THEME)
    assert list(listed) == ["zh", "en", "es", "fr", "ru", "ar"]
    actions = [(item.action, item.previous, item.numbers) for item in listed["en"]]
    assert actions == [("insert", 23, None), ("renumber", None, (24, 89, 25, 90))]


SECOND = ("As WIPO is striving to improve its reporting to the Committee, the structure of the "
          "report has been modified.")


@pytest.mark.parametrize("old, new, sentence, was, now", [
    # A sentence added after the first: read with the first.
    (SECOND, SECOND + " It is shorter.", 1, SECOND, SECOND + " It is shorter."),
    # A sentence deleted: named, and quoted whole.
    (" This approach streamlines the presentation of information and avoids duplication.", "",
     3, "This approach streamlines the presentation of information and avoids duplication.",
     None),
])
def test_sentences_added_or_deleted_are_located(tmp_path: Path, old, new, sentence, was, now):
    before = _project_copy(tmp_path / "before")
    after = _project_copy(tmp_path / "after")
    _edit(after, OPENING, old, new)
    comparison = compare(_version(before, "before"), _version(after, "after"))
    [instruction] = corrigenda(comparison, THEME)["en"]
    assert instruction.place.paragraph == 2 and instruction.sentence == sentence
    assert (instruction.old, instruction.new) == (was, now)
    assert instruction.action == ("delete" if now is None else "replace")


def test_russian_and_arabic_corrigenda_name_the_sentence(tmp_path: Path):
    before = _project_copy(tmp_path / "before")
    after = _project_copy(tmp_path / "after")
    _edit(after, OPENING, "Такой подход упрощает представление",
          "Такой подход облегчает представление")
    _edit(after, OPENING, "ويتيح هذا النهج تبسيط عرض", "ويتيح هذا النهج تيسير عرض")
    comparison = compare(_version(before, "before"), _version(after, "after"))
    listed = corrigenda(comparison, THEME)
    assert list(listed) == ["ru", "ar"]
    for language in ("ru", "ar"):
        [instruction] = listed[language]
        assert (instruction.place.paragraph, instruction.sentence) == (2, 3), language
    assert listed["ru"][0].old == ("Такой подход упрощает представление информации и "
                                   "позволяет избежать дублирования.")
    assert listed["ar"][0].new.startswith("ويتيح هذا النهج تيسير عرض المعلومات")
    assert _run(after, "corrigendum", "--from", str(before), "--date", "2022-04-20") == 0
    folder = after / "output" / "corrigendum"
    ru = (folder / "cdip-28-2-corr.ru.html").read_text(encoding="utf-8")
    ar = (folder / "cdip-28-2-corr.ar.html").read_text(encoding="utf-8")
    assert re.findall(r'<p class="where">([^<]*)', ru) == ["Пункт 2, третье предложение"]
    assert re.findall(r'<p class="where">([^<]*)', ar) == ["الفقرة 2، الجملة الثالثة"]


def test_an_item_is_named_by_its_paragraph_and_marker(tmp_path: Path):
    before = _project_copy(tmp_path / "before")
    after = _project_copy(tmp_path / "after")
    _, document, _ = prepare_report(Project(before / "content", THEME))
    paragraph = next(p for p in document.paragraphs if len(p.items) >= 3)
    words = paragraph.items[1].text["en"].split(" ")
    old, new = " ".join(words[:8]), " ".join(words[:3] + ["also"] + words[3:8])
    [name] = [path.relative_to(after / "content").as_posix()
              for path in (after / "content" / "body").glob("*.yaml")
              if old in path.read_text(encoding="utf-8")]
    assert (after / "content" / name).read_text(encoding="utf-8").count(old) == 1
    _edit(after, name, old, new)
    comparison = compare(_version(before, "before"), _version(after, "after"))
    [instruction] = corrigenda(comparison, THEME)["en"]
    assert (instruction.place.kind, instruction.place.paragraph) == ("item", paragraph.number)
    assert instruction.place.item["en"] == paragraph.items[1].marker["en"]
    assert "also" in instruction.new and "also" not in instruction.old
    assert _run(after, "corrigendum", "--from", str(before), "--date", "2022-04-20") == 0
    en = (after / "output" / "corrigendum" / "cdip-28-2-corr.en.html").read_text("utf-8")
    where = re.findall(r'<p class="where">([^<]*)', en)
    assert where and where[0].startswith(
        f"Paragraph {paragraph.number} {paragraph.items[1].marker['en']}")
    html = RedlineContext(redline_document(comparison), THEME, ("en",)).render(
        HtmlOutput)[PurePosixPath("cdip-28-2.en.redline.html")].decode()
    assert _marks(html) == ([" also"], [])


def test_annex_rows_are_named_by_recommendation_and_project(tmp_path: Path):
    before = _project_copy(tmp_path / "before")
    after = _project_copy(tmp_path / "after")
    _edit(after, "data/recommendations.yaml", "(b) links between IP and competition,",
          "(b) the links between IP and competition,")
    _edit(after, "data/projects.yaml",
          "fr: Conférence sur la mobilisation de ressources pour le développement",
          "fr: Conférence relative à la mobilisation de ressources pour le développement")
    assert _run(after, "corrigendum", "--from", str(before), "--date", "2022-04-20") == 0
    folder = after / "output" / "corrigendum"
    assert sorted(path.name for path in folder.glob("*.html")) == [
        "cdip-28-2-corr.en.html", "cdip-28-2-corr.fr.html"]
    en = (folder / "cdip-28-2-corr.en.html").read_text(encoding="utf-8")
    assert re.findall(r'<p class="(?:where|what)">([^<]*)', en) == [
        "Annex I, Recommendation 22, fourth sentence",
        "For “(b) links between IP and competition,” read “(b) the links between IP and "
        "competition,”\n"]
    fr = (folder / "cdip-28-2-corr.fr.html").read_text(encoding="utf-8")
    assert re.findall(r'<p class="where">([^<]*)', fr) == [
        "Annexe II, «\u00a0Projets du Plan d’action pour le développement achevés et "
        "évalués\u00a0», projet 1"]  # French quotes, with their no-break spaces
    assert "Au lieu de «\u00a0Conférence sur la mobilisation de\u00a0» lire «\u00a0" \
        "Conférence relative à la mobilisation de\u00a0»" in fr
    # The redline marks them in the annexes' rows.
    comparison = compare(_version(before, "before"), _version(after, "after"))
    pages = RedlineContext(redline_document(comparison), THEME, ("en", "fr")).render(HtmlOutput)
    assert _marks(pages[PurePosixPath("cdip-28-2.en.redline.html")].decode()) == (["the "], [])
    assert _marks(pages[PurePosixPath("cdip-28-2.fr.redline.html")].decode()) == (
        ["relative à"], ["sur"])


def test_a_deleted_footnote_is_struck_out_where_it_was_called(tmp_path: Path):
    before = _project_copy(tmp_path / "before")
    after = _project_copy(tmp_path / "after")
    path = after / "content" / INTRODUCTION
    text = path.read_text(encoding="utf-8").replace("[^mtsp-2022-2026]", "")
    path.write_text(text[:text.index("    footnotes:\n")], encoding="utf-8")
    comparison = compare(_version(before, "before"), _version(after, "after"))
    html = RedlineContext(redline_document(comparison), THEME, ("en",)).render(
        HtmlOutput)[PurePosixPath("cdip-28-2.en.redline.html")].decode()
    inserted, deleted = _marks(html)
    # Struck out in three pieces: before, inside and after the link it holds.
    assert inserted == [] and "".join(deleted) == (
        " [1: The Medium-Term Strategic Plan for 2022-2026 is available at: "
        "https://www.wipo.int/meetings/en/doc_details.jsp?doc_id=541373]")
    assert re.search(r'</del><a href="https://www\.wipo\.int/[^"]*"><del>https://', html)
    # In Word the note stays a note, deleted with its call; rejecting the changes restores it.
    word = RedlineContext(redline_document(comparison, deleted_notes=True), THEME,
                          ("en",)).render(DocxOutput)[PurePosixPath("cdip-28-2.en.redline.docx")]
    calls = _part(word, "document").findall(f".//{W}del/{W}r/{W}footnoteReference")
    assert len(calls) == 1
    # Notes are identified in the order of their calls, as LibreOffice reads them: the
    # deleted one first, although it is numbered after the others in the document.
    assert [call.get(W + "id") for call in _part(word, "document").iter(W + "footnoteReference")
            ] == [str(number) for number in range(1, 100)]
    [note] = [note for note in _part(word, "footnotes").iter(W + "footnote")
              if note.get(W + "id") == calls[0].get(W + "id")]
    assert "".join(note.itertext()).strip().startswith("The Medium-Term Strategic Plan")
    assert note.find(f".//{W}t") is None and note.find(f".//{W}footnoteRef/../..").tag == W + "del"
    old_word = _word(before, ("en",))["en"]
    for name in ("document", "footnotes"):
        assert _settled(word, name, accept=False) == _settled(old_word, name, True)
    assert _settled(word, "footnotes", accept=True) == _settled(
        _word(after, ("en",))["en"], "footnotes", True)
    # The corrigendum deletes note 1 and renumbers the others (the annex's two included);
    # the call gone from paragraph 5 changes nothing a reader reads there.
    listed = corrigenda(comparison, THEME)["en"]
    assert [(item.action, item.place.kind, item.place.footnote, item.numbers)
            for item in listed] == [("delete", "footnote", 1, None),
                                    ("renumber", "footnote", None, (2, 99, 1, 98))]


# Versions in the header ----------------------------------------------------------------------

NOTES = {"zh": "本文件取代 2022 年 3 月 15 日的 CDIP/28/2 号文件。",
         "en": "This document replaces document CDIP/28/2 of March 15, 2022.",
         "es": "El presente documento sustituye al documento CDIP/28/2 del 15 de marzo de 2022.",
         "fr": "Le présent document remplace le document CDIP/28/2 du 15 mars 2022.",
         "ru": "Настоящий документ заменяет документ CDIP/28/2 от 15 марта 2022 г.",
         "ar": "تحل هذه الوثيقة محل الوثيقة CDIP/28/2 المؤرخة 15 مارس 2022."}


def _issue(suffix: str, date: str, notes: dict[str, str] | None = None,
           languages: str | None = None) -> str:
    lines = ["  issue:", f"    suffix: {suffix}", f"    date: {date}"]
    if languages:
        lines.append(f"    languages: {languages}")
    if notes:
        lines.append("    note:")
        lines += [f"      {code}: {text}" for code, text in notes.items()]
        stamp = fingerprint(notes["en"])
        lines.append("      based-on: {" + ", ".join(f"{code}: {stamp}" for code in notes
                                                    if code != "en") + "}")
    return "\n".join(lines) + "\n"


def test_the_masthead_shows_the_revision_and_its_note_in_every_language(tmp_path: Path):
    root = _project_copy(tmp_path)
    _edit(root, "report.yaml", "  date: 2022-03-15\n",
          "  date: 2022-03-15\n" + _issue("Rev.", "2022-04-02", NOTES))
    assert _run(root, "build", "--format", "html", "--quiet") == 0
    for code, note in NOTES.items():
        html = (root / "output" / f"cdip-28-2-rev.{code}.html").read_text(encoding="utf-8")
        symbol = "CDIP/28/2 Rev.*"
        if code == "ar":  # isolated, or its "." and "*" would be set at its left
            symbol = f'<bdi dir="ltr">{symbol}</bdi>'
        assert f'<p class="symbol">{symbol}</p>' in html
        assert f'<p class="issue-note">* {note}</p>' in html
        assert '<meta name="dcterms.identifier" content="CDIP/28/2 Rev.">' in html
        assert "<title>CDIP/28/2 Rev. – " in html
    assert "DATE: APRIL 2, 2022" in (root / "output" / "cdip-28-2-rev.en.html").read_text(
        encoding="utf-8")
    # In the Arabic PDF the symbol reads left to right, its "." and "*" after "Rev", on the
    # first page and in the running head of the next.
    assert _run(root, "build", "--format", "pdf", "--lang", "ar", "--quiet") == 0
    pdf = root / "output" / "cdip-28-2-rev.ar.pdf"
    for page, symbol in ((1, "Rev.*"), (2, "Rev.")):
        xml = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf),
                              "-"], capture_output=True, text=True, check=True).stdout
        words = re.findall(r"<word [^>]*>([^<]*)</word>", xml)
        assert ["CDIP/28/2", symbol] == words[words.index("CDIP/28/2"):][:2], words[:12]


@pytest.mark.parametrize("issue, message, hint", [
    (_issue("Revision", "2022-04-02"), "'Revision' is not an issue of the document",
     "write Prov., Rev., Corr. or Add., maybe with its number"),
    (_issue("Rev.", "2022-04-02", languages="[zh]"),
     "only a corrigendum concerns some languages", "make the suffix Corr."),
    (_issue("Corr.1", "2022-04-02", languages="[de]"), "'de' is not a language of the report",
     "name declared languages"),
    (_issue("Prov.2", "2022-01-02"), "the Prov.2 is dated 2022-01-02, before the document",
     "on or after the document's 'date'"),
    ("  issue: Rev.\n", "'issue' is the issue's suffix, date and note, not 'Rev.'",
     "'suffix: Rev.' and 'date: 2022-04-02'"),
])
def test_a_bad_issue_is_named_with_its_line_and_a_fix(tmp_path: Path, issue, message, hint):
    root = _project_copy(tmp_path)
    _edit(root, "report.yaml", "  date: 2022-03-15\n", "  date: 2022-03-15\n" + issue)
    with pytest.raises(ContentError) as raised:
        check_report(Project(root / "content", THEME))
    [problem] = raised.value.problems
    lines = (root / "content" / "report.yaml").read_text(encoding="utf-8").splitlines()
    assert problem.file.name == "report.yaml"
    assert lines[problem.line - 1].strip().startswith(("issue:", "suffix:", "languages:"))
    assert message in problem.message and hint in (problem.hint or "")


# Next year's edition -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = _project_copy(tmp_path_factory.mktemp("source"))
    target = tmp_path_factory.mktemp("next") / "cdip-30-2"
    assert _run(source, "new-edition", "--symbol", "CDIP/30/2", "--year", "2022",
                "--to", str(target)) == 0
    return target


def test_a_new_edition_is_a_complete_project_with_its_translations_current(edition: Path,
                                                                            capsys):
    for folder in ("content", "templates", "locales", "editions/cdip-28-2/content"):
        assert (edition / folder).is_dir()
    capsys.readouterr()
    assert _run(edition, "status", "--fail-on", "stale,missing") == 0
    status = capsys.readouterr().out
    assert "stale 0" in status and "missing 0" in status
    _, document, _ = prepare_report(Project(edition / "content", THEME))
    assert document.symbol == "CDIP/30/2" and document.date == dt.date(2023, 3, 15)
    assert document.header.dates_and_place["en"] == "Geneva, May 16 to 20, 2023"
    assert document.header.dates_and_place["zh"] == "2023 年 5 月 16 日至 20 日，日内瓦"
    body = (edition / "content" / OPENING).read_text(encoding="utf-8")
    assert body.startswith("# Carried from CDIP/28/2 as the starting draft of CDIP/30/2")


def test_a_new_edition_rolls_the_projects_forward_as_projects_yaml_says(edition: Path):
    _, before, _ = prepare_report(Project(REPO / "content", THEME))
    _, after, _ = prepare_report(Project(edition / "content", THEME))
    old = {group.status: [project.id for project in group.projects]
           for group in before.annex_ii.groups}
    new = {group.status: [project.id for project in group.projects]
           for group in after.annex_ii.groups}
    # `next_edition: ongoing` on the approved group: its projects are under implementation
    # next year; the group stays, empty, out of the annex until next year's are listed.
    assert new == {"completed": old["completed"], "ongoing": old["ongoing"] + old["approved"]}
    text = (edition / "content" / "data" / "projects.yaml").read_text(encoding="utf-8")
    assert "    next_edition: ongoing\n" in text and text.endswith("    projects: []\n")
    # The comment above a project moves with it.
    assert ("      # The official English title (CDIP/26/4), in its sentence case.\n"
            "      - id: statistics-impact-assessment\n") in text
    # The years of the annex's and groups' titles move on, translations current with them.
    titles = {group.status: group.title for group in after.annex_ii.groups}
    assert titles["ongoing"]["en"] == ("Development Agenda projects still under "
                                       "implementation as of December 2022")
    assert after.annex_ii.title["ru"].endswith("по состоянию на 2022 г.")
    assert "Development Agenda projects approved in 2022" in text


def test_next_edition_naming_no_other_group_is_refused_with_its_line(tmp_path: Path, capsys):
    source = _project_copy(tmp_path / "source")
    _edit(source, "data/projects.yaml", "    next_edition: ongoing\n", "    next_edition: done\n")
    assert _run(source, "check") == 1
    error = capsys.readouterr().err
    assert re.search(r"data/projects\.yaml:\d+:\d+: error: 'done' is not another group's "
                     r"status", error)
    assert "(completed, ongoing); without 'next_edition' they stay in this group" in error
    assert "Traceback" not in error


def test_a_new_edition_redlines_against_its_source_showing_only_later_edits(edition: Path,
                                                                            capsys):
    _edit(edition, OPENING, "for 2021. It is the Director General's twelfth annual report",
          "for 2022. It is the Director General's thirteenth annual report")
    capsys.readouterr()
    assert _run(edition, "redline", "--from", "editions/cdip-28-2", "--lang", "en") == 0
    # What is left to review: the paragraphs still as last year.
    assert "88 of 89 paragraphs as they were" in capsys.readouterr().out
    html = (edition / "output" / "redline" / "cdip-30-2.en.redline.html").read_text(
        encoding="utf-8")
    body, annex_ii = html.split("</header>", 1)[1].split('id="annex-2"', 1)
    assert _marks(body) == (["2022", "thirteenth"], ["2021", "twelfth"])
    assert re.findall(r'class="para revision-changed" id="para-(\d+)"', html) == ["1"]
    # In Annex II, what new-edition rolled forward: the title's year; the approved projects
    # listed as ongoing, and their group, emptied, not shown.
    assert _marks(annex_ii) == (["2022"], ["2021"])
    assert re.findall(r'<h3 id="projects-([a-z]+)-title">[^<]*\((\d+)\)', annex_ii) == [
        ("completed", "35"), ("ongoing", "11")]
    # The masthead's line of dates moved on by new-edition, marked too.
    assert '<p class="dates">Geneva, May 16 to 20, <del>2022</del><ins>2023</ins></p>' in html


def test_a_new_edition_of_a_revision_is_the_final_text_with_the_authors_comments_kept(
        tmp_path: Path):
    source = _project_copy(tmp_path / "source")
    _edit(source, "report.yaml", "  date: 2022-03-15\n",
          "  date: 2022-03-15  # first issued\n  issue:\n    suffix: Rev.\n"
          "    date: 2022-04-01\n  # Our note on the committee's name.\n")
    target = tmp_path / "next"
    assert _run(source, "new-edition", "--symbol", "CDIP/30/2", "--year", "2022",
                "--to", str(target)) == 0
    report = (target / "content" / "report.yaml").read_text(encoding="utf-8")
    assert "issue:" not in report and "Rev." not in report
    assert "  date: 2023-03-15  # first issued\n  # Our note on the committee's name.\n" in report
    _, document, _ = prepare_report(Project(target / "content", THEME))
    assert document.header.issue is None and document.symbol == "CDIP/30/2"


def test_new_edition_refuses_a_folder_in_use(edition: Path, tmp_path: Path, capsys):
    source = _project_copy(tmp_path / "source")
    assert _run(source, "new-edition", "--symbol", "CDIP/30/2", "--year", "2022",
                "--to", str(edition)) == 2
    assert "exists and is not empty" in capsys.readouterr().err


# --from ---------------------------------------------------------------------------------------

def test_an_unknown_revision_is_a_usage_error(edited: Path, capsys):
    assert _run(edited, "redline", "--from", "no-such-tag") == 2
    error = capsys.readouterr().err
    assert "--from no-such-tag: neither a folder nor a revision" in error
    assert "Traceback" not in error


def test_an_option_is_not_taken_for_a_revision(edited: Path, capsys):
    assert _run(edited, "corrigendum", "--from=--output=/tmp/x") == 2
    assert "give a git revision" in capsys.readouterr().err


# Word-level differences ----------------------------------------------------------------------

def test_chinese_is_compared_by_character_and_markup_stays_whole():
    assert tokens("产权组织[^note-1]见{rec:13}和 https://x.org/a。") == [
        "产", "权", "组", "织", "[^note-1]", "见", "{rec:13}", "和", " ", "https://x.org/a",
        "。"]
    assert diff("各部门主要工作", "各部门的主要工作") == (
        Segment("equal", "各部门"), Segment("insert", "的"), Segment("equal", "主要工作"))
    assert diff("is available at", "can be found at") == (
        Segment("delete", "is available"), Segment("insert", "can be found"),
        Segment("equal", " at"))

"""Fast rebuilds: which PDFs and PDF parts a build renders, judged by what ran, never by timing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, snapshot
from rapporteur.build import Project, build_report
from rapporteur.cli import main
from rapporteur import record
from rapporteur.outputs import pdf
from rapporteur.outputs.jobs import JobRunner
from rapporteur.render import Theme


PARTS = [f"test-1-1.{language}.pdf ({part})" for language in ("en", "zh")
         for part in ("annex-1", "annex-2", "body")]


@pytest.fixture
def cached(tiny, tmp_path):
    """The tiny report with a render cache, built once."""
    tiny.project = Project(tiny.content, tiny.project.theme, tmp_path / "cache")
    first = tiny.build()
    assert sorted(path.name for path in first.rendered) == ["test-1-1.en.pdf", "test-1-1.zh.pdf"]
    assert sorted(first.rendered_parts) == PARTS
    return tiny


def rendered(result) -> list[str]:
    return sorted(path.name for path in result.rendered)


def parts(result) -> list[str]:
    """The PDF parts whose render ran in this build."""
    return sorted(result.rendered_parts)


def test_a_second_build_renders_nothing_and_changes_nothing(cached):
    before = snapshot(cached.output)
    result = cached.build()
    assert rendered(result) == [] and parts(result) == []
    assert result.written == []
    assert snapshot(cached.output) == before


def test_an_unchanged_project_is_up_to_date_without_being_read(cached, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the content was read again")

    monkeypatch.setattr("rapporteur.build.check_report", fail)
    result = cached.build()
    assert result.up_to_date and result.written == []
    assert {file.path.name for file in result.files} >= {"test-1-1.zh.pdf", "test-1-1.en.html"}


def test_without_the_build_record_the_render_cache_still_renders_nothing(cached):
    (cached.output / record.RECORD_NAME).unlink()
    result = cached.build()
    assert not result.up_to_date
    assert rendered(result) == [] and result.written == []


@pytest.mark.parametrize("damage", ["edited", "deleted", "stray file in site/pagefind"])
def test_outputs_changed_by_hand_are_built_again(cached, damage):
    good = snapshot(cached.output)
    pdf_file = cached.output / "test-1-1.en.pdf"
    stray = cached.output / "site" / "pagefind" / "old-index.pf_fragment"
    if damage == "edited":
        pdf_file.write_bytes(pdf_file.read_bytes()[:-10])
    elif damage == "deleted":
        pdf_file.unlink()
    else:
        stray.write_bytes(b"left by an older build")
    result = cached.build()
    assert not result.up_to_date and rendered(result) == []
    assert snapshot(cached.output) == good


def test_an_up_to_date_build_still_reports_the_warnings_and_strict_still_fails(tiny, capsys):
    root = tiny.root
    for folder in ("templates", "locales"):
        (root / folder).symlink_to(REPO / folder)
    tiny.write("glossary.yaml", "terms:\n  - {zh: 第二段, en: other words}\n")
    tiny.replace("report.yaml", "annexes:\n", "glossary: glossary.yaml\nannexes:\n")
    outputs = []
    for _ in range(2):
        assert main(["--project", str(root), "build", "--format", "html"]) == 0
        outputs.append(capsys.readouterr())
    first, second = outputs
    assert "up to date" not in first.out and "up to date" in second.out
    assert 'the en text does not say "other words"' in first.err
    assert second.err == first.err
    assert main(["--project", str(root), "build", "--format", "html", "--strict"]) == 1
    assert 'error: paragraph 2 (en): the zh text uses the glossary term' in capsys.readouterr().err


def test_a_link_to_a_device_in_the_content_folder_is_never_read_for_the_record(tiny):
    (tiny.content / "stray").symlink_to("/dev/zero")
    tiny.build(formats=["html"])
    assert tiny.build(formats=["html"]).up_to_date


@pytest.mark.parametrize("language, other, old, new", [
    ("zh", "en", "第二段于 2021 年。", "第二段（已改）于 2021 年。"),
    ("en", "zh", "The second paragraph, in 2021.", "The second paragraph (edited), in 2021.")],
    ids=["the source language", "a translation"])
def test_a_one_language_edit_renders_only_that_languages_body(cached, language, other, old,
                                                              new):
    cached.replace("body/01-opening.yaml", old, new)
    result = cached.build()
    assert rendered(result) == [f"test-1-1.{language}.pdf"]
    assert parts(result) == [f"test-1-1.{language}.pdf (body)"]
    assert {path.name for path in result.written if path.parent == cached.output} == \
        {f"test-1-1.{language}.pdf", f"test-1-1.{language}.html", f"test-1-1.{language}.docx"}
    assert not [path for path in result.written if f".{other}." in path.name]


def test_a_stylesheet_edit_renders_every_pdf(cached, tmp_path):
    templates = tmp_path / "theme"
    subprocess.run(["cp", "-r", str(REPO / "templates"), str(templates)], check=True)
    css = templates / "assets" / "report.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nh2 { letter-spacing: 0.01em; }\n",
                   encoding="utf-8")
    theme = Theme(templates, cached.project.theme.locales)
    cached.project = Project(cached.content, theme, cached.project.cache)
    result = cached.build()
    assert rendered(result) == ["test-1-1.en.pdf", "test-1-1.zh.pdf"]
    assert parts(result) == PARTS


@pytest.mark.parametrize("name, edits, part", [
    ("body/01-opening.yaml", [("第二段于 2021 年。", "第二段（已改）于 2021 年。"),
                              ("The second paragraph, in 2021.",
                               "The second paragraph, edited in 2021.")], "body"),
    ("data/recommendations.yaml", [("第一项建议。", "第一项建议（已改）。"),
                                   ("The first recommendation.",
                                    "The first recommendation, edited.")], "annex-1"),
], ids=["a body edit renders no annex part", "an Annex I edit renders only Annex I parts"])
def test_an_edit_renders_only_the_parts_it_touches(cached, name, edits, part):
    for old, new in edits:
        cached.replace(name, old, new)
    result = cached.build()
    assert parts(result) == [f"test-1-1.{language}.pdf ({part})" for language in ("en", "zh")]
    assert rendered(result) == ["test-1-1.en.pdf", "test-1-1.zh.pdf"]  # assembled again
    pdf_rows = {file.path.name: file for file in result.files if file.format == "pdf"}
    assert pdf_rows["test-1-1.en.pdf"].source == "built"
    assert pdf_rows["test-1-1.en.pdf"].rendered_parts == (f"test-1-1.en.pdf ({part})",)


def test_assembling_cached_parts_gives_the_bytes_of_a_full_render(cached):
    """Parts from the cache, assembled anew: byte for byte what rendering everything gives."""
    from rapporteur.outputs import BuildContext
    from rapporteur.outputs.pdf import PdfOutput

    fresh = {name: (cached.output / name).read_bytes()
             for name in ("test-1-1.zh.pdf", "test-1-1.en.pdf")}
    document = cached.build(formats=["html"]).document
    jobs = PdfOutput().render(BuildContext(document, cached.project.theme, ("zh", "en")))
    for job in jobs.values():
        (cached.project.cache / f"{job.cache_key()}.bin").unlink()
    (cached.output / "test-1-1.zh.pdf").unlink()
    result = cached.build()
    assert parts(result) == [] and rendered(result) == ["test-1-1.en.pdf", "test-1-1.zh.pdf"]
    assert {name: (cached.output / name).read_bytes() for name in fresh} == fresh


@pytest.mark.parametrize("change", ["weasyprint", "fonts"])
def test_a_new_renderer_version_or_font_renders_every_pdf(cached, monkeypatch, change):
    # As in a new process: nothing read from the environment before is remembered.
    pdf.renderer_fingerprint.cache_clear()
    record._environment.cache_clear()
    if change == "weasyprint":
        real = pdf._package_version
        monkeypatch.setattr(pdf, "_package_version",
                            lambda name: "999.0" if name == "weasyprint" else real(name))
    else:
        real_fonts = pdf.installed_fonts
        monkeypatch.setattr(pdf, "installed_fonts",
                            lambda: real_fonts() + "\n/usr/share/fonts/new.ttf\t0\t1.0\t1234")
    try:
        assert parts(cached.build()) == PARTS
    finally:
        pdf.renderer_fingerprint.cache_clear()
        record._environment.cache_clear()


def test_a_corrupt_or_foreign_cache_entry_is_never_served(cached):
    entries = sorted(cached.project.cache.glob("*.bin"))
    assert len(entries) == 8  # six parts, two assembled PDFs
    good = snapshot(cached.output)
    # Every other entry damaged in its payload, the others replaced by a valid entry for
    # another key.
    for damaged, foreign in zip(entries[::2], entries[1::2]):
        data = bytearray(damaged.read_bytes())
        foreign.write_bytes(bytes(data))
        data[-100] ^= 0xFF
        damaged.write_bytes(bytes(data))
    (cached.output / "test-1-1.zh.pdf").unlink()
    (cached.output / "test-1-1.en.pdf").unlink()
    result = cached.build()
    assert rendered(result) == ["test-1-1.en.pdf", "test-1-1.zh.pdf"]
    assert parts(result) == PARTS
    assert snapshot(cached.output) == good


def test_no_cache_renders_every_pdf_again(cached):
    result = build_report(cached.project, cached.output, use_cache=False)
    assert rendered(result) == ["test-1-1.en.pdf", "test-1-1.zh.pdf"]
    assert parts(result) == PARTS


def test_parallel_and_sequential_renders_are_byte_identical(tiny):
    from rapporteur.outputs import BuildContext
    from rapporteur.outputs.pdf import PdfOutput

    document = tiny.build(formats=["html"]).document
    context = BuildContext(document, tiny.project.theme, ("zh", "en"))
    jobs = PdfOutput().render(context)
    results = {}
    for workers in (2, 1):
        with JobRunner(None, workers=workers) as runner:
            runner.start(jobs)
            results[workers] = runner.finish()
    parallel, sequential = results[2], results[1]
    assert {name: result.data for name, result in parallel.items()} == \
           {name: result.data for name, result in sequential.items()}
    assert all(result.data.startswith(b"%PDF") for result in parallel.values())


def test_html_only_build_never_imports_weasyprint(tiny):
    script = ("import sys; from rapporteur.cli import main; "
              "code = main(sys.argv[1:]); print('weasyprint' in sys.modules); sys.exit(code)")
    root = tiny.root
    for folder in ("templates", "locales"):
        (root / folder).symlink_to(REPO / folder)
    done = subprocess.run([sys.executable, "-c", script, "--project", str(root), "build",
                           "--format", "html", "--quiet"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
    assert (root / "output" / "test-1-1.en.html").is_file()


def test_json_summary_and_print_html_for_reproducing_the_floor(tiny, capsys):
    root = tiny.root
    for folder in ("templates", "locales"):
        (root / folder).symlink_to(REPO / folder)
    assert main(["--project", str(root), "build", "--json", "--keep-print-html"]) == 0
    summary = json.loads(capsys.readouterr().out)
    files = {file["path"]: file for file in summary["files"]}
    assert sorted(summary["rendered"]) == ["output/test-1-1.en.pdf", "output/test-1-1.zh.pdf"]
    assert sorted(summary["rendered_parts"]) == PARTS
    zh_pdf = files["output/test-1-1.zh.pdf"]
    assert zh_pdf["source"] == "built" and zh_pdf["written"]
    kept = Path(root / "output" / "test-1-1.en.body.print.html")
    assert kept.is_file() and "@page" in kept.read_text(encoding="utf-8")
    assert main(["--project", str(root), "build", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["rendered"] == []
    assert {file["path"]: file["written"] for file in again["files"]}["output/test-1-1.zh.pdf"] is False


def test_a_preview_writes_the_pages_and_leaves_the_pdfs_as_they_were(cached):
    pdfs = {name: (cached.output / name).read_bytes()
            for name in ("test-1-1.zh.pdf", "test-1-1.en.pdf")}
    cached.replace("body/01-opening.yaml", "The second paragraph, in 2021.",
                   "The second paragraph, previewed in 2021.")
    result = cached.build(preview=True)
    assert result.rendered == [] and result.rendered_parts == []
    assert {path.name for path in result.written if path.parent == cached.output} == \
        {"test-1-1.en.html"}
    assert "previewed in 2021" in (cached.output / "test-1-1.en.html").read_text(encoding="utf-8")
    assert {name: (cached.output / name).read_bytes() for name in pdfs} == pdfs


def test_the_summary_in_a_log_names_every_file_whole(tiny, capsys):
    for folder in ("templates", "locales"):
        (tiny.root / folder).symlink_to(REPO / folder)
    assert main(["--project", str(tiny.root), "build"]) == 0
    summary = capsys.readouterr().out
    # Not cut to rich's default 80 columns ("output/data/test-1-1.e…") when not on a terminal.
    assert "…" not in summary
    for name in ("output/data/test-1-1.en.annex-1.json", "output/site/test-1-1.zh.pdf"):
        assert name in summary

"""Fast rebuilds: which PDFs a build renders, judged by what ran, never by timing."""

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


@pytest.fixture
def cached(tiny, tmp_path):
    """The tiny report with a render cache, built once."""
    tiny.project = Project(tiny.content, tiny.project.theme, tmp_path / "cache")
    first = tiny.build()
    assert sorted(path.name for path in first.rendered) == ["test-1-1.en.pdf", "test-1-1.zh.pdf"]
    return tiny


def rendered(result) -> list[str]:
    return sorted(path.name for path in result.rendered)


def test_a_second_build_renders_nothing_and_changes_nothing(cached):
    before = snapshot(cached.output)
    result = cached.build()
    assert rendered(result) == []
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


def test_a_chinese_only_edit_renders_only_the_chinese_pdf(cached):
    cached.replace("body/01-opening.yaml", "第二段于 2021 年。", "第二段（已改）于 2021 年。")
    result = cached.build()
    assert rendered(result) == ["test-1-1.zh.pdf"]
    assert {path.name for path in result.written if path.parent == cached.output} == \
        {"test-1-1.zh.pdf", "test-1-1.zh.html"}
    assert not [path for path in result.written if ".en." in path.name]


def test_a_stylesheet_edit_renders_every_pdf(cached, tmp_path):
    templates = tmp_path / "theme"
    subprocess.run(["cp", "-r", str(REPO / "templates"), str(templates)], check=True)
    css = templates / "assets" / "report.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nh2 { letter-spacing: 0.01em; }\n",
                   encoding="utf-8")
    theme = Theme(templates, cached.project.theme.locales)
    cached.project = Project(cached.content, theme, cached.project.cache)
    assert rendered(cached.build()) == ["test-1-1.en.pdf", "test-1-1.zh.pdf"]


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
        assert rendered(cached.build()) == ["test-1-1.en.pdf", "test-1-1.zh.pdf"]
    finally:
        pdf.renderer_fingerprint.cache_clear()
        record._environment.cache_clear()


def test_a_corrupt_or_foreign_cache_entry_is_never_served(cached):
    entries = sorted(cached.project.cache.glob("*.bin"))
    assert len(entries) == 2
    first, second = entries
    good = snapshot(cached.output)
    # One entry damaged in its payload, the other replaced by a valid entry for another key.
    data = bytearray(first.read_bytes())
    data[-100] ^= 0xFF
    first.write_bytes(bytes(data))
    second.write_bytes(first.read_bytes())
    (cached.output / "test-1-1.zh.pdf").unlink()
    (cached.output / "test-1-1.en.pdf").unlink()
    result = cached.build()
    assert rendered(result) == ["test-1-1.en.pdf", "test-1-1.zh.pdf"]
    assert snapshot(cached.output) == good


def test_no_cache_renders_every_pdf_again(cached):
    result = build_report(cached.project, cached.output, use_cache=False)
    assert rendered(result) == ["test-1-1.en.pdf", "test-1-1.zh.pdf"]


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
    assert result.rendered == []
    assert {path.name for path in result.written if path.parent == cached.output} == \
        {"test-1-1.en.html"}
    assert "previewed in 2021" in (cached.output / "test-1-1.en.html").read_text(encoding="utf-8")
    assert {name: (cached.output / name).read_bytes() for name in pdfs} == pdfs

"""The site as files: its layout, head metadata, determinism, and the Nu HTML checker's verdict.

Metadata and determinism use the tiny fixture report; the checker reads the sample's pages.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from rapporteur.errors import ContentError
from rapporteur.outputs.jobs import JobEvents
from rapporteur.outputs.search import records_of, search_index

VNU = Path(__file__).resolve().parent.parent / ".test-tools" / "node_modules" / "vnu-jar" \
    / "build" / "dist" / "vnu.jar"


def site_files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_the_site_has_every_part_and_only_relative_links(real_build):
    site = real_build[0] / "site"
    names = set(site_files(site))
    for name in ("index.html", "cdip-28-2.zh.html", "cdip-28-2.en.html", "cdip-28-2.zh.pdf",
                 "cdip-28-2.en.pdf", "assets/report.css", "assets/site.css", "assets/site.js",
                 "assets/favicon.svg", "pagefind/pagefind.js", "pagefind/pagefind-entry.json",
                 "data/cdip-28-2.zh.annex-1.csv", "data/cdip-28-2.en.annex-2.json"):
        assert name in names, name
    # The site's PDFs are the pdf format's: one render, the same bytes.
    assert (site / "cdip-28-2.en.pdf").read_bytes() == \
        (real_build[0] / "cdip-28-2.en.pdf").read_bytes()
    for page in ("index.html", "cdip-28-2.zh.html", "cdip-28-2.en.html"):
        html = (site / page).read_text(encoding="utf-8")
        for link in re.findall(r'(?:href|src)="([^"]*)"', html):
            assert not link.startswith(("/", "file:")), (page, link)
            if not link.startswith(("#", "http://", "https://", "mailto:")):
                assert (site / link.split("#")[0]).is_file(), (page, link)


def test_html_lang_has_the_script(real_build):
    html = (real_build[0] / "site" / "cdip-28-2.zh.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hans" dir="ltr" class="emphasis-none">' in html


def test_the_same_content_builds_a_byte_identical_site(tiny, tmp_path):
    tiny.build(formats=["site"])
    first = site_files(tiny.output / "site")
    shutil.rmtree(tiny.output)
    tiny.build(formats=["site"], use_cache=False)
    second = site_files(tiny.output / "site")
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    assert any(name.startswith("pagefind/index/") for name in first)
    entry = json.loads(first["pagefind/pagefind-entry.json"])
    assert sorted(entry["languages"]) == ["en", "zh-hans"]


def test_canonical_and_summary_when_the_report_declares_them(tiny):
    tiny.replace("report.yaml", "  prepared_by:", "  base_url: https://example.org/reports/test/\n"
                 "  summary:\n    zh: 中文摘要。\n    en: A short summary.\n  prepared_by:")
    tiny.build(formats=["site"])
    html = (tiny.output / "site" / "test-1-1.en.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/reports/test/test-1-1.en.html">' \
        in html
    assert '<meta property="og:url" content="https://example.org/reports/test/test-1-1.en.html">' \
        in html
    assert '<link rel="alternate" hreflang="zh-Hans" ' \
        'href="https://example.org/reports/test/test-1-1.zh.html">' in html
    assert '<link rel="alternate" hreflang="x-default" href="https://example.org/reports/test/">' \
        in html
    assert '<meta name="description" content="A short summary.">' in html
    landing = (tiny.output / "site" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/reports/test/">' in landing
    assert '<link rel="alternate" hreflang="en" ' \
        'href="https://example.org/reports/test/test-1-1.en.html">' in landing


def test_without_an_address_the_description_is_the_first_paragraph(tiny):
    tiny.build(formats=["site"])
    html = (tiny.output / "site" / "test-1-1.en.html").read_text(encoding="utf-8")
    assert 'rel="canonical"' not in html and 'rel="alternate"' not in html
    assert '<meta name="description" content="The first paragraph; see document CDIP/26/7.">' \
        in html  # the footnote call is left out


@pytest.mark.parametrize("address", ["example.org/x/", "https://example.org/x",
                                     'https://example.org/"x/'])
def test_a_bad_site_address_is_a_content_error(tiny, address):
    tiny.replace("report.yaml", "  prepared_by:", f"  base_url: '{address}'\n  prepared_by:")
    with pytest.raises(ContentError) as error:
        tiny.build(formats=["site"])
    problem = error.value.problems[0]
    assert problem.file.name == "report.yaml" and problem.line is not None
    assert "not a site address" in problem.message


def test_the_nu_html_checker_finds_no_error(real_build):
    site = real_build[0] / "site"
    pages = [str(site / name) for name in ("index.html", "cdip-28-2.zh.html",
                                           "cdip-28-2.en.html")]
    checked = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json",
                              *pages], capture_output=True, text=True)
    messages = json.loads(checked.stderr or checked.stdout)["messages"]
    assert [(Path(m.get("url", "")).name, m.get("lastLine"), m["message"])
            for m in messages] == []


def test_search_records_are_the_pages_parts_and_the_entry_file_comes_last(real_build):
    site = real_build[0] / "site"
    html = (site / "cdip-28-2.en.html").read_text(encoding="utf-8")
    records = {record.anchor: record for record in records_of(html)}
    assert records["para-24"].title == "I. Regional and National Development Sector · 24"
    named = {record.anchor: record.title for record in records_of(html, {
        "para": "Paragraph %(number)s", "fn": "Note %(number)s", "rec": "R. %(number)s"})}
    assert named["para-24"] == "I. Regional and National Development Sector · Paragraph 24"
    assert named["fn-25"] == "I. Regional and National Development Sector · Note 25"
    assert named["rec-7"].endswith(" · R. 7")
    assert "Mozambique" in records["para-24"].text and "25" not in records["para-24"].text[:4]
    assert records["rec-7"].text.startswith("Recommendation 7*")
    # A call kept on its word's line (span.fn-word) leaves the words whole, with no space added.
    assert "least developed countries, taking into account" in records["para-27"].text
    assert "WIPO Technology Trends 2021: Assistive Technology and how" in records["para-59"].text
    assert "\u2060" not in "".join(record.text for record in records.values())
    assert len([anchor for anchor in records if anchor.startswith("fn-")]) == 99
    # Written last, so that a build killed while writing leaves the old index whole.
    files = search_index({"cdip-28-2.en.html": ("en", html, {})})
    assert list(files)[-1] == "pagefind-entry.json"


def test_the_site_and_the_pdf_format_share_one_render_per_pdf(tiny):
    events = JobEvents()  # records the renders that start
    events.labels = []
    events.started = events.labels.append
    result = tiny.build(formats=["pdf", "site"], use_cache=False, events=events)
    assert sorted(events.labels) == [f"test-1-1.{language}.pdf ({part})"  # once each
                                     for language in ("en", "zh")
                                     for part in ("annex-1", "annex-2", "body")]
    for language in ("zh", "en"):
        assert (tiny.output / f"test-1-1.{language}.pdf").read_bytes() == \
            (tiny.output / "site" / f"test-1-1.{language}.pdf").read_bytes()
    assert len(result.outputs) == len(set(result.outputs))

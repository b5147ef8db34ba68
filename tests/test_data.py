"""Open data: the annexes as CSV and JSON hold exactly what the PDF shows, in a stable schema."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess

import pytest

from rapporteur.outputs.data import ANNEX_I_COLUMNS, ANNEX_II_COLUMNS, spreadsheet_safe

LANGUAGES = ("zh", "en")
RECOMMENDATION = {"zh": "建议{}", "en": "Recommendation{}"}


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def data(real_build):
    """Every data file of the sample report, parsed, by (language, annex, format)."""
    folder = real_build[0] / "site" / "data"
    parsed = {}
    for language in LANGUAGES:
        for annex in ("annex-1", "annex-2"):
            raw = (folder / f"cdip-28-2.{language}.{annex}.csv").read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf")  # spreadsheets then read it as UTF-8
            parsed[language, annex, "csv"] = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
            parsed[language, annex, "json"] = json.loads(
                (folder / f"cdip-28-2.{language}.{annex}.json").read_text(encoding="utf-8"))
    assert sorted(path.name for path in (real_build[0] / "data").iterdir()) == \
        sorted(path.name for path in folder.iterdir())
    return parsed


@pytest.fixture(scope="module")
def pdf_text(real_build):
    """The PDFs' text, laid out as on the page (so that Annex I's two columns stay apart)."""
    return {language: subprocess.run(
        ["pdftotext", "-layout", str(real_build[0] / "site" / f"cdip-28-2.{language}.pdf"),
         "-"], capture_output=True, text=True, check=True).stdout for language in LANGUAGES}


@pytest.mark.parametrize("language", LANGUAGES)
def test_annex_i_links_are_the_ones_the_pdf_shows(data, pdf_text, language):
    records = data[language, "annex-1", "json"]
    assert records["schema"] == "rapporteur/annex-1/v1" and records["document"] == "CDIP/28/2"
    assert [rec["number"] for rec in records["recommendations"]] == list(range(1, 46))
    labels = sorted({result["label"] for rec in records["recommendations"]
                     for result in rec["results"]}, key=len, reverse=True)
    label_pattern = re.compile("|".join(re.escape(label) for label in labels))
    lines = pdf_text[language].splitlines()
    # The PDF's rows, found in order: from the line "Recommendation 1 … Link to expected
    # results" down to the line of "Recommendation 2", and so on.
    starts = []
    for rec in records["recommendations"]:
        heading = re.compile(r"\s*" + r"\s*".join(RECOMMENDATION[language].format(rec["number"]))
                             + r"\*?\s*\d*\s{2,}\S")
        starts.append(next(index for index in range(starts[-1] + 1 if starts else 0, len(lines))
                           if heading.match(lines[index])))
    end_of_annex = next(index for index in range(starts[-1], len(lines))
                        if squeeze(data[language, "annex-2", "json"]["title"]) in squeeze(lines[index]))
    # A recommendation continued on the next page repeats its header row there, where the
    # results column may begin elsewhere on the line: each header row sets the column anew.
    header = re.compile(r"\s*" + r"\s*".join(RECOMMENDATION[language].format("")) + r"\s*\d+")
    for rec, start, end in zip(records["recommendations"], starts, starts[1:] + [end_of_annex]):
        texts, results = [], []
        for line in lines[start:end]:
            if re.fullmatch(r"\f?(CDIP/28/2|AnnexI,page\d+|附件一第\d+页)", squeeze(line)):
                continue  # the running header of a page
            if header.match(line):
                column = re.search(r"\S\s{2,}(\S)", line).start(1)  # where the results begin
                continue
            texts.append(line[:column])
            results.append(line[column:])
        text, results = squeeze("".join(texts)), squeeze("".join(results))
        assert label_pattern.findall(results) == [result["label"] for result in rec["results"]], \
            rec["number"]
        for result in rec["results"]:
            assert squeeze(result["label"] + result["text"]) in results, (rec["number"], result)
        assert squeeze(rec["text"].splitlines()[0])[:30] in text  # its first line
    assert sum(rec["immediate"] for rec in records["recommendations"]) == 19


@pytest.mark.parametrize("language", LANGUAGES)
def test_annex_ii_items_are_the_ones_the_pdf_shows(data, pdf_text, language):
    records = data[language, "annex-2", "json"]
    assert records["schema"] == "rapporteur/annex-2/v1"
    text = squeeze(pdf_text[language])
    position = text.index(squeeze(records["title"]))
    for group in records["groups"]:
        assert group["count"] == len(group["projects"])
        for project in group["projects"]:
            position = text.index(squeeze(project["title"]), position) + 1  # in the PDF's order
    assert squeeze(data[language, "annex-2", "json"]["groups"][-1]["projects"][-1]["title"]) \
        in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_csv_holds_what_json_holds(data, language):
    annex_i = data[language, "annex-1", "csv"]
    assert tuple(annex_i[0]) == ANNEX_I_COLUMNS
    assert annex_i[1:] == [
        [spreadsheet_safe(cell) for cell in
         (str(rec["number"]), "yes" if rec["immediate"] else "no", rec["text"], result["code"],
          result["label"], result["text"], " ".join(map(str, rec["cited_in"])))]
        for rec in data[language, "annex-1", "json"]["recommendations"]
        for result in rec["results"]]
    annex_ii = data[language, "annex-2", "csv"]
    assert tuple(annex_ii[0]) == ANNEX_II_COLUMNS
    assert annex_ii[1:] == [
        [spreadsheet_safe(cell) for cell in
         (group["status"], group["title"], str(number), project["id"], project["title"],
          " ".join(map(str, project["cited_in"])))]
        for group in data[language, "annex-2", "json"]["groups"]
        for number, project in enumerate(group["projects"], start=1)]


FORMULAS = {  # what the tiny report's English annex data says, each a formula to a spreadsheet
    "recommendation": "=1+2",
    "result": "+cmd|/C calc!A0",
    "group": "-2+3+cmd|/C calc!A0",
    "project": "@SUM(1+1)*cmd|/C calc!A0",
}


def test_texts_that_read_as_formulas_are_text_in_the_csv_and_exact_in_the_json(tiny):
    tiny.replace("data/recommendations.yaml", "en: The first recommendation.",
                 f"en: '{FORMULAS['recommendation']}'")
    tiny.replace("data/results.yaml", "en: The first result.", f"en: '{FORMULAS['result']}'")
    tiny.replace("data/projects.yaml", "en: Completed projects", f"en: '{FORMULAS['group']}'")
    tiny.replace("data/projects.yaml", "en: Project A", f"en: '{FORMULAS['project']}'")
    tiny.build(formats=["data"])
    folder = tiny.output / "data"

    def rows(name: str) -> list[dict[str, str]]:
        with open(folder / name, encoding="utf-8-sig", newline="") as stream:
            return list(csv.DictReader(stream))

    annex_i, annex_ii = rows("test-1-1.en.annex-1.csv"), rows("test-1-1.en.annex-2.csv")
    quoted = {name: "'" + text for name, text in FORMULAS.items()}
    assert [row["recommendation_text"] for row in annex_i][:2] == [quoted["recommendation"]] * 2
    assert annex_i[0]["result_text"] == quoted["result"]
    assert annex_ii[0]["group_title"] == quoted["group"]
    assert annex_ii[0]["project"] == quoted["project"]
    # Texts that only hold such characters further in are left alone.
    assert annex_i[2]["recommendation_text"].startswith("The second recommendation shall:\n- ")
    assert annex_ii[1]["project"] == "Project B"
    records_i = json.loads((folder / "test-1-1.en.annex-1.json").read_text(encoding="utf-8"))
    records_ii = json.loads((folder / "test-1-1.en.annex-2.json").read_text(encoding="utf-8"))
    first = records_i["recommendations"][0]
    assert first["text"] == FORMULAS["recommendation"]
    assert first["results"][0]["text"] == FORMULAS["result"]
    assert records_ii["groups"][0]["title"] == FORMULAS["group"]
    assert records_ii["groups"][0]["projects"][0]["title"] == FORMULAS["project"]


def test_the_languages_hold_the_same_links_and_items(data):
    zh, en = (data[language, "annex-1", "json"] for language in LANGUAGES)
    assert [[result["code"] for result in rec["results"]] for rec in zh["recommendations"]] == \
        [[result["code"] for result in rec["results"]] for rec in en["recommendations"]]
    assert [group["count"] for group in data["zh", "annex-2", "json"]["groups"]] == \
        [group["count"] for group in data["en", "annex-2", "json"]["groups"]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_cited_in_is_where_the_body_cites_each_row(data, real_build, language):
    """The "cited in" numbers are the paragraphs whose references name the row or project."""
    citations = real_build[1].document.citations
    expected: dict[str, list[int]] = {}
    for citation in citations:
        expected.setdefault(citation.target, [])
        if citation.paragraph not in expected[citation.target]:
            expected[citation.target].append(citation.paragraph)
    rows = {f"rec-{rec['number']}": rec["cited_in"]
            for rec in data[language, "annex-1", "json"]["recommendations"]}
    projects = {f"project-{project['id']}": project["cited_in"]
                for group in data[language, "annex-2", "json"]["groups"]
                for project in group["projects"]}
    found = {target: cited for target, cited in {**rows, **projects}.items() if cited}
    assert found == {target: sorted(cited) for target, cited in expected.items()}
    assert len([target for target in found if target.startswith("project-")]) > 10

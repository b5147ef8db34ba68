"""The English of the sample: the reviews of issue 10 and of 2026-12-02 found these mistakes; they
stay corrected, and each rule here holds for the whole text, not only where the review looked."""

from __future__ import annotations

import html
import re

import pytest

from rapporteur.text import bare_urls


@pytest.fixture(scope="module")
def texts(real_build) -> list[dict[str, str]]:
    """Every paragraph, item and footnote text of the body, in both languages."""
    document = real_build[1].document
    found = []
    for paragraph in document.paragraphs:
        found += [paragraph.text] + [item.text for item in paragraph.items] + [
            more for item in paragraph.items for more in item.continued]
        found += [note.text for note in paragraph.footnotes]
    return found


def test_shen_ping_is_evaluation_not_review(texts):
    """审评 is an evaluation; "review" belongs to the Independent Review (独立审查)."""
    wrong = [text["en"][:60] for text in texts
             if "审评" in text["zh"] and "审查" not in text["zh"]
             and re.search(r"\breview", text["en"], re.IGNORECASE)]
    assert wrong == []
    assert sum("审评" in text["zh"] for text in texts) >= 5


# The UN short forms, as WIPO's English documents write them; the common forms are not used.
NOT_UN_NAMES = [
    r"\bIran\b(?! \(Islamic Republic of\))", r"\bRussia\b",
    r"\bBolivia\b(?! \(Plurinational State of\))", r"\bVenezuela\b(?! \(Bolivarian Republic of\))",
    r"(?<!United Republic of )\bTanzania\b", r"(?<!Republic of )\bMoldova\b", r"\bVietnam\b",
    r"\b(?:South|North) Korea\b", r"\bLaos\b", r"\bSyria\b", r"\bIvory Coast\b", r"\bCape Verde\b",
    r"\bSwaziland\b", r"(?<!North )\bMacedonia\b", r"\bMicronesia\b(?! \(Federated States of\))",
    r"\bBurma\b", r"\bUSA?\b", r"\bU\.S\.", r"\bUK\b",
]


@pytest.mark.parametrize("name", NOT_UN_NAMES)
def test_countries_have_their_un_names(texts, name):
    """N4: one rule for every country, the UN short form ("Bolivia (Plurinational State of)")."""
    assert [text["en"][:60] for text in texts if re.search(name, text["en"])] == []


def test_english_text_links_no_chinese_document(texts):
    chinese = [url for text in texts for url, _ in bare_urls(text["en"])
               if re.search(r"/zh(?:-hans)?/|_Chinese\.", url)]
    assert chinese == []


# --- the review of 2026-12-02 (shared/reviews/fidelity-2026-12-02.md) ---------------------------

def page_text(html_page: str) -> str:
    """A built page as a reader reads it: tags dropped, entities decoded, white space squeezed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", html_page)))


@pytest.fixture(scope="module")
def pages(real_build) -> dict[str, str]:
    output, _ = real_build
    return {language: page_text((output / f"cdip-28-2.{language}.html").read_text(encoding="utf-8"))
            for language in ("zh", "en")}


def test_a_numbered_recommendation_has_a_capital(pages):
    """S1: WIPO writes "Development Agenda Recommendations 13, 14 and 17"; only the generic
    "the Development Agenda recommendations" keeps its lower case. The Chinese is unchanged."""
    assert re.findall(r"\brecommendations? \d+", pages["en"]) == []
    assert len(re.findall(r"Development Agenda Recommendations? \d+", pages["en"])) >= 26
    assert "the Development Agenda recommendations" in pages["en"]
    assert "发展议程建议 13、14 和 17" in pages["zh"]


def test_a_recurring_heading_reads_one_way(real_build):
    """T1: one Chinese sub-heading, one English form, in title case like every other heading."""
    forms: dict[str, set[str]] = {}
    for section in real_build[1].document.sections:
        for block in section.blocks:
            if not hasattr(block, "number"):
                forms.setdefault(block.text["zh"], set()).add(block.text["en"])
    assert {zh: en for zh, en in forms.items() if len(en) > 1} == {}
    assert forms["已被纳入主流的发展议程项目"] == {"Mainstreamed Development Agenda Projects"}
    assert forms["正在实施的发展议程项目"] == {"Ongoing Development Agenda Projects"}


@pytest.mark.parametrize("variant", [
    r"\bAfrica region",  # T2: "the African region"
    r"Asia-Pacific|Asia and Pacific",  # "the Asia and the Pacific region"
    r"Latin America and Caribbean",  # "the Latin America and the Caribbean region"
    r"WIPO Technology Trends(?! 2021)",  # T3: *WIPO Technology Trends 2021: Assistive Technology*
    r"(?<!Intellectual Property \(IP\) )Technical Assistance Database \(",  # T4: its official name
    r"Food and Agriculture Organization(?! of the United Nations)",  # N3
    r"\d ?%",  # S5: "per cent" in running text
    r"\bcatalogue",  # S6: "catalog", as WIPO and the note's file name spell it
    r"(?:^|[.;] )\d",  # S3: no sentence opens with a figure
])
def test_a_name_or_form_the_review_found_in_several_spellings_has_one(texts, variant):
    found = [text["en"][:60] for text in texts
             if re.search(variant, re.sub(r"https?://\S+|www\.\S+", "", text["en"]))]
    assert found == []


_PROJECT = re.compile(r"\{project:([a-z0-9-]+)(\|[^}]*)?\}")


def test_english_names_a_project_the_way_the_chinese_does(texts):
    """A2: where the Chinese body uses the Annex II title ({project:ID}), so does the English,
    which then reads as the official title; where the Chinese gives its own words for the project,
    the English gives its own words too, instead of the Annex II title's "Project on …"."""
    def mentions(text: str) -> list[tuple[str, bool]]:
        return [(match.group(1), bool(match.group(2))) for match in _PROJECT.finditer(text)]
    different = [(mentions(text["zh"]), mentions(text["en"])) for text in texts
                 if mentions(text["zh"]) != mentions(text["en"])]
    assert different == []
    assert sum(len(mentions(text["zh"])) for text in texts) >= 25

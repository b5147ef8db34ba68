"""A third language is data: a message catalogue and content keys, no code."""

from __future__ import annotations

import re
import shutil

import yaml

from conftest import REPO
from rapporteur.build import Project, build_report
from rapporteur.render import Theme

FRENCH_MESSAGES = {
    "%(title)s (%(count)s)": "%(title)s (%(count)s)",
    "ANNEX I": "ANNEXE I",
    "ANNEX II": "ANNEXE II",
    "Annex I, page %(number)s": "Annexe I, page %(number)s",
    "Annex II, page %(number)s": "Annexe II, page %(number)s",
    "DATE: %(date)s": "DATE : %(date)s",
    "Languages": "Langues",
    "Link to expected results": "Lien avec les résultats escomptés",
    "Notes": "Notes",
    "ORIGINAL: %(language)s": "ORIGINAL : %(language)s",
    "Recommendation %(number)s": "Recommandation %(number)s",
    "page %(number)s": "page %(number)s",
}


def add_french(node):
    """Give every {zh, en} text of a content tree a French text beside it."""
    if isinstance(node, dict):
        if set(node) == {"zh", "en"}:
            node["fr"] = "FR " + node["en"]
        for value in node.values():
            add_french(value)
    elif isinstance(node, list):
        for value in node:
            add_french(value)


def add_french_to_content(content) -> None:
    """French texts beside every {zh, en} text of the content, and French declared."""
    for path in content.rglob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        add_french(data)
        if path.name == "report.yaml":
            data["languages"].append({"code": "fr", "locale": "fr", "numerals": "roman"})
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")


def test_a_third_language_needs_only_a_catalogue_and_content_keys(tiny, tmp_path):
    # The catalogue: a copy of the project's locales plus locales/fr.
    locales = tmp_path / "locales"
    shutil.copytree(REPO / "locales", locales)
    (locales / "fr" / "LC_MESSAGES").mkdir(parents=True)
    po = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=utf-8\\n"', ""]
    for msgid, msgstr in FRENCH_MESSAGES.items():
        po += [f'msgid "{msgid}"', f'msgstr "{msgstr}"', ""]
    (locales / "fr" / "LC_MESSAGES" / "messages.po").write_text("\n".join(po), encoding="utf-8")
    # The content: French keys beside the others, and the language declared.
    add_french_to_content(tiny.content)

    project = Project(tiny.content, Theme(REPO / "templates", locales))
    result = build_report(project, tiny.output)

    names = sorted(path.name for path in result.outputs if path.parent == tiny.output)
    assert "test-1-1.fr.html" in names and "test-1-1.fr.pdf" in names
    html = (tiny.output / "test-1-1.fr.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    assert '<html lang="fr">' in html
    assert "ORIGINAL : FR ENGLISH" in text
    assert "DATE : 15 MARS 2022" in text  # Babel's French date
    assert "FR Geneva, May 16 to 20, 2022" in text
    assert "Recommandation 1" in text and "Lien avec les résultats escomptés" in text
    assert "I.2" in text and "III.2" in text  # roman result codes, as the language declares
    assert 'id="para-3"' in html and 'id="fn-3"' in html  # same anchors as the others
    assert "FR The first paragraph" in text

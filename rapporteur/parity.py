"""Translation parity: do the languages of a report say the same things?

Part of validation, run by `check` and `build`. Returns problems; severity "error" stops the
build, "warning" is reported (and stops it under --strict).

The source language that report.yaml declares (`source:`, the original that the others are
translated from) is the reference: each other language is compared with it, element by element. An element is what a reader sees as one
unit: a numbered paragraph with its items, a footnote, a heading, a title, a recommendation,
an expected result, a project name. The rules:

1. footnotes: a paragraph references the same footnotes, in the same part (paragraph text,
   item, continued paragraph) in every language (error); in the same order (warning, since
   footnotes are numbered in the first declared language's reading order, which is therefore
   this rule's reference);
2. anchors: every URL (compared without its language segment), document symbol (CDIP/26/7)
   and year (2021) of the source text appears in the other languages' text (error);
3. script: no CJK characters are left in the text of a non-CJK language (error);
4. inline enumerations: each text has the same "(i)", "(a)", "i)" markers in every language,
   read with each language's letters and numbers ("(ب)" is "(b)", "”2“" is "(ii)" in Arabic)
   (error);
5. glossary: a term of glossary.yaml used in the source text is translated with its
   glossary form (warning).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator

from babel import Locale

from .errors import Problem
from .load import Location, SourceFile
from .model import Numerals, ParagraphBlock
from .markup import footnote_ids
from .numerals import LATIN, Count, item_marker, marker_count, numbered_marker
from .text import bare_urls, cjk_characters, contains_cjk
from .validate import ValidContent, paragraph_texts

Localized = dict[str, str]
Part = tuple[Location, Localized]

CJK_LANGUAGES = {"zh", "ja", "ko"}

@dataclass(frozen=True)
class Element:
    """One unit of text a reader sees, in every language, made of one or more parts."""

    source: SourceFile
    label: str  # "paragraph 8", "footnote 'x' (paragraph 8)", "recommendation 3"
    parts: list[Part]  # (location in the source file, localized text)

    def text(self, language: str) -> str:
        return "\n".join(text.get(language, "") for _, text in self.parts)


# --- the elements of a report ---------------------------------------------------------------

def _part_name(block: ParagraphBlock, location: Location) -> str:
    """How a part of a paragraph is called in a message: the paragraph text, item (ii)…"""
    if location[:1] == ("items",):
        name = f"item {block.items[location[1]].marker}"
        if "continued" in location:
            name += f" (continued paragraph {location[3] + 1})"
        return name
    return "the paragraph text"


def paragraphs(content: ValidContent) -> Iterator[tuple[int, SourceFile, Location,
                                                         ParagraphBlock]]:
    """Every paragraph with the number the builder gives it: counted across body files."""
    number = 0
    for section in content.sections:
        for index, block in enumerate(section.content.blocks):
            if isinstance(block, ParagraphBlock):
                number += 1
                yield number, section.source, ("blocks", index), block


def elements(content: ValidContent) -> Iterator[Element]:
    """Every element of the report, in reading order."""
    report = content.loaded.report
    header = content.report.document
    for key in ("title", "committee", "session", "dates_and_place", "prepared_by", "original_language"):
        yield Element(report, f"document {key.replace('_', ' ')}",
                      [(("document", key), getattr(header, key))])

    number = 0
    for section in content.sections:
        source = section.source
        if section.content.title is not None:
            yield Element(source, "section title", [(("title",), section.content.title)])
        for index, block in enumerate(section.content.blocks):
            where = ("blocks", index)
            if not isinstance(block, ParagraphBlock):
                yield Element(source, f"heading before paragraph {number + 1}",
                              [(where + ("heading",), block.heading)])
                continue
            number += 1
            yield Element(source, f"paragraph {number}",
                          [(where + location, text) for location, text in paragraph_texts(block)])
            for footnote_id, text in block.footnotes.items():
                yield Element(source, f"footnote '{footnote_id}' (paragraph {number})",
                              [(where + ("footnotes", footnote_id), text)])

    recommendations = content.recommendations
    source = content.loaded.recommendations
    yield Element(source, "Annex I title", [(("title",), recommendations.title)])
    yield Element(source, "Annex I note on immediate implementation",
                  [(("immediate_note",), recommendations.immediate_note)])
    yield Element(source, "Annex I note on expected results",
                  [(("results_note",), recommendations.results_note)])
    for index, recommendation in enumerate(recommendations.recommendations):
        yield Element(source, f"recommendation {recommendation.number}",
                      [(("recommendations", index, "text"), recommendation.text)])

    source = content.loaded.results
    for index, result in enumerate(content.results.results):
        yield Element(source, f"expected result {result.code}",
                      [(("results", index, "text"), result.text)])

    source = content.loaded.projects
    yield Element(source, "Annex II title", [(("title",), content.projects.title)])
    for index, group in enumerate(content.projects.groups):
        yield Element(source, f"title of project group '{group.status}'",
                      [(("groups", index, "title"), group.title)])
        for position, project in enumerate(group.projects):
            yield Element(source, f"project {position + 1} of group '{group.status}'",
                          [(("groups", index, "projects", position, "title"), project.title)])

    markers = content.report.end_markers
    yield Element(report, "end marker of the body", [(("end_markers", "body"), markers.body)])
    yield Element(report, "end marker of the document",
                  [(("end_markers", "document"), markers.document)])


# --- rule 1: footnote references ----------------------------------------------------------

def _check_footnotes(content: ValidContent, first: str, others: list[str],
                     problems: list[Problem]) -> None:
    for number, source, where, block in paragraphs(content):
        refs: dict[str, list[tuple[str, Location]]] = {
            language: [(footnote_id, location)
                       for location, text in paragraph_texts(block)
                       for footnote_id in footnote_ids(text[language])]
            for language in [first, *others]}
        first_place = {footnote_id: location for footnote_id, location in reversed(refs[first])}
        for language in others:
            place = {footnote_id: location for footnote_id, location in reversed(refs[language])}
            # Validation already made each language reference every footnote of the paragraph
            # once, so the sets agree; what can still differ is the part and the order.
            broken = False
            for footnote_id, location in first_place.items():
                if place[footnote_id] != location:
                    broken = True
                    problems.append(source.problem(
                        where + place[footnote_id] + (language,),
                        f"paragraph {number} ({language}): footnote [^{footnote_id}] stands in "
                        f"{_part_name(block, place[footnote_id])}, but in "
                        f"{_part_name(block, location)} in the {first} text",
                        "a footnote is referenced in the same part of the paragraph in every "
                        "language"))
            first_order = [footnote_id for footnote_id, _ in refs[first]]
            order = [footnote_id for footnote_id, _ in refs[language]]
            if not broken and order != first_order:
                moved = next(index for index, (a, b) in enumerate(zip(order, first_order))
                             if a != b)
                problems.append(source.problem(
                    where + place[order[moved]] + (language,),
                    f"paragraph {number} ({language}): footnotes are referenced in another order "
                    f"than in the {first} text ({first}: {', '.join(first_order)}; "
                    f"{language}: {', '.join(order)})",
                    f"footnotes are numbered in the {first} reading order, so their numbers "
                    f"would not be in sequence in the {language} text; reorder the references "
                    "if the sentence allows", severity="warning"))


# --- glossary terms (rule 5, and anchors inside terms for rule 2) ---------------------------

# Words that contain a glossary term without being that term. "知识产权组织" alone may mean an
# intellectual property organization (a regional one…) as well as WIPO, so 产权组织 inside it
# is not checked, but WIPO's full name, 世界知识产权组织, is. The office of a Deputy Director
# General, 副总干事办公室, is not the Office of the Director General (总干事办公室).
_NOT_A_TERM = re.compile("(?<!世界)知识产权组织|副总干事办公室")


@dataclass(frozen=True)
class Term:
    forms: dict[str, str]
    line: int | None
    also: dict[str, tuple[str, ...]] = field(default_factory=dict)  # other accepted forms


def _term_pattern(form: str) -> re.Pattern:
    """A first-language term, found whatever spaces stand between its characters."""
    return re.compile(r"\s*".join(re.escape(char) for char in _compact(form)))


def _compact(text: str) -> str:
    """The text without its white space (str.split's white space is the \\s of `re`)."""
    return "".join(text.split())


def glossary_terms(content: ValidContent, first: str) -> list[Term]:
    if content.glossary is None or content.loaded.glossary is None:
        return []
    source = content.loaded.glossary
    terms = []
    for index, entry in enumerate(content.glossary.terms):
        forms = {code: form for code, form in entry.items() if isinstance(form, str)}
        also = entry.get("also")
        if forms.get(first, "").strip():
            terms.append(Term(forms, source.position(("terms", index))[0],
                              {code: tuple(variants) for code, variants in also.items()}
                              if isinstance(also, dict) else {}))
    return terms


# --- rule 2: URLs, document symbols and years ---------------------------------------------

# A path segment (or a lang= parameter) naming a language: /zh/, /en/, /zh-hans/, ?lang=fr;
# or, as the UN's JIU names its files, a file name ending in a UN language: …_3_Chinese.pdf.
_LANGUAGE_SEGMENT = re.compile(
    r"(?<=/)(?:ar|en|es|fr|ru|zh|ja|ko|pt|de)(?:[-_](?:hans|hant|cn|tw|hk))?(?=/|$)"
    r"|(?<=[?&]lang=)[a-z]{2}(?:[-_][a-z]+)?"
    r"|(?<=_)(?:arabic|chinese|english|french|russian|spanish)(?=\.[a-z]+$)", re.IGNORECASE)
# Uppercase letters and digits separated by "/", starting with a letter: CDIP/26/7, A/62/12.
_SYMBOL = re.compile(r"(?<![A-Za-z0-9/_.-])[A-Z][A-Z0-9]*(?:/[A-Z0-9]+)+(?![A-Za-z0-9/_])")
_YEAR = re.compile(r"(?<![0-9.,])(?:19|20)[0-9]{2}(?![0-9])")


def comparable_url(url: str) -> str:
    """A URL compared without scheme, "www.", trailing slash and language segment."""
    url = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.lower())
    return _LANGUAGE_SEGMENT.sub("*", url).rstrip("/")


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def anchors(text: str) -> list[tuple[str, str, str]]:
    """The URLs, document symbols and years of a text: (kind, as written, key to compare).

    Years and symbols inside a URL, and years inside a symbol, belong to that URL or symbol.
    """
    found = []
    urls = bare_urls(text)
    for url, _ in urls:
        found.append(("URL", url, comparable_url(url)))
    rest = _without(text, [(start, start + len(url)) for url, start in urls])
    symbols = [match for match in _SYMBOL.finditer(rest) if re.search(r"[0-9]", match.group())]
    for match in symbols:
        found.append(("document symbol", match.group(), match.group()))
    rest = _without(rest, [match.span() for match in symbols])
    for match in _YEAR.finditer(rest):
        found.append(("year", match.group(), match.group()))
    return found


def _present(kind: str, key: str, text: str, urls: set[str]) -> bool:
    if kind == "URL":
        return key in urls
    if kind == "document symbol":
        return re.search(rf"(?<![A-Za-z0-9/]){re.escape(key)}(?![A-Za-z0-9/])", text) is not None
    return re.search(rf"(?<![0-9]){key}(?![0-9])", text) is not None


def terms_with_anchors(terms: list[Term], first: str) -> list[re.Pattern]:
    """The glossary terms holding an anchor, as patterns to find them in a source text.

    A year inside a glossary term belongs to the term, translated as a whole: the "2019" of
    2019 冠状病毒病 is the "19" of COVID-19. The glossary rule checks those.
    """
    return [_term_pattern(term.forms[first]) for term in terms if anchors(term.forms[first])]


def _check_anchors(element: Element, first: str, others: list[str], named: list[re.Pattern],
                   problems: list[Problem]) -> None:
    """`named`: `terms_with_anchors`, whose anchors are not compared."""
    for language in others:
        text = element.text(language)
        urls = {comparable_url(url) for url, _ in bare_urls(text)}
        reported: set[tuple[str, str]] = set()
        for location, localized in element.parts:
            source_text = _without(localized[first], [match.span() for pattern in named
                                                      for match in pattern.finditer(
                                                          localized[first])])
            for kind, written, key in anchors(source_text):
                if (kind, key) in reported or _present(kind, key, text, urls):
                    continue
                reported.add((kind, key))
                problems.append(element.source.problem(
                    location + (language,),
                    f"{element.label} ({language}): {kind} {written} from the {first} text is "
                    "missing",
                    f"the {language} text must give the same {kind} as the {first} text "
                    f"(or correct the {first} text)"))


# --- rule 3: CJK characters in a non-CJK language ------------------------------------------

def cjk_left(text: str) -> str:
    """The CJK characters left in a text."""
    return cjk_characters(text)


def _check_script(element: Element, non_cjk: list[str], problems: list[Problem]) -> None:
    for location, localized in element.parts:
        for language in non_cjk:
            left = cjk_left(localized[language])
            if left:
                shown = left if len(left) <= 20 else left[:20] + "…"
                problems.append(element.source.problem(
                    location + (language,),
                    f"{element.label} ({language}): CJK characters are left in the text: "
                    f"{shown}",
                    "translate them (full-width punctuation such as ，。（） has an ASCII "
                    "counterpart)"))


# --- rule 4: inline enumerations ------------------------------------------------------------

_ROMAN = r"[ivx]{1,5}"
_CHINESE = "[一二三四五六七八九十]{1,3}"


# A letter or digit of an alphabet that writes words with spaces between them (Latin with its
# accents, Greek, Cyrillic): before a parenthesis, it makes "State(s)", "2(a)" (a reference to
# a recommendation's subparagraph) and "avancés)" words, not markers. Han characters and Arabic
# are not in it: Chinese sets no space before "（一）", Arabic joins "و" (and) to "(ب)".
_WORD = "0-9A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff"
_ARABIC = "\u0600-\u06ff"


@lru_cache(maxsize=16)
def _marker_pattern(letters: tuple[str, ...], numbers: str = "as written") -> re.Pattern:
    """Markers in a language numbering with `letters`: "(a)" "(i)" "（一）", and "a)" "i)";
    and, where it writes numbered items with a `numbers` pattern ("”{}“"), "”2“"."""
    labels = "|".join(re.escape(letter) for letter in sorted(letters, key=len, reverse=True))
    value = f"(?:{_ROMAN}|{labels})"
    numbered = ""
    if numbers != "as written":
        # A digit before it makes a reference ("11”1“", agenda item 11(i)), not a marker.
        before, after = (re.escape(part) for part in numbers.split("{}"))
        numbered = rf"|(?<![{_WORD}]){before}[1-9][0-9]?{after}"
    return re.compile(rf"(?<![{_WORD}])[(（]\s*(?:{value}|{_CHINESE})\s*[)）]"
                      rf"|(?<![{_WORD}{_ARABIC}(（]){value}[)）]{numbered}")


def inline_markers(text: str, letters: tuple[str, ...] = LATIN,
                   numbers: str = "as written") -> list[str]:
    """The inline enumeration markers of a text, "(i)" "(a)" "i)" "（一）", as written, in a
    language whose subparagraph letters are `letters` and whose numbered items are written
    with the pattern `numbers` (report.yaml, `numerals: letters, numbers`)."""
    if numbers == "as written" and ")" not in text and "）" not in text:
        return []  # each such marker ends with a closing parenthesis: without one, none is there
    return [re.sub(r"\s", "", match.group())
            for match in _marker_pattern(letters, numbers).finditer(text)]


def marker_counts(markers: list[str], letters: tuple[str, ...] = LATIN,
                  numbers: str = "as written") -> list[Count | None]:
    """What each marker counts, so that "(a)", "a)" and "(أ)" compare equal, and "(ii)" and
    "”2“" in a language writing numbered items "”{}“"."""
    counts: list[Count | None] = []
    for marker in markers:
        number = numbered_marker(marker, numbers)
        if number is not None:
            counts.append(("number", number))
            continue
        value = marker.strip("()（）")
        count = marker_count(value, letters, counts[-1] if counts else None)
        if count and count[0] == "number" and numbers != "as written":
            count = None  # a roman number where the language writes its own: "(ii)" in Arabic
        counts.append(count)
    return counts


def _check_enumerations(element: Element, first: str, others: list[str],
                        numerals: dict[str, Numerals], problems: list[Problem]) -> None:
    for location, localized in element.parts:
        source = numerals[first]
        expected = inline_markers(localized[first], source.letters, source.numbers)
        for language in others:
            own = numerals[language]
            markers = inline_markers(localized[language], own.letters, own.numbers)
            if len(markers) != len(expected):
                problems.append(element.source.problem(
                    location + (language,),
                    f"{element.label} ({language}): {len(markers)} inline enumeration "
                    f"marker{'s' if len(markers) != 1 else ''} ({' '.join(markers) or 'none'}), "
                    f"but {len(expected)} in the {first} text ({' '.join(expected) or 'none'})",
                    "an enumeration has the same items in every language"))
            elif (marker_counts(markers, own.letters, own.numbers)
                  != marker_counts(expected, source.letters, source.numbers)):
                written, after = [], None  # the source's markers as this language writes them
                for marker in expected:
                    written.append(item_marker(marker, own.item, own.letters, after,
                                               own.numbers))
                    after = marker_count(marker.strip("()（）"), after=after)
                problems.append(element.source.problem(
                    location + (language,),
                    f"{element.label} ({language}): the inline enumeration markers "
                    f"({' '.join(markers)}) do not count as those of the {first} text "
                    f"({' '.join(expected)}), which {language} writes {' '.join(written)}",
                    "the same items in the same order, each with its language's letter or "
                    "number (report.yaml, numerals: letters, numbers)"))


# --- rule 5: glossary -----------------------------------------------------------------------

def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The words of a text, lowercase and singular, for comparing with a glossary form."""
    text = re.sub(r"['’]s\b", "", text.lower())
    return [_singular(word) for word in re.findall(r"[^\W_]+", text)]


def _contains(haystack: list[str], needle: list[str]) -> bool:
    size = len(needle)
    return any(haystack[index:index + size] == needle
               for index in range(len(haystack) - size + 1))


def terms_used(text: str, terms: list[Term], first: str) -> list[Term]:
    """The glossary terms a first-language text uses, other than inside a longer term."""
    text = _compact(text)
    forms = [_compact(term.forms[first]) for term in terms]
    spans = [_occurrences(form, text) for form in forms]
    blocked = [match.span() for match in _NOT_A_TERM.finditer(text)]
    used = []
    for index, term in enumerate(terms):
        if not spans[index]:
            continue  # most terms are not in a given text: nothing to weigh
        longer = blocked + [span for other, found in enumerate(spans)
                            if len(forms[other]) > len(forms[index]) for span in found]
        if any(not any(begin <= start and stop <= end for begin, end in longer)
               for start, stop in spans[index]):
            used.append(term)
    return used


def _occurrences(form: str, text: str) -> list[tuple[int, int]]:
    """Where `form` stands in `text`, as (start, end), overlapping occurrences included."""
    spans = []
    start = text.find(form)
    while start != -1:
        spans.append((start, start + len(form)))
        start = text.find(form, start + 1)
    return spans


def _says(text: str, form: str) -> bool:
    """Whether a text uses a glossary form: CJK as characters, other scripts as words."""
    if contains_cjk(form):
        return _compact(form) in _compact(text)
    latin = "".join(" " if contains_cjk(char) else char for char in text)  # 根据WIPO的
    return _contains(words(latin), words(form))


def _check_glossary(element: Element, terms: list[Term], glossary: SourceFile | None,
                    first: str, others: list[str], problems: list[Problem]) -> None:
    # The terms each part's source text uses, found once for all the other languages.
    used = [(location, terms_used(localized[first], terms, first))
            for location, localized in element.parts]
    for language in others:
        translation = element.text(language)
        reported: set[str] = set()
        for location, found in used:
            for term in found:
                form = term.forms.get(language, "").strip()
                # A name may also be kept as the source writes it: "WIPO" in a Chinese text.
                accepted = (form, term.forms[first], *term.also.get(language, ()))
                if not form or form in reported or any(_says(translation, other)
                                                       for other in accepted):
                    continue
                reported.add(form)
                where = f"{glossary.path.name}:{term.line}" if glossary and term.line else \
                    "the glossary"
                problems.append(element.source.problem(
                    location + (language,),
                    f"{element.label} ({language}): the {first} text uses the glossary term "
                    f"{term.forms[first]}, but the {language} text does not say \"{form}\"",
                    f"use the glossary translation, or correct the term in {where}",
                    severity="warning"))


# --- all rules ------------------------------------------------------------------------------

def check_parity(content: ValidContent) -> list[Problem]:
    """Every parity problem in the content: footnote references, then element by element."""
    specs = content.report.languages
    first = content.report.source
    others = [spec.code for spec in specs if spec.code != first]
    non_cjk = [spec.code for spec in specs
               if Locale.parse(spec.locale).language not in CJK_LANGUAGES]
    terms = glossary_terms(content, first)
    numerals = {spec.code: spec.numerals for spec in specs}
    problems: list[Problem] = []
    # Footnotes are numbered in the first declared language's reading order (resolve.py), so
    # their order is compared with that language, whichever is the source.
    reading = specs[0].code
    _check_footnotes(content, reading, [spec.code for spec in specs[1:]], problems)
    named = terms_with_anchors(terms, first)  # the same for every element: found once
    for element in elements(content):
        _check_anchors(element, first, others, named, problems)
        _check_script(element, non_cjk, problems)
        _check_enumerations(element, first, others, numerals, problems)
        _check_glossary(element, terms, content.loaded.glossary, first, others, problems)
    return problems

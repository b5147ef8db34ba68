"""The content schema: what each YAML file may contain, as pydantic models.

The validate stage checks loaded data against these models. Every text is a `Localized`
mapping from language code to text; which languages are required comes from report.yaml and
is passed in the validation context, so a new language is data, not code.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, Union

from babel import Locale, UnknownLocaleError
from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Discriminator,
                      Field, PlainValidator, Tag, ValidationInfo, field_validator)
from pydantic_core import PydanticCustomError

from .markup import disallowed_links, footnote_ids
from .numerals import STYLES
from .text import join_wrapped_lines


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _check_localized(value: dict[str, str], info: ValidationInfo,
                     footnotes_allowed: bool = False) -> dict[str, str]:
    languages: list[str] = (info.context or {}).get("languages", [])
    for code in value:
        if languages and code not in languages:
            raise PydanticCustomError(
                "unknown_language", "unknown language '{code}' (the report declares {declared})",
                {"code": code, "declared": ", ".join(languages)})
    missing = [code for code in languages if not value.get(code, "").strip()]
    if missing:
        empty = [code for code in missing if code in value]
        if empty:
            raise PydanticCustomError("empty_translation", "the '{code}' text is empty",
                                      {"code": empty[0]})
        raise PydanticCustomError("missing_translation", "missing '{code}' translation",
                                  {"code": missing[0]})
    joined = {code: join_wrapped_lines(text) for code, text in value.items()}
    # Every text of the report passes here, whatever its field: what the renderer will make a
    # link or a footnote call is checked on the text as it will be rendered.
    for code, text in joined.items():
        for url in disallowed_links(text):
            raise PydanticCustomError("link_not_allowed", "link '{url}' is not allowed",
                                      {"code": code, "url": url})
        called = footnote_ids(text)
        if called and not footnotes_allowed:
            raise PydanticCustomError("footnote_not_allowed",
                                      "a footnote cannot stand here ([^{id}])",
                                      {"code": code, "id": called[0]})
    return joined


def _check_noted(value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
    return _check_localized(value, info, footnotes_allowed=True)


STAMP_KEY = "based-on"
STAMP_PATTERN = re.compile(r"^[0-9a-f]{8}$")


def _without_stamps(value: Any) -> Any:
    """Check and drop the `based-on` stamps; the translation package reads them from the YAML.

    `based-on: {zh: 8f3c2a91}` says the zh text was translated from a source text whose
    fingerprint is 8f3c2a91 (see rapporteur/translation). Rendering never needs it.
    """
    if not isinstance(value, dict) or STAMP_KEY not in value:
        return value
    stamps = value[STAMP_KEY]
    if not isinstance(stamps, dict) or not all(
            isinstance(code, str) and isinstance(stamp, str) and STAMP_PATTERN.match(stamp)
            for code, stamp in stamps.items()):
        raise PydanticCustomError(
            "bad_stamp", "'based-on' must map language codes to 8-character fingerprints",
            {"code": STAMP_KEY})
    return {code: text for code, text in value.items() if code != STAMP_KEY}


Localized = Annotated[dict[str, str], BeforeValidator(_without_stamps),
                      AfterValidator(_check_localized)]
"""A text in every declared language: {"zh": "…", "en": "…"}, with inline Markdown and links
(http, https, mailto or relative) but no footnote call, maybe with `based-on` stamps."""

NotedText = Annotated[dict[str, str], BeforeValidator(_without_stamps),
                      AfterValidator(_check_noted)]
"""A `Localized` text that may also call footnotes (``[^id]``): a paragraph and its items."""

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
# Goals and results count from 1 to 99: the code is printed as numerals ("III.2"), and a
# code like "10000000000000.1" must not ask for ten trillion Roman letters.
RESULT_CODE_PATTERN = r"^[1-9][0-9]?\.[1-9][0-9]?$"
LANGUAGE_CODE_PATTERN = r"^[a-z]{2,3}$"

MAX_LANGUAGES = 12  # each language is a whole rendering of the report
MAX_RECOMMENDATIONS = 999

FootnoteId = Annotated[str, Field(pattern=ID_PATTERN, max_length=80)]
ResultCode = Annotated[str, Field(pattern=RESULT_CODE_PATTERN)]


NAMED_NUMERAL_STYLES = tuple(STYLES)  # "roman", "chinese", "decimal"


def _check_numeral_style(value: Any) -> str | list[str]:
    if value in NAMED_NUMERAL_STYLES:
        return value
    if (isinstance(value, list) and 0 < len(value) <= 99
            and all(isinstance(label, str) and 0 < len(label) <= 40 for label in value)):
        return value
    raise PydanticCustomError(
        "numeral_style", "'{value}' is not a numeral style: write roman, chinese or decimal, "
        "or the list of labels for 1, 2, 3, …", {"value": str(value)[:40]})


NumeralStyle = Annotated[Any, PlainValidator(_check_numeral_style)]
"""How a language writes a number: a named style, or the labels of 1, 2, 3… in order (Arabic
section headings are ordinal words: [أولا, ثانيا, …])."""


Pattern = Annotated[str, Field(min_length=1, max_length=12)]
LATIN_LETTERS = tuple("abcdefghijklmnopqrstuvwxyz")


def _check_letters(value: Any) -> tuple[str, ...]:
    if (isinstance(value, list) and 0 < len(value) <= 40 and len(set(value)) == len(value)
            and all(isinstance(letter, str) and 0 < len(letter) <= 3
                    and not any(char in "() \t" for char in letter) for letter in value)):
        return tuple(value)
    raise PydanticCustomError(
        "letters", "letters are the list of different letters a language numbers "
        "subparagraphs with, for (a), (b), (c)…, in order, such as [أ, ب, ج, د]")


class Numerals(Model):
    section: NumeralStyle = "decimal"  # section headings: "I." "一." "1."
    # How a section's number stands before its title: "{}." is "I.", Arabic "{} -" is "أولا -".
    section_label: Pattern = "{}."
    result: NumeralStyle = "decimal"  # the goal of an expected result's code: "III.2" "三.2"
    # A paragraph's items: the content's marker ("(i)", "b)") as written, or a pattern for
    # the value inside it: "{})" writes "(i)" as "i)", as French and Spanish documents do.
    item: Pattern = "as written"
    # The letters of lettered subparagraphs, for the content's (a), (b), (c)…: Arabic writes
    # (أ), (ب), (ج). Items take them, and the parity check reads them as (a), (b), (c).
    letters: Annotated[Any, PlainValidator(_check_letters)] = LATIN_LETTERS
    # Items the content numbers (i), (ii)…: roman, as `item` writes them ("as written"), or a
    # pattern for their number in Western digits, for items and for enumerations in the text:
    # WIPO's Arabic writes (ii) as "2" in double quotes (report.yaml's ar entry: "”{}“").
    numbers: Pattern = "as written"

    @field_validator("item", "numbers")
    @classmethod
    def _item_pattern(cls, value: str) -> str:
        if value != "as written" and value.count("{}") != 1:
            raise PydanticCustomError("item_pattern", "an item pattern holds '{place}' once, "
                                      "where the marker's letter or number goes ('{place})'), "
                                      "or is 'as written'", {"place": "{}"})
        return value

    @field_validator("section_label")
    @classmethod
    def _section_label(cls, value: str) -> str:
        if value.count("{}") != 1:
            raise PydanticCustomError("section_label", "a section label holds '{place}' once, "
                                      "where the section's number goes ('{place}.', Arabic "
                                      "'{place} -')", {"place": "{}"})
        return value


def _check_quotes(value: Any) -> list[str]:
    if (isinstance(value, list) and len(value) == 4
            and all(isinstance(mark, str) and 0 < len(mark) <= 3 for mark in value)):
        return value
    raise PydanticCustomError(
        "quotes", "quotes are four marks: the opening and closing double quotes, then the "
        "opening and closing single ones, such as [“, ”, ‘, ’] or [«, », “, ”]")


SPACES = {"no-break space": "\u00a0", "narrow no-break space": "\u202f"}


class Typography(Model):
    """How a language's texts are set: what the typographer makes of plain quotes, which
    punctuation takes a space before it, how emphasis shows, the space between Han and Latin."""

    # Opening and closing double quotes, then single ones (markdown-it's `quotes`): one
    # character each, or a string ("« " with a no-break space).
    quotes: Annotated[Any, PlainValidator(_check_quotes)] = ["\u201c", "\u201d", "\u2018",
                                                            "\u2019"]
    # Punctuation that takes a no-break space before it, as house style has it (French ":").
    space_before: dict[Annotated[str, Field(min_length=1, max_length=1)],
                       Literal["no-break space", "narrow no-break space"]] = {}
    han_latin_space: bool = False  # one space between Han characters and Latin letters/digits
    # A script without italics (Chinese, Arabic) shows emphasis another way, never slanted.
    emphasis: Literal["italic", "bold", "none"] = "italic"


class LanguageSpec(Model):
    """A language of the report and how it is printed: adding one is this entry, a message
    catalogue (locales/CODE/) and the content's texts, no code."""

    code: Annotated[str, Field(pattern=LANGUAGE_CODE_PATTERN)]
    locale: str
    # The letter the organisation prints before the symbol of this language's version
    # ("E CDIP/28/2"), if it has one.
    letter: Annotated[str, Field(pattern=r"^[A-Z]$")] | None = None
    direction: Literal["ltr", "rtl"] = "ltr"
    numerals: Numerals = Numerals()
    typography: Typography = Typography()

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        try:
            Locale.parse(value)
        except (UnknownLocaleError, ValueError):
            raise PydanticCustomError("unknown_locale", "unknown locale '{value}'",
                                      {"value": value}) from None
        return value


def _check_base_url(value: str) -> str:
    if not re.fullmatch(r"https?://[^\s\"'<>\\]+/", value):
        raise PydanticCustomError(
            "base_url", "'{value}' is not a site address: write it as https://host/path/, "
            "ending with '/'", {"value": value})
    return value


# An issue's suffix to the symbol, as UN and WIPO print it: a draft (Prov., Prov.2), a revision
# replacing the earlier text (Rev., Rev.1), a corrigendum (Corr., Corr.1), an addendum (Add.1).
ISSUE_KINDS = ("Prov.", "Rev.", "Corr.", "Add.")
ISSUE_PATTERN = re.compile(r"^(Prov|Rev|Corr|Add)\.([1-9][0-9]?)?$")


def _check_suffix(value: Any) -> str:
    if isinstance(value, str) and ISSUE_PATTERN.match(value):
        return value
    raise PydanticCustomError(
        "issue_suffix", "'{value}' is not an issue of the document",
        {"value": str(value)[:40],
         "hint": "write Prov., Rev., Corr. or Add., maybe with its number (Rev.1, Corr.2); "
                 "for the final text leave 'issue' out"})


class Issue(Model):
    """The issue this build is, when not the final text: its suffix, date and starred note."""

    suffix: Annotated[str, PlainValidator(_check_suffix)]
    date: dt.date  # the date of this issue, printed in the masthead
    # A corrigendum may concern some language versions only ("Concerns the Chinese text only").
    languages: list[Annotated[str, Field(pattern=LANGUAGE_CODE_PATTERN)]] = []
    # The starred note under the masthead: "* Reissued for technical reasons", "This document
    # replaces document CDIP/28/2 of 15 March 2022".
    note: Localized | None = None

    @field_validator("languages")
    @classmethod
    def _declared(cls, value: list[str], info: ValidationInfo) -> list[str]:
        declared: list[str] = (info.context or {}).get("languages", [])
        for code in value:
            if declared and code not in declared:
                raise PydanticCustomError(
                    "issue_language", "'{code}' is not a language of the report",
                    {"code": code, "hint": f"name declared languages: {', '.join(declared)}"})
        if value and not info.data.get("suffix", "Corr.").startswith("Corr."):
            raise PydanticCustomError(
                "issue_language", "only a corrigendum concerns some languages",
                {"hint": "remove 'languages', or make the suffix Corr."})
        return value

    @property
    def kind(self) -> str:
        """"Rev." for Rev.1: what the issue is, whatever its number."""
        return self.suffix.split(".")[0] + "."


class DocumentHeader(Model):
    symbol: Annotated[str, Field(min_length=1, max_length=40)]
    original_language: Localized  # the name of the original language, in each language
    date: dt.date
    committee: Localized
    session: Localized
    # The masthead's line of the session's dates and place, as the document prints it
    # ("2022 年 5 月 16 日至 20 日，日内瓦", "Geneva, May 16 to 20, 2022"): its wording and order
    # are the document's, and a date library's interval patterns change between versions.
    dates_and_place: Localized
    title: Localized
    prepared_by: Localized
    # For the published site: the address it will live at (canonical and Open Graph URLs) and
    # a summary for search engines and link previews (else the first paragraph is used).
    base_url: Annotated[str, AfterValidator(_check_base_url)] | None = None
    summary: Localized | None = None
    author: Localized | None = None  # the PDF's author; the theme's catalogue says who if unset
    # The languages whose text is the organisation's own; pages in the others (translations
    # made for this edition) say so, and name the official ones. Empty: all are official.
    official_text: list[Annotated[str, Field(pattern=LANGUAGE_CODE_PATTERN)]] = []
    issue: Issue | None = None  # the final text has none

    @field_validator("issue", mode="before")
    @classmethod
    def _issue_mapping(cls, value: Any) -> Any:
        if value is not None and not isinstance(value, dict):
            raise PydanticCustomError(
                "issue_mapping", "'issue' is the issue's suffix, date and note, not '{value}'",
                {"value": str(value)[:40],
                 "hint": "write it as a mapping: 'issue:' then, indented below it, "
                         "'suffix: Rev.' and 'date: 2022-04-02'"})
        return value

    @field_validator("issue")
    @classmethod
    def _issued_after(cls, value: Issue | None, info: ValidationInfo) -> Issue | None:
        first = info.data.get("date")
        if value and first and value.date < first:
            raise PydanticCustomError(
                "issue_date", "the {suffix} is dated {date}, before the document ({first})",
                {"suffix": value.suffix, "date": value.date.isoformat(),
                 "first": first.isoformat(),
                 "hint": "'date' under 'issue' is this issue's date, on or after the "
                         "document's 'date'"})
        return value

    @property
    def full_symbol(self) -> str:
        """"CDIP/28/2 Rev.": the symbol with this issue's suffix, the same in every language."""
        return f"{self.symbol} {self.issue.suffix}" if self.issue else self.symbol

    @property
    def issue_date(self) -> dt.date:
        return self.issue.date if self.issue else self.date


class AnnexFiles(Model):
    results: str
    recommendations: str
    projects: str


class EndMarkers(Model):
    body: Localized
    document: Localized


class PrintOptions(Model):
    # "Cited in paragraphs N" under each annex row: the site's way back to the text. The
    # document as issued has no such lines, so the PDF for circulation leaves them out.
    cited_in: bool = False


class ReportFile(Model):
    languages: Annotated[list[LanguageSpec], Field(min_length=1, max_length=MAX_LANGUAGES)]
    source: Annotated[str, Field(pattern=LANGUAGE_CODE_PATTERN)]  # the original's language
    document: DocumentHeader
    body: list[str]
    glossary: str | None = None
    annexes: AnnexFiles
    end_markers: EndMarkers
    print: PrintOptions = PrintOptions()


class Item(Model):
    marker: Annotated[str, Field(min_length=1, max_length=12)]
    text: NotedText
    continued: list[NotedText] = []


class ParagraphBlock(Model):
    paragraph: NotedText
    items: list[Item] = []
    footnotes: dict[FootnoteId, Localized] = {}


class HeadingBlock(Model):
    heading: Localized


def _block_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        if "paragraph" in value:
            return "paragraph-block"
        if "heading" in value:
            return "heading-block"
    return None


Block = Annotated[
    Union[Annotated[ParagraphBlock, Tag("paragraph-block")],
          Annotated[HeadingBlock, Tag("heading-block")]],
    Discriminator(_block_kind, custom_error_type="block_kind",
                  custom_error_message="a block must start with 'paragraph:' or 'heading:'"),
]


class SectionFile(Model):
    title: Localized | None = None
    numbered: bool | None = None
    blocks: Annotated[list[Block], Field(min_length=1)]

    @field_validator("numbered")
    @classmethod
    def _numbered_needs_title(cls, value: bool | None, info: ValidationInfo) -> bool | None:
        # A number is shown beside the title: without one it would be used up unseen.
        # (A title that failed validation is missing from info.data: that is reported instead.)
        if value and "title" in info.data and info.data["title"] is None:
            raise PydanticCustomError("numbered_without_title",
                                      "a section without a title cannot be numbered")
        return value

    @property
    def is_numbered(self) -> bool:
        return self.title is not None if self.numbered is None else self.numbered


class ExpectedResult(Model):
    code: ResultCode
    text: Localized


class ResultsFile(Model):
    results: Annotated[list[ExpectedResult], Field(min_length=1)]


class Recommendation(Model):
    number: Annotated[int, Field(ge=1, le=MAX_RECOMMENDATIONS)]
    immediate: bool = False
    text: Localized
    results: Annotated[list[ResultCode], Field(min_length=1)]


class RecommendationsFile(Model):
    title: Localized
    immediate_note: Localized
    results_note: Localized
    recommendations: Annotated[list[Recommendation], Field(min_length=1)]


class Project(Model):
    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=80)]  # {project:ID} in the text
    title: Localized


class ProjectGroup(Model):
    status: Annotated[str, Field(pattern=ID_PATTERN, max_length=80)]
    title: Localized
    # Empty in a new edition until its projects are listed (the year's approved projects):
    # not shown in Annex II meanwhile.
    projects: list[Project]
    # The group `new-edition` moves this group's projects to: another group's status
    # (versions/edition.py, docs/versions.md). Left out: they stay in this group.
    next_edition: Annotated[str | None, Field(pattern=ID_PATTERN, max_length=80)] = None


class ProjectsFile(Model):
    title: Localized
    groups: Annotated[list[ProjectGroup], Field(min_length=1)]


class GlossaryFile(Model):
    # {zh: 2019 冠状病毒病, en: COVID-19, also: {zh: [冠状病毒病]}}: a form per language, and
    # under `also` the other forms a language's text may use for the same term.
    terms: list[dict[str, str | dict[str, list[str]]]]


SCHEMA_KEYS = sorted({name for model in (LanguageSpec, Numerals, Typography, DocumentHeader, Issue,
                                         AnnexFiles, PrintOptions,
                                         EndMarkers, ReportFile, Item, ParagraphBlock,
                                         HeadingBlock, SectionFile, ExpectedResult, ResultsFile,
                                         Recommendation, RecommendationsFile, ProjectGroup,
                                         ProjectsFile, GlossaryFile, Project)
                      for name in model.model_fields})
"""Every key the schema knows, for "did you mean" hints."""

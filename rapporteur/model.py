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
from pydantic import (AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag,
                      ValidationInfo, field_validator)
from pydantic_core import PydanticCustomError

from .text import join_wrapped_lines


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _check_localized(value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
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
    return {code: join_wrapped_lines(text) for code, text in value.items()}


Localized = Annotated[dict[str, str], AfterValidator(_check_localized)]
"""A text in every declared language: {"zh": "…", "en": "…"}."""

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
RESULT_CODE_PATTERN = r"^[1-9][0-9]*\.[1-9][0-9]*$"
LANGUAGE_CODE_PATTERN = r"^[a-z]{2,3}$"

FootnoteId = Annotated[str, Field(pattern=ID_PATTERN, max_length=80)]
ResultCode = Annotated[str, Field(pattern=RESULT_CODE_PATTERN)]


class LanguageSpec(Model):
    code: Annotated[str, Field(pattern=LANGUAGE_CODE_PATTERN)]
    locale: str
    numerals: Literal["roman", "chinese", "arabic"]

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        try:
            Locale.parse(value)
        except (UnknownLocaleError, ValueError):
            raise PydanticCustomError("unknown_locale", "unknown locale '{value}'",
                                      {"value": value}) from None
        return value


class DateRange(Model):
    start: dt.date
    end: dt.date


def _check_base_url(value: str) -> str:
    if not re.fullmatch(r"https?://[^\s\"'<>\\]+/", value):
        raise PydanticCustomError(
            "base_url", "'{value}' is not a site address: write it as https://host/path/, "
            "ending with '/'", {"value": value})
    return value


class DocumentHeader(Model):
    symbol: Annotated[str, Field(min_length=1, max_length=40)]
    original_language: Localized  # the name of the original language, in each language
    date: dt.date
    committee: Localized
    session: Localized
    session_dates: DateRange
    place: Localized
    title: Localized
    prepared_by: Localized
    # For the published site: the address it will live at (canonical and Open Graph URLs) and
    # a summary for search engines and link previews (else the first paragraph is used).
    base_url: Annotated[str, AfterValidator(_check_base_url)] | None = None
    summary: Localized | None = None


class AnnexFiles(Model):
    results: str
    recommendations: str
    projects: str


class EndMarkers(Model):
    body: Localized
    document: Localized


class ReportFile(Model):
    languages: Annotated[list[LanguageSpec], Field(min_length=1)]
    document: DocumentHeader
    body: list[str]
    glossary: str | None = None
    annexes: AnnexFiles
    end_markers: EndMarkers


class Item(Model):
    marker: Annotated[str, Field(min_length=1, max_length=12)]
    text: Localized
    continued: list[Localized] = []


class ParagraphBlock(Model):
    paragraph: Localized
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

    @property
    def is_numbered(self) -> bool:
        return self.title is not None if self.numbered is None else self.numbered


class ExpectedResult(Model):
    code: ResultCode
    text: Localized


class ResultsFile(Model):
    results: Annotated[list[ExpectedResult], Field(min_length=1)]


class Recommendation(Model):
    number: Annotated[int, Field(ge=1)]
    immediate: bool = False
    text: Localized
    results: Annotated[list[ResultCode], Field(min_length=1)]


class RecommendationsFile(Model):
    title: Localized
    immediate_note: Localized
    results_note: Localized
    recommendations: Annotated[list[Recommendation], Field(min_length=1)]


class ProjectGroup(Model):
    status: Annotated[str, Field(pattern=ID_PATTERN)]
    title: Localized
    projects: Annotated[list[Localized], Field(min_length=1)]


class ProjectsFile(Model):
    title: Localized
    groups: Annotated[list[ProjectGroup], Field(min_length=1)]


class GlossaryFile(Model):
    terms: list[dict[str, str]]


SCHEMA_KEYS = sorted({name for model in (LanguageSpec, DateRange, DocumentHeader, AnnexFiles,
                                         EndMarkers, ReportFile, Item, ParagraphBlock,
                                         HeadingBlock, SectionFile, ExpectedResult, ResultsFile,
                                         Recommendation, RecommendationsFile, ProjectGroup,
                                         ProjectsFile, GlossaryFile)
                      for name in model.model_fields})
"""Every key the schema knows, for "did you mean" hints."""

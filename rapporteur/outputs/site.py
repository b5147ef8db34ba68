"""The published site: a static folder to copy to any host or open from disk.

`site/index.html` offers every language; each language has its report page, its PDF (the same
jobs as the `pdf` format, so a build renders each PDF once), the annexes as open data, and a
search index built with Pagefind. Every link is relative, so the folder works from a sub-path
and from file://; nothing is loaded from outside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from babel import Locale
from markupsafe import Markup

from ..render import language_tag, load_translations
from .base import BuildContext, Output, Rendered
from .data import DataOutput, plain_inline
from .pdf import PdfOutput
from .search import RecordNames, search_index

SITE = PurePosixPath("site")
LANDING = "index.html"
DESCRIPTION_LENGTH = 160  # characters: about what search engines and link previews show
TITLE_LENGTH = 70  # characters: what search results show of a page's title (html-validate's limit)


@dataclass(frozen=True)
class Edition:
    """One language's files on the site, as the pages link them."""

    code: str
    tag: str  # BCP 47, for lang and hreflang: "zh-Hans"
    og_locale: str  # Open Graph's form, language and territory: "zh_CN"
    page: str
    pdf: str
    data: tuple[tuple[str, str, str], ...]  # (annex, format, file), e.g. ("annex-1", "CSV", …)


@dataclass(frozen=True)
class SiteInfo:
    """What a site page shows beyond the report: its neighbours, downloads and metadata."""

    landing: str
    editions: tuple[Edition, ...]
    base_url: str | None

    def edition(self, code: str) -> Edition:
        return next(edition for edition in self.editions if edition.code == code)

    def url(self, name: str) -> str | None:
        """The absolute address of a site file, when the report declares where it lives."""
        return self.base_url + ("" if name == LANDING else name) if self.base_url else None


class SiteOutput(Output):
    name = "site"
    description = "a static site: landing page, report pages, PDFs, open data, search"
    owned_folders = (SITE / "pagefind",)  # its files are named by content hashes
    heavy = True  # the PDFs

    def render(self, context: BuildContext) -> Rendered:
        site = site_info(context)
        pages = {edition.page: context.page(edition.code, "screen", template="site/page.html",
                                            site=site, page_title=page_title(context, edition.code),
                                            description=description(context, edition.code))
                 for edition in site.editions}
        files: Rendered = {SITE / page: html.encode("utf-8") for page, html in pages.items()}
        files[SITE / LANDING] = landing_page(context, site).encode("utf-8")
        for path, job in context.render(PdfOutput).items():
            if path.suffix == ".pdf":
                files[SITE / path] = job  # the pdf format's very jobs: rendered once
        for path, data in context.render(DataOutput).items():  # the data format's very files
            files[SITE / path] = data
        # The report's assets (shared with the PDF), then the site's own (kept apart, so that
        # changing a script of the site does not change what the PDF's cache key covers).
        for assets in (context.theme.assets, context.theme.templates / "site" / "assets"):
            for asset in sorted(assets.rglob("*")):
                if asset.is_file():
                    files[SITE.joinpath("assets", *asset.relative_to(assets).parts)] = \
                        asset.read_bytes()
        if context.preview:
            return files  # the search index follows with the full build
        index = search_index({edition.page: (edition.tag, pages[edition.page],
                                             record_names(context, edition.code))
                              for edition in site.editions})
        for name, data in index.items():
            files[SITE / "pagefind" / name] = data
        return files


def site_info(context: BuildContext) -> SiteInfo:
    editions = []
    for code in context.languages:
        data = tuple((annex, extension.upper(),
                      f"data/{context.file_name(code, f'{annex}.{extension}')}")
                     for annex in ("annex-1", "annex-2") for extension in ("csv", "json"))
        locale = Locale.parse(context.document.language(code).locale)
        editions.append(Edition(code, language_tag(str(locale)),
                                "_".join(filter(None, (locale.language, locale.territory))),
                                context.file_name(code, "html"), context.file_name(code, "pdf"),
                                data))
    return SiteInfo(LANDING, tuple(editions), context.document.header.base_url)


def description(context: BuildContext, language: str) -> str:
    """The declared summary, else the first paragraph, cut at a word near 160 characters."""
    header = context.document.header
    source = header.summary or context.document.paragraphs[0].text
    return shortened(" ".join(plain_inline(source[language]).split()), DESCRIPTION_LENGTH)


def page_title(context: BuildContext, language: str) -> str:
    """The symbol and the title, the title cut at a word to fit 70 characters in all.

    Search results and browser tabs show no more; the page's h1 and og:title keep it whole.
    """
    header = context.document.header
    symbol = f"{header.full_symbol} – "
    title = " ".join(plain_inline(header.title[language]).split())
    return symbol + shortened(title, TITLE_LENGTH - len(symbol))


def shortened(text: str, length: int) -> str:
    """`text`, or its start cut at a word and ended by "…", at most `length` characters."""
    if len(text) <= length:
        return text
    cut = text[:length - 1]
    if " " in cut[length // 2:]:
        cut = cut.rsplit(" ", 1)[0]  # Latin text: end on a whole word
    return cut.rstrip(" ,;:，；：、") + "…"


def record_names(context: BuildContext, language: str) -> RecordNames:
    """What a search result calls the paragraph, note or recommendation it leads to."""
    translations = load_translations(context.theme, language)
    return {kind: translations.gettext(message)
            for kind, message in (("para", "Paragraph %(number)s"), ("fn", "Note %(number)s"),
                                  ("rec", "Recommendation %(number)s"))}


def landing_page(context: BuildContext, site: SiteInfo) -> str:
    """Every language's card, each rendered in its own language, on one page."""
    environment = context.environment
    cards = []
    for edition in site.editions:
        environment.install_gettext_translations(load_translations(context.theme, edition.code),
                                                 newstyle=True)
        cards.append(Markup(environment.get_template("site/_edition.html").render(
            doc=context.document, edition=edition, site=site,
            title=plain_inline(context.document.header.title[edition.code]),
            description=description(context, edition.code))))
    first = site.editions[0]
    return environment.get_template("site/index.html").render(
        doc=context.document, site=site, cards=cards, lang_tag=first.tag,
        description=description(context, first.code))

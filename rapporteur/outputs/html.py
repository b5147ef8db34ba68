"""The report as one web page per language, with the stylesheet and other assets beside it."""

from __future__ import annotations

from pathlib import PurePosixPath

from .base import BuildContext, Output, Rendered


class HtmlOutput(Output):
    name = "html"
    description = "one web page per language, with its assets"

    def render(self, context: BuildContext) -> Rendered:
        files: Rendered = {
            PurePosixPath(context.file_name(language, "html")):
                context.page(language, "screen").encode("utf-8")
            for language in context.languages}
        assets = context.theme.assets
        for asset in sorted(assets.rglob("*")):
            if asset.is_file():
                files[PurePosixPath("assets", *asset.relative_to(assets).parts)] = asset.read_bytes()
        return files

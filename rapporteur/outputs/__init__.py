"""Stage 5a, outputs: one small class per output format, in a registry.

Each format turns the resolved document into files (`Output.render`); the command line's
`--format` choices are this registry's keys. Heavy work (a PDF through WeasyPrint) is returned as
a `RenderJob` that the builder runs from the cache or in a worker process; `publish.write_outputs`
then writes everything at once.
"""

from __future__ import annotations

from .base import BuildContext, Output, RenderJob, Rendered
from .data import DataOutput
from .docx import DocxOutput
from .html import HtmlOutput
from .pdf import PdfOutput
from .site import SiteOutput

REGISTRY: dict[str, type[Output]] = {output.name: output for output in (
    HtmlOutput, PdfOutput, DocxOutput, DataOutput, SiteOutput)}
"""Every output format by name: the command line's `--format` choices, in its help's order."""

__all__ = ["REGISTRY", "BuildContext", "Output", "RenderJob", "Rendered"]

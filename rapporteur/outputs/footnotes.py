"""A correction to WeasyPrint's page breaking, so that every footnote stays on its call's page.

Since WeasyPrint 66 (pull request #2437, "report footnotes when text overflows because of
orphans"), when a line overflows the page and the line just before could not end the page (it
would leave fewer than `orphans` lines of its paragraph), WeasyPrint moves the page's last
footnotes to the next page to make room for the line, instead of moving the line. It counts only
the paragraph's own lines: the first line of a paragraph that follows others at a page foot is
such a line even with `orphans: 1`, although the whole paragraph could simply move to the next
page. The footnotes it moves belong to calls already placed on the page, so they land one page
after their calls (four Chinese and two English notes in CDIP/28/2). `tests/test_pdf.py` has a
minimal reproduction.

The rule this report follows is the opposite: a note stands on the page of its call, and text
gives way. Turning that decision off leaves WeasyPrint's older and still present breaking: the
line moves (with the lines `widows` and `orphans` ask for), and a note that cannot fit moves with
its line (`footnote-policy: line`). WeasyPrint offers no option for this, so the one expression
that makes the decision is replaced in the function's own source, once per process, and the
build stops if a WeasyPrint release no longer has it (see `EXPRESSION`).
"""

from __future__ import annotations

import inspect

EXPRESSION = "report = not context.in_column and can_break_now and not could_break_before"
"""The decision in `weasyprint.layout.block._linebox_layout` that moves placed notes away."""


def keep_footnotes_with_their_calls() -> None:
    """Never move a placed footnote to the next page to make room for a line of text."""
    from weasyprint.layout import block  # noqa: PLC0415 - WeasyPrint loads only to render

    if getattr(block._linebox_layout, "keeps_footnotes", False):
        return  # corrected earlier in this process
    source = inspect.getsource(block._linebox_layout)
    if source.count(EXPRESSION) != 1:
        raise RuntimeError(
            "this WeasyPrint no longer decides where footnotes go as rapporteur expects "
            f"(rapporteur/outputs/footnotes.py, looking for {EXPRESSION!r}); check that "
            "tests/test_pdf.py still passes without the correction and remove it")
    corrected = source.replace(EXPRESSION, "report = False")
    # Compiled in the module's own namespace, so it calls the same helpers as the original.
    exec(compile(corrected, block.__file__, "exec"), block.__dict__)  # noqa: S102
    block._linebox_layout.keeps_footnotes = True

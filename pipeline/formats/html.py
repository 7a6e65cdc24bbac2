"""The web page: one self-contained HTML file meeting WCAG 2.2 AA.

Everything it needs is inside it (styles and fonts inlined), so it opens from a
USB stick or an email attachment and makes no request to anywhere. It has no
script at all.
"""

from __future__ import annotations

from pipeline import fonts, page
from pipeline.context import Context
from pipeline.document import Document


def render(document: Document, context: Context) -> bytes:
    """Render ``document`` as a standalone HTML page."""
    css = fonts.inline(context.style("base.css") + "\n" + context.style("screen.css"))
    return page.render(document, context, css).encode("utf-8")

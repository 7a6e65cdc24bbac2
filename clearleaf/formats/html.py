"""The web page: one self-contained HTML file meeting WCAG 2.2 AA.

Everything it needs is inside it (styles and fonts inlined), so it opens from a
USB stick or an email attachment and makes no request to anywhere. It has no
script at all.
"""

from __future__ import annotations

import base64
import html

from clearleaf import assets, fonts, page
from clearleaf.document import Document
from clearleaf.formats import Inputs, Rendered


def render(inputs: Inputs) -> Rendered:
    """Render the document as a standalone HTML page."""
    document, context = inputs.document, inputs.context
    # Only the fallback fonts the text uses, cut down to its characters
    # (clearleaf/fonts.py): the document's, and those of the pipeline's words.
    css = fonts.inline(
        context.style("base.css")
        + document.settings.branding.css
        + "\n"
        + context.style("screen.css"),
        document.text + document.body_html + inputs.colophon.words.characters,
    )
    markup = page.render(document, context, inputs.colophon, css, "html", "web")
    return Rendered(inline_images(markup, document).encode("utf-8"))


def inline_images(markup: str, document: Document) -> str:
    """Replace each image reference by a ``data:`` URL, so the page stands alone."""
    for src, path in document.images.items():
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        markup = markup.replace(
            f'src="{html.escape(src)}"', f'src="data:{assets.media_type(path)};base64,{data}"'
        )
    return markup

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
from clearleaf.errors import Diagnostic
from clearleaf.formats import Inputs, Rendered, pagination


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
    found: tuple[Diagnostic, ...] = ()
    if inputs.pagination is not None:
        markup, missing = _paginated(markup, inputs)
        found = pagination.unplaced(document, "web page", missing)
    return Rendered(inline_images(markup, document).encode("utf-8"), found)


def _paginated(markup: str, inputs: Inputs) -> tuple[str, list[int]]:
    """``markup`` with a marker where each page of the printed leaflet begins, and a list
    of links to them at the end of the contents ("Go to printed page")."""
    assert inputs.pagination is not None
    words = inputs.colophon.words
    marked_as = page.words_language(inputs.document.meta.lang, words)

    def marker(number: int) -> str:
        label = html.escape(str(words("Page {number}", number=str(number))))
        # Named by its title: axe-core takes aria-label as prohibited on doc-pagebreak.
        return (
            f'<span class="page-marker" role="doc-pagebreak" id="page-{number}" '
            f'title="{label}"{marked_as}></span>'
        )

    (marked,), _, missing = pagination.mark_markup([markup], inputs.pagination, marker)
    links = "".join(
        f'<li><a href="#page-{n}">{n}</a></li>' for n in range(1, inputs.pagination.pages + 1)
    )
    heading = html.escape(str(words("Go to printed page")))
    pages = (
        f'<h3 id="pages-heading"{marked_as}>{heading}</h3>\n'
        f'<ol class="page-list" aria-labelledby="pages-heading">{links}</ol>\n'
    )
    # The first nav is the contents.
    return marked.replace("</nav>", pages + "</nav>", 1), missing


def inline_images(markup: str, document: Document) -> str:
    """Replace each image reference by a ``data:`` URL, so the page stands alone."""
    return assets.point_images(
        markup,
        {
            src: f"data:{assets.media_type(path)};base64,"
            + base64.b64encode(path.read_bytes()).decode("ascii")
            for src, path in document.images.items()
        },
    )

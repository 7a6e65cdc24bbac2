"""Large print: the leaflet's content on A4 with 18 pt body text, tagged PDF/UA-1.

The NHS Accessible Information Standard names large print (16 pt and above)
among the formats a patient may ask for; RNIB prefers 18 pt.
"""

from __future__ import annotations

from pipeline.context import Context
from pipeline.document import Document
from pipeline.formats.pdf import Edition, render_edition

LARGE_PRINT = Edition("large-print", ("leaflet.css", "large-print.css"), smaller_tables=True)


def render(document: Document, context: Context) -> bytes:
    """Render ``document`` in large print."""
    return render_edition(document, context, LARGE_PRINT)

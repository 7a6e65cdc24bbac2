"""The booklet: the A5 leaflet imposed two-up on A4 landscape in saddle-stitch order.

Printed double-sided (flip on the short edge) on an office printer and
folded, the sheets make the leaflet. The pages are the standard leaflet's,
so the two editions never differ; the structure tree survives the
imposition (see :mod:`pipeline.imposition`).
"""

from __future__ import annotations

from pipeline import imposition
from pipeline.context import Context
from pipeline.document import Document
from pipeline.formats import FORMATS


def render(document: Document, context: Context) -> bytes:
    """Impose the standard leaflet of ``document`` as a booklet."""
    # The back panel (contact details, other formats) stays on the outside
    # back cover; blank pages go before it.
    return imposition.impose(FORMATS["pdf"].render(document, context), back_cover=True)

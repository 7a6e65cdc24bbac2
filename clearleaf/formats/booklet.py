"""The booklet: the A5 leaflet imposed two-up on A4 landscape in saddle-stitch order.

Printed double-sided (flip on the short edge) on an office printer and
folded, the sheets make the leaflet. The pages are the standard leaflet's,
so the two editions never differ; the structure tree survives the
imposition (see :mod:`clearleaf.imposition`).
"""

from __future__ import annotations

from clearleaf import imposition
from clearleaf.formats import Inputs, Rendered


def render(inputs: Inputs) -> Rendered:
    """Impose the standard leaflet (the edition it is made from) as a booklet."""
    # The back panel (contact details, other formats) stays on the outside
    # back cover; blank pages go before it.
    return Rendered(imposition.impose(inputs.editions["pdf"], back_cover=True))

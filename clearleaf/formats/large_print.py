"""Large print: the leaflet's content on A4 with 18 pt body text, tagged PDF/UA-1.

The NHS Accessible Information Standard names large print (16 pt and above)
among the formats a patient may ask for; RNIB prefers 18 pt.
"""

from __future__ import annotations

from clearleaf.formats import Inputs, Rendered
from clearleaf.formats.pdf import PrintEdition, render_edition

LARGE_PRINT = PrintEdition(
    "large-print", ("leaflet.css", "large-print.css"), smaller_tables=True, leaflet_pages=True
)


def render(inputs: Inputs) -> Rendered:
    """Render the document in large print."""
    return render_edition(inputs, LARGE_PRINT)

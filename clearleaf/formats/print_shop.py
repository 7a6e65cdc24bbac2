"""The print-shop file: the A5 leaflet as PDF/X-4 with 3 mm bleed and crop marks.

Print shops ask for PDF/X: a trim box and a bleed box they can trust, marks
to cut on, and an output intent saying which printing condition the colours
are meant for (here Coated FOGRA39, the usual European sheet-fed offset
condition). Tags stay on, and the file also declares PDF/UA-1, so that the
copy a print shop passes on is still accessible.

PDF/X writes the time and a random document ID unless it is given both
(STANDARDS.md): the dates come from the page's ``dcterms`` metadata (the
build time, see :class:`~clearleaf.context.Context`) and the ID is derived
from the content.
"""

from __future__ import annotations

import io

import pikepdf

from clearleaf.formats import Inputs, Rendered
from clearleaf.formats.pdf import PrintEdition, render_edition

PRINT_SHOP = PrintEdition(
    "print",
    ("leaflet.css", "print-shop.css"),
    variant="pdf/x-4",
    options={"pdf_tags": True},
)


#: The bleed print shops ask for beyond the trim, in points (3 mm).
BLEED = 3 * 72 / 25.4


def render(inputs: Inputs) -> Rendered:
    """Render the document for the print shop."""
    rendered = render_edition(inputs, PRINT_SHOP)
    return Rendered(finish(rendered.data, inputs.document.identifier), rendered.diagnostics)


def finish(data: bytes, identifier: str) -> bytes:
    """Set each BleedBox 3 mm around the TrimBox and declare PDF/UA-1 as well.

    The stylesheet's bleed is wider, to leave room for the crop marks outside
    the bleed; WeasyPrint would put the BleedBox up to 10 pt out. The PDF/UA
    identification is what WeasyPrint writes only for its pdf/ua variant.
    WeasyPrint's PDF/X metadata has a random document ID: the document's own
    stable identifier replaces it.
    """
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            left, bottom, right, top = (float(v) for v in page.obj.TrimBox)
            page.obj.BleedBox = pikepdf.Array(
                [
                    round(left - BLEED, 3),
                    round(bottom - BLEED, 3),
                    round(right + BLEED, 3),
                    round(top + BLEED, 3),
                ]
            )
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp["pdfuaid:part"] = "1"
            xmp["xmpMM:DocumentID"] = identifier.replace("urn:uuid:", "uuid:")
        # The first half of WeasyPrint's /ID hashes the random XMP ID: derive anew.
        del pdf.trailer.ID
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, fix_metadata_version=False)
        return out.getvalue()

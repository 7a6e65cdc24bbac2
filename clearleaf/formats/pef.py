"""The Portable Embosser Format: the braille edition's cells as PEF 2008-1 XML.

Made from the BRF edition's bytes, so that the two hold the same cells page
for page and row for row; a PEF carries what a BRF cannot (the page size
in cells, the document's title, language and identifier), which embossing
software and libraries read.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from clearleaf.formats import Inputs, Rendered, brf

NAMESPACE = "http://www.daisy.org/ns/2008/pef"
DC = "http://purl.org/dc/elements/1.1/"


def render(inputs: Inputs) -> Rendered:
    """Render the braille edition's cells as a PEF file."""
    document = inputs.document
    meta = document.meta
    laid = brf.from_brf(inputs.editions["braille"])
    rows = max((len(page) for page in laid), default=0)
    rows = max(rows, meta.braille_lines)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<pef xmlns="{NAMESPACE}" version="2008-1">',
        "  <head>",
        f'    <meta xmlns:dc="{DC}">',
        "      <dc:format>application/x-pef+xml</dc:format>",
        f"      <dc:identifier>{escape(document.identifier)}</dc:identifier>",
        f"      <dc:title>{escape(meta.title)}</dc:title>",
        f"      <dc:language>{escape(meta.lang)}</dc:language>",
        f"      <dc:publisher>{escape(meta.organisation)}</dc:publisher>",
        f"      <dc:description>{escape(meta.description)}</dc:description>",
        f"      <dc:date>{meta.published.isoformat()}</dc:date>",
        "    </meta>",
        "  </head>",
        "  <body>",
        f'    <volume cols="{meta.braille_cells}" rows="{rows}" rowgap="0" duplex="false">',
        "      <section>",
    ]
    for page in laid:
        out.append("        <page>")
        out.extend(f"          <row>{line}</row>" for line in page)
        out.append("        </page>")
    out += ["      </section>", "    </volume>", "  </body>", "</pef>", ""]
    return Rendered("\n".join(out).encode("utf-8"), pages=len(laid))

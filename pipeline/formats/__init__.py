"""The output formats, one module each, registered in :data:`FORMATS`.

A format module defines ``render(document, context) -> bytes``. Modules are
imported only when used, so ``--help`` and the text format never pay for
importing WeasyPrint.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.context import Context
from pipeline.document import Document
from pipeline.formats import weasyprint_ffi

weasyprint_ffi.install()  # before any module here imports WeasyPrint

Renderer = Callable[[Document, Context], bytes]


@dataclass(frozen=True)
class Format:
    """An output format: its name, file suffix and the module that renders it.

    ``label`` is what readers call the edition ("large print"); editions for
    print production (the print-shop file, the booklet) have none and are not
    offered to readers.
    """

    name: str
    suffix: str
    description: str
    module: str
    label: str | None = None
    #: The reader edition this one is a production file of (the print-shop
    #: PDF and the booklet print the leaflet), for the "other formats" statement.
    same_as: str | None = None
    #: Laid out in pages by WeasyPrint: slow to start and CPU-bound, so a build
    #: gives this work to its worker processes first.
    paged: bool = False
    #: Made from the body's HTML (:attr:`Document.body_html`), which a build
    #: renders once before handing the document to worker processes.
    from_html: bool = True

    def render(self, document: Document, context: Context) -> bytes:
        """Render ``document`` in this format, once per document (others may reuse it)."""
        cached = document.renders.get(self.name)
        if cached is None:
            renderer: Renderer = importlib.import_module(self.module).render
            cached = document.renders[self.name] = renderer(document, context)
        return cached

    def output_name(self, document: Document) -> str:
        """The output file name for ``document``."""
        return document.stem + self.suffix


FORMATS: dict[str, Format] = {
    format.name: format
    for format in (
        Format(
            "html",
            ".html",
            "Accessible web page (WCAG 2.2 AA), one self-contained file",
            "pipeline.formats.html",
            "web page",
        ),
        Format(
            "pdf",
            ".pdf",
            "A5 leaflet, tagged PDF/UA-1, RNIB Clear Print",
            "pipeline.formats.pdf",
            "printed leaflet",
            paged=True,
        ),
        Format(
            "large-print",
            "-large-print.pdf",
            "A4 large print, 18 pt body text, tagged PDF/UA-1",
            "pipeline.formats.large_print",
            "large print",
            paged=True,
        ),
        Format(
            "print",
            "-print.pdf",
            "A5 for the print shop: PDF/X-4, 3 mm bleed, crop marks, tagged",
            "pipeline.formats.print_shop",
            same_as="pdf",
            paged=True,
        ),
        Format(
            "booklet",
            "-booklet.pdf",
            "A5 pages two-up on A4, saddle-stitch order, for office printers",
            "pipeline.formats.booklet",
            same_as="pdf",
            paged=True,
        ),
        Format(
            "epub",
            ".epub",
            "EPUB 3 e-book with EPUB Accessibility 1.1 metadata",
            "pipeline.formats.epub",
            "e-book",
        ),
        Format(
            "txt",
            ".txt",
            "Plain text, UTF-8, 72 columns",
            "pipeline.formats.txt",
            "plain text",
            from_html=False,
        ),
    )
}


def alternatives(document: Document, current: str) -> list[tuple[str, str]]:
    """The reader editions other than ``current``: (label, file name) pairs."""
    current = FORMATS[current].same_as or current
    return [
        (fmt.label, fmt.output_name(document))
        for fmt in FORMATS.values()
        if fmt.label and fmt.name != current
    ]

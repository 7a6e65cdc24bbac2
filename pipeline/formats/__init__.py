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

Renderer = Callable[[Document, Context], bytes]


@dataclass(frozen=True)
class Format:
    """An output format: its name, file suffix and the module that renders it."""

    name: str
    suffix: str
    description: str
    module: str

    def render(self, document: Document, context: Context) -> bytes:
        """Render ``document`` in this format."""
        renderer: Renderer = importlib.import_module(self.module).render
        return renderer(document, context)

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
        ),
        Format(
            "pdf", ".pdf", "A5 leaflet, tagged PDF/UA-1, RNIB Clear Print", "pipeline.formats.pdf"
        ),
        Format(
            "epub",
            ".epub",
            "EPUB 3 e-book with EPUB Accessibility 1.1 metadata",
            "pipeline.formats.epub",
        ),
        Format("txt", ".txt", "Plain text, UTF-8, 72 columns", "pipeline.formats.txt"),
    )
}

"""The renderers, one module an edition, and what they are given and give back.

Each module defines ``render(inputs: Inputs) -> Rendered``: it is handed the
document, the settings, the back matter worked out once for the document
(:mod:`clearleaf.colophon`) and the editions it is made from
(:attr:`clearleaf.editions.Edition.made_from`), and returns its bytes with what
it found on the way (a warning of WeasyPrint's, say), never logging it. The
registry of editions is :mod:`clearleaf.editions`; modules are imported only
when used, so ``--help`` and the text edition never pay for importing
WeasyPrint.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from clearleaf.colophon import Colophon
from clearleaf.context import Context
from clearleaf.document import Document
from clearleaf.editions import Edition
from clearleaf.errors import Diagnostic
from clearleaf.formats import weasyprint_ffi
from clearleaf.formats.pagination import Pagination

weasyprint_ffi.install()  # before any module here imports WeasyPrint


@dataclass(frozen=True)
class Inputs:
    """Everything an edition is made from."""

    document: Document
    context: Context
    #: The back matter, the same in every edition (its accessibility statement included).
    colophon: Colophon
    #: The bytes of the editions this one is made from, by name.
    editions: Mapping[str, bytes] = field(default_factory=dict)
    #: Where each page of the printed leaflet begins, for the editions made from it.
    pagination: Pagination | None = None
    #: Called by the leaflet's renderer with its pages as soon as they are laid
    #: out, before the PDF is written: the build may start the editions that
    #: need only the pages meanwhile (:mod:`clearleaf.scheduler`).
    paginated: Callable[[Pagination], None] | None = None


@dataclass(frozen=True)
class Rendered:
    """An edition's bytes, and what rendering it found (warnings a build reports)."""

    data: bytes
    diagnostics: tuple[Diagnostic, ...] = ()
    #: The leaflet's: where each of its pages begins (:mod:`clearleaf.formats.pagination`).
    pagination: Pagination | None = None
    #: How many pages it has, where a reader counts them (braille), for the report.
    pages: int | None = None


Renderer = Callable[[Inputs], Rendered]


def render(edition: Edition, inputs: Inputs) -> Rendered:
    """Render ``edition`` of ``inputs.document``."""
    renderer: Renderer = importlib.import_module(edition.module).render
    return renderer(inputs)

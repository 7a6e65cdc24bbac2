"""The read-aloud e-book: the e-book with EPUB 3 media overlays, each sentence
highlighted as a synthetic voice reads it (:mod:`clearleaf.formats.overlays`)."""

from __future__ import annotations

from clearleaf.formats import Inputs, Rendered, overlays
from clearleaf.formats.epub import ABOUT, CONTENT, STYLESHEET


def render(inputs: Inputs) -> Rendered:
    """Render the e-book with media overlays and its narration."""
    source = inputs.editions["epub"]
    if inputs.document.settings.read_aloud_epub:
        return Rendered(source)  # the e-book reads aloud itself
    return overlays.add(
        source, inputs.document, inputs.colophon.words, (CONTENT, ABOUT, STYLESHEET)
    )

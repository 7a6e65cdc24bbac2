"""The read-aloud e-book: the e-book with EPUB 3 media overlays, each sentence
highlighted as a synthetic voice reads it (:mod:`clearleaf.formats.overlays`)."""

from __future__ import annotations

from clearleaf import speech
from clearleaf.formats import Inputs, Rendered, overlays
from clearleaf.formats.epub import ABOUT, CONTENT, STYLESHEET


def unavailable() -> str | None:
    """What to install before this edition can be made; ``None`` when it can."""
    return speech.available()


def render(inputs: Inputs) -> Rendered:
    """Render the e-book with media overlays and its narration."""
    source = inputs.editions["epub"]
    if inputs.document.settings.read_aloud_epub:
        return Rendered(source)  # the e-book reads aloud itself
    return overlays.add(
        source, inputs.document, inputs.colophon.words, (CONTENT, ABOUT, STYLESHEET)
    )

"""Images: every image says what it shows (WCAG 2.2 SC 1.1.1 Non-text Content)."""

from __future__ import annotations

from collections.abc import Iterator

from clearleaf import ast
from clearleaf.a11y.source import Finding, Source, elements
from clearleaf.ast import stringify
from clearleaf.document import Document

#: The class that marks an image as decoration, which must then have an empty alt.
DECORATIVE = "decorative"


def img_alt(document: Document, source: Source) -> Iterator[Finding]:
    """Images without alt text that are not marked decorative."""
    found = elements(document.blocks, "Image")
    offsets = source.locate_targets((True, ast.target(node).url) for node in found)
    for node, offset in zip(found, offsets, strict=True):
        src = ast.target(node).url
        if stringify(ast.inlines(node)).strip() or DECORATIVE in ast.attr(node).classes:
            continue
        # Without alt text a screen reader reads out the file name, and the
        # plain-text and e-book editions have nothing to say about the image.
        yield Finding(
            offset,
            f"image '{src}' has no alt text; say what it shows, as in "
            f"![A map of the clinic's entrances]({src}), or, if it is only decoration, "
            f"mark it ![]({src}){{.decorative}}",
        )

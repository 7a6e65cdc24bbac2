"""Headings: one h1, no skipped levels, no empty headings (WCAG 2.2 SC 1.3.1 and 2.4.6).

The title in the front matter is the page's h1, so the body's sections start
at level 2 (``##``). Screen-reader users move through a page by its headings:
a skipped level suggests a section that is not there, an empty heading is
announced as nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.a11y.source import Finding, Node, Source, elements
from pipeline.ast import stringify
from pipeline.document import Document


def located_headings(document: Document, source: Source) -> list[tuple[Node, int]]:
    """Every heading of the body (nested ones included) with its offset in the source."""
    found = elements(document.blocks, "Header")
    offsets = source.locate_headings(node["c"][0] for node in found)
    return list(zip(found, offsets, strict=True))


def heading_order(document: Document, source: Source) -> Iterator[Finding]:
    """Headings that are more than one level below the heading before them."""
    previous = 1  # the title
    for node, offset in located_headings(document, source):
        level: int = node["c"][0]
        if level > previous + 1:
            want = "#" * (previous + 1)
            before = "the title" if previous == 1 else f"a level-{previous} heading"
            yield Finding(
                offset,
                f"level-{level} heading follows {before}, skipping level {previous + 1}; "
                f"make it '{want}' or add the missing level above it",
            )
        previous = level


def multiple_h1(document: Document, source: Source) -> Iterator[Finding]:
    """Level-1 headings in the body, which would compete with the title."""
    for node, offset in located_headings(document, source):
        if node["c"][0] == 1:
            yield Finding(
                offset,
                "level-1 heading in the body; the title from the front matter is the only "
                "level-1 heading: use '##' for a section",
            )


def empty_heading(document: Document, source: Source) -> Iterator[Finding]:
    """Headings with no words: nothing, or only punctuation and symbols."""
    for node, offset in located_headings(document, source):
        text = stringify(node["c"][2])
        if not any(char.isalnum() for char in text):
            yield Finding(
                offset,
                "heading has no text; write what the section is about after the '#' marks, "
                "or remove the heading",
            )

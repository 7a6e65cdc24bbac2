"""Headings: no skipped levels, no empty headings, no headings lost (WCAG 2.2 SC 1.3.1, 2.4.6).

The title in the front matter is the page's h1; :mod:`clearleaf.outline` takes
a body's repeated title and its level-1 sections as real documents mean them.
Screen-reader users move through a page by its headings: a skipped level
suggests a section that is not there, an empty heading is announced as
nothing, and a line meant as a heading that is read as text is no heading at
all (every edition prints its '#' marks).
"""

from __future__ import annotations

from collections.abc import Iterator

from clearleaf import ast, outline
from clearleaf.a11y.source import Finding, Node, Source, elements
from clearleaf.ast import stringify
from clearleaf.document import Document


def located_headings(document: Document, source: Source) -> list[tuple[Node, int]]:
    """Every heading of the body (nested ones included) with its offset in the source."""
    found = elements(document.blocks, "Header")
    offsets = outline.located(found, document.outline, source)
    return list(zip(found, offsets, strict=True))


def heading_order(document: Document, source: Source) -> Iterator[Finding]:
    """Headings written more than one level below the heading before them."""
    shape = document.outline
    title = 1 - shape.shift  # the title's level, as the source's headings count
    previous = title
    located = located_headings(document, source)
    written = shape.written if len(shape.written) == len(located) else None
    for number, (node, offset) in enumerate(located):
        level = written[number] if written else ast.level(node)
        if level > previous + 1:
            want = "#" * (previous + 1)
            before = "the title" if previous == title else f"a level-{previous} heading"
            shown = ast.level(node)
            yield Finding(
                offset,
                f"level-{level} heading follows {before}, skipping level {previous + 1}; "
                f"every edition shows it at level {shown}: make it '{want}' or add the "
                "missing level above it",
            )
        previous = level


def empty_heading(document: Document, source: Source) -> Iterator[Finding]:
    """Headings with no words: nothing, or only punctuation and symbols."""
    for node, offset in located_headings(document, source):
        text = stringify(ast.inlines(node))
        if not any(char.isalnum() for char in text):
            yield Finding(
                offset,
                "heading has no text; write what the section is about after the '#' marks, "
                "or remove the heading",
            )


def literal_heading(document: Document, source: Source) -> Iterator[Finding]:
    """Lines written as headings that pandoc reads as text of the paragraph above them."""
    for line in source.heading_lines:
        if line.read:
            continue
        marks = "#" * line.level
        yield Finding(
            line.offset,
            f"this line starts with '{marks}' but is not a heading: with no blank line before "
            f"it, it is read as part of the paragraph above, and every edition prints the "
            f"'{marks}'; add a blank line before it, or write \\{marks} to keep the marks as text",
        )


def heading_in_list(document: Document, source: Source) -> Iterator[Finding]:
    """Headings inside a list item (often a '#' of a hashtag split from its word)."""
    inside = {id(node) for node in outline.headings_in_lists(document.blocks)}
    if not inside:
        return
    for node, offset in located_headings(document, source):
        if id(node) in inside:
            text = stringify(ast.inlines(node))
            yield Finding(
                offset,
                f"heading '{text}' is inside a list item, where it breaks the list and the "
                "page's outline; if the '#' belongs to a hashtag, join it to its word "
                "(#word) or write \\#, otherwise end the list with a blank line first",
            )

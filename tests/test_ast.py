"""clearleaf.ast: helpers over pandoc's AST, and the walk the checks share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clearleaf import pandoc
from clearleaf.a11y.source import elements, one_walk
from clearleaf.ast import Elements, image_sources, stringify, walk


def blocks_of(markdown: str) -> list[dict[str, Any]]:
    """The body blocks pandoc reads from ``markdown``."""
    tree, _ = pandoc.parse(markdown, Path("doc.md"))
    blocks: list[dict[str, Any]] = tree["blocks"]
    return blocks


def test_walk_goes_in_document_order() -> None:
    blocks = blocks_of("## A *b*\n\n- [c](https://example.org)\n\n> d\n")
    kinds = [node["t"] for node in walk(blocks)]
    assert kinds == [
        "Header", "Str", "Space", "Emph", "Str",
        "BulletList", "Plain", "Link", "Str",
        "BlockQuote", "Para", "Str",
    ]  # fmt: skip


def test_walk_can_leave_out_what_a_citation_keeps_beside_its_text() -> None:
    # Pandoc renders the second item of a Cite, the text as written; the link
    # and image it also parses into the citation's prefix reach no edition.
    blocks = blocks_of("See [see [x](https://example.org) ![y](y.png) @doe, p. 3].\n")
    assert [node["t"] for node in walk(blocks) if node["t"] in ("Link", "Image")] == [
        "Link",
        "Image",
    ]
    assert [node for node in walk(blocks, citations=False) if node["t"] in ("Link", "Image")] == []
    assert image_sources(blocks) == []
    assert image_sources(blocks_of("![y](y.png) and ![z](z.png)\n")) == ["y.png", "z.png"]


def test_elements_by_type_are_those_of_the_walk() -> None:
    blocks = blocks_of("## A *b*\n\n*c* and [*d*](https://example.org)\n")
    index = Elements(blocks)
    assert index.nodes == list(walk(blocks))
    assert index.of_type("Emph") == [node for node in walk(blocks) if node["t"] == "Emph"]
    assert index.of_type("Link", "Header") == [
        node for node in walk(blocks) if node["t"] in ("Header", "Link")
    ]
    index.of_type("Emph").clear()
    assert len(index.of_type("Emph")) == 3


def test_stringify_can_read_some_elements_as_a_space() -> None:
    inlines = blocks_of("Take `2` tablets.^[With water.]\n")[0]["c"]
    assert stringify(inlines) == "Take 2 tablets."
    assert stringify(inlines, blank=("Code", "Note")) == "Take   tablets. "


def test_the_checks_share_a_walk_only_while_they_run() -> None:
    blocks = blocks_of("## One\n\n## Two\n")
    with one_walk():
        first = elements(blocks, "Header")
        blocks.append(blocks[0])  # not seen: the walk is shared within the run
        assert elements(blocks, "Header") == first
    # The next run walks the AST as it is then.
    with one_walk():
        assert len(elements(blocks, "Header")) == 3
    assert len(elements(blocks, "Header")) == 3

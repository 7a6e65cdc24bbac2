"""Small, pure helpers over pandoc's JSON AST (pandoc-types 1.23)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

Node = dict[str, Any]

_COMMENT = re.compile(r"^\s*<!--.*-->\s*$", re.DOTALL)


@dataclass(frozen=True)
class Heading:
    """A section heading of the document body."""

    level: int
    identifier: str
    text: str


def stringify(node: Any) -> str:
    """The plain text of an inline, a block, or a list of them."""
    if isinstance(node, list):
        return "".join(stringify(item) for item in node)
    if not isinstance(node, dict):
        return ""
    kind = node.get("t")
    content: Any = node.get("c")
    if kind == "Str":
        return str(content)
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind in ("Code", "Math"):
        return str(content[1])
    if kind in ("RawInline", "RawBlock", "Note"):
        return ""
    if kind == "Quoted":
        quotes = ("\u201c", "\u201d") if content[0]["t"] == "DoubleQuote" else ("\u2018", "\u2019")
        return quotes[0] + stringify(content[1]) + quotes[1]
    if kind in ("Link", "Image", "Span", "Cite"):
        return stringify(content[1])
    if kind == "Header":
        return stringify(content[2])
    if isinstance(content, list):
        return stringify(content)
    return ""


def is_comment(node: Node) -> bool:
    """Whether ``node`` is an HTML comment, which the pipeline never publishes."""
    return (
        node.get("t") in ("RawBlock", "RawInline")
        and node["c"][0] == "html"
        and bool(_COMMENT.match(node["c"][1]))
    )


def strip_comments(value: Any) -> Any:
    """A copy of ``value`` without HTML comments (editors' notes stay in the source)."""
    if isinstance(value, list):
        return [
            strip_comments(item)
            for item in value
            if not (isinstance(item, dict) and is_comment(item))
        ]
    if isinstance(value, dict):
        return {key: strip_comments(item) for key, item in value.items()}
    return value


def iter_blocks(blocks: list[Node]) -> Iterator[Node]:
    """Every block in document order, nested ones included."""
    for block in blocks:
        yield block
        kind = block.get("t")
        content: Any = block.get("c")
        if kind in ("BlockQuote",):
            yield from iter_blocks(content)
        elif kind == "Div":
            yield from iter_blocks(content[1])
        elif kind == "Figure":
            yield from iter_blocks(content[2])
        elif kind in ("BulletList",):
            for item in content:
                yield from iter_blocks(item)
        elif kind == "OrderedList":
            for item in content[1]:
                yield from iter_blocks(item)
        elif kind == "DefinitionList":
            for _term, definitions in content:
                for definition in definitions:
                    yield from iter_blocks(definition)


def headings(blocks: list[Node]) -> list[Heading]:
    """The headings of the body, in order (those inside lists and quotes excluded)."""
    found = []
    for block in blocks:
        if block.get("t") == "Header":
            level, (identifier, _classes, _attrs), inlines = block["c"]
            found.append(Heading(level, identifier, stringify(inlines)))
        elif block.get("t") == "Div":
            found.extend(headings(block["c"][1]))
    return found


def image_alts(value: Any, informative_only: bool = False) -> list[str]:
    """The alt text of every image, in document order ("" for an image without one).

    With ``informative_only``, images marked ``{.decorative}`` are left out.
    """
    found: list[str] = []
    if isinstance(value, list):
        for item in value:
            found.extend(image_alts(item, informative_only))
    elif isinstance(value, dict):
        if value.get("t") == "Image":
            decorative = "decorative" in value["c"][0][1]
            if not (informative_only and decorative):
                found.append(stringify(value["c"][1]))
        found.extend(image_alts(value.get("c"), informative_only))
    return found


def image_sources(value: Any) -> list[str]:
    """The address of every image, in document order."""
    found: list[str] = []
    if isinstance(value, list):
        for item in value:
            found.extend(image_sources(item))
    elif isinstance(value, dict):
        if value.get("t") == "Image":
            found.append(str(value["c"][2][0]))
        found.extend(image_sources(value.get("c")))
    return found


def has_notes(value: Any) -> bool:
    """Whether the document has footnotes."""
    if isinstance(value, list):
        return any(has_notes(item) for item in value)
    if isinstance(value, dict):
        return value.get("t") == "Note" or has_notes(value.get("c"))
    return False

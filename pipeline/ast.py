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


def stringify(node: Any, blank: tuple[str, ...] = ()) -> str:
    """The plain text of an inline, a block, or a list of them.

    Elements of the types in ``blank`` read as a space (code, say, where only
    the prose counts).
    """
    parts: list[str] = []
    _text(node, parts, blank)
    return "".join(parts)


_SPACES = ("Space", "SoftBreak", "LineBreak")


def _text(node: Any, parts: list[str], blank: tuple[str, ...]) -> None:
    """Append the plain text of ``node`` to ``parts`` (see :func:`stringify`)."""
    # One list of parts joined once: joining at every level copies the text
    # of a long document once per level of nesting.
    if isinstance(node, list):
        for item in node:
            if isinstance(item, dict):
                # Words and spaces, most of any text, without a call each.
                kind = item.get("t")
                if kind == "Str" and kind not in blank:
                    parts.append(str(item.get("c")))
                    continue
                if kind in _SPACES and kind not in blank:
                    parts.append(" ")
                    continue
            _text(item, parts, blank)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("t")
    content: Any = node.get("c")
    if kind in blank:
        parts.append(" ")
    elif kind == "Str":
        parts.append(str(content))
    elif kind in _SPACES:
        parts.append(" ")
    elif kind in ("Code", "Math"):
        parts.append(str(content[1]))
    elif kind in ("RawInline", "RawBlock", "Note"):
        return
    elif kind == "Quoted":
        quotes = ("\u201c", "\u201d") if content[0]["t"] == "DoubleQuote" else ("\u2018", "\u2019")
        parts.append(quotes[0])
        _text(content[1], parts, blank)
        parts.append(quotes[1])
    elif kind in ("Link", "Image", "Span", "Cite"):
        _text(content[1], parts, blank)
    elif kind == "Header":
        _text(content[2], parts, blank)
    elif isinstance(content, list):
        _text(content, parts, blank)


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


def walk(value: Any, citations: bool = True) -> Iterator[Node]:
    """Every AST element (block or inline) inside ``value``, in document order.

    An element is an object with a type (``"t"``); its content (``"c"``) is
    walked. The only other objects pandoc writes in a body are the records of
    a ``Cite``, whose prefix and suffix hold elements too; ``citations=False``
    leaves them out, as pandoc renders a citation from the text it keeps beside
    them (the second item of the ``Cite``), so they reach no edition.
    """
    # A stack of iterators, not recursion: a recursive generator costs a frame
    # per level and per item, which a 200-page document turns into seconds;
    # and a stack of values would push every string of the tree too.
    stack: list[Iterator[Any]] = [iter((value,))]
    while stack:
        for item in stack[-1]:
            if isinstance(item, dict):
                if "t" in item:
                    yield item
                    content = item.get("c")
                    if isinstance(content, list):
                        stack.append(iter(content))
                        break
                    if isinstance(content, dict):
                        stack.append(iter((content,)))
                        break
                elif citations:
                    stack.append(iter(list(item.values())))
                    break
            elif isinstance(item, list):
                stack.append(iter(item))
                break
        else:
            stack.pop()


class Elements:
    """The elements inside a value, from one :func:`walk`: in document order and by type."""

    def __init__(self, value: Any, citations: bool = True) -> None:
        self.nodes: list[Node] = list(walk(value, citations))
        self._by_type: dict[str, list[Node]] = {}
        for node in self.nodes:
            kind = node["t"]
            if isinstance(kind, str):
                self._by_type.setdefault(kind, []).append(node)

    def of_type(self, *kinds: str) -> list[Node]:
        """The elements of the types ``kinds``, in document order."""
        if len(kinds) == 1:
            return list(self._by_type.get(kinds[0], ()))
        return [node for node in self.nodes if node["t"] in kinds]


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
    return [str(node["c"][2][0]) for node in walk(value, citations=False) if node["t"] == "Image"]


def has_notes(value: Any) -> bool:
    """Whether the document has footnotes."""
    if isinstance(value, list):
        return any(has_notes(item) for item in value)
    if isinstance(value, dict):
        return value.get("t") == "Note" or has_notes(value.get("c"))
    return False


def ordered_lists(blocks: list[Node]) -> list[tuple[int, str, str]]:
    """Each numbered list's start, number style and delimiter, in the order pandoc writes them.

    Pandoc's HTML writer puts footnotes after the body, so the lists inside
    notes come last, in the order of their notes.
    """
    found: list[tuple[int, str, str]] = []
    notes: list[Any] = []

    def visit(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                visit(item)
        elif isinstance(value, dict):
            kind = value.get("t")
            if kind == "Note":
                notes.append(value["c"])
                return
            if kind == "OrderedList":
                start, style, delim = value["c"][0]
                found.append((int(start), str(style["t"]), str(delim["t"])))
            if "t" in value:
                visit(value.get("c"))
            else:
                visit(list(value.values()))

    visit(blocks)
    while notes:
        pending, notes = notes, []
        for note in pending:
            visit(note)
    return found

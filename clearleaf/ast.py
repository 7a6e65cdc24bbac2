"""Small helpers over pandoc's JSON AST (pandoc-types 1.23): what a body holds, the fields
of its elements by name, and new elements."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

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
    if node.get("t") not in ("RawBlock", "RawInline"):
        return False
    piece = raw(node)
    return piece.format == "html" and bool(_COMMENT.match(piece.text))


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
            decorative = "decorative" in attr(value).classes
            if not (informative_only and decorative):
                found.append(stringify(inlines(value)))
        found.extend(image_alts(value.get("c"), informative_only))
    return found


def image_sources(value: Any) -> list[str]:
    """The address of every image, in document order."""
    return [target(node).url for node in walk(value, citations=False) if node["t"] == "Image"]


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
                counting = list_attributes(value)
                found.append((counting.start, counting.style, counting.delimiter))
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


# -- the fields of elements ---------------------------------------------------------
#
# Pandoc keeps an element's fields in a list, in an order that differs from
# one type of element to the next. The functions below read and write them
# by name, so that no other module depends on that order. Each takes the
# types it names, and refuses any other (TypeError): a wrong type is a
# mistake in the code that asks.

#: A row of a table: its attributes and its cells.
Row = list[Any]
#: A cell of a table: its attributes, alignment, row and column spans, and blocks.
Cell = list[Any]


class Attr(NamedTuple):
    """An element's attributes, as ``{#identifier .class key=value}`` writes them.

    Read from an element, the lists are the element's own: changing one changes the element.
    """

    identifier: str
    classes: list[str]
    #: Each a key and its value.
    attributes: list[list[str]]


class Target(NamedTuple):
    """Where a link or an image goes: its address, and its title ("" when it has none)."""

    url: str
    title: str


class Raw(NamedTuple):
    """A piece of a source kept as written: its format (``html``, ``latex``...) and text."""

    format: str
    text: str


class ListAttributes(NamedTuple):
    """How a numbered list counts: its first number, number style and delimiter.

    The style and delimiter are pandoc's names for them (``Decimal``,
    ``LowerAlpha``...; ``Period``, ``OneParen``...).
    """

    start: int
    style: str
    delimiter: str


class DefinitionItem(NamedTuple):
    """A term of a definition list and its definitions, each a list of blocks."""

    term: list[Node]
    definitions: list[list[Node]]


class TableBody(NamedTuple):
    """A body of a table: its intermediate head rows, then its other rows."""

    head: list[Row]
    rows: list[Row]


# Where each element with attributes keeps them (pandoc-types 1.23).
_ATTR_INDEX: dict[str, int | None] = {
    "Header": 1,
    "CodeBlock": 0,
    "Div": 0,
    "Span": 0,
    "Code": 0,
    "Link": 0,
    "Image": 0,
    "Table": 0,
    "Figure": 0,
}

# Where each element holding inlines keeps them; None where they are its whole content.
_INLINES_INDEX: dict[str, int | None] = {
    **dict.fromkeys(
        (
            "Para",
            "Plain",
            "Emph",
            "Underline",
            "Strong",
            "Strikeout",
            "Superscript",
            "Subscript",
            "SmallCaps",
        )
    ),
    "Header": 2,
    "Link": 1,
    "Image": 1,
    "Span": 1,
    "Cite": 1,
    "Quoted": 1,
}

# Where each element holding blocks keeps them, as above.
_BLOCKS_INDEX: dict[str, int | None] = {"BlockQuote": None, "Note": None, "Div": 1, "Figure": 2}

# Where each list keeps its items, as above.
_ITEMS_INDEX: dict[str, int | None] = {"BulletList": None, "OrderedList": 1}


def _content(node: Node, *kinds: str) -> Any:
    """The content of ``node``, which must be an element of one of the types ``kinds``."""
    if node["t"] not in kinds:
        raise TypeError(f"expected {' or '.join(kinds)}, not {node['t']}")
    return node["c"]


def _position(node: Node, positions: dict[str, int | None], what: str) -> int | None:
    """Where ``node`` keeps ``what``, by ``positions`` (None: it is the whole content)."""
    if node["t"] not in positions:
        raise TypeError(f"{node['t']} has no {what}")
    return positions[node["t"]]


def _field(node: Node, positions: dict[str, int | None], what: str) -> Any:
    """The field ``what`` of ``node``, found by ``positions``."""
    position = _position(node, positions, what)
    content = node["c"]
    return content if position is None else content[position]


def has_attr(node: Node) -> bool:
    """Whether ``node`` is of a type of element that has attributes."""
    return node["t"] in _ATTR_INDEX


def attr(node: Node) -> Attr:
    """The attributes of a Header, CodeBlock, Div, Span, Code, Link, Image, Table or Figure."""
    identifier, classes, attributes = _field(node, _ATTR_INDEX, "attributes")
    return Attr(identifier, classes, attributes)


def set_attr(node: Node, value: Attr) -> None:
    """Give ``node`` (an element that has attributes) the attributes ``value``."""
    node["c"][_position(node, _ATTR_INDEX, "attributes")] = list(value)


def set_identifier(node: Node, identifier: str) -> None:
    """Give ``node`` (an element that has attributes) the identifier ``identifier``."""
    node["c"][_position(node, _ATTR_INDEX, "attributes")][0] = identifier


def level(header: Node) -> int:
    """The level of a Header (1 to 6)."""
    found: int = _content(header, "Header")[0]
    return found


def set_level(header: Node, value: int) -> None:
    """Make ``header`` (a Header) a heading of level ``value``."""
    _content(header, "Header")[0] = value


def inlines(node: Node) -> list[Node]:
    """The inlines of a Para, Plain, Header, Link (its text), Image (its alt text), Span,
    Cite, Quoted, or of emphasis (Emph, Strong, Underline, Strikeout, Superscript,
    Subscript, SmallCaps). The list is the element's own."""
    found: list[Node] = _field(node, _INLINES_INDEX, "inlines")
    return found


def blocks(node: Node) -> list[Node]:
    """The blocks of a BlockQuote, Note, Div, or Figure (its content, the caption aside).
    The list is the element's own."""
    found: list[Node] = _field(node, _BLOCKS_INDEX, "blocks")
    return found


def target(node: Node) -> Target:
    """Where a Link or an Image goes."""
    url, title = _content(node, "Link", "Image")[2]
    return Target(url, title)


def set_url(node: Node, url: str) -> None:
    """Make ``node`` (a Link or an Image) go to ``url``, its title kept."""
    _content(node, "Link", "Image")[2][0] = url


def code_text(node: Node) -> str:
    """The text of a Code or CodeBlock element, or the TeX of a Math element."""
    text: str = _content(node, "Code", "CodeBlock", "Math")[1]
    return text


def raw(node: Node) -> Raw:
    """The format and text of a RawBlock or RawInline."""
    format, text = _content(node, "RawBlock", "RawInline")
    return Raw(format, text)


def items(node: Node) -> list[list[Node]]:
    """The items of a BulletList or OrderedList, each a list of blocks."""
    found: list[list[Node]] = _field(node, _ITEMS_INDEX, "items")
    return found


def list_attributes(node: Node) -> ListAttributes:
    """How an OrderedList counts."""
    start, style, delimiter = _content(node, "OrderedList")[0]
    return ListAttributes(int(start), str(style["t"]), str(delimiter["t"]))


def definition_items(node: Node) -> list[DefinitionItem]:
    """The terms of a DefinitionList with their definitions, in order."""
    return [
        DefinitionItem(term, definitions) for term, definitions in _content(node, "DefinitionList")
    ]


def lines(node: Node) -> list[list[Node]]:
    """The lines of a LineBlock, each a list of inlines."""
    found: list[list[Node]] = _content(node, "LineBlock")
    return found


def caption(node: Node) -> list[Node]:
    """The blocks of the caption of a Table or Figure (empty when it has none)."""
    found: list[Node] = _content(node, "Table", "Figure")[1][1]
    return found


def head_rows(table: Node) -> list[Row]:
    """The rows of the head of a Table."""
    found: list[Row] = _content(table, "Table")[3][1]
    return found


def bodies(table: Node) -> list[TableBody]:
    """The bodies of a Table, in order."""
    return [TableBody(body[2], body[3]) for body in _content(table, "Table")[4]]


def foot_rows(table: Node) -> list[Row]:
    """The rows of the foot of a Table."""
    found: list[Row] = _content(table, "Table")[5][1]
    return found


def cells(row: Row) -> list[Cell]:
    """The cells of a row of a table."""
    found: list[Cell] = row[1]
    return found


def cell_blocks(cell: Cell) -> list[Node]:
    """The blocks of a cell of a table."""
    found: list[Node] = cell[4]
    return found


def reset_column_widths(table: Node) -> None:
    """Let each column of a Table take the width the page gives it, its alignment kept."""
    content = _content(table, "Table")
    content[2] = [[alignment, {"t": "ColWidthDefault"}] for alignment, _width in content[2]]


def clear_part_attributes(table: Node) -> None:
    """Remove the attributes of the head, bodies, foot, rows and cells of a Table
    (the table's own are kept)."""
    _attr, _caption, _specs, head, table_bodies, foot = _content(table, "Table")
    rows = [
        *head[1],
        *(row for body in table_bodies for row in body[2] + body[3]),
        *foot[1],
    ]
    for part in (head, *table_bodies, foot, *rows, *(cell for row in rows for cell in row[1])):
        part[0] = ["", [], []]


# -- new elements -------------------------------------------------------------------


def header(level: int, attr: Attr, inlines: list[Node]) -> Node:
    """A Header of level ``level`` whose words are ``inlines``."""
    return {"t": "Header", "c": [level, list(attr), inlines]}


def div(attr: Attr, blocks: list[Node]) -> Node:
    """A Div holding ``blocks``."""
    return {"t": "Div", "c": [list(attr), blocks]}


def span(attr: Attr, inlines: list[Node]) -> Node:
    """A Span holding ``inlines``."""
    return {"t": "Span", "c": [list(attr), inlines]}


def link(attr: Attr, inlines: list[Node], target: Target) -> Node:
    """A Link to ``target`` whose text is ``inlines``."""
    return {"t": "Link", "c": [list(attr), inlines, list(target)]}


def image(attr: Attr, inlines: list[Node], target: Target) -> Node:
    """An Image of ``target`` whose alt text is ``inlines``."""
    return {"t": "Image", "c": [list(attr), inlines, list(target)]}


def code(attr: Attr, text: str) -> Node:
    """Inline Code of ``text``."""
    return {"t": "Code", "c": [list(attr), text]}


def double_quoted(inlines: list[Node]) -> Node:
    """``inlines`` in double quotation marks (a Quoted element)."""
    return {"t": "Quoted", "c": [{"t": "DoubleQuote"}, inlines]}


def raw_block(format: str, text: str) -> Node:
    """A RawBlock of ``text`` in ``format``."""
    return {"t": "RawBlock", "c": [format, text]}


def raw_inline(format: str, text: str) -> Node:
    """A RawInline of ``text`` in ``format``."""
    return {"t": "RawInline", "c": [format, text]}

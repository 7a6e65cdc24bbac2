"""Tables that fit the printed page, and the check that no text runs off it.

A table too wide for the text block would be clipped at the page's edge (or at
the booklet's fold), and a dose column lost. :func:`fit` lays the page out,
finds each table wider than the text block from WeasyPrint's boxes, and lays
it out again: first smaller, where the edition allows it (large print: 16 pt,
RNIB's floor), then as records, one a row, each cell led by its column's
heading, as the text edition writes such a table. Cells wrap and break a word
longer than a cell; web addresses in cells may break after their slashes and
dots. :func:`outside` then reads every laid-out page for text beyond the
text area, which the build reports as ``pdf.overflow``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from typing import Any

import lxml.html
from weasyprint.formatting_structure import boxes

#: Each table of the page, numbered for the boxes to name it.
_TABLE = re.compile(r"<table(?=[\s>])")
_MARK = "data-print-table"
#: A cell, for the web addresses in it (pandoc writes cells without nesting).
_CELL = re.compile(r"(<t[hd](?:\s[^>]*)?>)(.*?)(</t[hd]>)", re.DOTALL)
_ADDRESS = re.compile(r"(?:https?://|www\.)[^\s<]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TEXT = re.compile(r">([^<]+)<")
#: How far (CSS px) a box may reach past the text area before it counts:
#: rounding, and the half of a table's border that lies outside it.
_TOLERANCE = 1.0

#: The widest space of the project's fonts, in em: JetBrains Mono's is 0.6.
_SPACE = 0.65

Layout = Callable[[str], Any]


def fit(markup: str, layout: Layout, smaller: bool = False) -> Any:
    """WeasyPrint's document for ``markup``, every table of it within the text block."""
    if "<table" not in markup:
        return layout(markup)
    markup = _numbered(markup)
    document = layout(markup)
    wide = wide_tables(document)
    if wide and smaller:
        markup = _with_class(markup, wide, "table-smaller")
        document = layout(markup)
        wide = wide_tables(document)
    if wide:
        document = layout(_as_records(markup, wide))
    return document


def _numbered(markup: str) -> str:
    """``markup`` with each table numbered, and break points in the addresses in cells."""
    counter = iter(range(1_000_000))
    markup = _TABLE.sub(lambda _match: f'<table {_MARK}="{next(counter)}"', markup)
    return _CELL.sub(lambda match: match[1] + _breakable(match[2]) + match[3], markup)


def _breakable(cell: str) -> str:
    """``cell``'s web and email addresses with a break point after each slash, dot, hyphen, @."""

    def text(match: re.Match[str]) -> str:
        return (
            ">"
            + _ADDRESS.sub(
                lambda address: re.sub(r"([/.@-])(?=.)", r"\1<wbr>", address[0]), match[1]
            )
            + "<"
        )

    return _TEXT.sub(text, ">" + cell + "<")[1:-1]


def walk(box: Any) -> Iterator[Any]:
    """``box`` and every box inside it, in the order they are laid out, the page's margin
    boxes (its running footer) left out."""
    stack = [box]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(
            child
            for child in reversed(getattr(current, "children", None) or ())
            if not isinstance(child, boxes.MarginBox)
        )


def _text_area(page: Any) -> tuple[float, float]:
    """The left and right edges of a page's text area."""
    page_box = page._page_box
    left = page_box.content_box_x()
    return left, left + page_box.width


def wide_tables(document: Any) -> set[str]:
    """The numbers of the tables laid out wider than the text area on some page."""
    found: set[str] = set()
    for page in document.pages:
        left, right = _text_area(page)
        for box in walk(page._page_box):
            element = getattr(box, "element", None)
            if (
                isinstance(box, boxes.TableBox)
                and element is not None
                and element.get(_MARK) is not None
                and (
                    box.position_x < left - _TOLERANCE
                    or box.position_x + box.margin_width() > right + _TOLERANCE
                )
            ):
                found.add(str(element.get(_MARK)))
    return found


def outside(document: Any) -> list[str]:
    """The text laid out beyond the text area of its page, in order, each piece once."""
    found: dict[str, None] = {}
    for page in document.pages:
        left, right = _text_area(page)
        for box in walk(page._page_box):
            if not isinstance(box, boxes.TextBox) or not box.text.strip():
                continue
            # Spaces kept at the end of a line (code: white-space pre-wrap) hang
            # past its end, as CSS has them do; they put no ink on the paper.
            trailing = len(box.text) - len(box.text.rstrip())
            hanging = trailing * _SPACE * float(box.style["font_size"])
            if (
                box.position_x < left - _TOLERANCE - hanging
                or box.position_x + box.width > right + _TOLERANCE + hanging
            ):
                found.setdefault(" ".join(box.text.split()))
    return list(found)


def _with_class(markup: str, numbers: set[str], name: str) -> str:
    """``markup`` with the class ``name`` on the tables numbered ``numbers``."""

    def add(match: re.Match[str]) -> str:
        return match[0] + f' class="{name}"' if match[1] in numbers else match[0]

    return re.sub(rf'<table {_MARK}="(\d+)"', add, markup)


def _as_records(markup: str, numbers: set[str]) -> str:
    """``markup`` with each table numbered ``numbers`` written as records."""
    for number in sorted(numbers, key=int):
        start = markup.find(f'<table {_MARK}="{number}"')
        end = _table_end(markup, start)
        if start < 0 or end < 0:
            continue
        markup = markup[:start] + records(markup[start:end]) + markup[end:]
    return markup


def _table_end(markup: str, start: int) -> int:
    """The index just after the ``</table>`` that closes the table opened at ``start``."""
    depth = 0
    for match in re.compile(r"<(/?)table(?=[\s>])").finditer(markup, start):
        depth += -1 if match[1] else 1
        if depth == 0:
            close = markup.find(">", match.end())
            return close + 1
    return -1


_BLOCKS = re.compile(r"<(?:p|div|ul|ol|dl|pre|blockquote|table|figure)(?=[\s>])")


def records(table_html: str) -> str:
    """A table's HTML as records: a block a row, each cell led by its column's heading."""
    table = lxml.html.fragment_fromstring(table_html)
    headings = [_inner(cell) for cell in table.xpath("./thead/tr[last()]/th|./thead/tr[last()]/td")]
    parts = ['<div class="table-records">']
    for caption in table.xpath("./caption"):
        parts.append(f'<p class="table-caption">{_inner(caption)}</p>')
    for row in table.xpath("./tbody/tr|./tr|./tfoot/tr"):
        parts.append('<div class="table-record">')
        for column, cell in enumerate(row.xpath("./th|./td")):
            content = _inner(cell)
            if not content.strip():
                continue
            label = headings[column] if column < len(headings) else ""
            lead = f"<strong>{label}:</strong> " if label.strip() else ""
            tag = "div" if _BLOCKS.search(content) else "p"
            parts.append(f"<{tag}>{lead}{content}</{tag}>")
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def _inner(element: Any) -> str:
    """The HTML inside ``element``."""
    text = html.escape(element.text or "", quote=False)
    return text + "".join(
        lxml.html.tostring(child, encoding="unicode", with_tail=True) for child in element
    )

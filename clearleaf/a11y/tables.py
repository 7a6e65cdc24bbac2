"""Tables: every table has a header row (WCAG 2.2 SC 1.3.1 Info and Relationships).

A table without one is published as a table for layout (``role="presentation"``,
and ``Div`` rather than ``Table`` in the PDFs: see :mod:`clearleaf.fragment`), so
that no reader is promised column relationships the table does not state.

Without a header row a screen reader cannot say which column a cell is in,
and the HTML has no ``<th>`` to give a scope.
"""

from __future__ import annotations

from collections.abc import Iterator

from clearleaf import ast
from clearleaf.a11y.source import Finding, Node, Source, elements
from clearleaf.ast import stringify
from clearleaf.document import Document


def has_header(table: Node) -> bool:
    """Whether a pandoc ``Table`` has a header row with at least one non-empty cell."""
    for row in ast.head_rows(table):
        for cell in ast.cells(row):
            if stringify(ast.cell_blocks(cell)).strip():
                return True
    return False


def table_header(document: Document, source: Source) -> Iterator[Finding]:
    """Tables whose header row is missing or empty."""
    found = elements(document.blocks, "Table")
    offsets = source.tables
    for number, node in enumerate(found):
        if has_header(node):
            continue
        offset = offsets[number] if number < len(offsets) else source.body_start
        yield Finding(
            offset,
            "table has no header row, so every edition publishes it as a table for layout, "
            "read cell by cell; if it holds data, give each column a heading in the first "
            "row, followed by a separator line such as '|------|------|' (in an HTML table, "
            "<th> cells in <thead>)",
        )

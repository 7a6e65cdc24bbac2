"""Accessibility repairs to pandoc's HTML body, shared by the web page, the EPUB and the PDF."""

from __future__ import annotations

import re

# Pandoc writes header cells only in a table's header row (pipe, grid and
# simple tables have no row headers), so every <th> is a column header.
_TH = re.compile(r"<th(?=[\s>])")
_TABLE_OPEN = re.compile(r"<table(?=[\s>])")


def enhance(fragment: str) -> str:
    """Give header cells a scope (WCAG 1.3.1) and let wide tables scroll on their own (1.4.10)."""
    fragment = _TH.sub('<th scope="col"', fragment)
    fragment = _TABLE_OPEN.sub('<div class="table-wrap"><table', fragment)
    return fragment.replace("</table>", "</table></div>")

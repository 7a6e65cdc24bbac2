"""Accessibility repairs to pandoc's HTML body, shared by the web page, the EPUB and the PDF."""

from __future__ import annotations

import re

# Pandoc writes header cells only in a table's header row (pipe, grid and
# simple tables have no row headers), so every <th> is a column header.
_TH = re.compile(r"<th(?=[\s>])")
_TABLE_OPEN = re.compile(r"<table(?=[\s>])")
# Pandoc (3.9) leaves the alt attribute out when the alt text is empty, as for
# ![](rule.png){.decorative}. pandoc escapes '>' in attribute values, so a
# tag ends at the first '>'.
_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\salt=)(?=[\s/>])")


def enhance(fragment: str) -> str:
    """Give header cells a scope (WCAG 1.3.1) and let wide tables scroll on their own (1.4.10).

    An image without an alt attribute gets an empty one: the source checks
    (``a11y.img-alt``) let only decorative images through without alt text, and
    ``alt=""`` tells assistive technology to skip them rather than read out
    the file name (WCAG 1.1.1, H67).
    """
    fragment = _TH.sub('<th scope="col"', fragment)
    fragment = _IMG_WITHOUT_ALT.sub('<img alt=""', fragment)
    fragment = _TABLE_OPEN.sub('<div class="table-wrap"><table', fragment)
    return fragment.replace("</table>", "</table></div>")

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
# Pandoc wraps a footnote reference's number in <sup> inside the link; put the
# link inside instead, so that the PDF's link annotation belongs to a Link tag.
_NOTE_REF = re.compile(r'(<a [^>]*class="footnote-ref"[^>]*>)<sup>(.*?)</sup></a>', re.DOTALL)
#: The heading the footnotes section gets; tables of contents list it too.
NOTES_ID = "footnotes-heading"
NOTES_TITLE = "Notes"
# The notes section has a rule where its heading should be (WCAG 1.3.1, 2.4.6).
_NOTES = re.compile(r'<section id="footnotes"([^>]*)>\s*<hr />')


def enhance(fragment: str) -> str:
    """Give header cells a scope (WCAG 1.3.1) and let wide tables scroll on their own (1.4.10).

    Footnotes get a "Notes" heading, and each reference a link that is the
    number itself.

    An image without an alt attribute gets an empty one: the source checks
    (``a11y.img-alt``) let only decorative images through without alt text, and
    ``alt=""`` tells assistive technology to skip them rather than read out
    the file name (WCAG 1.1.1, H67).
    """
    fragment = _TH.sub('<th scope="col"', fragment)
    fragment = _NOTE_REF.sub(r"<sup>\1\2</a></sup>", fragment)
    fragment = _NOTES.sub(
        rf'<section id="footnotes"\1 aria-labelledby="{NOTES_ID}">'
        f'\n<h2 id="{NOTES_ID}">{NOTES_TITLE}</h2>',
        fragment,
    )
    fragment = _IMG_WITHOUT_ALT.sub('<img alt=""', fragment)
    fragment = _TABLE_OPEN.sub('<div class="table-wrap"><table', fragment)
    return fragment.replace("</table>", "</table></div>")

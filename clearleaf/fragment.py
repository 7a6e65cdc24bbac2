"""Accessibility repairs to pandoc's HTML body, shared by the web page, the EPUB and the PDF."""

from __future__ import annotations

import re
from collections.abc import Sequence

# Pandoc's Markdown tables have header cells only in their header row; a
# table written in HTML may also have them at the start of body rows, where
# they head their row.
_TH = re.compile(r"<th(?=[\s>])")
_THEAD = re.compile(r"<thead>.*?</thead>", re.DOTALL)
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


def enhance(fragment: str, lists: Sequence[tuple[int, str, str]] = ()) -> str:
    """Give header cells a scope, column or row (WCAG 1.3.1), mark a table without them as
    one for layout, and let wide tables scroll on their own (1.4.10).

    ``lists`` are the body's numbered lists (:func:`clearleaf.ast.ordered_lists`):
    each ``<ol>`` gets the delimiter its list was written with.

    Footnotes get a "Notes" heading, and each reference a link that is the
    number itself.

    An image without an alt attribute gets an empty one: the source checks
    (``a11y.img-alt``) let only decorative images through without alt text, and
    ``alt=""`` tells assistive technology to skip them rather than read out
    the file name (WCAG 1.1.1, H67).
    """
    if lists:
        fragment = _OL.sub(_Numbering(lists), fragment)
    fragment = _TH.sub('<th scope="row"', fragment)
    fragment = _THEAD.sub(
        lambda head: head[0].replace('<th scope="row"', '<th scope="col"'), fragment
    )
    fragment = _NOTE_REF.sub(r"<sup>\1\2</a></sup>", fragment)
    fragment = _NOTES.sub(
        rf'<section id="footnotes"\1 aria-labelledby="{NOTES_ID}">'
        f'\n<h2 id="{NOTES_ID}">{NOTES_TITLE}</h2>',
        fragment,
    )
    fragment = _IMG_WITHOUT_ALT.sub('<img alt=""', fragment)
    fragment = _LAYOUT_TABLE.sub(_layout, fragment)
    fragment = _TABLE_OPEN.sub(_Scrollers(), fragment)
    return fragment.replace("</table>", "</table></div>")


_OL = re.compile(r"<ol(?=[\s>])")

#: The classes that give a numbered list the style and the delimiter the
#: source wrote, ``a.``, ``iv)`` or ``(A)``: pandoc's HTML says the style in
#: the type attribute, which browsers read but WeasyPrint (without its
#: presentational hints) does not, and the delimiter nowhere. The styles
#: define a rule for each (base.css).
_STYLES = {
    "LowerAlpha": "list-lower-alpha",
    "UpperAlpha": "list-upper-alpha",
    "LowerRoman": "list-lower-roman",
    "UpperRoman": "list-upper-roman",
}
_DELIMITERS = {"OneParen": "list-paren", "TwoParens": "list-parens"}


class _Numbering:
    """Gives each ``<ol>``, in order, the classes of its list's style and delimiter."""

    def __init__(self, lists: Sequence[tuple[int, str, str]]) -> None:
        self.lists = iter(lists)

    def __call__(self, match: re.Match[str]) -> str:
        _start, style, delimiter = next(self.lists, (1, "", ""))
        names = [name for name in (_STYLES.get(style), _DELIMITERS.get(delimiter)) if name]
        return f'<ol class="{" ".join(names)}"' if names else match[0]


class _Scrollers:
    """Puts each table in a box of its own that scrolls sideways when it must (1.4.10).

    A box that scrolls is reachable from the keyboard (``tabindex``) and named
    as a region after its table (axe: scrollable-region-focusable), so that a
    keyboard user can scroll it and a screen reader says what it holds; two
    tables that would have one name get a number each (axe: landmark-unique).
    """

    def __init__(self) -> None:
        self.used: dict[str, int] = {}

    def __call__(self, match: re.Match[str]) -> str:
        name = _table_name(match.string[match.end() : match.end() + 4000])
        count = self.used[name] = self.used.get(name, 0) + 1
        if count > 1:
            name = f"{name} ({count})"
        return f'<div class="table-wrap" tabindex="0" role="region" aria-label="{name}"><table'


_CAPTION = re.compile(r"<caption[^>]*>(.*?)</caption>", re.DOTALL)
_FIRST_CELLS = re.compile(r"<t[hd](?=[\s>])[^>]*>(.*?)</t[hd]>", re.DOTALL)
_TAGS = re.compile(r"<[^>]*>")


def _table_name(table: str) -> str:
    """What a table is: its caption, or the words of its first cells (already escaped)."""
    end = table.find("</table>")
    table = table[: end if end >= 0 else len(table)]
    caption = _CAPTION.search(table)
    if caption:
        words = _TAGS.sub(" ", caption[1])
    else:
        row_end = table.find("</tr>")
        cells = _FIRST_CELLS.findall(table[: row_end if row_end >= 0 else len(table)])
        words = ", ".join(" ".join(_TAGS.sub(" ", cell).split()) for cell in cells)
    words = " ".join(words.split()).replace('"', "&quot;")
    return words[:150] or "table"


# A table and its content, up to the first end tag (pandoc's tables do not nest
# but for a table inside a cell, which then has its own header or not).
_LAYOUT_TABLE = re.compile(r"<table(?=[\s>])([^>]*)>(.*?)</table>", re.DOTALL)


def _layout(match: re.Match[str]) -> str:
    """A table without header cells as a layout table, read cell by cell (WCAG 1.3.1, F91).

    Without headers nothing says what a column means: announced as a data
    table, it would promise relationships it does not have. The source check
    ``a11y.table-header`` asks the editor for a header row.
    """
    if "<th" in match[2] or "<table" in match[2]:
        return match[0]
    return f'<table role="presentation"{match[1]}>{match[2]}</table>'

"""The printed leaflet's pages in every edition: where each page begins, and its markers.

The A5 leaflet is the pagination source (EPUB Accessibility 1.1, 2.4.3: an
EPUB made in one workflow with a paginated edition carries that edition's
page breaks and page list). After WeasyPrint has laid the leaflet out,
:func:`clearleaf.formats.pdf.pagination_of` reads the first words of each page
from its boxes, the main flow only (not the running footer, not list
markers); no PDF is parsed. The other
editions are made from the same text, so each finds those words in its own
text, in order, and puts the page's marker before them: in the middle of a
paragraph when the page turns there, at the word where it turns
(:func:`find`, :func:`mark_markup`).
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from clearleaf.document import Document
from clearleaf.errors import Diagnostic, note

#: How many of a page's first words are looked for: enough to tell a page's
#: start from the same words earlier in the text.
WORDS = 8

#: Landmarks a page marker never leaves: it stays in the part of the page it marks.
_LANDMARKS = frozenset({"main", "header", "footer", "nav", "aside", "article", "body", "html"})
#: Elements a span may not stand beside (a list's items, a table's rows and
#: cells): a marker goes before the list or the table when the page begins
#: with it, and inside the item or the cell when the page begins there.
_PARTS = frozenset(
    {
        "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "caption",
        "colgroup", "figcaption", "summary", "option", "optgroup",
    }
)  # fmt: skip
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>", re.DOTALL)
_HIDDEN = ("head", "style", "script", "template", "title")


@dataclass(frozen=True)
class Pagination:
    """The first words of each page of the printed leaflet, page 1 first."""

    starts: tuple[tuple[str, ...], ...]

    @property
    def pages(self) -> int:
        """How many pages the leaflet has."""
        return len(self.starts)


def normal(word: str) -> str:
    """A word as it is compared: punctuation at its ends, hyphens, case and width set
    aside (a word the leaflet hyphenated at a line's end is the same word)."""
    word = unicodedata.normalize("NFKC", word).casefold()
    word = re.sub(r"[-\u00ad\u2010\u2011]", "", word)
    return re.sub(r"^\W+|\W+$", "", word)


@dataclass(frozen=True)
class _Token:
    text: int  # which of the texts
    start: int
    word: str


def _tokens(texts: Sequence[str]) -> list[_Token]:
    """The words of ``texts``; each starts where the symbols right before it start
    ("© 2026" begins at the "©": a page that begins with it has them first)."""
    found = []
    for index, text in enumerate(texts):
        lead: int | None = None
        for match in re.finditer(r"\S+", text):
            word = normal(match[0])
            if not word:
                lead = match.start() if lead is None else lead
                continue
            found.append(_Token(index, match.start() if lead is None else lead, word))
            lead = None
    return found


def find(pagination: Pagination, texts: Sequence[str]) -> list[tuple[int, int] | None]:
    """Where each page begins in ``texts`` (the edition's text, in reading order): the
    index of the text and the offset in it; ``None`` for a page whose words are not found.

    First the pages whose first words are all there, in order: each is looked
    up in an index of the words, after the page before. Then each other page
    (one the edition words differently, or that begins with the end of a word
    hyphenated across the turn) is looked for with fewer words, but only
    between its neighbours: a weak match far ahead (two words that recur in
    a later chapter) would otherwise pull every later page past its place.
    """
    tokens = _tokens(texts)
    positions: dict[str, list[int]] = {}
    for index, token in enumerate(tokens):
        positions.setdefault(token.word, []).append(index)
    wanted = [[word for word in (normal(w) for w in words) if word] for words in pagination.starts]
    found: list[int | None] = [None] * len(wanted)
    cursor = 0
    for page, words in enumerate(wanted):
        at = _exact(tokens, positions, words, cursor) if len(words) >= 2 else None
        if at is not None:
            found[page] = at
            cursor = at + 1
    cursor = 0
    for page, words in enumerate(wanted):
        at = found[page]
        if at is None and words:
            limit = next((later for later in found[page + 1 :] if later is not None), len(tokens))
            at = found[page] = _search(tokens, words, cursor, limit)
        if at is not None:
            cursor = at + 1
    return [None if at is None else (tokens[at].text, tokens[at].start) for at in found]


def _exact(
    tokens: list[_Token], positions: dict[str, list[int]], wanted: list[str], cursor: int
) -> int | None:
    """The first token from ``cursor`` on where all of ``wanted`` begins, word for word."""
    candidates = positions.get(wanted[0], [])
    for index in candidates[bisect.bisect_left(candidates, cursor) :]:
        if index + len(wanted) > len(tokens):
            return None
        if all(tokens[index + k].word == wanted[k] for k in range(1, len(wanted))):
            return index
    return None


def _search(tokens: list[_Token], wanted: list[str], cursor: int, limit: int) -> int | None:
    """The first token from ``cursor`` on, before ``limit``, where ``wanted`` begins.

    When the edition words the rest differently, fewer words will do (never
    fewer than two when there are two); when the page opens with words only
    print has (the caption of its QR code), the words after them: the
    marker then stands before the first words the edition shares.
    """
    for skip in range(max(1, len(wanted) - 1)):
        rest = wanted[skip:]
        for length in range(len(rest), min(2, len(rest)) - 1, -1):
            head = rest[:length]
            for index in range(cursor, min(limit, len(tokens) - length + 1)):
                first = tokens[index].word
                if not (first == head[0] or first.endswith(head[0])):
                    continue
                if all(tokens[index + k].word == head[k] for k in range(1, length)):
                    return index
    return None


def visible(markup: str) -> tuple[str, list[int]]:
    """The text a reader sees in an HTML or XHTML ``markup``, and each character's index
    in ``markup``."""
    text: list[str] = []
    where: list[int] = []
    hidden = 0
    position = 0
    for match in _TAG.finditer(markup):
        if not hidden:
            _text(markup, position, match.start(), text, where)
        name = match[2].lower()
        if name in _HIDDEN and not match[3]:
            hidden += -1 if match[1] else 1
            hidden = max(hidden, 0)
        position = match.end()
    if not hidden:
        _text(markup, position, len(markup), text, where)
    return "".join(text), where


def _text(markup: str, start: int, end: int, text: list[str], where: list[int]) -> None:
    for match in re.finditer(r"&#?\w+;|[^&]+|&", markup[start:end]):
        piece = html.unescape(match[0])
        for offset, char in enumerate(piece):
            text.append(char)
            where.append(start + match.start() + (offset if len(piece) == len(match[0]) else 0))


def insertion_point(markup: str, index: int) -> int:
    """Where a marker for text starting at ``index`` goes: before the elements that open
    right there (a heading, a paragraph, a list or table whose first words they are),
    so that it is no heading's or link's first word, but never between a list and its
    items or a table and its rows, and never out of its landmark."""
    point = best = index
    while True:
        opening = re.search(r"<([A-Za-z][A-Za-z0-9]*)\b[^<>]*>\s*$", markup[:point])
        if opening is None or opening[0].endswith("/>"):
            return best
        name = opening[1].lower()
        if name in _LANDMARKS:
            return best
        point = opening.start()
        if name not in _PARTS:
            best = point


def block_start(markup: str, index: int) -> int:
    """Where the block holding the text at ``index`` begins: before the paragraph,
    heading or code block, or at the start of a list item or a cell (where a marker
    may stand without entering the text's runs, its code or its words)."""
    blocks = re.compile(
        r"<(p|h[1-6]|pre|blockquote|li|td|th|dt|dd|figcaption|caption|summary)\b[^<>]*>", re.I
    )
    openings = list(blocks.finditer(markup, 0, index))
    opening = openings[-1] if openings else None
    if opening is None:
        return index
    if opening[1].lower() in _PARTS:
        return opening.end()
    return opening.start()


def mark_markup(
    markups: Sequence[str],
    pagination: Pagination,
    marker: Callable[[int], str],
    at_blocks: bool = False,
) -> tuple[list[str], list[tuple[int, int]], list[int]]:
    """``markups`` (an edition's documents, in reading order) with ``marker(n)`` where each
    printed page ``n`` begins; where each page's marker went (document, page); and the
    pages whose first words are not in them (marked where the page before begins).

    With ``at_blocks``, a marker stands at the start of the block the page begins in,
    never inside its text.
    """
    seen = [visible(markup) for markup in markups]
    places = find(pagination, [text for text, _ in seen])
    inserts: dict[int, list[tuple[int, int]]] = {}
    placed: list[tuple[int, int]] = []
    last = (0, 0)
    missing = [number for number, place in enumerate(places, start=1) if place is None]
    for number, place in enumerate(places, start=1):
        if place is None:
            # Not found: at the previous page's place, so that the page list stays whole.
            place = last
        document, offset = place
        _, where = seen[document]
        index = where[offset] if offset < len(where) else len(markups[document])
        point = (block_start if at_blocks else insertion_point)(markups[document], index)
        inserts.setdefault(document, []).append((point, number))
        placed.append((document, number))
        last = place
    marked = []
    for document, markup in enumerate(markups):
        for point, number in sorted(
            inserts.get(document, []), key=lambda item: (-item[0], -item[1])
        ):
            markup = markup[:point] + marker(number) + markup[point:]
        marked.append(markup)
    return marked, placed, missing


#: What the plain text writes before a list item's words: the page's line goes before it.
_LIST_MARKER = re.compile(r"^\s*(?:[-*\u2022]|\(?\w{1,4}[.)])\s*$")


def mark_text(
    text: str, pagination: Pagination, label: Callable[[int], str]
) -> tuple[str, list[int]]:
    """The plain ``text`` with a line ``label(n)`` where each printed page ``n`` turns, and
    the pages whose first words are not in it (marked where the page before begins).

    The text begins where page 1 does, so its first line is the title, not a
    marker. A page that begins inside a paragraph breaks its line there.
    """
    places = find(pagination, [text])
    missing = [number for number, place in enumerate(places, start=1) if place is None]
    points: list[tuple[int, int]] = []
    last = 0
    for number, place in enumerate(places, start=1):
        offset = last if place is None else place[1]
        if number > 1:
            points.append((offset, number))
        last = offset
    for offset, number in sorted(points, key=lambda item: (-item[0], -item[1])):
        line_start = text.rfind("\n", 0, offset) + 1
        if text.startswith("    ", line_start):
            # Code (indented four spaces) is never broken: the line goes before
            # the line of code the page begins in.
            text = text[:line_start] + f"{label(number)}\n" + text[line_start:]
        elif text[line_start:offset].strip() and not _LIST_MARKER.match(text[line_start:offset]):
            # Inside a line: it breaks at the word where the page turns.
            text = text[:offset].rstrip(" ") + f"\n{label(number)}\n" + text[offset:]
        else:
            text = text[:line_start] + f"{label(number)}\n" + text[line_start:]
    return text, missing


def unplaced(document: Document, edition: str, missing: Sequence[int]) -> tuple[Diagnostic, ...]:
    """The note for pages of the leaflet whose first words ``edition`` does not have."""
    if not missing:
        return ()
    pages = ", ".join(str(number) for number in missing)
    return (
        note(
            document.path,
            "pagination.unplaced",
            f"the {edition} has no text where page(s) {pages} of the printed leaflet begin "
            "(the leaflet shows something the other editions word differently); their markers "
            "stand where the page before begins",
        ),
    )

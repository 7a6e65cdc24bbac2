"""Where a construct of the AST is in the source file, for diagnostics an editor can jump to.

Pandoc's Markdown reader keeps no source positions, so each construct is found
again in the text. The search runs over a *masked* copy of the source, of the
same length, in which the front matter, HTML comments and code are blanked
out: a heading or a link inside a code sample, or in an editor's note, is not
the one a diagnostic is about. Constructs are matched to the AST in document
order (by address for images and links, by level and words for headings, by
their text for raw HTML), so that two images with the same problem get two
different lines.

One :class:`Source` is made per source file (:func:`source_of`), and every
stage that reports a position asks it: reading and sanitising the body as
well as the accessibility checks.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

__all__ = [
    "FENCE_CLOSE",
    "FENCE_OPEN",
    "Finding",
    "HeadingLine",
    "Source",
    "front_matter_close",
    "source_of",
]

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# A code span cannot cross a blank line (it would end the paragraph).
_CODE_SPAN = re.compile(r"(`+)(?:(?!\n[ \t]*\n).)+?(?<!`)\1(?!`)", re.DOTALL)

# ATX headings, also inside block quotes and list items (``> ## A``, ``- ## A``).
# Indented by four or more, pandoc reads the line as text, not a heading.
_ATX = re.compile(
    r"^(?P<prefix>(?:[ \t]*(?:>|[-*+]|\d+[.)])[ \t]+|[ \t]*>)*)[ \t]{0,3}(?P<marks>#{1,6})"
    r"(?=[ \t]|$)(?P<text>.*)$",
    re.M,
)
_SETEXT_UNDERLINE = re.compile(r"^[ \t]{0,3}(=+|-{2,})[ \t]*$")
# Lines after which a block starts, so that a '#' line that follows one is a
# heading although no blank line comes between: a fenced div's fence, a
# thematic break or setext underline, a line that is only an HTML tag.
_BLOCK_END = re.compile(
    r"^[ \t]*(?::{3,}.*|[-*_][ \t]*(?:[-*_][ \t]*){2,}|=+|</?[A-Za-z][^>]*>)[ \t]*$"
)
# Attributes and closing marks at the end of an ATX heading line.
_HEADING_TAIL = re.compile(r"(?:[ \t]+#+)?[ \t]*(?:\{[^}]*\})?[ \t]*$")

# Tables: a pipe table's separator row, a grid table's border, or the dashed
# line of a simple or multiline table (two or more column groups).
_TABLE_LINE = re.compile(
    r"^[ \t]*(?:"
    r"\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?"  # | --- | --- |
    r"|\|[ \t]*:?-+:?[ \t]*\|"  # |---| (one column)
    r"|\+[-=:]+(?:\+[-=:]+)*\+"  # +----+----+
    r"|-{2,}(?:[ \t]+-{2,})+"  # -----  -----
    r")[ \t]*$"
)
_CAPTION = re.compile(r"^[ \t]*(?:Table)?:[ \t]")
_HTML_TABLE = re.compile(r"<table(?=[\s>/])", re.IGNORECASE)
# A heading written in HTML, with its words up to its end tag or a blank line.
_HTML_HEADING = re.compile(
    r"<h([1-6])(?=[\s>])[^>]*>(.*?)(?:</h\1\s*>|\n[ \t]*\n|$)", re.IGNORECASE | re.DOTALL
)
_TAG = re.compile(r"<[^>]*>")

# Inline links and images: ``](address``; the text starts at the matching ``[``.
_INLINE_TARGET = re.compile(r"\]\([ \t]*(<[^>\n]*>|[^\s)]*)")
_AUTOLINK = re.compile(r"<((?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]+)|(?:[^\s<>@]+@[^\s<>@]+))>")
_REFERENCE_DEFINITION = re.compile(r"^[ \t]{0,3}\[([^\]^][^\]]*)\]:[ \t]*<?([^\s>]+)>?", re.M)
_REFERENCE_USE = re.compile(r"\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\](?:[ \t]?\[([^\]\n]*)\])?")
_HTML_HREF = re.compile(r"<a\s[^>]*?\bhref\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)


@dataclass(frozen=True)
class Finding:
    """A problem a check found: where it is (an offset into the source) and what to do."""

    offset: int
    message: str


@dataclass(frozen=True)
class HeadingLine:
    """A line of the source written as a heading.

    ``read`` is False for a line pandoc reads as text of the paragraph above
    it (an ATX heading needs a blank line before it): every edition then
    prints its '#' marks.
    """

    level: int
    offset: int
    text: str
    read: bool = True


def _blank(text: str) -> str:
    """``text`` with every character but line breaks turned into a space."""
    return re.sub(r"[^\n]", " ", text)


def _label(text: str) -> str:
    """A reference label as pandoc compares them: case and spacing do not matter."""
    return " ".join(text.split()).casefold()


def words_key(text: str) -> str:
    """Letters and digits of ``text``, case folded: how headings are compared with their line."""
    text = re.sub(r"\]\([^)]*\)", "]", text)  # a link's address is not its words
    return "".join(char for char in unicodedata.normalize("NFC", text).casefold() if char.isalnum())


#: The lines that open and close the front matter (a YAML block, as pandoc reads it).
FENCE_OPEN = "---"
FENCE_CLOSE = ("---", "...")


def front_matter_close(lines: Sequence[str]) -> int | None:
    """The index of the line that closes the front matter the first of ``lines`` opens.

    ``None`` when the first line opens none, or it is never closed. The one
    rule for where the front matter ends: reading, masking and every check
    that looks at the front matter ask it.
    """
    if not lines or lines[0].rstrip() != FENCE_OPEN:
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in FENCE_CLOSE:
            return index
    return None


@dataclass(frozen=True)
class Source:
    """The text of one source file, with helpers that turn constructs into positions.

    Made once per file (:func:`source_of`) and carried on the document, so
    that every stage that reports a line finds it the same way.
    """

    text: str
    masked: str
    _line_starts: tuple[int, ...] = field(repr=False)
    #: The index of the line closing the front matter (None: there is none, or it is open).
    front_matter_close: int | None = None

    @classmethod
    def parse(cls, text: str) -> Source:
        """Prepare ``text`` (LF line endings, front matter included) for searching."""
        lines = text.split("\n")
        close = front_matter_close(lines)
        masked = _mask(lines, close)
        starts = (0, *(match.end() for match in re.finditer("\n", text)))
        return cls(text, masked, starts, close)

    # -- positions ------------------------------------------------------------

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of ``offset``."""
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def line_start(self, line: int) -> int:
        """The offset where the 1-based ``line`` starts."""
        return self._line_starts[min(max(line, 1), len(self._line_starts)) - 1]

    @functools.cached_property
    def body_start(self) -> int:
        """The offset of the first visible character of the body: the last-resort position."""
        match = re.search(r"\S", self.masked)
        return match.start() if match else 0

    @property
    def front_matter_end(self) -> int:
        """The offset of the line after the front matter's closing line (0 when there is none)."""
        if self.front_matter_close is None:
            return 0
        if self.front_matter_close + 1 < len(self._line_starts):
            return self._line_starts[self.front_matter_close + 1]
        return len(self.text)

    def locate_text(
        self, piece: str, *, masked: bool = False, fold_case: bool = False
    ) -> tuple[int, int]:
        """The line and column where ``piece`` first is, in the body before the front matter;
        (0, 0) when it is nowhere.

        ``masked``: only where the text is read (not in code, comments or the
        front matter); ``fold_case``: in any case.
        """
        if not piece:
            return 0, 0
        haystack = self.masked if masked else self.text
        if fold_case:
            haystack, piece = (self._folded_masked if masked else self._folded_text), piece.lower()
        found = haystack.find(piece, self.front_matter_end)
        if found < 0:
            found = haystack.find(piece)
        return self.position(found) if found >= 0 else (0, 0)

    @functools.cached_property
    def _folded_text(self) -> str:
        return _lower(self.text)

    @functools.cached_property
    def _folded_masked(self) -> str:
        return _lower(self.masked)

    def front_matter_key(self, key: str) -> int | None:
        """The offset of the top-level ``key:`` line of the front matter, if it is there."""
        match = re.compile(rf"^{re.escape(key)}[ \t]*:", re.M).search(
            self.text, 0, self.front_matter_end
        )
        return match.start() if match else None

    def search(self, pattern: str | re.Pattern[str], start: int = 0) -> int | None:
        """The offset of the first match of ``pattern`` at or after ``start``, else before it."""
        compiled = re.compile(pattern)
        match = compiled.search(self.masked, start) or compiled.search(self.masked)
        return match.start() if match else None

    # -- constructs -----------------------------------------------------------

    @functools.cached_property
    def heading_lines(self) -> list[HeadingLine]:
        """Every line written as a heading, in order, read by pandoc as one or not."""
        found: list[HeadingLine] = []
        lines = self.masked.split("\n")
        for number, line in enumerate(lines):
            match = _ATX.match(line)
            if match:
                previous = lines[number - 1] if number else ""
                # Pandoc's Markdown needs a blank line before an ATX heading
                # unless it opens a list item or quote, or follows a block
                # that has ended (another heading, a fence, a rule, a tag).
                read = bool(
                    match["prefix"]
                    or not previous.strip()
                    or _ATX.match(previous)
                    or _BLOCK_END.match(previous)
                )
                text = _HEADING_TAIL.sub("", match["text"]).strip()
                offset = self._line_starts[number] + match.start("marks")
                found.append(HeadingLine(len(match["marks"]), offset, text, read))
                continue
            underline = _SETEXT_UNDERLINE.match(line)
            above = lines[number - 1] if number else ""
            before = lines[number - 2] if number > 1 else ""
            if (
                underline
                and above.strip()
                and not _ATX.match(above)
                and "|" not in above
                and not _TABLE_LINE.match(line)
                and (not before.strip() or _ATX.match(before) or _BLOCK_END.match(before))
                and not _BLOCK_END.match(above)
            ):
                start = self._line_starts[number - 1]
                indent = len(above) - len(above.lstrip())
                level = 1 if underline[1][0] == "=" else 2
                text = _HEADING_TAIL.sub("", above).strip()
                found.append(HeadingLine(level, start + indent, text))
        for match in _HTML_HEADING.finditer(self.masked):
            text = " ".join(_TAG.sub(" ", match[2]).split())
            found.append(HeadingLine(int(match[1]), match.start(), text))
        return sorted(found, key=lambda line: line.offset)

    @functools.cached_property
    def headings(self) -> list[tuple[int, int]]:
        """Every heading pandoc reads in the source: (level, offset of its first mark or letter)."""
        return [(line.level, line.offset) for line in self.heading_lines if line.read]

    def locate_headings(self, headings: Iterable[tuple[int, str] | int]) -> list[int]:
        """The offset of each heading of the AST, given in document order.

        Each heading is its level as written in the source, with its words
        when known: the next line of that level with the same words is the
        heading's, or else the next line of that level. A level alone is a
        heading whose words are not known.
        """
        offsets: list[int] = []
        candidates = [line for line in self.heading_lines if line.read]
        keys = [words_key(line.text) for line in candidates]
        index = 0
        for item in headings:
            level, words = (item, None) if isinstance(item, int) else item
            wanted = words_key(words) if words is not None else None
            probe = _next(candidates, keys, index, level, wanted)
            if probe is None and wanted is not None:
                probe = _next(candidates, keys, index, level, None)
            if probe is None:
                offsets.append(offsets[-1] if offsets else self.body_start)
                continue
            offsets.append(candidates[probe].offset)
            index = probe + 1
        return offsets

    @functools.cached_property
    def tables(self) -> list[int]:
        """The offset of the first line of every table (its caption excluded), HTML ones too."""
        found: list[int] = []
        lines = self.masked.split("\n")
        number = 0
        while number < len(lines):
            if not _TABLE_LINE.match(lines[number]):
                number += 1
                continue
            # The table starts at the top of its paragraph (a header row above
            # the separator, or the dashed line itself), after any caption.
            first = number
            while first > 0 and lines[first - 1].strip():
                first -= 1
            while first < number and _CAPTION.match(lines[first]):
                first += 1
            line = lines[first]
            found.append(self._line_starts[first] + len(line) - len(line.lstrip()))
            # Skip the rest of this table's paragraph.
            while number < len(lines) and lines[number].strip():
                number += 1
        found.extend(match.start() for match in _HTML_TABLE.finditer(self.masked))
        return sorted(found)

    @functools.cached_property
    def _targets(self) -> dict[tuple[bool, str], list[int]]:
        """Offsets of every image (True) and link (False) in the source, by address."""
        found: dict[tuple[bool, str], list[int]] = defaultdict(list)
        masked = self.masked
        for match in _INLINE_TARGET.finditer(masked):
            opener = _opening_bracket(masked, match.start())
            if opener is None:
                continue
            image = opener > 0 and masked[opener - 1] == "!"
            address = match[1].strip("<>")
            found[image, address].append(opener - 1 if image else opener)
        for match in _AUTOLINK.finditer(masked):
            address = match[1]
            if "@" in address and ":" not in address:
                address = "mailto:" + address
            found[False, address].append(match.start())
        for match in _HTML_HREF.finditer(masked):
            address = next(group for group in match.groups() if group is not None)
            found[False, address].append(match.start())
        definitions = {
            _label(match[1]): (match.start(), match[2])
            for match in _REFERENCE_DEFINITION.finditer(masked)
        }
        for match in _REFERENCE_USE.finditer(masked):
            after = masked[match.end() : match.end() + 1]
            if after in ("(", ":") and not match[2]:
                continue
            label = _label(match[2] or match[1])
            if not label or label not in definitions or definitions[label][0] == match.start():
                continue
            image = match.start() > 0 and masked[match.start() - 1] == "!"
            offset = match.start() - 1 if image else match.start()
            found[image, definitions[label][1]].append(offset)
        return {key: sorted(offsets) for key, offsets in found.items()}

    def locate_targets(self, nodes: Iterable[tuple[bool, str]]) -> list[int]:
        """The offset of each image (True) or link (False) of the AST, given their addresses."""
        queues = {key: list(offsets) for key, offsets in self._targets.items()}
        offsets: list[int] = []
        for image, address in nodes:
            # Pandoc percent-encodes what an address may not hold ({{ }}, spaces).
            queue = queues.get((image, address)) or queues.get((image, unquote(address)))
            if queue:
                offsets.append(queue.pop(0))
            else:
                # Written in a way the scan does not know (pandoc may normalise
                # an address): its first mention is the best line there is.
                index = self.masked.find(address) if address else -1
                if index < 0 and address:
                    index = self.masked.find(unquote(address))
                offsets.append(index if index >= 0 else self.body_start)
        return offsets

    def locate_raw(self, pieces: Iterable[str]) -> list[int]:
        """The offset of each piece of raw HTML of the AST, given in document order.

        Pandoc keeps raw HTML as written, so each piece is found verbatim,
        searching on from the last one found; a piece not found (pandoc
        normalised it) gets the position of the one before it.
        """
        offsets: list[int] = []
        cursor = 0
        for piece in pieces:
            needle = piece.strip().split("\n", 1)[0]
            index = self.masked.find(needle, cursor) if needle else -1
            if index < 0 and needle:
                index = self.masked.lower().find(needle.lower(), cursor)
            if index < 0:
                offsets.append(offsets[-1] if offsets else self.body_start)
                continue
            offsets.append(index)
            cursor = index + len(needle)
        return offsets


def _next(
    candidates: list[HeadingLine], keys: list[str], start: int, level: int, wanted: str | None
) -> int | None:
    """The index of the next heading line from ``start`` of ``level`` (and words ``wanted``)."""
    for probe in range(start, len(candidates)):
        if candidates[probe].level == level and (wanted is None or keys[probe] == wanted):
            return probe
    return None


def _opening_bracket(text: str, close: int) -> int | None:
    """The ``[`` that the ``]`` at ``close`` closes (brackets nest in link text)."""
    depth = 0
    for index in range(close, -1, -1):
        char = text[index]
        if char == "]" and (index == 0 or text[index - 1] != "\\"):
            depth += 1
        elif char == "[" and (index == 0 or text[index - 1] != "\\"):
            depth -= 1
            if depth == 0:
                return index
        elif char == "\n" and index > 0 and text[index - 1] == "\n":
            return None  # a blank line: link text never crosses a paragraph
    return None


def _lower(text: str) -> str:
    """``text`` in lower case, for searches in any case, with its offsets unchanged.

    ``lower()`` keeps the length of almost every text; where it does not (a
    few letters grow, as "İ" does), offsets would drift, so the text is
    searched as it is.
    """
    folded = text.lower()
    return folded if len(folded) == len(text) else text


def _mask(lines: list[str], close: int | None) -> str:
    """The text of ``lines`` with the front matter (closed at line ``close``), fenced code,
    comments and code spans blanked out."""
    out: list[str] = []
    index = 0
    if close is not None:
        out.extend(_blank(line) for line in lines[: close + 1])
        index = close + 1
    fence: str | None = None
    for line in lines[index:]:
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match[1]
            out.append(_blank(line))
        elif fence is not None:
            if match and match[1][0] == fence[0] and len(match[1]) >= len(fence):
                fence = None
            out.append(_blank(line))
        else:
            out.append(line)
    masked = "\n".join(out)
    masked = _COMMENT.sub(lambda match: _blank(match[0]), masked)
    return _CODE_SPAN.sub(lambda match: _blank(match[0]), masked)


@functools.lru_cache(maxsize=16)
def source_of(text: str) -> Source:
    """The :class:`Source` for ``text``, made once however many stages ask for it."""
    return Source.parse(text)

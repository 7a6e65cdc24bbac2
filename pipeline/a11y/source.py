"""Where a construct of the AST is in the source file, for diagnostics an editor can jump to.

Pandoc's Markdown reader keeps no source positions, so each construct is found
again in the text. The search runs over a *masked* copy of the source, of the
same length, in which the front matter, HTML comments and code are blanked
out: a heading or a link inside a code sample, or in an editor's note, is not
the one a diagnostic is about. Constructs are matched to the AST in document
order (by address for images and links), so that two images with the same
problem get two different lines.
"""

from __future__ import annotations

import bisect
import contextlib
import contextvars
import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pipeline.ast import Elements, Node, walk

__all__ = ["Finding", "Node", "Source", "elements", "one_walk", "source_of", "walk"]

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# A code span cannot cross a blank line (it would end the paragraph).
_CODE_SPAN = re.compile(r"(`+)(?:(?!\n[ \t]*\n).)+?(?<!`)\1(?!`)", re.DOTALL)

# ATX headings, also inside block quotes and list items (``> ## A``, ``- ## A``).
# Indented by four or more, pandoc reads the line as text, not a heading.
_ATX = re.compile(
    r"^(?:[ \t]*(?:>|[-*+]|\d+[.)])[ \t]+|[ \t]*>)*[ \t]{0,3}(#{1,6})(?=[ \t]|$)", re.M
)
_SETEXT_UNDERLINE = re.compile(r"^[ \t]{0,3}(=+|-{2,})[ \t]*$")

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

# Inline links and images: ``](address``; the text starts at the matching ``[``.
_INLINE_TARGET = re.compile(r"\]\([ \t]*(<[^>\n]*>|[^\s)]*)")
_AUTOLINK = re.compile(r"<((?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]+)|(?:[^\s<>@]+@[^\s<>@]+))>")
_REFERENCE_DEFINITION = re.compile(r"^[ \t]{0,3}\[([^\]^][^\]]*)\]:[ \t]*<?([^\s>]+)>?", re.M)
_REFERENCE_USE = re.compile(r"\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\](?:[ \t]?\[([^\]\n]*)\])?")


@dataclass(frozen=True)
class Finding:
    """A problem a check found: where it is (an offset into the source) and what to do."""

    offset: int
    message: str


def _blank(text: str) -> str:
    """``text`` with every character but line breaks turned into a space."""
    return re.sub(r"[^\n]", " ", text)


def _label(text: str) -> str:
    """A reference label as pandoc compares them: case and spacing do not matter."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Source:
    """The text of one source file, with helpers that turn constructs into positions."""

    text: str
    masked: str
    _line_starts: tuple[int, ...] = field(repr=False)

    @classmethod
    def parse(cls, text: str) -> Source:
        """Prepare ``text`` (LF line endings, front matter included) for searching."""
        masked = _mask(text)
        starts = (0, *(match.end() for match in re.finditer("\n", text)))
        return cls(text, masked, starts)

    # -- positions ------------------------------------------------------------

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of ``offset``."""
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    @functools.cached_property
    def body_start(self) -> int:
        """The offset of the first visible character of the body: the last-resort position."""
        match = re.search(r"\S", self.masked)
        return match.start() if match else 0

    def search(self, pattern: str | re.Pattern[str], start: int = 0) -> int | None:
        """The offset of the first match of ``pattern`` at or after ``start``, else before it."""
        compiled = re.compile(pattern)
        match = compiled.search(self.masked, start) or compiled.search(self.masked)
        return match.start() if match else None

    # -- constructs -----------------------------------------------------------

    @functools.cached_property
    def headings(self) -> list[tuple[int, int]]:
        """Every heading in the source as (level, offset of its first mark or letter)."""
        found: list[tuple[int, int]] = []
        for match in _ATX.finditer(self.masked):
            found.append((len(match[1]), match.start(1)))
        lines = self.masked.split("\n")
        for number in range(1, len(lines)):
            underline = _SETEXT_UNDERLINE.match(lines[number])
            above = lines[number - 1]
            if underline and above.strip() and not _ATX.match(above) and "|" not in above:
                start = self._line_starts[number - 1]
                indent = len(above) - len(above.lstrip())
                found.append((1 if underline[1][0] == "=" else 2, start + indent))
        return sorted(found, key=lambda item: item[1])

    def locate_headings(self, levels: Iterable[int]) -> list[int]:
        """The offset of each heading of the AST, given their levels in document order."""
        offsets: list[int] = []
        candidates = self.headings
        index = 0
        for level in levels:
            # The next heading of the same level; pandoc ignores a '#' line that
            # is not a heading (no blank line before it), so skip such lines.
            for probe in range(index, len(candidates)):
                if candidates[probe][0] == level:
                    offsets.append(candidates[probe][1])
                    index = probe + 1
                    break
            else:
                offsets.append(offsets[-1] if offsets else self.body_start)
        return offsets

    @functools.cached_property
    def tables(self) -> list[int]:
        """The offset of the first line of every table (its caption excluded)."""
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
        return found

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
            queue = queues.get((image, address))
            if queue:
                offsets.append(queue.pop(0))
            else:
                # Written in a way the scan does not know (pandoc may normalise
                # an address): its first mention is the best line there is.
                index = self.masked.find(address) if address else -1
                offsets.append(index if index >= 0 else self.body_start)
        return offsets


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


def _mask(text: str) -> str:
    """``text`` with the front matter, fenced code, comments and code spans blanked out."""
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    if lines and lines[0].rstrip() == "---":
        for end in range(1, len(lines)):
            if lines[end].rstrip() in ("---", "..."):
                out.extend(_blank(line) for line in lines[: end + 1])
                index = end + 1
                break
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
    """The :class:`Source` for ``text``, made once however many checks ask for it."""
    return Source.parse(text)


def elements(blocks: list[Node], *kinds: str) -> list[Node]:
    """The elements of the types ``kinds`` inside ``blocks`` (nested ones included), in order.

    Within :func:`one_walk`, every check asking about the same blocks shares
    a single walk of them.
    """
    shared = _WALKS.get()
    if shared is None:
        return [node for node in walk(blocks) if node["t"] in kinds]
    found = shared.get(id(blocks))
    if found is None:
        found = shared[id(blocks)] = (blocks, Elements(blocks))
    return found[1].of_type(*kinds)


# The walks of the blocks being checked, by id(). The blocks are kept with
# their walk, so that no other object can take their id meanwhile.
_WALKS: contextvars.ContextVar[dict[int, tuple[list[Node], Elements]] | None] = (
    contextvars.ContextVar("_WALKS", default=None)
)


@contextlib.contextmanager
def one_walk() -> Iterator[None]:
    """Let the checks run inside share their walks of each document's AST.

    Each check asks for the elements it needs (headings, links, tables ...):
    alone, each walks the whole AST. The AST does not change while the checks
    run, so inside this block the first walk of it serves them all.
    """
    token = _WALKS.set({})
    try:
        yield
    finally:
        _WALKS.reset(token)

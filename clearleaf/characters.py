"""Characters no edition can hold, however the source writes them.

A control character (U+0000 to U+001F but tab and line breaks, U+007F to
U+009F) or one of the non-characters U+FFFE and U+FFFF cannot be shown by any
edition, and the e-book's XHTML, its package and the PDF's XMP are not well
formed XML with one. The source may write one in three ways, each refused at
the place it is written, with the code point named:

- as the character itself (``source.control-character``, when the file is
  read: :func:`clearleaf.document.load`);
- as an escape in a double-quoted YAML string (``"A\\x07B"``, ``"\\e"``,
  ``"\\0"``, ``"\\u0007"``) in the front matter, a key or a nested value
  included (``meta.control-character``, :func:`yaml_escape` finds which
  escape); a lone surrogate (``"\\ud800"``), which no UTF-8 file can hold,
  too;
- as a numeric character reference in the body (``&#7;``, ``&#x1B;``),
  which pandoc decodes, in text, addresses, attributes and HTML alike
  (``source.control-character``, :func:`check_body`). ``&#0;``, a surrogate
  (``&#xD800;``) or a number beyond Unicode are refused too: pandoc prints
  U+FFFD, the replacement character, for them.

A reference to U+0080 to U+009F is refused like the rest, although HTML5
reads it as the character Windows-1252 gives that number (``&#x93;`` as
U+201C, a quotation mark): pandoc does not, and neither does the e-book's
XHTML, so the editions would disagree. The message names that character, so
that the editor can write it instead.
"""

from __future__ import annotations

import collections
import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clearleaf.errors import PipelineError, input_error
from clearleaf.sourcemap import Source

#: What no edition can hold (see the module's docstring).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")

#: What no front-matter string may hold once YAML's escapes are decoded: the
#: above, and lone surrogates (``"\ud800"``), which UTF-8 cannot encode.
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

#: What a character no edition can hold is replaced with once it has been
#: reported, so that the rest of the checks run on the text (and print it) safely.
REPLACEMENT = "\ufffd"


def kind(code: int) -> str:
    """What the code point ``code`` is, for a message: "the control character U+0007"."""
    if 0xD800 <= code <= 0xDFFF:
        return f"U+{code:04X}, half of a surrogate pair"
    if code in (0xFFFE, 0xFFFF):
        return f"the non-character U+{code:04X}"
    return f"the control character U+{code:04X}"


def fix(code: int, what: str = "it") -> str:
    """How to mend a reference or escape to ``code``: delete ``what``, or, for a C1 control
    (U+0080 to U+009F), write the character Windows-1252 gives that number, which is what
    text with one usually meant."""
    meant = ""
    if 0x80 <= code <= 0x9F:
        with contextlib.suppress(UnicodeDecodeError):  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: none
            meant = bytes([code]).decode("cp1252")
    if not meant:
        return f"delete {what}"
    return (
        f"if you meant {meant} (U+{ord(meant):04X}), which Windows-1252 numbers {code:#04x}, "
        f"write {meant} itself; else delete {what}"
    )


# -- the front matter ---------------------------------------------------------------

# An escape in a double-quoted YAML scalar (YAML 1.1, as PyYAML reads them).
_YAML_ESCAPE = re.compile(r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[\s\S])")
_YAML_SIMPLE = {"0": 0x00, "a": 0x07, "b": 0x08, "v": 0x0B, "f": 0x0C, "e": 0x1B, "N": 0x85}


def yaml_escape(written: str) -> tuple[int, str, int] | None:
    """In ``written``, a double-quoted YAML scalar as the source writes it, the first escape
    that gives a character a front-matter string may not hold: its offset, its spelling and
    the code point it gives; None when there is none."""
    for match in _YAML_ESCAPE.finditer(written):
        escape = match[0]
        code = int(escape[2:], 16) if len(escape) > 2 else _YAML_SIMPLE.get(escape[1], 0x20)
        if code <= 0x10FFFF and UNWRITABLE.match(chr(code)):
            return match.start(), escape, code
    return None


def front_matter_error(
    path: Path, place: str, code: int, escape: str | None, where: tuple[int, int]
) -> PipelineError:
    """The error for the escape ``escape`` (of ``code``; None: not found) in ``place`` ("the
    value of 'title'", "a key"), at line and column ``where``."""
    written = f", written {escape}," if escape else ","
    # YAML's own escapes (\N, \e) mean their control; a number may be Windows-1252's.
    mend = fix(code, "the escape") if escape and escape[1] in "xuU" else "delete the escape"
    return input_error(
        path,
        "meta.control-character",
        f"{place} holds {kind(code)}{written} which no edition can show; {mend}",
        *where,
    )


# -- the body -----------------------------------------------------------------------

# A numeric character reference; as in HTML, the semicolon may be left out
# (pandoc's Markdown needs it, but not HTML's parsers).
_REFERENCE = re.compile(r"&#(?:[xX]([0-9A-Fa-f]+)|([0-9]+));?")


@dataclass(frozen=True)
class _Reference:
    """A numeric character reference of the source to a code point no edition can hold."""

    offset: int
    written: str
    code: int

    @property
    def read(self) -> str:
        """The character pandoc reads the reference as."""
        return _read(self.code)


def _code(match: re.Match[str]) -> int:
    """The code point a numeric reference names; past Unicode's last one, one past it."""
    digits, base = (match[1], 16) if match[1] is not None else (match[2], 10)
    digits = digits.lstrip("0") or "0"
    if len(digits) > 8:  # a long number: never int() on a megabyte of digits
        return 0x110000
    return min(int(digits, base), 0x110000)


def _read(code: int) -> str:
    """The character pandoc (and HTML) reads a reference to ``code`` as."""
    if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return REPLACEMENT
    return chr(code)


def _refused(code: int) -> bool:
    return _read(code) == REPLACEMENT or bool(CONTROL.match(chr(code)))


def _references(source: Source) -> list[_Reference]:
    """The references of the body's read text (not code, comments or the front matter) to
    code points no edition can hold, in order; one whose ``&`` a backslash escapes is text."""
    found: list[_Reference] = []
    masked = source.masked
    for match in _REFERENCE.finditer(masked, source.front_matter_end):
        code = _code(match)
        if not _refused(code):
            continue
        start = match.start()
        while start and masked[start - 1] == "\\":
            start -= 1
        if (match.start() - start) % 2 == 0:
            found.append(_Reference(match.start(), match[0], code))
    return found


def _strings(value: Any) -> Iterator[tuple[str, bool]]:
    """Every string in the AST ``value``, in document order, and whether it is raw HTML
    (whose references pandoc leaves as written, for an HTML parser to read)."""
    # A stack, not recursion: a recursive generator costs a frame per level for
    # each string (see clearleaf.ast.walk).
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        item, raw = stack.pop()
        if isinstance(item, str):
            yield item, raw
        elif isinstance(item, list):
            stack.extend((child, raw) for child in reversed(item))
        elif isinstance(item, dict):
            raw = item.get("t") in ("RawBlock", "RawInline")
            stack.extend((child, raw) for child in reversed(list(item.values())))


def _read_characters(text: str, raw: bool, replacements: bool) -> Iterator[str]:
    """What of ``text`` no edition can hold, in order, as pandoc read it; with
    ``replacements``, each U+FFFD too (it may stand for a reference to U+0000)."""
    if raw:
        # Pandoc reads the references in some raw HTML (a block's attributes)
        # and leaves the rest as written: both are read here.
        for match in _REFERENCE.finditer(text):
            code = _code(match)
            if _refused(code):
                yield _read(code)
    for char in text:
        if CONTROL.match(char) or (replacements and char == REPLACEMENT):
            yield char


def check_body(
    tree: dict[str, Any], path: Path, source: Source
) -> tuple[dict[str, Any], list[PipelineError]]:
    """``tree`` with every character no edition can hold replaced by U+FFFD, and an error for
    each such character of the body, at the reference that wrote it.

    What pandoc read decides (so that ``&#7;`` in code, which stays as it is
    written, is no mistake); the source says where: each character read is
    matched with the next reference, in the source's order, read as it.
    A character no reference wrote, which only a way of writing one this
    module does not know would give, is refused at the words before it.
    """
    queues: dict[str, collections.deque[_Reference]] = collections.defaultdict(collections.deque)
    for reference in _references(source):
        queues[reference.read].append(reference)
    written = set(queues)  # the characters some reference writes
    replacements = REPLACEMENT in written
    errors: list[PipelineError] = []
    for text, raw in _strings(tree.get("blocks", [])):
        if not (raw and "&#" in text) and not (
            CONTROL.search(text) or (replacements and REPLACEMENT in text)
        ):
            continue
        for char in _read_characters(text, raw, replacements):
            queue = queues.get(char)
            if queue:
                errors.append(_reference_error(path, queue.popleft(), source))
            elif char not in written:
                errors.append(_character_error(path, ord(char), text, source))
            # Else a copy pandoc made of what a reference wrote (an autolink's
            # address is its text too, an image alone its figure's caption, a
            # reference link used twice its address twice), or U+FFFD written
            # as itself: nothing more to report.
    if not errors:
        return tree, errors
    return _replaced(tree), errors


def _reference_error(path: Path, reference: _Reference, source: Source) -> PipelineError:
    code = reference.code
    if code > 0x10FFFF:
        what = f"{reference.written} names no character (the last is U+10FFFF)"
    else:
        what = f"{reference.written} names {kind(code)}, which no edition can show"
    if reference.read == REPLACEMENT:
        what += " (pandoc prints \N{REPLACEMENT CHARACTER} in its place)"
    return input_error(
        path,
        "source.control-character",
        f"{what}; {fix(code)}",
        *source.position(reference.offset),
    )


def _character_error(path: Path, code: int, text: str, source: Source) -> PipelineError:
    """The error for a character no edition can hold that no reference of the source wrote
    (as far as the search can tell): at the words before it, else at the body's start."""
    before = " ".join(CONTROL.split(text)[0].split()[-3:])
    where = source.locate_text(before, masked=True) if before else (0, 0)
    return input_error(
        path,
        "source.control-character",
        f"the text holds {kind(code)}, which no edition can show; delete it",
        *(where if where[0] else source.position(source.body_start)),
    )


def _replaced(value: Any) -> Any:
    """``value`` with every character no edition can hold replaced by U+FFFD."""
    if isinstance(value, str):
        return CONTROL.sub(REPLACEMENT, value)
    if isinstance(value, list):
        return [_replaced(item) for item in value]
    if isinstance(value, dict):
        return {key: _replaced(item) for key, item in value.items()}
    return value

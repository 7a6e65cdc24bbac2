"""Printable characters: every character of the text has a glyph in some font of print.

WeasyPrint prints a character no font has as an empty box (``.notdef``) and
only logs it; this check finds such characters before rendering, with their
line, against exactly the fonts the printed editions can use
(:func:`clearleaf.fonts.printable`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

from clearleaf.a11y.source import Finding, Source
from clearleaf.document import Document
from clearleaf.fonts import printable

#: At most this many lines get a ``pdf.missing-glyph`` finding of their own.
MAX_MISSING_LINES = 20


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match[0])


#: The front matter's comment lines: notes to the editor in YAML, never printed.
_YAML_COMMENT = re.compile(r"^[ \t]*#.*$", re.MULTILINE)


def _hidden(source: Source) -> str:
    """The text without what is never printed: HTML comments and the front matter's comments.

    Blanked out rather than removed, so that lines and columns stay.
    """
    text = re.sub(r"<!--.*?-->", _blank, source.text, flags=re.DOTALL)
    end = source.front_matter_end
    return _YAML_COMMENT.sub(_blank, text[:end]) + text[end:]


def _describe(chars: Iterable[str]) -> str:
    shown = list(chars)
    text = ", ".join(f'"{char}" (U+{ord(char):04X})' for char in shown[:5])
    if len(shown) > 5:
        text += f" and {len(shown) - 5} more"
    return text


def missing_glyphs(document: Document, source: Source) -> Iterator[Finding]:
    """Check ``pdf.missing-glyph``: every character can be printed with the project's fonts.

    WeasyPrint prints a character no font has as an empty box (``.notdef``)
    and only logs it; here it is found before rendering, with its line. One
    finding a line, for the first such character on it.
    """
    text = source.text
    if text.isascii():
        return
    visible = _hidden(source)
    unprintable = {char for char in set(visible) if not printable(char)}
    if not unprintable:
        return
    lines: dict[int, dict[str, int]] = {}
    start = 0
    for number, line in enumerate(visible.split("\n")):
        if not unprintable.isdisjoint(line):
            for column, char in enumerate(line):
                if char in unprintable:
                    lines.setdefault(number, {}).setdefault(char, start + column)
        start += len(line) + 1
    for count, chars in enumerate(lines.values()):
        if count == MAX_MISSING_LINES:
            rest = len(lines) - MAX_MISSING_LINES
            yield Finding(
                min(chars.values()),
                f"and {rest} more line(s) with characters that cannot be printed",
            )
            return
        letters = any(unicodedata.category(char)[0] in "LM" for char in chars)
        advice = (
            "the printed editions have no font for this script (README: 'Languages, "
            "scripts and fonts' lists those they have)"
            if letters
            else "write it in words or leave it out"
        )
        them = "it" if len(chars) == 1 else "them"
        yield Finding(
            min(chars.values()),
            f"{_describe(chars)} cannot be printed: no font of the project has {them}, "
            f"so the PDF shows an empty box; {advice}",
        )

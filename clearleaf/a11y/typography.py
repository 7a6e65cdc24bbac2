"""Typography in the source: RNIB Clear Print asks for no blocks of capitals and no italics.

Both are harder to read for people with low vision or dyslexia: capitals
take away the shape of words, italics squeeze letters together. Emphasis is
bold. These are warnings: the text is still usable, but should be rewritten.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from clearleaf import ast
from clearleaf.a11y.headings import located_headings
from clearleaf.a11y.source import Finding, Node, Source, elements
from clearleaf.ast import stringify
from clearleaf.document import Document

#: Capital words in a row that make a block of capitals; fewer are taken for acronyms.
MAX_CAPITAL_WORDS = 3

_CAPITAL, _NEUTRAL, _OTHER = "capital", "neutral", "other"
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
#: What is not prose here: its text reads as a space.
_NOT_PROSE = ("Code", "Math", "Note")


@functools.lru_cache(maxsize=65536)
def _kind(token: str) -> str:
    """Whether a word is in capitals, has no case worth counting ('A', '999'), or neither."""
    letters = [char for char in token if char.isalpha()]
    if not letters or (len(letters) == 1 and letters[0].isupper()):
        return _NEUTRAL
    return _CAPITAL if all(char.isupper() for char in letters) else _OTHER


def capital_runs(text: str) -> list[list[str]]:
    """The runs of more than :data:`MAX_CAPITAL_WORDS` words in capitals in ``text``.

    Numbers and single capitals ('A', 'I') neither count nor end a run: in
    "DO NOT TAKE A DOUBLE DOSE" every word is shouted. A run is returned as
    its words, punctuation trimmed, from the first capital word to the last.
    """
    runs: list[list[str]] = []
    current: list[str] = []  # from the first capital word of the run
    capitals = 0
    for token in [*text.split(), "end"]:  # a final lower-case word ends the last run
        kind = _kind(token)
        if kind == _OTHER:
            if capitals > MAX_CAPITAL_WORDS:
                while _kind(current[-1]) == _NEUTRAL:
                    current.pop()
                runs.append([word for word in (_EDGES.sub("", t) for t in current) if word])
            current, capitals = [], 0
        elif kind == _CAPITAL or current:
            current.append(token)
            capitals += kind == _CAPITAL
    return runs


def _text_blocks(blocks: list[Node]) -> Iterator[list[Node]]:
    """The inlines of every paragraph-like piece of text, in document order."""
    for node in elements(blocks, "Para", "Plain", "Header", "LineBlock", "DefinitionList"):
        kind = node["t"]
        if kind in ("Para", "Plain", "Header"):
            yield ast.inlines(node)
        elif kind == "LineBlock":
            yield from ast.lines(node)
        elif kind == "DefinitionList":
            for entry in ast.definition_items(node):
                yield entry.term


def _quote(words: list[str], limit: int = 6) -> str:
    return " ".join(words[:limit]) + (" ..." if len(words) > limit else "")


def all_caps(document: Document, source: Source) -> Iterator[Finding]:
    """Runs of four or more words in capitals, and headings written wholly in capitals."""
    advice = "write it in sentence case, and use **bold** for a word that needs emphasis"
    reported: set[int] = set()
    for node, offset in located_headings(document, source):
        words = [
            token for token in stringify(ast.inlines(node)).split() if _kind(token) != _NEUTRAL
        ]
        if len(words) > 1 and all(_kind(token) == _CAPITAL for token in words):
            reported.add(id(ast.inlines(node)))
            yield Finding(
                offset,
                f"heading '{_quote(words)}' is in capitals, which is harder to read; "
                "write it in title case or sentence case",
            )
    cursor = 0
    for inlines in _text_blocks(document.blocks):
        if id(inlines) in reported:
            continue  # one finding per heading
        # Code, maths and footnotes left out: their text is not prose here.
        for run in capital_runs(stringify(inlines, blank=_NOT_PROSE)):
            first, second = [re.escape(word) for word in run if _kind(word) == _CAPITAL][:2]
            # The second word too, so that an acronym earlier on is not taken
            # for the start of the run; only capitals and marks may come between.
            found = source.search(rf"(?<![^\W_]){first}[^a-z]{{0,80}}?{second}(?![^\W_])", cursor)
            if found is None:
                found = source.search(rf"(?<![^\W_]){first}(?![^\W_])", cursor)
            offset = source.body_start if found is None else found
            cursor = offset + 1
            yield Finding(
                offset,
                f"'{_quote(run)}' is a block of capitals, which is harder to read; {advice}",
            )


def italic_emphasis(document: Document, source: Source) -> Iterator[Finding]:
    """Italic emphasis (``*text*`` or ``_text_``)."""
    cursor = 0
    for node in elements(document.blocks, "Emph"):
        text = stringify(ast.inlines(node)).strip()
        word = re.search(r"[^\W_]+", text)
        pattern = r"(?:\*|(?<![\w\\])_)"
        if word:
            # The opening '*' or '_', then perhaps more marks or a bracket, then the first word.
            pattern += rf"[*_\[\s]{{0,4}}{re.escape(word[0])}"
        found = source.search(pattern, cursor)
        offset = source.body_start if found is None else found
        cursor = offset + 1
        shown = text if len(text) <= 40 else text[:37] + "..."
        yield Finding(
            offset,
            f"italic text '{shown}' is harder to read for people with low vision; "
            f"use bold for emphasis (**{shown}**) or no emphasis at all",
        )

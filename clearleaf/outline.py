"""The heading structure of a body, as real documents write it, made one every edition can use.

The title in the front matter is the page's only level-1 heading, and levels
never skip (WCAG 2.2 SC 1.3.1; axe ``heading-order``; PDF/UA's nesting of
H1 to H6). Real Markdown writes headings in other ways, and each is taken as
what it means rather than refused:

- a body that opens with a level-1 heading equal to the title (case, spacing
  and punctuation aside) repeats the title: that heading *is* the title, and
  is not printed twice;
- a body that uses level-1 headings for its sections (a book, a converted web
  page, setext ``===`` headings) keeps its structure one level down, as
  pandoc's ``--shift-heading-level-by=1`` does (note ``source.heading-shift``);
  a level-6 heading, which would then be level 7, is the one error
  (``source.heading-depth``);
- headings that skip a level are moved up so that the outline has no gap:
  the levels the body uses keep their order (a body of ``###`` and ``#####``
  headings has levels 2 and 3), and no heading is more than one level below
  the heading before it; ``a11y.heading-order`` says so at the line where the
  source skips (a warning), in every edition the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clearleaf import ast
from clearleaf.ast import Node, stringify, walk
from clearleaf.errors import Diagnostic, PipelineError, input_error, note
from clearleaf.sourcemap import Source, words_key

#: The deepest heading level HTML, EPUB and PDF/UA have.
DEEPEST = 6


@dataclass(frozen=True)
class Outline:
    """How the body's headings were written, for the checks that report on them.

    ``written`` is the level of each heading of the body as the source writes
    it, in document order (nested headings included); ``shift`` is what was
    added to every level (1 when the body's sections are level-1 headings).
    """

    shift: int = 0
    written: tuple[int, ...] = ()
    #: Whether the body's first heading repeated the title and was taken as it.
    title_heading: bool = False


@dataclass
class Result:
    """What normalising the outline did: notes, and the errors it could not resolve."""

    outline: Outline = field(default_factory=Outline)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[PipelineError] = field(default_factory=list)


def normalise(
    tree: dict[str, Any], title: str | None, path: Path, source: Source
) -> tuple[dict[str, Any], Result]:
    """``tree`` with the title heading taken as the title, shifted sections and no skipped level."""
    result = Result()
    blocks: list[Node] = list(tree["blocks"])
    title_heading = bool(
        title
        and blocks
        and blocks[0]["t"] == "Header"
        and ast.level(blocks[0]) == 1
        and words_key(stringify(ast.inlines(blocks[0]))) == words_key(title)
    )
    if title_heading:
        blocks = blocks[1:]
    headers = [node for node in walk(blocks, citations=False) if node["t"] == "Header"]
    written = tuple(ast.level(node) for node in headers)
    # A '#' inside a list item is no section (a11y.heading-in-list says what it is).
    listed = {id(node) for node in headings_in_lists(blocks)}
    shift = int(any(ast.level(node) == 1 and id(node) not in listed for node in headers))
    if shift:
        offsets = source.locate_headings(_levels_and_words(headers))
        first = next(
            number
            for number, node in enumerate(headers)
            if ast.level(node) == 1 and id(node) not in listed
        )
        line, column = source.position(offsets[first])
        result.diagnostics.append(
            note(
                path,
                "source.heading-shift",
                "the body's sections are level-1 headings ('#' or '==='), but the title "
                "from the front matter is the only level 1: every heading is shown one level "
                "down, so '#' sections are level 2 in every edition",
                line,
                column,
            )
        )
        for node, offset in zip(headers, offsets, strict=True):
            if ast.level(node) >= DEEPEST:
                line, column = source.position(offset)
                result.errors.append(
                    input_error(
                        path,
                        "source.heading-depth",
                        f"this level-{DEEPEST} heading would become level {DEEPEST + 1}, which "
                        "no edition has, because the body's sections are level-1 headings; "
                        f"make it level {DEEPEST - 1} or less, or write the sections as '##'",
                        line,
                        column,
                    )
                )
        if not result.errors:
            for node in headers:
                ast.set_level(node, ast.level(node) + 1)
    _close_gaps(headers)
    result.outline = Outline(shift if not result.errors else 0, written, title_heading)
    return {**tree, "blocks": blocks}, result


def _close_gaps(headers: list[Node]) -> None:
    """Levels of ``headers`` without gaps: the levels used, in rank, then no heading deeper
    than one below the one before it (the title is level 1)."""
    used = sorted({ast.level(node) for node in headers})
    if not used:
        return
    rank = {level: number + 2 for number, level in enumerate(used)}
    if any(rank[level] != level for level in used) or used[0] > 2:
        for node in headers:
            ast.set_level(node, rank[ast.level(node)])
    previous = 1  # the title
    for node in headers:
        level = ast.level(node)
        if level > previous + 1:
            level = previous + 1
            ast.set_level(node, level)
        previous = level


def headings_in_lists(blocks: list[Node]) -> list[Node]:
    """The headings of ``blocks`` that are inside a list item, in document order."""
    return _in_lists(blocks, False)


def _in_lists(value: Any, in_list: bool) -> list[Node]:
    """The headings in ``value`` that are inside a list item."""
    found: list[Node] = []
    if isinstance(value, list):
        for item in value:
            found.extend(_in_lists(item, in_list))
    elif isinstance(value, dict):
        kind = value.get("t")
        if kind == "Header":
            return [value] if in_list else []
        inside = in_list or kind in ("BulletList", "OrderedList", "DefinitionList")
        found.extend(_in_lists(value.get("c"), inside))
    return found


def _levels_and_words(headers: list[Node]) -> list[tuple[int, str]]:
    return [(ast.level(node), stringify(ast.inlines(node))) for node in headers]


def located(headers: list[Node], outline: Outline, source: Source) -> list[int]:
    """The offset in the source of each of ``headers`` (the body's, in document order)."""
    wanted: list[tuple[int, str] | int]
    if len(headers) == len(outline.written):
        wanted = [
            (level, stringify(ast.inlines(node)))
            for node, level in zip(headers, outline.written, strict=True)
        ]
    else:
        wanted = [ast.level(node) - outline.shift for node in headers]
    if not outline.title_heading:
        return source.locate_headings(wanted)
    # The heading taken as the title is the body's first line of level 1.
    return source.locate_headings([1, *wanted])[1:]

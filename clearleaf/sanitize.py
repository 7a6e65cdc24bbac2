"""What a source may put into the published pages: attributes, links, identifiers.

The policy (README, "What a source may publish") is applied to the AST right
after parsing, once :mod:`clearleaf.rawhtml` has read the raw HTML, so that
every edition sees the same document and an editor is told, at the line, of
everything changed or refused:

- ``{...}`` attributes are limited to :data:`ATTRIBUTE_KEYS`: an event
  handler, a ``style`` (CSS that could hide or overlay text) or ``hidden`` is
  removed (warning ``source.unsafe-html``), a misspelt key is an error with
  the key it looks like (``lnag`` → ``lang``: a lost language marking would
  go unnoticed), any other key is removed;
- links go to web pages, email addresses, phone numbers, text messages or
  places in the document (:data:`LINK_SCHEMES`); a ``javascript:``,
  ``data:`` or ``file:`` link, or another scheme, becomes plain text
  (warning ``source.unsafe-link``);
- the values the formats constrain are valid (:mod:`clearleaf.values`): a
  ``lang`` that is not a registered language tag, a ``dir`` that is not a
  direction, a ``<time datetime>`` that is not a date or time are errors
  (``source.invalid-lang``, ``source.invalid-dir``,
  ``source.invalid-datetime``) naming a value to write instead, since a
  reader's software cannot guess what was meant;
- text never starts with a mark that joins the character before it (a
  combining accent, a vowel sign) where there is none: at the start of a
  paragraph, a heading or an emphasis, or right after one
  (``source.stray-mark``);
- identifiers are unique and never one of the page's own
  (:data:`RESERVED_IDS`), and classes never one the page's styles use for
  its own parts (:data:`RESERVED_CLASSES`, such as ``toc``, hidden in print):
  errors, since the editor meant something the page cannot give.

Then :func:`clean` passes the rendered body through nh3 (the ammonia
sanitiser) allowing only the elements and attributes pandoc writes for the
constructs above: should a check here ever miss something, it still cannot
reach a page.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import nh3

from clearleaf import ast, rawhtml, values
from clearleaf.ast import Node, stringify, walk
from clearleaf.errors import Diagnostic, PipelineError, input_error, warning
from clearleaf.fragment import NOTES_ID
from clearleaf.sourcemap import Source

#: The keys a ``{...}`` attribute list may set, besides ``#id`` and ``.class``.
ATTRIBUTE_KEYS = frozenset({"lang", "dir", "title", "width", "height"})

#: The address schemes a link may use; an address without one (a place in
#: the document, ``#section``) is fine too (:mod:`clearleaf.targets` resolves
#: relative ones).
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel", "sms"})

#: Identifiers the page gives its own parts (templates in ``styles/``,
#: :mod:`clearleaf.page`, :mod:`clearleaf.fragment`, pandoc's notes section).
RESERVED_IDS = frozenset(
    {
        "main",
        "title",
        "toc-heading",
        "contact-heading",
        "formats-heading",
        "sources-heading",
        "about-heading",
        "pages-heading",
        "footnotes",
        NOTES_ID,
    }
)
# Pandoc's footnote and code-line identifiers, and the printed pages' markers.
_RESERVED_ID = re.compile(r"^(fn|fnref)\d+$|^cb\d+(-\d+)?$|^page-\d+$")

#: Classes a source may give its own blocks and images to change how they look.
EDITOR_CLASSES = frozenset({"callout", "decorative"})

#: Classes pandoc and :mod:`clearleaf.rawhtml` give what they write, which the
#: styles use: ``uri`` marks a link written as its own address (``<https://...>``),
#: whose address the printed editions then do not print twice; ``details`` a
#: question and answer written as HTML ``<details>``; ``list-lower-alpha`` and
#: the like a numbered list's style, ``list-paren`` and ``list-parens`` its
#: delimiter, ``1)`` or ``(1)``; ``footnote-back``
#: the link from a footnote back to its reference, which print leaves out.
PANDOC_CLASSES = frozenset(
    {
        "uri",
        "details",
        "list-lower-alpha",
        "list-upper-alpha",
        "list-lower-roman",
        "list-upper-roman",
        "list-paren",
        "list-parens",
        "footnote-back",
    }
)

#: Classes the styles give to the page's own parts: on the text they would
#: move or hide it (``toc`` and ``skip-link`` are hidden in print).
RESERVED_CLASSES = frozenset(
    {
        "colophon",
        "file",
        "key-message",
        "masthead",
        "organisation",
        "leaflet-page",
        "page-list",
        "page-marker",
        "qr",
        "qr-code",
        "record",
        "skip-link",
        "subtitle",
        "table-caption",
        "table-record",
        "table-records",
        "table-smaller",
        "table-wrap",
        "toc",
    }
)


@dataclass
class Result:
    """What sanitising found: warnings for what was removed, errors for what cannot be."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[PipelineError] = field(default_factory=list)


def check(tree: dict[str, Any], path: Path, source: Source) -> tuple[dict[str, Any], Result]:
    """``tree`` with what a source may not publish removed, and every finding, located."""
    checker = _Checker(path, _Lines(source))
    attributed: list[Node] = []
    unlinked: set[int] = set()
    # What pandoc renders: a citation's records are not (see clearleaf.ast.walk).
    for node in walk(tree.get("blocks", []), citations=False):
        kind = node["t"]
        if kind in ("RawBlock", "RawInline"):
            checker.raw(node)
        if ast.has_attr(node):
            checker.attributes(ast.attr(node))
            attributed.append(node)
        if kind == "Link" and not checker.link(ast.target(node).url):
            unlinked.add(id(node))
    checker.identifiers(attributed)
    for text in _run_starts(tree.get("blocks", [])):
        checker.composing(text)
    if unlinked or checker.removed_raw:
        tree = {**tree, "blocks": _without(tree["blocks"], unlinked, checker.removed_raw)}
    return tree, checker.result


def clean(fragment: str) -> str:
    """``fragment`` with only the elements and attributes pandoc writes for a checked source."""
    return nh3.clean(
        fragment,
        tags=set(_BODY_TAGS),
        attributes={tag: set(names) for tag, names in _BODY_ATTRIBUTES.items()},
        generic_attribute_prefixes={"aria-"},
        tag_attribute_values={"input": {"type": {"checkbox"}}},
        url_schemes=set(LINK_SCHEMES),
        filter_style_properties={"width", "height", "text-align"},
        link_rel=None,
        strip_comments=True,
    )


# -- lines --------------------------------------------------------------------


class _Lines:
    """Finds where a piece of the source's read text is, as (line, column); (0, 0) when
    it is not found. The positions are the source map's (:mod:`clearleaf.sourcemap`)."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.body = source.masked
        self.position = source.position

    def of(self, needle: str) -> tuple[int, int]:
        """Where the first line of ``needle`` first appears (in any case)."""
        first = needle.strip().split("\n", 1)[0]
        return self.source.locate_text(first, masked=True, fold_case=True)

    def anywhere(self, needle: str) -> tuple[int, int]:
        """Where the first line of ``needle`` first appears, in read text or else in code."""
        found = self.of(needle)
        if not found[0]:
            found = self.source.locate_text(needle.strip().split("\n", 1)[0])
        return found

    def matching(self, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
        """Where ``pattern`` matches, in order."""
        return [self.position(match.start()) for match in pattern.finditer(self.body)]

    def attribute(self, key: str, value: str, nth: int = 0) -> tuple[int, int]:
        """Where the ``nth`` ``key=value`` (quoted or not) is written, else the first ``key=``."""
        pattern = re.compile(rf"(?<![\w-]){re.escape(key)}\s*=\s*[\"']?{re.escape(value)}")
        found = self.matching(pattern)
        if found:
            return found[min(nth, len(found) - 1)]
        return self.of(f"{key}=")

    def identifier(self, identifier: str) -> list[tuple[int, int]]:
        """Where ``identifier`` is written, ``{#identifier}`` or ``id="identifier"``."""
        name = re.escape(identifier)
        pattern = re.compile(rf"[{{\s]#{name}(?=[\s}}])|\bid=[\"']?{name}(?=[\"'\s>])")
        # A match starts 2, 3 or 4 characters before the identifier ("{#",
        # "id=", "id=\""): trying the pattern only there finds what a search of
        # the whole body would, without one for each identifier of the document.
        starts: set[int] = set()
        index = self.body.find(identifier)
        while index >= 0:
            starts.update((index - 4, index - 3, index - 2))
            index = self.body.find(identifier, index + 1)
        found: list[tuple[int, int]] = []
        end = 0
        for start in sorted(starts):
            if start < end:
                continue  # inside the last match, as in a search
            match = pattern.match(self.body, start)
            if match:
                # Point at the identifier itself, after "{#", " #" or "id=".
                found.append(self.position(match.start() + match[0].index(identifier)))
                end = match.end()
        return found


class _Checker:
    """Checks the elements of one body (see :func:`check`), collecting every finding."""

    def __init__(self, path: Path, lines: _Lines) -> None:
        self.path = path
        self.lines = lines
        self.result = Result()
        #: Raw pieces that are not the raw HTML a source may keep (never expected).
        self.removed_raw: set[int] = set()
        #: How many times each ``key=value`` was checked so far, to place the next.
        self.values_seen: dict[tuple[str, str], int] = {}

    def error(self, code: str, message: str, where: tuple[int, int]) -> None:
        self.result.errors.append(input_error(self.path, code, message, *where))

    def warn(self, code: str, message: str, where: tuple[int, int]) -> None:
        self.result.diagnostics.append(warning(self.path, code, message, *where))

    def raw(self, node: Node) -> None:
        """A raw piece left after :mod:`clearleaf.rawhtml`: only the elements it keeps may stay."""
        piece = ast.raw(node)
        parsed = rawhtml.parse(piece.text)
        if (
            piece.format == "html"
            and all(tag.name in rawhtml.RAW_TAGS for tag in parsed.tags)
            and not parsed.declarations
        ):
            for tag in parsed.tags:
                for key, value in tag.attrs:
                    self.value(key, value or "", tag.name)
                if tag.name == "bdo" and not tag.end and tag.attr("dir") is None:
                    self.error(
                        "source.invalid-dir",
                        '<bdo> overrides the direction, so it needs dir="rtl" or dir="ltr"',
                        self.lines.of(piece.text),
                    )
            return
        self.removed_raw.add(id(node))
        self.warn(
            "source.unsafe-html",
            f"raw HTML {_short(piece.text)} removed; write it in Markdown",
            self.lines.of(piece.text),
        )

    def attributes(self, attr: ast.Attr) -> None:
        """Refuse a reserved class; remove an unsafe or meaningless key, refuse a misspelt one."""
        _identifier, classes, pairs = attr
        for name in classes:
            if name in RESERVED_CLASSES:
                self.error(
                    "source.reserved-class",
                    f"class '{name}' is the page's own (the styles use it to place or hide a "
                    f"part of the page); choose another, such as "
                    f"{', '.join(sorted(EDITOR_CLASSES))}",
                    next(iter(self.lines.matching(_class_pattern(name))), (0, 0)),
                )
        kept = []
        for pair in pairs:
            key = str(pair[0])
            name = key.lower()
            if name in ATTRIBUTE_KEYS:
                self.value(name, str(pair[1]))
                kept.append(pair)
                continue
            where = self.lines.of(f"{key}=")
            if not where[0]:
                where = self.lines.of(key)
            unsafe = rawhtml.unsafe_attribute(name, "in {...}")
            close = difflib.get_close_matches(name, sorted(ATTRIBUTE_KEYS), n=1, cutoff=0.75)
            if unsafe:
                self.warn("source.unsafe-html", unsafe, where)
            elif close:
                self.error(
                    "source.unknown-attribute",
                    f"attribute '{key}' in {{...}} is not one the pipeline knows; did you mean "
                    f"'{close[0]}'? (allowed: {', '.join(sorted(ATTRIBUTE_KEYS))}, classes "
                    "and #identifiers)",
                    where,
                )
                kept.append(pair)
            else:
                self.warn(
                    "source.unknown-attribute",
                    f"attribute '{key}' in {{...}} removed: it means nothing to any edition "
                    f"(the pipeline uses {', '.join(sorted(ATTRIBUTE_KEYS))}, classes and "
                    "#identifiers)",
                    where,
                )
        pairs[:] = kept

    def value(self, key: str, value: str, element: str = "") -> None:
        """Refuse a ``lang``, ``dir`` or ``datetime`` no edition's format can carry."""
        key = key.lower()
        text = value.strip()
        if key == "lang":
            problem = values.language_problem(text) if text else None  # "": unknown language
        elif key == "dir" and element == "bdo" and text.lower() not in ("ltr", "rtl"):
            problem = (
                f'<bdo> overrides the direction, so it needs dir="rtl" or dir="ltr", not {text!r}'
            )
        elif key == "dir":
            problem = values.direction_problem(text)
        elif key == "datetime":
            problem = values.datetime_problem(text)
        else:
            return
        nth = self.values_seen.get((key, value), 0)
        self.values_seen[key, value] = nth + 1
        if problem:
            self.error(f"source.invalid-{key}", problem, self.lines.attribute(key, value, nth))

    def composing(self, text: str) -> None:
        """Refuse a piece of text that starts with a mark that joins the character before it."""
        if not values.starts_with_composing(text):
            return
        mark = text[0]
        name = unicodedata.name(mark, "a combining mark")
        self.error(
            "source.stray-mark",
            f"U+{ord(mark):04X} ({name}) starts {_short(text)!r} with nothing before it to "
            "join, so readers see it on a dotted circle or not at all; delete it, or move it "
            "next to the letter it belongs to",
            self.lines.anywhere(text),
        )

    def link(self, target: str) -> bool:
        """Whether a link to ``target`` may be published; if not, say why."""
        # Browsers ignore tabs and newlines anywhere in an address, and leading
        # spaces and control characters: "java\tscript:" is still javascript:.
        address = re.sub(r"[\t\n\r]", "", target).lstrip("".join(map(chr, range(33))))
        # Pandoc has decoded entities (&#x3A;), so the address as written may
        # differ; what follows its scheme usually does not.
        where = self.lines.of(target[:200])
        if not where[0]:
            where = self.lines.of(target.partition(":")[2][:200])
        try:
            scheme = urlsplit(address).scheme.lower()
        except ValueError:
            self.warn(
                "source.bad-link",
                f"link address '{_short(target)}' is not a valid address, so its text is shown "
                "without a link; check the address",
                where,
            )
            return False
        if not scheme or scheme in LINK_SCHEMES:
            return True
        if scheme in ("javascript", "vbscript", "data"):
            why = "links never run code or carry content"
        elif scheme == "file":
            why = "a file on the author's computer is no reader's; link to a web address instead"
        else:
            why = (
                "use a web address (https://), an email (mailto:), a phone number (tel:) "
                "or a text message (sms:)"
            )
        self.warn(
            "source.unsafe-link",
            f"link to '{_short(target)}' removed, its text kept: {why}",
            where,
        )
        return False

    def identifiers(self, nodes: list[Node]) -> None:
        _check_identifiers(nodes, self.path, self.lines, self.result.errors)


def _without(value: Any, unlinked: set[int], raw: set[int]) -> Any:
    """``value`` without the raw pieces ``raw``, and the links ``unlinked`` as their text."""
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            if isinstance(item, dict) and id(item) in raw:
                continue
            if isinstance(item, dict) and item.get("t") == "Link" and id(item) in unlinked:
                out.extend(_without(ast.inlines(item), unlinked, raw))
            else:
                out.append(_without(item, unlinked, raw))
        return out
    if isinstance(value, dict):
        return {key: _without(item, unlinked, raw) for key, item in value.items()}
    return value


#: Inline elements that are text within the run around them.
_IN_RUN = frozenset({"Str", "Space", "SoftBreak"})


def _run_starts(value: Any) -> Iterator[str]:
    """The text that starts a run, in HTML's sense (text between element boundaries): the first
    words of an element, words right after another element, code, and titles."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _run_starts(item)
        return
    if not isinstance(value, list):
        return
    previous = ""
    for item in value:
        kind = item.get("t", "") if isinstance(item, dict) else ""
        if kind == "Str" and previous not in _IN_RUN:
            yield item["c"]
        elif kind in ("Code", "CodeBlock"):
            yield item["c"][1]
        elif kind in ("Link", "Image"):
            yield item["c"][2][1]  # the title
        previous = kind
        yield from _run_starts(item)


def _class_pattern(name: str) -> re.Pattern[str]:
    """Where a class is written: ``.name`` in braces, ``::: name``, or ``class="name"``."""
    word = re.escape(name)
    return re.compile(
        rf"(?:\.|^:::+\s*|\bclass=[\"']?(?:[^\"'>]*\s)?){word}(?![\w-])", re.MULTILINE
    )


# -- identifiers ----------------------------------------------------------------


def _check_identifiers(
    nodes: list[Node],
    path: Path,
    lines: _Lines,
    errors: list[PipelineError],
) -> None:
    """Refuse a repeated or reserved ``{#id}``; move a generated heading id off a reserved one.

    ``nodes`` are the elements that have attributes, in document order.
    """
    used = {ast.attr(node).identifier for node in nodes} - {""}
    seen: dict[str, Node] = {}
    for node in nodes:
        identifier = ast.attr(node).identifier
        if not identifier:
            continue
        explicit = lines.identifier(identifier)
        reserved = identifier in RESERVED_IDS or bool(_RESERVED_ID.match(identifier))
        if identifier in seen:
            first = seen[identifier]
            errors.append(
                input_error(
                    path,
                    "source.duplicate-id",
                    f"identifier '{identifier}' is used twice (also by "
                    f"{_describe(first)}); give each its own",
                    *(explicit[-1] if explicit else (0, 0)),
                )
            )
            continue
        if reserved and explicit:
            errors.append(
                input_error(
                    path,
                    "source.reserved-id",
                    f"identifier '{identifier}' is the page's own; choose another",
                    *explicit[0],
                )
            )
            continue
        if reserved:
            # Generated from a heading's words ("## Title"): pandoc cannot know
            # the page's own identifiers, so give the heading the next free one.
            number = 1
            while f"{identifier}-{number}" in used:
                number += 1
            identifier = f"{identifier}-{number}"
            ast.set_identifier(node, identifier)
            used.add(identifier)
        seen[identifier] = node


def _describe(node: dict[str, Any]) -> str:
    text = stringify(node)
    kind = "the heading" if node["t"] == "Header" else "the element"
    return f"{kind} '{_short(text)}'" if text else kind


# -- helpers --------------------------------------------------------------------


def _short(text: str, size: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "\u2026"


# What pandoc (3.9) writes for the constructs a checked source may use, plus
# the raw subset and what clearleaf.fragment adds. Anything else is removed.
_BODY_TAGS = frozenset(
    {
        *rawhtml.RAW_TAGS,
        "a",
        "br",
        "sub",
        "sup",
        "blockquote",
        "caption",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "img",
        "input",
        "label",
        "li",
        "ol",
        "p",
        "pre",
        "section",
        "span",
        "strong",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    }
)
_BODY_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"id", "class", "lang", "dir", "title", "role"}),
    "a": frozenset({"href", "tabindex"}),
    "div": frozenset({"tabindex"}),
    "img": frozenset({"src", "alt", "width", "height", "style"}),
    "ol": frozenset({"start", "type", "reversed"}),
    "th": frozenset({"style", "scope", "colspan", "rowspan"}),
    "td": frozenset({"style", "colspan", "rowspan"}),
    "col": frozenset({"style", "span"}),
    "span": frozenset({"data-cites"}),
    "input": frozenset({"checked"}),
    "time": frozenset({"datetime"}),
}

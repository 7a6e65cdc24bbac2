"""What a source may put into the published pages: raw HTML, attributes, links, identifiers.

The policy (README, "Hostile input and limits") is checked on the AST right
after parsing, so that every edition sees the same document and an editor
gets one error with its line rather than a construct silently removed:

- raw HTML is limited to :data:`RAW_TAGS` with :data:`RAW_ATTRIBUTES`; a
  script, frame, object, form, style sheet, media element or anything else is
  an error (``source.unsafe-html``), and so is raw content for another format;
- ``{...}`` attributes are limited to :data:`ATTRIBUTE_KEYS`: no event
  handlers, no ``style`` (CSS that could hide or overlay text), no ``hidden``;
- links go to web pages, email addresses, phone numbers or places in the
  document (:data:`LINK_SCHEMES`), never ``javascript:``, ``data:`` or ``file:``;
- identifiers are unique and never one of the page's own
  (:data:`RESERVED_IDS`), and classes never one the page's styles use for
  its own parts (:data:`RESERVED_CLASSES`, such as ``toc``, hidden in print).

Then :func:`clean` passes the rendered body through nh3 (the ammonia
sanitiser) allowing only the elements and attributes pandoc writes for the
constructs above: should a check here ever miss something, it still cannot
reach a page.
"""

from __future__ import annotations

import bisect
import difflib
import html.parser
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import nh3

from pipeline.ast import stringify, walk
from pipeline.errors import PipelineError, input_error
from pipeline.fragment import NOTES_ID

#: The HTML elements a source may write itself, for what Markdown cannot say:
#: abbreviations with their expansion, isolated or overridden text direction
#: (names in another script), line and word breaks, keys to press, highlighted
#: and small print, sub- and superscripts, machine-readable dates.
RAW_TAGS = frozenset(
    {"abbr", "bdi", "bdo", "br", "kbd", "mark", "small", "sub", "sup", "time", "wbr"}
)

#: The attributes those elements may have (``*``: any of them).
RAW_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"lang", "dir", "title"}),
    "time": frozenset({"datetime"}),
}

#: The keys a ``{...}`` attribute list may set, besides ``#id`` and ``.class``.
ATTRIBUTE_KEYS = frozenset({"lang", "dir", "title", "width", "height"})

#: The address schemes a link may use; an address without one (a place in
#: the document, ``#section``, or a relative address) is fine too.
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

#: Identifiers the page gives its own parts (templates in ``styles/``,
#: :mod:`pipeline.page`, :mod:`pipeline.fragment`, pandoc's notes section).
RESERVED_IDS = frozenset(
    {
        "main",
        "title",
        "toc-heading",
        "contact-heading",
        "formats-heading",
        "sources-heading",
        "about-heading",
        "footnotes",
        NOTES_ID,
    }
)
# Pandoc's footnote and code-line identifiers.
_RESERVED_ID = re.compile(r"^(fn|fnref)\d+$|^cb\d+(-\d+)?$")

#: Classes a source may give its own blocks and images to change how they look.
EDITOR_CLASSES = frozenset({"callout", "decorative"})

#: Classes the styles give to the page's own parts: on the text they would
#: move or hide it (``toc`` and ``skip-link`` are hidden in print).
RESERVED_CLASSES = frozenset(
    {
        "colophon",
        "file",
        "key-message",
        "masthead",
        "organisation",
        "qr",
        "qr-code",
        "record",
        "skip-link",
        "subtitle",
        "table-wrap",
        "toc",
    }
)

_HTML_FORMATS = ("html", "html4", "html5")
# Where each AST element keeps its attributes (pandoc-types 1.23).
_ATTR_INDEX = {
    "Header": 1,
    "CodeBlock": 0,
    "Div": 0,
    "Span": 0,
    "Code": 0,
    "Link": 0,
    "Image": 0,
    "Table": 0,
    "Figure": 0,
}

# Why a raw element is refused, by element, and what to do instead.
_SCRIPT = "the pipeline publishes no scripts; remove it"
_EMBED = "it embeds another page or program, which no edition can carry; link to it instead"
_STYLE = (
    "the pipeline's styles decide the layout (RNIB Clear Print) and never load another "
    "file; remove it"
)
_MEDIA = "write images in Markdown, ![what it shows](file.png), so they are checked and embedded"
_FORM = "a document has no forms; give a phone number, email or web address instead"
_REFUSED: dict[str, str] = {
    **dict.fromkeys(("script", "noscript", "template"), _SCRIPT),
    **dict.fromkeys(
        ("iframe", "frame", "frameset", "object", "embed", "applet", "portal", "param"), _EMBED
    ),
    **dict.fromkeys(("style", "link", "meta", "base"), _STYLE),
    **dict.fromkeys(
        ("img", "picture", "source", "video", "audio", "track", "svg", "math", "canvas", "map"),
        _MEDIA,
    ),
    **dict.fromkeys(
        ("form", "input", "button", "select", "option", "textarea", "label", "fieldset"), _FORM
    ),
    "a": "write links in Markdown: [what it is](https://...)",
}


def check(tree: dict[str, Any], path: Path, body: str) -> dict[str, Any]:
    """Refuse what a source may not publish; return ``tree`` with colliding identifiers fixed.

    ``body`` is the source text with the front matter blanked out, so that a
    line found in it is the line in the file.
    """
    finder = _Lines(body)
    attributed: list[tuple[dict[str, Any], list[Any]]] = []
    # What pandoc renders: a citation's records are not (see pipeline.ast.walk).
    for node in walk(tree.get("blocks", []), citations=False):
        kind = node["t"]
        if kind in ("RawBlock", "RawInline"):
            _check_raw(node["c"][0], node["c"][1], path, finder)
        if kind in _ATTR_INDEX:
            attr = node["c"][_ATTR_INDEX[kind]]
            _check_attributes(attr, path, finder)
            attributed.append((node, attr))
        if kind == "Link":
            _check_link(str(node["c"][2][0]), path, finder)
    _check_identifiers(attributed, path, finder)
    return tree


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
    """Finds the line of a piece of source text."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.lowered = body.lower()
        self._newlines = [match.start() for match in re.finditer("\n", body)]

    def line(self, index: int) -> int:
        """The line of the offset ``index`` into the body."""
        return bisect.bisect_left(self._newlines, index) + 1

    def of(self, needle: str) -> int:
        """The line where the first line of ``needle`` first appears (in any case), or 0."""
        needle = needle.strip().split("\n", 1)[0].lower()
        index = self.lowered.find(needle) if needle else -1
        return self.line(index) if index >= 0 else 0

    def matching(self, pattern: re.Pattern[str]) -> list[int]:
        """The lines where ``pattern`` matches, in order."""
        return [self.line(match.start()) for match in pattern.finditer(self.body)]

    def identifier(self, identifier: str) -> list[int]:
        """The lines where ``identifier`` is written, ``{#identifier}`` or ``id="identifier"``."""
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
        found: list[int] = []
        end = 0
        for start in sorted(starts):
            if start < end:
                continue  # inside the last match, as in a search
            match = pattern.match(self.body, start)
            if match:
                found.append(self.line(start))
                end = match.end()
        return found


# -- raw HTML -----------------------------------------------------------------


class _Tags(html.parser.HTMLParser):
    """The tags, attributes and declarations of a piece of raw HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.declarations: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self.found.append((tag, []))

    def handle_decl(self, decl: str) -> None:
        self.declarations.append(f"<!{decl}>")

    def unknown_decl(self, data: str) -> None:
        self.declarations.append(f"<![{data}]>")

    def handle_pi(self, data: str) -> None:
        self.declarations.append(f"<?{data}>")


def _check_raw(fmt: str, content: str, path: Path, lines: _Lines) -> None:
    line = lines.of(content)
    if fmt.lower() not in _HTML_FORMATS:
        raise input_error(
            path,
            "source.raw-format",
            f"raw {{={fmt}}} content appears in no edition; write it in Markdown or remove it",
            line,
        )
    parser = _Tags()
    parser.feed(content)
    parser.close()
    if parser.declarations:
        raise _unsafe(
            path,
            f"raw HTML {_short(parser.declarations[0])} is not allowed; remove it",
            line,
        )
    for tag, attrs in parser.found:
        line = lines.of(f"<{tag}") or line
        if tag in _REFUSED:
            raise _unsafe(path, f"raw HTML <{tag}> is not allowed: {_REFUSED[tag]}", line)
        if tag not in RAW_TAGS:
            raise _unsafe(
                path,
                f"raw HTML <{tag}> is not allowed; write it in Markdown, or use one of the "
                f"elements a source may: {', '.join(sorted(RAW_TAGS))}",
                line,
            )
        allowed = RAW_ATTRIBUTES["*"] | RAW_ATTRIBUTES.get(tag, frozenset())
        for name, _value in attrs:
            if name not in allowed:
                raise _unsafe(
                    path,
                    _attribute_problem(name, f"on raw HTML <{tag}>", sorted(allowed)),
                    lines.of(name) or line,
                )


# -- attributes ---------------------------------------------------------------


def _check_attributes(attr: list[Any], path: Path, lines: _Lines) -> None:
    _identifier, classes, pairs = attr
    for name in classes:
        if name in RESERVED_CLASSES:
            raise input_error(
                path,
                "source.reserved-class",
                f"class '{name}' is the page's own (the styles use it to place or hide a part "
                f"of the page); choose another, such as {', '.join(sorted(EDITOR_CLASSES))}",
                next(iter(lines.matching(_class_pattern(name))), 0),
            )
    for key, _value in pairs:
        name = str(key).lower()
        if name not in ATTRIBUTE_KEYS:
            raise _unsafe(
                path,
                _attribute_problem(
                    name, "in {...}", sorted(ATTRIBUTE_KEYS), " (classes and #identifiers too)"
                ),
                lines.of(f"{key}="),
            )


def _class_pattern(name: str) -> re.Pattern[str]:
    """Where a class is written: ``.name`` in braces, ``::: name``, or ``class="name"``."""
    word = re.escape(name)
    return re.compile(
        rf"(?:\.|^:::+\s*|\bclass=[\"']?(?:[^\"'>]*\s)?){word}(?![\w-])", re.MULTILINE
    )


def _attribute_problem(name: str, where: str, allowed: list[str], also: str = "") -> str:
    """Why the attribute ``name`` is refused, and what to do."""
    if name.startswith("on"):
        return (
            f"event-handler attribute '{name}' {where} is not allowed: the pipeline publishes "
            "no scripts; remove it"
        )
    if name == "style":
        return (
            f"a style attribute {where} is not allowed: inline CSS can hide or overlay text, "
            "and the pipeline's styles decide the layout; remove it"
        )
    if name in ("hidden", "aria-hidden"):
        return (
            f"attribute '{name}' {where} is not allowed: it hides text from some readers but "
            "not others; remove it"
        )
    suggestion = difflib.get_close_matches(name, allowed, n=1)
    hint = f"; did you mean '{suggestion[0]}'?" if suggestion else ""
    return f"attribute '{name}' {where} is not allowed; use {', '.join(allowed)}{also}{hint}"


# -- links --------------------------------------------------------------------


def _check_link(target: str, path: Path, lines: _Lines) -> None:
    # Browsers ignore tabs and newlines anywhere in an address, and leading
    # spaces and control characters: "java\tscript:" is still javascript:.
    address = re.sub(r"[\t\n\r]", "", target).lstrip("".join(map(chr, range(33))))
    # Pandoc has decoded entities (&#x3A;), so the address as written may
    # differ; what follows its scheme usually does not.
    line = lines.of(target[:200]) or lines.of(target.partition(":")[2][:200])
    try:
        scheme = urlsplit(address).scheme.lower()
    except ValueError:
        raise input_error(
            path,
            "source.bad-link",
            f"link address '{_short(target)}' is not a valid address; check it",
            line,
        ) from None
    if not scheme or scheme in LINK_SCHEMES:
        return
    if scheme in ("javascript", "vbscript", "data"):
        why = "links never run code or carry content; remove it"
    elif scheme == "file":
        why = "a file on the author's computer is no reader's; link to a web address instead"
    else:
        why = "use a web address (https://), an email (mailto:) or a phone number (tel:)"
    raise input_error(
        path,
        "source.unsafe-link",
        f"link to '{_short(target)}' is not allowed: {why}",
        line,
    )


# -- identifiers ----------------------------------------------------------------


def _check_identifiers(
    attrs: list[tuple[dict[str, Any], list[Any]]], path: Path, lines: _Lines
) -> None:
    """Refuse a repeated or reserved ``{#id}``; move a generated heading id off a reserved one.

    ``attrs`` are the elements that have attributes, with them, in document order.
    """
    used = {attr[0] for _node, attr in attrs if attr[0]}
    seen: dict[str, dict[str, Any]] = {}
    for node, attr in attrs:
        identifier = attr[0]
        if not identifier:
            continue
        explicit = lines.identifier(identifier)
        reserved = identifier in RESERVED_IDS or bool(_RESERVED_ID.match(identifier))
        if identifier in seen:
            first = seen[identifier]
            raise input_error(
                path,
                "source.duplicate-id",
                f"identifier '{identifier}' is used twice (also by "
                f"{_describe(first)}); give each its own",
                explicit[-1] if explicit else 0,
            )
        if reserved and explicit:
            raise input_error(
                path,
                "source.reserved-id",
                f"identifier '{identifier}' is the page's own; choose another",
                explicit[0],
            )
        if reserved:
            # Generated from a heading's words ("## Title"): pandoc cannot know
            # the page's own identifiers, so give the heading the next free one.
            number = 1
            while f"{identifier}-{number}" in used:
                number += 1
            attr[0] = f"{identifier}-{number}"
            used.add(attr[0])
        seen[attr[0]] = node


def _describe(node: dict[str, Any]) -> str:
    text = stringify(node)
    kind = "the heading" if node["t"] == "Header" else "the element"
    return f"{kind} '{_short(text)}'" if text else kind


# -- helpers --------------------------------------------------------------------


def _unsafe(path: Path, message: str, line: int) -> PipelineError:
    return input_error(path, "source.unsafe-html", message, line)


def _short(text: str, size: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "\u2026"


# What pandoc (3.9) writes for the constructs a checked source may use, plus
# the raw subset and what pipeline.fragment adds. Anything else is removed.
_BODY_TAGS = frozenset(
    {
        *RAW_TAGS,
        "a",
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
    "img": frozenset({"src", "alt", "width", "height", "style"}),
    "ol": frozenset({"start", "type", "reversed"}),
    "th": frozenset({"style", "scope", "colspan", "rowspan"}),
    "td": frozenset({"style", "colspan", "rowspan"}),
    "col": frozenset({"style", "span"}),
    "span": frozenset({"data-cites"}),
    "input": frozenset({"checked"}),
    "time": frozenset({"datetime"}),
}

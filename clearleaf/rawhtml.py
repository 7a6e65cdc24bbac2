"""Raw HTML as real Markdown holds it: read into the document, or removed with a reason.

Pages exported from websites and content systems, and Markdown converted from
Word, carry HTML: ``<div>`` wrappers around tables, ``<br>`` and ``<hr>``,
tables written in HTML, ``<details>`` questions and answers, ``<strong>``
and ``<a href>``. Refusing them would make an editor rewrite a page before
seeing a leaflet; passing them through would publish markup that no check has
seen. So this module reads what has a meaning in a document into pandoc's
AST, where the checks and every edition see it like the Markdown it stands
for, and removes what no edition may carry, saying so at its line:

- ``<hr>`` becomes a thematic break, ``<br>`` a line break, ``<p>`` a paragraph,
  ``<h1>`` to ``<h6>`` headings, ``<img>`` an image (checked like any other);
- layout wrappers (``<div>``, ``<span>``, ``<center>``, ``<section>`` ...)
  are unwrapped, their content kept; a ``lang`` or ``dir`` on one is kept
  (note ``source.html-ignored``);
- ``<strong>``/``<b>``, ``<em>``/``<i>``, ``<u>``, ``<s>``, ``<sup>``,
  ``<sub>``, ``<code>``, ``<q>`` and ``<a href>`` become what Markdown writes;
- tables, lists, quotations, definition lists and ``<pre>`` written in HTML
  are read by pandoc's own HTML reader, so that a table gets its header row
  (or ``a11y.table-header``) like any other;
- ``<details>`` becomes a section whose summary leads it, always shown;
- scripts, frames, objects, embedded media, style sheets and form fields are
  removed with everything inside them, and a form's labels and buttons keep
  only their words; event handlers, ``style`` and ``hidden`` attributes are
  removed (warning ``source.unsafe-html`` each, so that ``--strict`` and the
  conformance claim refuse them);
- presentational attributes (``class``, ``width``, ``border`` ...) are
  ignored: the pipeline's styles decide the layout.

A few elements stay raw HTML (:data:`RAW_TAGS`), written again with only the
attributes :data:`RAW_ATTRIBUTES` allow.
"""

from __future__ import annotations

import html
import html.parser
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clearleaf import ast, pandoc, values
from clearleaf.ast import Node, stringify, walk
from clearleaf.errors import Diagnostic, note, warning
from clearleaf.sourcemap import Source

#: The HTML elements kept as they are written, for what Markdown cannot say:
#: abbreviations with their expansion, isolated or overridden text direction
#: (names in another script), word breaks, keys to press, highlighted and
#: small print, machine-readable dates.
RAW_TAGS = frozenset({"abbr", "bdi", "bdo", "kbd", "mark", "small", "time", "wbr"})

#: The attributes those elements keep (``*``: any of them).
RAW_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"lang", "dir", "title"}),
    "time": frozenset({"datetime"}),
}

#: Wrappers that only lay a page out: unwrapped, their content kept.
WRAPPERS = frozenset(
    {
        "article",
        "aside",
        "big",
        "center",
        "cite",
        "dfn",
        "div",
        "font",
        "footer",
        "header",
        "main",
        "nav",
        "nobr",
        "section",
        "span",
    }
)

#: Inline elements and the AST element each becomes.
INLINE = {
    "b": "Strong",
    "strong": "Strong",
    "em": "Emph",
    "i": "Emph",
    "u": "Underline",
    "ins": "Underline",
    "s": "Strikeout",
    "del": "Strikeout",
    "strike": "Strikeout",
    "sup": "Superscript",
    "sub": "Subscript",
    "code": "Code",
    "tt": "Code",
    "samp": "Code",
    "var": "Emph",
    "q": "Quoted",
    "a": "Link",
}

_HEADINGS = {f"h{level}": level for level in range(1, 7)}

#: Block structures read by pandoc's HTML reader, with everything inside them.
READ_AS_HTML = frozenset({"table", "ul", "ol", "dl", "blockquote", "pre", "figure", "menu"})

#: Elements that make blocks: HTML holding one is read by pandoc's HTML reader.
_BLOCK_LEVEL = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "center",
        "details",
        "summary",
        "hr",
        "form",
        "fieldset",
        *(f"h{level}" for level in range(1, 7)),
    }
)

#: The parts of those structures and of ``<details>``.
_PARTS = frozenset(
    {
        "caption",
        "col",
        "colgroup",
        "dd",
        "dt",
        "figcaption",
        "li",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "summary",
    }
)

#: Elements removed with everything inside them, and why.
_SCRIPT = "the pipeline publishes no scripts; delete it from the source"
_EMBED = "it embeds another page or program, which no edition can carry; link to it instead"
_STYLE = (
    "the pipeline's styles decide the layout (RNIB Clear Print) and never load another file; "
    "delete it from the source"
)
_MEDIA = "no edition can play or draw it; describe it in words, or link to it"
_FIELD = "a document has no forms; give a phone number, email or web address instead"
REMOVED: dict[str, str] = {
    **dict.fromkeys(("script", "noscript", "template"), _SCRIPT),
    **dict.fromkeys(
        ("iframe", "frame", "frameset", "object", "embed", "applet", "portal", "param"), _EMBED
    ),
    **dict.fromkeys(("style", "link", "meta", "base", "head", "title"), _STYLE),
    **dict.fromkeys(
        ("picture", "source", "video", "audio", "track", "svg", "math", "canvas", "map", "area"),
        _MEDIA,
    ),
    **dict.fromkeys(("input", "select", "option", "textarea", "datalist", "output"), _FIELD),
}

#: Form elements whose words are kept, the element removed.
UNWRAPPED = {name: _FIELD for name in ("form", "label", "fieldset", "legend", "button", "optgroup")}

#: Attributes removed wherever they are, and why.
_HIDES = "it hides text from some readers but not others"
UNSAFE_ATTRIBUTES = {
    "style": "inline CSS can hide or overlay text, and the pipeline's styles decide the layout",
    "hidden": _HIDES,
    "aria-hidden": _HIDES,
}

_LANGUAGE_KEYS = ("lang", "dir")
_DIRECTIONS = frozenset({"rtl", "ltr", "auto"})


@dataclass
class Tag:
    """One tag of a piece of raw HTML."""

    name: str
    attrs: list[tuple[str, str | None]]
    end: bool = False
    #: Written as a complete element in one tag: ``<br />``.
    empty: bool = False

    def attr(self, name: str) -> str | None:
        """The value of the attribute ``name``, if it is set."""
        for key, value in self.attrs:
            if key == name:
                return value if value is not None else ""
        return None


class _Parser(html.parser.HTMLParser):
    """The tags, declarations and text of a piece of raw HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[Tag] = []
        self.declarations: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(Tag(tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(Tag(tag, attrs, empty=True))

    def handle_endtag(self, tag: str) -> None:
        self.tags.append(Tag(tag, [], end=True))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.text.append(data)

    def handle_decl(self, decl: str) -> None:
        self.declarations.append(f"<!{decl}>")

    def unknown_decl(self, data: str) -> None:
        self.declarations.append(f"<![{data}]>")

    def handle_pi(self, data: str) -> None:
        self.declarations.append(f"<?{data}>")


def parse(piece: str) -> _Parser:
    """The tags, declarations and text of ``piece``."""
    parser = _Parser()
    parser.feed(piece)
    parser.close()
    return parser


def only_tag(piece: str) -> Tag | None:
    """The tag ``piece`` consists of, when it is one tag and nothing else."""
    parsed = parse(piece)
    if len(parsed.tags) == 1 and not parsed.text and not parsed.declarations:
        return parsed.tags[0]
    return None


@dataclass
class Result:
    """What reading the raw HTML of a body did: warnings for what was removed, notes."""

    diagnostics: list[Diagnostic] = field(default_factory=list)


def read(tree: dict[str, Any], path: Path, source: Source) -> tuple[dict[str, Any], Result]:
    """``tree`` with its raw HTML read into the AST, and what was removed or ignored, located."""
    pieces = [node for node in walk(tree["blocks"], citations=False) if _is_raw(node)]
    if not pieces:
        return tree, Result()
    reader = _Reader(path, source)
    offsets = source.locate_raw(ast.raw(node).text for node in pieces)
    reader.offsets = {id(node): offset for node, offset in zip(pieces, offsets, strict=True)}
    blocks = reader.blocks(tree["blocks"])
    _identify(blocks, reader.generated)  # before read_segments, which copies the blocks
    if reader.segments:
        blocks = reader.read_segments(blocks)
    reader.summarise()
    reader.result.diagnostics.sort(key=lambda d: (d.location.line, d.location.column))
    return {**tree, "blocks": blocks}, reader.result


def _is_raw(node: Node) -> bool:
    return node.get("t") in ("RawBlock", "RawInline")


# The AST's block types; any other element in a list is an inline.
_BLOCK_TYPES = frozenset(
    {
        "Plain",
        "Para",
        "LineBlock",
        "CodeBlock",
        "RawBlock",
        "BlockQuote",
        "OrderedList",
        "BulletList",
        "DefinitionList",
        "Header",
        "HorizontalRule",
        "Table",
        "Figure",
        "Div",
    }
)

_SEGMENT_ID = "clearleaf-html-{}"


class _Reader:
    """Reads the raw HTML of one body (see :func:`read`)."""

    def __init__(self, path: Path, source: Source) -> None:
        self.path = path
        self.source = source
        self.offsets: dict[int, int] = {}
        self.result = Result()
        #: Blocks to read with pandoc's HTML reader: raw HTML and Markdown blocks in turn.
        self.segments: list[list[Node]] = []
        #: Tags left out, by name: how many, and the first one's offset.
        self.ignored: dict[str, tuple[int, int]] = {}
        #: Headings written in HTML without an identifier: they get one made from their words.
        self.generated: list[Node] = []

    # -- diagnostics ------------------------------------------------------------------

    def _place(self, node: Node) -> tuple[int, int]:
        return self.source.position(self.offsets.get(id(node), self.source.body_start))

    def warn(self, node: Node, message: str, code: str = "source.unsafe-html") -> None:
        """A warning about ``node``: something was removed from every edition."""
        line, column = self._place(node)
        self.result.diagnostics.append(warning(self.path, code, message, line, column))

    def ignore(self, node: Node, name: str) -> None:
        """Note that the tag ``name`` in ``node`` was left out, its content kept."""
        count, offset = self.ignored.get(name, (0, self.offsets.get(id(node), 0)))
        self.ignored[name] = (count + 1, offset)

    def summarise(self) -> None:
        """One note per kind of tag left out, at its first place."""
        for name, (count, offset) in sorted(self.ignored.items(), key=lambda item: item[1][1]):
            line, column = self.source.position(offset or self.source.body_start)
            times = "" if count == 1 else f" ({count} times)"
            if name in WRAPPERS or name in ("p", "details"):
                what = (
                    f"HTML <{name}>{times} ignored: its content is kept, and the pipeline's "
                    "styles lay it out"
                )
            elif name.startswith("/") or name in ACCEPTED:
                what = (
                    f"HTML <{name.lstrip('/')}>{times} ignored: an end tag without its start, "
                    "or a start without its end; the text around it is kept"
                )
            else:
                what = (
                    f"HTML <{name}>{times} is not an element the pipeline knows: its tags are "
                    "ignored and its words kept"
                )
            self.result.diagnostics.append(
                note(self.path, "source.html-ignored", what, line, column)
            )

    def attributes(self, node: Node, tag: Tag) -> None:
        """Warn of the attributes of ``tag`` that are removed for readers' safety."""
        for key, _value in tag.attrs:
            problem = unsafe_attribute(key, f"on <{tag.name}>")
            if problem:
                self.warn(node, problem)

    def removed(self, node: Node, name: str) -> None:
        self.warn(node, f"HTML <{name}> removed with everything inside it: {REMOVED[name]}")

    # -- blocks -------------------------------------------------------------------------

    def blocks(self, blocks: list[Node]) -> list[Node]:
        """``blocks`` with their raw HTML read, nested lists of blocks and inlines included."""
        out: list[Node] = []
        index = 0
        while index < len(blocks):
            block = blocks[index]
            previous = blocks[index - 1] if index else None
            index += 1
            if (
                block["t"] == "CodeBlock"
                and previous is not None
                and previous["t"] == "RawBlock"
                and _holds_html(block)
            ):
                out.extend(self.indented(block, previous))
                continue
            if block["t"] != "RawBlock":
                kept = self.inside(block)
                if not _only_breaks(kept):
                    out.append(kept)
                continue
            fmt, content = ast.raw(block)
            if fmt.lower() not in ("html", "html4", "html5"):
                self.warn(
                    block,
                    f"raw {{={fmt}}} content removed: it would appear in no edition; write "
                    "it in Markdown",
                    "source.raw-format",
                )
                continue
            parsed = parse(content)
            tag = parsed.tags[0] if len(parsed.tags) == 1 and not parsed.text else None
            if parsed.declarations or tag is None:
                out.extend(self.piece(block, parsed))
                continue
            self.attributes(block, tag)
            name = tag.name
            if name in REMOVED:
                if not (tag.end or tag.empty):
                    close = _closing(blocks, index, name)
                    index = index if close is None else close + 1
                if not tag.end:
                    self.removed(block, name)
                continue
            if tag.end or tag.empty or name in ("hr", "br", "img", "wbr"):
                out.extend(self.lone(block, tag))
                continue
            close = _closing(blocks, index, name)
            if close is None:
                out.extend(self.lone(block, tag))
                continue
            inner = blocks[index:close]
            index = close + 1
            out.extend(self.element(block, tag, inner, blocks[close]))
        return out

    def element(self, opening: Node, tag: Tag, inner: list[Node], closing: Node) -> list[Node]:
        """The blocks for the HTML element ``tag`` around the blocks ``inner``."""
        name = tag.name
        if name in READ_AS_HTML:
            return [self.segment([opening, *self._clean(inner), closing])]
        if name in _HEADINGS:
            return [self.heading(_HEADINGS[name], tag, self.inlines(_flatten(inner)))]
        if name == "details":
            return self.details(tag, inner)
        if name == "p":
            return self.wrap(tag, [_as_para(block) for block in self.blocks(inner)])
        if name in UNWRAPPED:
            self.warn(
                opening,
                f"HTML <{name}> removed, its words kept: {UNWRAPPED[name]}; "
                "delete it from the source",
            )
            return self.blocks(inner)
        blocks = self.blocks(inner)
        if name in INLINE and all(block["t"] in ("Plain", "Para") for block in blocks):
            # <b> or <a href> around whole lines: the words inside take it on.
            return [
                {**block, "c": self.inline_element(opening, tag, ast.inlines(block), closing)}
                for block in blocks
            ]
        if _language_attr(tag) is None:
            self.ignore(opening, name)
        return self.wrap(tag, blocks)

    def heading(self, level: int, tag: Tag, inlines: list[Node]) -> Node:
        """``<h1>`` to ``<h6>`` as a heading, with its own identifier or one made from its words."""
        attr = _language_attr(tag) or ast.Attr("", [], [])
        identifier = (tag.attr("id") or "").strip()
        header = ast.header(level, ast.Attr(identifier, [], attr.attributes), inlines)
        if not identifier:
            self.generated.append(header)
        return header

    def _clean(self, blocks: list[Node]) -> list[Node]:
        """The Markdown blocks inside an element read as HTML, with what must go removed."""
        kept: list[Node] = []
        index = 0
        while index < len(blocks):
            block = blocks[index]
            index += 1
            if block["t"] != "RawBlock":
                kept.append(_map_lists(block, self._clean, self._clean_inlines))
                continue
            parsed = parse(ast.raw(block).text)
            if parsed.declarations:
                self.warn(block, f"raw HTML {_short(parsed.declarations[0])} removed")
                continue
            bad = next((t for t in parsed.tags if t.name in REMOVED), None)
            if bad is not None:
                if not bad.end:
                    self.removed(block, bad.name)
                tag = parsed.tags[0] if len(parsed.tags) == 1 and not parsed.text else None
                if tag is not None and not (tag.end or tag.empty):
                    close = _closing(blocks, index, tag.name)
                    index = index if close is None else close + 1
                continue
            for tag in parsed.tags:
                self.attributes(block, tag)
                if tag.name in UNWRAPPED and not tag.end:
                    self.warn(
                        block,
                        f"HTML <{tag.name}> removed, its words kept: {UNWRAPPED[tag.name]}",
                    )
            if len(parsed.tags) == 1 and not parsed.text and parsed.tags[0].name in UNWRAPPED:
                continue
            kept.append(block)
        return kept

    def _clean_inlines(self, inlines: list[Node]) -> list[Node]:
        kept: list[Node] = []
        for node in inlines:
            if node["t"] == "RawInline":
                parsed = parse(ast.raw(node).text)
                bad = next((t for t in parsed.tags if t.name in REMOVED), None)
                if bad is not None or parsed.declarations:
                    if bad is not None and not bad.end:
                        self.removed(node, bad.name)
                    continue
                for tag in parsed.tags:
                    self.attributes(node, tag)
                    if tag.name in UNWRAPPED and not tag.end:
                        self.warn(
                            node,
                            f"HTML <{tag.name}> removed, its words kept: {UNWRAPPED[tag.name]}",
                        )
                if len(parsed.tags) == 1 and not parsed.text and parsed.tags[0].name in UNWRAPPED:
                    continue
            kept.append(_map_lists(node, self._clean, self._clean_inlines))
        return kept

    def inside(self, block: Node) -> Node:
        """``block`` with the lists of blocks and inlines inside it read."""
        return _map_lists(block, self.blocks, self.inlines)

    def lone(self, block: Node, tag: Tag) -> list[Node]:
        """A raw block that is one tag without its pair: a rule, a break, an image, a stray tag."""
        if tag.end:
            self.ignore(block, tag.name)
            return []
        if tag.name == "hr":
            return [{"t": "HorizontalRule"}]
        if tag.name == "img":
            image = self.image(block, tag)
            return [{"t": "Para", "c": [image]}] if image else []
        if tag.name in ("br", "wbr"):
            return []
        if tag.name in UNWRAPPED:
            self.warn(block, f"HTML <{tag.name}> removed, its words kept: {UNWRAPPED[tag.name]}")
            return []
        self.ignore(block, tag.name)
        return []

    def piece(self, block: Node, parsed: _Parser) -> list[Node]:
        """A raw block holding more than one tag, or tags and text: HTML written on one line,
        or a whole element pandoc keeps together (``<pre>...</pre>``, ``<script>...</script>``)."""
        content = ast.raw(block).text
        for declaration in parsed.declarations:
            self.warn(
                block,
                f"raw HTML {_short(declaration)} removed: it means nothing in a document; "
                "delete it from the source",
            )
            content = content.replace(declaration, "")
        content, removed = _strip_removed(content)
        for name in removed:
            self.removed(block, name)
        parsed = parse(content)
        names = {tag.name for tag in parsed.tags}
        if (not names or names <= {"br", "wbr"}) and not parsed.text:
            return []  # nothing left, or breaks between blocks, which are apart already
        if names & (READ_AS_HTML | _BLOCK_LEVEL):
            for tag in parsed.tags:
                self.attributes(block, tag)
                if tag.name in UNWRAPPED and not tag.end:
                    self.warn(block, f"HTML <{tag.name}> removed, its words kept: {_FIELD}")
            return [self.segment([ast.raw_block("html", content)])]
        inlines = self.inlines(_split(content, self.offsets.get(id(block), 0), self))
        return [{"t": "Plain", "c": inlines}] if inlines else []

    def indented(self, block: Node, previous: Node) -> list[Node]:
        """An indented block right after raw HTML that holds HTML: read as HTML, not as code.

        Pandoc reads a line indented by four spaces or a tab as code, also when
        it continues the HTML of the line above (as exported pages indent it),
        and every edition would print the tags as code.
        """
        code = ast.code_text(block)
        raw = ast.raw_block("html", code)
        offset = self.offsets.get(id(previous), 0)
        self.offsets[id(raw)] = offset
        line, column = self.source.position(offset)
        self.result.diagnostics.append(
            note(
                self.path,
                "source.indented-html",
                "the indented lines after this HTML are read as HTML that continues it, not "
                "as code: pandoc reads lines indented by four spaces or a tab as code; remove "
                "the indentation to make that plain",
                line,
                column,
            )
        )
        return self.piece(raw, parse(code))

    def wrap(self, tag: Tag, blocks: list[Node]) -> list[Node]:
        """``blocks`` in a Div keeping the wrapper's language and direction, if it had them."""
        attr = _language_attr(tag)
        if attr is None:
            return blocks
        return [ast.div(attr, blocks)]

    def details(self, tag: Tag, inner: list[Node]) -> list[Node]:
        """``<details>``: a section led by its summary in bold, its content always shown."""
        summary: list[Node] = []
        rest = inner
        first = inner[0] if inner else None
        opening = only_tag(ast.raw(first).text) if first and first["t"] == "RawBlock" else None
        if opening is not None and opening.name == "summary" and not opening.end:
            close = _closing(inner, 1, "summary")
            if close is not None:
                summary = self.inlines(_flatten(inner[1:close]))
                rest = inner[close + 1 :]
        blocks = self.blocks(rest)
        lead: list[Node] = [{"t": "Para", "c": [{"t": "Strong", "c": summary}]}] if summary else []
        attr = _language_attr(tag) or ast.Attr("", [], [])
        return [ast.div(ast.Attr(attr.identifier, ["details"], attr.attributes), lead + blocks)]

    def segment(self, blocks: list[Node]) -> Node:
        """A placeholder for ``blocks``, read later by pandoc's HTML reader in one batch."""
        self.segments.append(blocks)
        return ast.div(ast.Attr(_SEGMENT_ID.format(len(self.segments) - 1), [], []), [])

    def image(self, node: Node, tag: Tag) -> Node | None:
        """An ``<img>`` as a Markdown image, so that it is checked and embedded like one."""
        self.attributes(node, tag)
        src = tag.attr("src")
        if not src:
            self.ignore(node, "img")
            return None
        alt = tag.attr("alt")
        pairs = [[key, value] for key in ("width", "height") if (value := tag.attr(key))]
        # alt="" is HTML's way of saying that an image is decoration.
        classes = ["decorative"] if alt is not None and not alt.strip() else []
        target = ast.Target(html.unescape(src), tag.attr("title") or "")
        return ast.image(ast.Attr("", classes, pairs), _words(alt or ""), target)

    # -- inlines --------------------------------------------------------------------------

    def inlines(self, inlines: list[Node]) -> list[Node]:
        """``inlines`` with their raw HTML read: pairs of tags become what they mean."""
        inlines = self._one_tag_each(inlines)
        out: list[Node] = []
        index = 0
        while index < len(inlines):
            node = inlines[index]
            index += 1
            if node["t"] != "RawInline":
                out.append(_map_lists(node, self.blocks, self.inlines))
                continue
            fmt, content = ast.raw(node)
            if fmt.lower() not in ("html", "html4", "html5"):
                self.warn(
                    node,
                    f"raw {{={fmt}}} content removed: it would appear in no edition; write "
                    "it in Markdown",
                    "source.raw-format",
                )
                continue
            parsed = parse(content)
            if parsed.declarations or len(parsed.tags) != 1:
                if parsed.declarations:
                    self.warn(node, f"raw HTML {_short(parsed.declarations[0])} removed")
                continue
            tag = parsed.tags[0]
            self.attributes(node, tag)
            name = tag.name
            if name in REMOVED:
                if not (tag.end or tag.empty):
                    close = _closing(inlines, index, name)
                    index = index if close is None else close + 1
                if not tag.end:
                    self.removed(node, name)
                continue
            if tag.end:
                self.ignore(node, name)
                continue
            if name == "br":
                out.append({"t": "LineBreak"})
                continue
            if name == "wbr":
                out.append(_raw_tag(tag))
                continue
            if name == "img":
                image = self.image(node, tag)
                if image is not None:
                    out.append(image)
                continue
            close = None if tag.empty else _closing(inlines, index, name)
            if close is None:
                if name in UNWRAPPED:
                    self.warn(node, f"HTML <{name}> removed, its words kept: {UNWRAPPED[name]}")
                else:
                    self.ignore(node, name)
                continue
            inner = self.inlines(inlines[index:close])
            closing = inlines[close]
            index = close + 1
            out.extend(self.inline_element(node, tag, inner, closing))
        return out

    def _one_tag_each(self, inlines: list[Node]) -> list[Node]:
        """``inlines`` with each raw piece of several tags (or tags and words) split up."""
        if not any(node["t"] == "RawInline" for node in inlines):
            return inlines
        out: list[Node] = []
        for node in inlines:
            if node["t"] == "RawInline" and ast.raw(node).format.lower().startswith("html"):
                text = ast.raw(node).text
                parsed = parse(text)
                if not parsed.declarations and (len(parsed.tags) != 1 or parsed.text):
                    out.extend(_split(text, self.offsets.get(id(node), 0), self))
                    continue
            out.append(node)
        return out

    def inline_element(self, node: Node, tag: Tag, inner: list[Node], closing: Node) -> list[Node]:
        """The AST for the inline element ``tag`` around ``inner``."""
        name = tag.name
        if name == "time" and tag.attr("datetime") is None:
            text = stringify(inner).strip()
            if values.datetime_problem(text):
                line, column = self._place(node)
                self.result.diagnostics.append(
                    note(
                        self.path,
                        "source.html-ignored",
                        f"HTML <time> around {_short(text)!r} ignored, its words kept: without "
                        'datetime="YYYY-MM-DD" it tells a reader\'s software nothing; add one '
                        "to keep it",
                        line,
                        column,
                    )
                )
                return inner
        if name in RAW_TAGS:
            return [_raw_tag(tag), *inner, ast.raw_inline("html", f"</{name}>")]
        kind = INLINE.get(name)
        attr = _language_attr(tag)
        if kind is None:
            if name in UNWRAPPED:
                self.warn(
                    node,
                    f"HTML <{name}> removed, its words kept: {UNWRAPPED[name]}; "
                    "delete it from the source",
                )
            elif attr is None:
                self.ignore(node, name)
            return [ast.span(attr, inner)] if attr else inner
        built: Node
        if kind == "Code":
            built = ast.code(ast.Attr("", [], []), stringify(inner))
        elif kind == "Quoted":
            built = ast.double_quoted(inner)
        elif kind == "Link":
            href = tag.attr("href")
            anchor = tag.attr("id") or tag.attr("name") or ""
            if href is None:
                return [ast.span(ast.Attr(anchor, [], []), inner)] if anchor else inner
            built = ast.link(
                ast.Attr(anchor, [], []),
                inner,
                ast.Target(html.unescape(href.strip()), tag.attr("title") or ""),
            )
            self.offsets[id(built)] = self.offsets.get(id(node), 0)
        else:
            built = {"t": kind, "c": inner}
        if attr is not None:
            return [ast.span(attr, [built])]
        return [built]

    # -- pandoc's HTML reader ---------------------------------------------------------------

    def read_segments(self, blocks: list[Node]) -> list[Node]:
        """Read every segment with pandoc's HTML reader (two pandoc runs in all), in place."""
        parts: list[Node] = []
        for number, segment in enumerate(self.segments):
            for index, block in enumerate(segment):
                if block["t"] != "RawBlock":
                    parts.append(_marker(f"{number}.{index}"))
                    parts.append(block)
            parts.append(_marker(f"{number}.end"))
        rendered: dict[str, str] = {}
        if any(part["t"] != "RawBlock" for part in parts):
            rendered = _between_markers(pandoc.to_html({**_EMPTY_DOC, "blocks": parts}, self.path))
        page: list[str] = []
        for number, segment in enumerate(self.segments):
            page.append(f'<div id="{_SEGMENT_ID.format(number)}">')
            for index, block in enumerate(segment):
                if block["t"] == "RawBlock":
                    page.append(ast.raw(block).text)
                else:
                    page.append(rendered.get(f"{number}.{index}", ""))
            page.append("</div>")
        found: dict[str, list[Node]] = {}
        for block in pandoc.from_html("\n".join(page), self.path):
            name = ast.attr(block).identifier if block["t"] == "Div" else ""
            if name.startswith("clearleaf-html-"):
                found[name] = _tidy(ast.blocks(block))
        return _splice(blocks, found)


_EMPTY_DOC: dict[str, Any] = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": []}


def _marker(name: str) -> Node:
    return ast.raw_block("html", f"<!--clearleaf:{name}-->")


def _between_markers(text: str) -> dict[str, str]:
    """The HTML after each marker up to the next one, by the marker's name."""
    found: dict[str, str] = {}
    for piece in text.split("<!--clearleaf:")[1:]:
        name, _, rest = piece.partition("-->")
        found[name] = rest
    return found


def _splice(blocks: list[Node], found: dict[str, list[Node]]) -> list[Node]:
    """``blocks`` with each placeholder replaced by what was read for it, at any depth."""

    def blocks_of(items: list[Node]) -> list[Node]:
        out: list[Node] = []
        for block in items:
            name = ast.attr(block).identifier if block["t"] == "Div" else ""
            if name in found and not ast.blocks(block):
                out.extend(found[name])
            else:
                out.append(_map_lists(block, blocks_of, lambda inlines: inlines))
        return out

    return blocks_of(blocks)


def _tidy(blocks: list[Node]) -> list[Node]:
    """What pandoc's HTML reader made, without the page's classes, presentation or raw HTML."""

    def clean_attr(attr: ast.Attr) -> ast.Attr:
        pairs = [[k, v] for k, v in attr.attributes if k in _LANGUAGE_KEYS]
        return ast.Attr(attr.identifier, [], pairs)

    def fix(node: Any) -> Any:
        if isinstance(node, list):
            out: list[Any] = []
            for item in node:
                fixed = fix(item)
                if isinstance(fixed, dict) and fixed.get("t") in ("RawBlock", "RawInline"):
                    continue  # what the reader could not read: nothing safe to publish
                if (
                    isinstance(fixed, dict)
                    and fixed.get("t") in ("Div", "Span")
                    and ast.attr(fixed) == ast.Attr("", [], [])
                ):
                    # A wrapper with nothing left to say.
                    out.extend(ast.blocks(fixed) if fixed["t"] == "Div" else ast.inlines(fixed))
                else:
                    out.append(fixed)
            return out
        if not isinstance(node, dict):
            return node
        kind = node.get("t")
        fixed = {key: fix(value) for key, value in node.items()}
        if kind == "Image":
            sizes = [[k, v] for k, v in ast.attr(fixed).attributes if k in ("width", "height")]
            ast.set_attr(fixed, ast.Attr("", [], sizes))
        elif kind is not None and ast.has_attr(fixed):
            ast.set_attr(fixed, clean_attr(ast.attr(fixed)))
        if kind == "Table":
            # The page's styles lay it out: no column widths or attributes of its own.
            ast.reset_column_widths(fixed)
            ast.clear_part_attributes(fixed)
        return fixed

    result: list[Node] = fix(blocks)
    return result


def _map_lists(
    node: Node,
    on_blocks: Callable[[list[Node]], list[Node]],
    on_inlines: Callable[[list[Node]], list[Node]],
) -> Node:
    """A copy of ``node`` whose lists of blocks and of inlines went through the functions."""

    def visit(value: Any) -> Any:
        if isinstance(value, list):
            if value and all(isinstance(item, dict) and "t" in item for item in value):
                if value[0]["t"] in _BLOCK_TYPES:
                    return on_blocks(value)
                return on_inlines(value)
            return [visit(item) for item in value]
        if isinstance(value, dict):
            return {key: visit(item) for key, item in value.items()}
        return value

    if node.get("t") in _LEAVES:
        return node
    return {key: visit(value) for key, value in node.items()}


# Elements with nothing inside to read.
_LEAVES = frozenset(
    {"Str", "Space", "SoftBreak", "LineBreak", "Code", "CodeBlock", "RawBlock", "RawInline", "Math"}
)


def _closing(items: list[Node], start: int, name: str) -> int | None:
    """The index of the raw tag closing ``name`` in ``items`` from ``start``, nesting counted."""
    depth = 0
    for index in range(start, len(items)):
        item = items[index]
        if not _is_raw(item):
            continue
        tag = only_tag(ast.raw(item).text)
        if tag is None or tag.name != name or tag.empty:
            continue
        if not tag.end:
            depth += 1
        elif depth == 0:
            return index
        else:
            depth -= 1
    return None


def _split(content: str, offset: int, reader: _Reader) -> list[Node]:
    """A piece of inline HTML as separate raw tags and words (each placed at ``offset``)."""
    out: list[Node] = []

    class Splitter(html.parser.HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            out.append(ast.raw_inline("html", self.get_starttag_text() or ""))

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            out.append(ast.raw_inline("html", self.get_starttag_text() or ""))

        def handle_endtag(self, tag: str) -> None:
            out.append(ast.raw_inline("html", f"</{tag}>"))

        def handle_data(self, data: str) -> None:
            if data[:1].isspace() and out:
                out.append({"t": "Space"})
            out.extend(_words(data))
            if data[-1:].isspace() and data.strip():
                out.append({"t": "Space"})

    splitter = Splitter(convert_charrefs=True)
    splitter.feed(content)
    splitter.close()
    for node in out:
        reader.offsets[id(node)] = offset
    return out


def _words(text: str) -> list[Node]:
    """``text`` as pandoc's words and spaces."""
    out: list[Node] = []
    for number, word in enumerate(text.split()):
        if number:
            out.append({"t": "Space"})
        out.append({"t": "Str", "c": word})
    return out


def _flatten(blocks: list[Node]) -> list[Node]:
    """The inlines of ``blocks`` (paragraphs and plain text), joined by spaces."""
    out: list[Node] = []
    for block in blocks:
        if block["t"] in ("Plain", "Para"):
            if out:
                out.append({"t": "Space"})
            out.extend(ast.inlines(block))
        elif block["t"] == "RawBlock":
            out.append(ast.raw_inline(*ast.raw(block)))
    return out


def _identify(blocks: list[Node], generated: list[Node]) -> None:
    """Give each heading in ``generated`` an identifier from its words, unique in the body."""
    if not generated:
        return
    waiting = {id(header) for header in generated}
    used = {
        ast.attr(node).identifier
        for node in walk(blocks, citations=False)
        if node["t"] in ("Header", "Div", "Span", "Link", "Image", "Table", "CodeBlock", "Code")
        and id(node) not in waiting
    }
    for header in generated:
        base = slug(stringify(ast.inlines(header)))
        identifier, number = base, 0
        while identifier in used:
            number += 1
            identifier = f"{base}-{number}"
        used.add(identifier)
        ast.set_identifier(header, identifier)


def slug(text: str) -> str:
    """An identifier from a heading's words, as pandoc's ``auto_identifiers`` makes one."""
    text = unicodedata.normalize("NFC", text).lower()
    kept = "".join(char for char in text if char.isalnum() or char in "_-." or char.isspace())
    words = "-".join(kept.split())
    start = next((index for index, char in enumerate(words) if char.isalpha()), len(words))
    return words[start:] or "section"


def _holds_html(block: Node) -> bool:
    """Whether a code block is indented HTML: no fence attributes, and a known tag first."""
    if ast.attr(block) != ast.Attr("", [], []):
        return False
    code = ast.code_text(block).lstrip()
    if not code.startswith("<"):
        return False
    parsed = parse(code)
    return bool(parsed.tags) and parsed.tags[0].name in (ACCEPTED | frozenset(REMOVED))


def _only_breaks(block: Node) -> bool:
    """Whether ``block`` is a paragraph of nothing but line breaks (``<br>`` on its own line)."""
    return block["t"] in ("Para", "Plain") and all(
        inline["t"] in ("LineBreak", "Space", "SoftBreak") for inline in ast.inlines(block)
    )


def _strip_removed(content: str) -> tuple[str, list[str]]:
    """``content`` without the elements of :data:`REMOVED`, and their names, in order."""
    found: list[str] = []

    def drop(match: re.Match[str]) -> str:
        found.append(match[1].lower())
        return ""

    names = "|".join(sorted(REMOVED, key=len, reverse=True))
    content = re.sub(
        rf"<({names})\b[^>]*>.*?</\1\s*>", drop, content, flags=re.IGNORECASE | re.DOTALL
    )
    content = re.sub(rf"</?({names})\b[^>]*>", drop, content, flags=re.IGNORECASE)
    return content, list(dict.fromkeys(found))


def _as_para(block: Node) -> Node:
    return {"t": "Para", "c": ast.inlines(block)} if block["t"] == "Plain" else block


def _language_attr(tag: Tag) -> ast.Attr | None:
    """The ``lang`` and ``dir`` the tag gives its content, as AST attributes, or None."""
    pairs = []
    lang = tag.attr("lang")
    if lang:
        pairs.append(["lang", lang.strip()])
    direction = (tag.attr("dir") or "").strip()
    if direction:  # any value: clearleaf.sanitize refuses one that is not a direction
        pairs.append(["dir", direction.lower() if direction.lower() in _DIRECTIONS else direction])
    return ast.Attr("", [], pairs) if pairs else None


def _raw_tag(tag: Tag) -> Node:
    """``tag`` (one of :data:`RAW_TAGS`) written again with only the attributes it may keep."""
    allowed = RAW_ATTRIBUTES["*"] | RAW_ATTRIBUTES.get(tag.name, frozenset())
    attrs = "".join(
        f' {key}="{html.escape(value or "", quote=True)}"'
        for key, value in tag.attrs
        if key in allowed
    )
    return ast.raw_inline("html", f"<{tag.name}{attrs}>")


def unsafe_attribute(name: str, where: str) -> str | None:
    """Why the attribute ``name`` (found ``where``) is removed, or None if it is not unsafe."""
    name = name.lower()
    if name.startswith("on"):
        return (
            f"event-handler attribute '{name}' {where} removed: the pipeline publishes no "
            "scripts; delete it from the source"
        )
    if name in UNSAFE_ATTRIBUTES:
        what = "a style attribute" if name == "style" else f"attribute '{name}'"
        return f"{what} {where} removed: {UNSAFE_ATTRIBUTES[name]}; delete it from the source"
    return None


def _short(text: str, size: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "\u2026"


#: Every element this module reads, keeps or unwraps.
ACCEPTED = (
    RAW_TAGS
    | WRAPPERS
    | frozenset(INLINE)
    | frozenset(_HEADINGS)
    | READ_AS_HTML
    | _PARTS
    | frozenset({"p", "br", "hr", "img", "details"})
)

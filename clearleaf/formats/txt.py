"""Plain text: UTF-8, LF, 72 columns, nothing a reader has to decode.

Written straight from the pandoc AST rather than by pandoc's plain writer,
which drops link addresses and heading underlines: a help line's web address
must survive in the plain-text edition.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from clearleaf import ast, i18n
from clearleaf.colophon import Colophon
from clearleaf.document import Document
from clearleaf.formats import Inputs, Rendered, pagination
from clearleaf.i18n import Words

WIDTH = 72
Node = dict[str, Any]

# The spaces a line may break at: ASCII only, as textwrap's own. A no-break
# space (10\u00a0mg) is part of the word; str.split() would lose it.
_SPACES = re.compile(r"[ \t\n\r\f\v]+")


def _squash(text: str) -> str:
    """``text`` with each run of breaking spaces made one space, and none at the ends."""
    return _SPACES.sub(" ", text).strip(" ")


def render(inputs: Inputs) -> Rendered:
    """Render the document as plain text."""
    text = to_text(inputs.document, inputs.colophon)
    missing: list[int] = []
    if inputs.pagination is not None:
        words = inputs.colophon.words
        text, missing = pagination.mark_text(
            text, inputs.pagination, lambda n: f"[{words('Page {number}', number=str(n))}]"
        )
    return Rendered(
        text.encode("utf-8"), pagination.unplaced(inputs.document, "plain text", missing)
    )


def to_text(document: Document, back: Colophon, width: int = WIDTH) -> str:
    """The plain-text edition as a string: head, body, notes, then the colophon."""
    meta = document.meta
    words = back.words
    writer = _Writer(width, words)
    head = [*_underlined(meta.title, "=")]
    if meta.subtitle:
        head += writer.wrap(meta.subtitle)
    head += ["", *writer.wrap(meta.organisation)]
    head += writer.wrap(
        words(
            "Published {published}; next review due by {next_review}.",
            published=words.date(meta.published),
            next_review=words.date(meta.next_review),
        )
    )
    sections = [
        head,
        # The key message, as on the front panel of the leaflet and under the
        # title of the web page and the e-book.
        writer.wrap(meta.description),
        writer.blocks(document.blocks, 0),
        writer.footnotes(),
        *_tail(back, writer),
    ]
    lines: list[str] = []
    for section in sections:
        if section:
            if lines:
                lines.append("")
            lines.extend(section)
    return "\n".join(line.rstrip() for line in lines).strip("\n") + "\n"


def _tail(back: Colophon, writer: _Writer) -> list[list[str]]:
    """Contact details, other formats, sources and the record, as sections."""
    words = back.words
    sections = []
    if back.contacts:
        lines = _underlined(words("Contact us"), "-")
        for contact in back.contacts:
            lines += writer.wrap(f"{contact.label}: {contact.text}")
        sections.append(lines)
    others = back.other_formats("txt")
    lines = [*_underlined(words("Other formats"), "-"), *writer.wrap(others.statement)]
    for label, _name, address in others.editions:
        item = writer.wrap(f"{i18n.capital(label)}: {address}", 2)
        lines += ["- " + item[0][2:], *item[1:]]
    if others.url:
        lines += ["", *writer.wrap(words("Read this online at {url}", url=others.url))]
    sections.append(lines)
    if back.sources:
        lines = _underlined(words("Sources"), "-")
        for number, source in enumerate(back.sources, start=1):
            lines += writer.wrap(f"{number}. {source}")
        sections.append(lines)
    sections.append([line for text in back.record for line in writer.wrap(text)])
    return sections


_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def list_marker(number: int, style: str, delimiter: str) -> str:
    """The marker of item ``number`` of a list written in pandoc's ``style`` and ``delimiter``.

    ``3.``, ``c)``, ``(iv)``: the numbering the source wrote, as every other
    edition prints it.
    """
    if style in ("LowerAlpha", "UpperAlpha") and number > 0:
        letters = ""
        value = number
        while value:
            value, rest = divmod(value - 1, 26)
            letters = chr(ord("a") + rest) + letters
        text = letters.upper() if style == "UpperAlpha" else letters
    elif style in ("LowerRoman", "UpperRoman") and 0 < number < 4000:
        text, value = "", number
        for size, letters in _ROMAN:
            while value >= size:
                text, value = text + letters, value - size
        text = text.upper() if style == "UpperRoman" else text
    else:
        text = str(number)
    if delimiter == "TwoParens":
        return f"({text})"
    if delimiter == "OneParen":
        return f"{text})"
    return f"{text}."


def shown_address(text: str, target: str) -> str | None:
    """The address a link to ``target`` written ``text`` shows after its words, in an
    edition that cannot link: None when the words say it already, or it is in the page."""
    if target.startswith("#") or target in (text, f"mailto:{text}", f"tel:{text}"):
        return None
    return target.removeprefix("mailto:").removeprefix("tel:")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a monospaced terminal (wide characters count twice)."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) == "Cf":
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


#: The line under a heading, by level: the title's '=' and a mark of its own
#: for each level below, so that a book's chapters and sections differ.
UNDERLINES = {1: "=", 2: "-", 3: "~", 4: "^", 5: '"', 6: "'"}

#: Superscript and subscript characters Unicode has.
SUPERSCRIPTS = str.maketrans(
    "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ",
)
SUBSCRIPTS = str.maketrans("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")


def raised(text: str, table: dict[int, int], mark: str) -> str:
    """``text`` raised or lowered: in Unicode's super- or subscript characters when it
    has them all (10⁹/L, H₂O), otherwise marked ``^(...)`` or ``_(...)``, so that
    10^9^ never reads as 109."""
    converted = text.translate(table)
    if all(ord(char) in table for char in text):
        return converted
    return f"{mark}({text})"


def _underlined(text: str, mark: str) -> list[str]:
    return [text, mark * max(3, display_width(text))]


@dataclass
class _Writer:
    width: int
    #: The pipeline's words: the notes' heading, an image's and a column's labels.
    words: Words
    notes: list[list[Node]] = field(default_factory=list)

    # -- blocks ---------------------------------------------------------------

    def blocks(self, blocks: list[Node], indent: int) -> list[str]:
        out: list[str] = []
        for block in blocks:
            lines = self.block(block, indent)
            if not lines:
                continue
            if out:
                out.append("")
            out.extend(lines)
        return out

    def block(self, node: Node, indent: int) -> list[str]:
        kind: str = node["t"]
        pad = " " * indent
        if kind in ("Para", "Plain"):
            return self.wrap(self.inlines(ast.inlines(node)), indent)
        if kind == "Header":
            text = self.inlines(ast.inlines(node))
            return [pad + line for line in _underlined(text, UNDERLINES[ast.level(node)])]
        if kind == "BulletList":
            return self.list_items([("- ", item) for item in ast.items(node)], indent)
        if kind == "OrderedList":
            counting = ast.list_attributes(node)
            items = ast.items(node)
            markers = [
                list_marker(counting.start + number, counting.style, counting.delimiter) + " "
                for number in range(len(items))
            ]
            size = max(len(marker) for marker in markers)
            return self.list_items(
                [(marker.ljust(size), item) for marker, item in zip(markers, items, strict=True)],
                indent,
            )
        if kind == "BlockQuote":
            # Quoted as in an email, so that a quotation never looks like code.
            return [pad + "> " + line[indent:] for line in self.blocks(ast.blocks(node), indent)]
        if kind == "CodeBlock":
            return [pad + "    " + line for line in ast.code_text(node).rstrip("\n").split("\n")]
        if kind == "LineBlock":
            return [
                line
                for inlines in ast.lines(node)
                for line in self.wrap(self.inlines(inlines), indent)
            ]
        if kind == "DefinitionList":
            out: list[str] = []
            for entry in ast.definition_items(node):
                if out:
                    out.append("")
                out.extend(self.wrap(self.inlines(entry.term), indent))
                for definition in entry.definitions:
                    out.extend(self.blocks(definition, indent + 4))
            return out
        if kind == "Div":
            return self.blocks(ast.blocks(node), indent)
        if kind == "Figure":
            images = self.blocks(ast.blocks(node), indent)
            caption_text = ast.stringify(ast.caption(node)).split()
            # An implicit figure repeats the alt text as its caption: say it once.
            if caption_text == " ".join(ast.image_alts(ast.blocks(node))).split():
                caption = []
            else:
                caption = self.blocks(ast.caption(node), indent)
            return images + ([""] if images and caption else []) + caption
        if kind == "Table":
            return self.table(node, indent)
        if kind == "HorizontalRule":
            return [pad + "* * *"]
        return []  # RawBlock and anything unknown: never leak markup

    def list_items(self, items: list[tuple[str, list[Node]]], indent: int) -> list[str]:
        out: list[str] = []
        # A loose list (items written with blank lines between them) keeps them.
        loose = any(
            len(blocks) > 1 or (blocks and blocks[0]["t"] == "Para") for _marker, blocks in items
        )
        for marker, blocks in items:
            lines = self.blocks(blocks, indent + len(marker))
            if not lines:
                lines = [" " * (indent + len(marker))]
            first = lines[0]
            lines[0] = " " * indent + marker + first[indent + len(marker) :]
            if out and loose:
                out.append("")
            out.extend(lines)
        return out

    def table(self, table: Node, indent: int) -> list[str]:
        header_rows = [self.row(row) for row in ast.head_rows(table)]
        body_rows = [self.row(row) for body in ast.bodies(table) for row in body.head + body.rows]
        body_rows += [self.row(row) for row in ast.foot_rows(table)]
        caption = ast.caption(table)
        out = self.blocks(caption, indent) if caption else []
        if out:
            out.append("")
        rows = header_rows + body_rows
        columns = max((len(row) for row in rows), default=0)
        widths = [
            max((display_width(row[i]) for row in rows if i < len(row)), default=0)
            for i in range(columns)
        ]
        if indent + sum(widths) + 2 * max(columns - 1, 0) <= self.width:
            for number, row in enumerate(rows):
                cells = [
                    cell + " " * (widths[i] - display_width(cell)) for i, cell in enumerate(row)
                ]
                out.append(" " * indent + "  ".join(cells))
                if number == len(header_rows) - 1:
                    out.append(" " * indent + "  ".join("-" * w for w in widths))
            return out
        # Too wide to align: one record per row, each cell labelled by its header.
        labels = header_rows[-1] if header_rows else []
        for number, row in enumerate(body_rows):
            if number:
                out.append("")
            for i, cell in enumerate(row):
                label = (
                    labels[i]
                    if i < len(labels) and labels[i]
                    else self.words("Column {number}", number=str(i + 1))
                )
                out.extend(self.wrap(f"{label}: {cell}", indent))
        return out

    def row(self, row: ast.Row) -> list[str]:
        return [_squash(" ".join(self.blocks(ast.cell_blocks(cell), 0))) for cell in ast.cells(row)]

    def footnotes(self) -> list[str]:
        if not self.notes:
            return []
        out = _underlined(self.words("Notes"), "-")
        for number, blocks in enumerate(self.notes, start=1):
            marker = f"[{number}] "
            lines = self.blocks(blocks, len(marker))
            if lines:
                lines[0] = marker + lines[0][len(marker) :]
                out.append("")
                out.extend(lines)
        return out

    # -- inlines --------------------------------------------------------------

    def inlines(self, nodes: list[Node]) -> str:
        return "".join(self.inline(node) for node in nodes)

    def inline(self, node: Node) -> str:
        kind: str = node["t"]
        if kind == "Str":
            return ast.stringify(node)
        if kind in ("Space", "SoftBreak"):
            return " "
        if kind == "LineBreak":
            return "\n"
        if kind in ("Emph", "Strong", "Underline", "SmallCaps", "Span", "Cite"):
            return self.inlines(ast.inlines(node))
        if kind == "Superscript":
            return raised(self.inlines(ast.inlines(node)), SUPERSCRIPTS, "^")
        if kind == "Subscript":
            return raised(self.inlines(ast.inlines(node)), SUBSCRIPTS, "_")
        if kind == "Strikeout":
            # Crossed-out words still say something (a dose no longer given):
            # the reader is told they are crossed out.
            return self.words("[crossed out: {text}]", text=self.inlines(ast.inlines(node)))
        if kind in ("Code", "Math"):
            return ast.code_text(node)
        if kind == "Quoted":
            return ast.stringify(node)
        if kind == "Link":
            text = self.inlines(ast.inlines(node))
            address = shown_address(text, ast.target(node).url)
            if address is None:
                return text
            return f"{text} ({address})" if text.strip() else address
        if kind == "Image":
            alt = _squash(self.inlines(ast.inlines(node)))
            return self.words("[Image: {alt}]", alt=alt) if alt else ""
        if kind == "Note":
            self.notes.append(ast.blocks(node))
            return f"[{len(self.notes)}]"
        return ""  # RawInline and anything unknown

    # -- wrapping -------------------------------------------------------------

    def wrap(self, text: str, indent: int = 0) -> list[str]:
        pad = " " * indent
        wrapper = textwrap.TextWrapper(
            width=self.width,
            initial_indent=pad,
            subsequent_indent=pad,
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines: list[str] = []
        for part in text.split("\n"):
            lines.extend(wrapper.wrap(_squash(part)) or [pad])
        return lines

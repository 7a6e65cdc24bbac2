"""Braille: the document transcribed by liblouis and laid out in pages for an embosser.

The edition is a BRF file (Braille ASCII: bytes 0x20-0x5F, lines ending CR
LF, each page ended by a form feed), the file embossers and braille displays
read; the PEF edition (:mod:`clearleaf.formats.pef`) is made from its cells.

Transcription is by liblouis in the code of the document's language
(:mod:`clearleaf.braille`): Unified English Braille grade 2 for English.
Passages marked in another language take that language's code. Web and
email addresses, code and commands are uncontracted (after UEB's grade 1
word indicator), so that a reader copies them letter for letter; emphasis
keeps UEB's indicators. The layout is clearleaf's house style, after the
UKAAF and BANA formats (README, "Braille"):

- 40 cells by 25 lines unless the front matter says otherwise
  (``braille_cells``, ``braille_lines``); line 1 of every page holds the
  braille page number at its right, and nothing else;
- the title, subtitle and organisation centred at the top of page 1, with
  the key message after them;
- section headings (level 2) centred with a blank line before and after;
  level 3 in cell 5, levels 4-6 in cell 7, each with a blank line before,
  and never last on a page;
- paragraphs begin in cell 3 and run over to cell 1; list items begin in
  cell 1 and run over to cell 3, two cells deeper a level; a list is set
  apart by blank lines;
- call-outs and quotations between box lines (a full line of dots 2356);
- tables as one block per row, each cell after its column's heading;
- where a page of the printed leaflet begins, a print page change indicator:
  a line of dots 36 ending in the print page's number, at the word where
  the page turns;
- a symbols-sequence longer than a line (an address) is divided with UEB's
  line continuation indicator (dot 5); a longer word with a hyphen.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from clearleaf import ast, braille, i18n, louis
from clearleaf.braille import BLANK, Code
from clearleaf.colophon import Colophon
from clearleaf.document import Document
from clearleaf.errors import Diagnostic, input_error, usage_error, warning
from clearleaf.formats import Inputs, Rendered, pagination
from clearleaf.formats.txt import SUBSCRIPTS, SUPERSCRIPTS, list_marker, raised, shown_address
from clearleaf.i18n import Words

Node = dict[str, Any]
Form = louis.Typeform

#: Dots 36: the print page change indicator's line.
PAGE_LINE = "\u2824"
#: Dots 2356: a box line, above and below a call-out.
BOX = "\u2836"
#: Dot 5: UEB's line continuation indicator, for a divided address.
CONTINUED = "\u2810"
#: Dots 36: a hyphen, for a divided word.
HYPHEN = "\u2824"

#: Web and email addresses in running text: transcribed uncontracted.
_ADDRESS = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>]+[^\s<>.,;:!?)\]'\"]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    re.IGNORECASE,
)


# -- the text to transcribe ---------------------------------------------------


@dataclass(frozen=True)
class Run:
    """Text in one code and one typeform."""

    text: str
    form: int = 0
    code: Code | None = None  # None: the document's code
    #: An address, a command or code: uncontracted, after the grade 1 indicator.
    literal: bool = False


@dataclass
class Para:
    """A block of text: where its first line and its runover lines begin, and how it is set."""

    runs: list[Run]
    first: int = 0
    runover: int = 0
    centred: bool = False
    #: Blank lines wanted before and after it (fewer at the top of a page).
    before: int = 0
    after: int = 0
    heading: bool = False
    #: Each line of a code block is a line of its own.
    lines: bool = False

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class Turn:
    """Page ``number`` of the printed leaflet begins here."""

    number: int


@dataclass(frozen=True)
class Rule:
    """A full line of one cell (a box line)."""

    cell: str


Item = Para | Turn | Rule


# -- from the AST -------------------------------------------------------------


@dataclass
class _Writer:
    words: Words
    document_code: Code
    notes: list[list[Node]] = field(default_factory=list)
    missing_codes: dict[str, None] = field(default_factory=dict)

    def blocks(self, blocks: list[Node], depth: int, code: Code | None = None) -> list[Item]:
        out: list[Item] = []
        for block in blocks:
            out.extend(self.block(block, depth, code))
        return out

    def block(self, node: Node, depth: int, code: Code | None) -> list[Item]:
        kind: str = node["t"]
        indent = 2 * depth
        if kind in ("Para", "Plain"):
            return self._para(self.inlines(ast.inlines(node), 0, code), indent + 2, indent)
        if kind == "Header":
            runs = self.inlines(ast.inlines(node), 0, code)
            level = ast.level(node)
            if level <= 2:
                return [Para(runs, centred=True, before=1, after=1, heading=True)]
            cell = 4 if level == 3 else 6
            return [Para(runs, cell, cell, before=1, heading=True)]
        if kind in ("BulletList", "OrderedList"):
            items = ast.items(node)
            if kind == "BulletList":
                markers = [self.bullet(code)] * len(items)
            else:
                counting = ast.list_attributes(node)
                markers = [
                    list_marker(counting.start + n, counting.style, counting.delimiter)
                    for n in range(len(items))
                ]
            out: list[Item] = []
            for marker, blocks in zip(markers, items, strict=True):
                inner = self.blocks(blocks, depth + 1, code)
                first = next((i for i, item in enumerate(inner) if isinstance(item, Para)), None)
                if first is None:
                    inner.insert(0, Para([Run(marker)], indent, indent + 2))
                else:
                    para = inner[first]
                    assert isinstance(para, Para)
                    inner[first] = replace(
                        para, runs=[Run(marker + " "), *para.runs], first=indent, runover=indent + 2
                    )
                out.extend(inner)
            return self._apart(out) if depth == 0 else out
        if kind == "BlockQuote":
            return self._boxed(self.blocks(ast.blocks(node), depth, code))
        if kind == "CodeBlock":
            text = ast.code_text(node).rstrip("\n")
            code_para = Para([Run(text, literal=True)], indent, indent + 2, lines=True)
            return self._apart([code_para])
        if kind == "LineBlock":
            return [
                self._para(self.inlines(inlines, 0, code), indent, indent + 2)[0]
                for inlines in ast.lines(node)
            ]
        if kind == "DefinitionList":
            out = []
            for entry in ast.definition_items(node):
                out.extend(self._para(self.inlines(entry.term, 0, code), indent, indent + 2))
                for definition in entry.definitions:
                    out.extend(self.blocks(definition, depth + 1, code))
            return self._apart(out)
        if kind == "Div":
            attr = ast.attr(node)
            code = self._code_of(attr, code)
            inner = self.blocks(ast.blocks(node), depth, code)
            boxed = [name for name in attr.classes if name not in ("lang",)]
            return self._boxed(inner) if boxed else inner
        if kind == "Figure":
            images = self.blocks(ast.blocks(node), depth, code)
            caption_text = ast.stringify(ast.caption(node)).split()
            if caption_text == " ".join(ast.image_alts(ast.blocks(node))).split():
                return images
            return images + self.blocks(ast.caption(node), depth, code)
        if kind == "Table":
            return self.table(node, depth, code)
        if kind == "HorizontalRule":
            return [Para([Run("* * *")], centred=True, before=1, after=1)]
        return []

    def bullet(self, code: Code | None) -> str:
        """A bullet list's marker: the bullet, or a dash in a code without one."""
        table = (code or self.document_code).table
        return next((mark for mark in ("\u2022", "-") if louis.defines(table, mark)), "")

    def _para(self, runs: list[Run], first: int, runover: int) -> list[Item]:
        if not "".join(run.text for run in runs).strip():
            return []
        return [Para(runs, first, runover)]

    @staticmethod
    def _apart(items: list[Item]) -> list[Item]:
        paras = [item for item in items if isinstance(item, Para)]
        if paras:
            paras[0].before = max(paras[0].before, 1)
            paras[-1].after = max(paras[-1].after, 1)
        return items

    @staticmethod
    def _boxed(items: list[Item]) -> list[Item]:
        return [Rule(BOX), *items, Rule(BOX)] if items else []

    def _code_of(self, attr: ast.Attr, code: Code | None) -> Code | None:
        lang = dict((key, value) for key, value in attr.attributes).get("lang")
        if lang is None:
            return code
        found = braille.code_for(lang)
        if found is None:
            self.missing_codes[lang] = None
            return code
        return found

    def table(self, table: Node, depth: int, code: Code | None) -> list[Item]:
        indent = 2 * depth
        out: list[Item] = []
        caption = ast.caption(table)
        if caption:
            out.extend(self.blocks(caption, depth, code))
        heads = [self.row(row, code) for row in ast.head_rows(table)]
        labels = heads[-1] if heads else []
        rows = [self.row(row, code) for body in ast.bodies(table) for row in body.head + body.rows]
        rows += [self.row(row, code) for row in ast.foot_rows(table)]
        for number, row in enumerate(rows):
            for column, cell in enumerate(row):
                if column < len(labels) and "".join(r.text for r in labels[column]).strip():
                    label = [*labels[column], Run(": ")]
                else:
                    label = [Run(self.words("Column {number}", number=str(column + 1)) + ": ")]
                para = Para([*label, *cell], indent, indent + 2)
                if column == 0 and number:
                    para.before = 1
                out.append(para)
        return self._apart(out)

    def row(self, row: ast.Row, code: Code | None) -> list[list[Run]]:
        cells = []
        for cell in ast.cells(row):
            runs: list[Run] = []
            for block in ast.cell_blocks(cell):
                for item in self.block(block, 0, code):
                    if isinstance(item, Para):
                        if runs:
                            runs.append(Run(" "))
                        runs.extend(item.runs)
            cells.append(runs)
        return cells

    # -- inlines --------------------------------------------------------------

    def inlines(self, nodes: list[Node], form: int, code: Code | None) -> list[Run]:
        return [run for node in nodes for run in self.inline(node, form, code)]

    def inline(self, node: Node, form: int, code: Code | None) -> list[Run]:
        kind: str = node["t"]
        if kind == "Str":
            return _addresses(ast.stringify(node), form, code)
        if kind in ("Space", "SoftBreak"):
            return [Run(" ", form, code)]
        if kind == "LineBreak":
            return [Run("\n", form, code)]
        if kind == "Emph":
            return self.inlines(ast.inlines(node), form | Form.ITALIC, code)
        if kind == "Strong":
            return self.inlines(ast.inlines(node), form | Form.BOLD, code)
        if kind == "Underline":
            return self.inlines(ast.inlines(node), form | Form.UNDERLINE, code)
        if kind in ("SmallCaps", "Cite", "Quoted"):
            if kind == "Quoted":
                return [Run(ast.stringify(node), form, code)]
            return self.inlines(ast.inlines(node), form, code)
        if kind == "Span":
            return self.inlines(ast.inlines(node), form, self._code_of(ast.attr(node), code))
        if kind == "Superscript":
            return [Run(raised(ast.stringify(node), SUPERSCRIPTS, "^"), form, code)]
        if kind == "Subscript":
            return [Run(raised(ast.stringify(node), SUBSCRIPTS, "_"), form, code)]
        if kind == "Strikeout":
            text = ast.stringify(node)
            return [Run(self.words("[crossed out: {text}]", text=text), form, code)]
        if kind in ("Code", "Math"):
            return [Run(ast.code_text(node), form, code, literal=True)]
        if kind == "Link":
            runs = self.inlines(ast.inlines(node), form, code)
            text = "".join(run.text for run in runs)
            address = shown_address(text, ast.target(node).url)
            if address is None:
                return runs
            if not text.strip():
                return [Run(address, form, code, literal=True)]
            return [*runs, Run(" (", form, code), Run(address, form, code, True), Run(")")]
        if kind == "Image":
            alt = " ".join(ast.stringify(node).split())
            return [Run(self.words("[Image: {alt}]", alt=alt), form, code)] if alt else []
        if kind == "Note":
            self.notes.append(ast.blocks(node))
            return [Run(f"[{len(self.notes)}]", form, code)]
        return []


def _addresses(text: str, form: int = 0, code: Code | None = None) -> list[Run]:
    """``text`` as runs, its web and email addresses marked to stay uncontracted."""
    runs: list[Run] = []
    position = 0
    for match in _ADDRESS.finditer(text):
        if match.start() > position:
            runs.append(Run(text[position : match.start()], form, code))
        runs.append(Run(match[0], form, code, literal=True))
        position = match.end()
    if position < len(text):
        runs.append(Run(text[position:], form, code))
    return runs


def _phrase(words: Words, text: str, document_code: Code) -> list[Run]:
    """A sentence of the pipeline's: in English braille when the words are English and the
    document is not (a language without a catalogue)."""
    code = None if words.native else braille.code_for(words.lang)
    return _addresses(text, 0, code if code is not document_code else None)


def items(document: Document, back: Colophon, code: Code) -> tuple[list[Item], _Writer]:
    """What the braille edition says, in order: head, body, notes, back matter."""
    meta = document.meta
    words = back.words
    writer = _Writer(words, code)
    head: list[Item] = [Para(_addresses(meta.title), centred=True, after=1, heading=True)]
    if meta.subtitle:
        head.append(Para(_addresses(meta.subtitle), centred=True, after=1))
    head.append(Para(_addresses(meta.organisation), centred=True, after=1))
    dates = words(
        "Published {published}; next review due by {next_review}.",
        published=words.date(meta.published),
        next_review=words.date(meta.next_review),
    )
    head.append(Para(_phrase(words, dates, code), centred=True, after=1))
    head.append(Para(_addresses(meta.description), 2, 0, after=1))
    body = writer.blocks(document.blocks, 0)
    out = head + body
    if writer.notes:
        out.append(_heading(words("Notes"), code, words))
        for number, blocks in enumerate(writer.notes, start=1):
            inner = writer.blocks(blocks, 0)
            first = next((i for i, item in enumerate(inner) if isinstance(item, Para)), None)
            if first is not None:
                para = inner[first]
                assert isinstance(para, Para)
                inner[first] = replace(para, runs=[Run(f"[{number}] "), *para.runs])
            out.extend(inner)
    out.extend(_tail(back, code))
    return out, writer


def _heading(text: str, code: Code, words: Words) -> Para:
    return Para(_phrase(words, text, code), centred=True, before=1, after=1, heading=True)


def _tail(back: Colophon, code: Code) -> list[Item]:
    words = back.words
    out: list[Item] = []
    if back.contacts:
        out.append(_heading(words("Contact us"), code, words))
        for contact in back.contacts:
            label = _phrase(words, f"{contact.label}: ", code)
            # The whole of a contact's text is copied letter for letter.
            out.append(Para([*label, Run(contact.text, literal=True)], 0, 2))
    others = back.other_formats("braille")
    out.append(_heading(words("Other formats"), code, words))
    out.append(Para(_phrase(words, others.statement, code), 2, 0))
    for name, _file, address in others.editions:
        runs = _phrase(words, f"{i18n.capital(name)}: ", code)
        out.append(Para([*runs, Run(address, literal=True)], 0, 2))
    if others.url:
        online = words("Read this online at {url}", url=others.url)
        out.append(Para(_phrase(words, online, code), 2, 0))
    if back.sources:
        out.append(_heading(words("Sources"), code, words))
        for number, source in enumerate(back.sources, start=1):
            out.append(Para(_addresses(f"{number}. {source}"), 0, 2))
    record = [Para(_phrase(words, str(text), code), 2, 0) for text in back.record if text.strip()]
    if record:
        record[0].before = 1
    return out + record


# -- print pages --------------------------------------------------------------

#: A list item's marker, which a page turn goes before rather than after.
_MARKER = re.compile(r"^\s*(?:\u2022|\(?\w{1,4}[.)])\s*$")


def with_turns(items: list[Item], paginated: pagination.Pagination) -> tuple[list[Item], list[int]]:
    """``items`` with a :class:`Turn` where each page of the printed leaflet after the first
    begins (splitting a paragraph at the word where it does), and the pages not found."""
    paras = [(index, item) for index, item in enumerate(items) if isinstance(item, Para)]
    places = pagination.find(paginated, [para.text for _, para in paras])
    missing = [number for number, place in enumerate(places, start=1) if place is None]
    splits: dict[int, list[tuple[int, int]]] = {}
    last: tuple[int, int] = (0, 0)
    for number, place in enumerate(places, start=1):
        place = place or last
        last = place
        if number > 1:
            splits.setdefault(paras[place[0]][0], []).append((place[1], number))
    out: list[Item] = []
    for index, item in enumerate(items):
        if not isinstance(item, Para) or index not in splits:
            out.append(item)
            continue
        rest = item
        consumed = 0
        for offset, number in sorted(splits[index]):
            head, tail = _split(rest, offset - consumed)
            consumed = offset
            if head is not None:
                out.append(head)
            out.append(Turn(number))
            rest = tail
        out.append(rest)
    return out, missing


def _split(para: Para, offset: int) -> tuple[Para | None, Para]:
    """``para`` cut at ``offset`` of its text: the part before (None if it holds only
    space or a list marker) and the rest, which continues as a runover."""
    before = para.text[:offset]
    if not before.strip() or _MARKER.match(before) or (para.lines and "\n" not in before):
        return None, para
    head_runs: list[Run] = []
    tail_runs: list[Run] = []
    seen = 0
    for run in para.runs:
        if seen + len(run.text) <= offset:
            head_runs.append(run)
        elif seen >= offset:
            tail_runs.append(run)
        else:
            cut = offset - seen
            head_runs.append(replace(run, text=run.text[:cut]))
            tail_runs.append(replace(run, text=run.text[cut:]))
        seen += len(run.text)
    if para.lines:
        # A code block breaks between its lines, never inside one.
        text = para.text
        cut = text.rfind("\n", 0, offset) + 1
        head_text, tail_text = text[:cut].rstrip("\n"), text[cut:]
        head = replace(para, runs=[Run(head_text, literal=True)], after=0)
        return head, replace(para, runs=[Run(tail_text, literal=True)], before=0)
    head = replace(para, runs=head_runs, after=0)
    tail = replace(para, runs=tail_runs, first=para.runover, before=0)
    return head, tail


# -- transcription ------------------------------------------------------------


@dataclass
class Transcriber:
    """Runs of text to cells, in the document's code; what it could not transcribe."""

    code: Code
    #: Characters a code has no braille for: (code name, character).
    undefined: dict[tuple[str, str], None] = field(default_factory=dict)

    def cells(self, runs: Iterable[Run]) -> list[str]:
        """The cells of ``runs``, one string a line (a line break starts another)."""
        lines: list[list[str]] = [[]]
        group: list[Run] = []

        def flush() -> None:
            if group:
                lines[-1].append(self._translate(group))
                group.clear()

        for run in runs:
            pieces = run.text.split("\n")
            for number, piece in enumerate(pieces):
                if number:
                    flush()
                    lines.append([])
                if not piece:
                    continue
                run_piece = run if piece == run.text else replace(run, text=piece)
                if group and (group[-1].code, group[-1].literal) != (run.code, run.literal):
                    flush()
                group.append(run_piece)
        flush()
        return [_spaces("".join(parts)) for parts in lines]

    def _translate(self, group: list[Run]) -> str:
        code = group[0].code or self.code
        literal = group[0].literal
        text = "".join(run.text for run in group)
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        core = text.strip()
        if not core:
            return BLANK if text else ""
        forms = [run.form for run in group for _ in run.text][len(lead) : len(lead) + len(core)]
        # Literal text is in the uncontracted table: no typeform asks for it
        # (liblouis' no_contract is an emphasis class in some codes, Welsh's).
        table = code.uncontracted if literal else code.table
        parts = _scripts(core, table)
        cells = "".join(
            louis.translate(part_table, core[start:end], forms[start:end])
            for part_table, start, end in parts
        )
        if literal and code.table != table and any(char.isalpha() for char in core):
            # Numbers read alike in every grade: no indicator for a phone number.
            if " " not in core:
                cells = code.grade1 + cells
            else:
                opening, closing = code.grade1_passage
                cells = opening + cells + closing
        for part_table, start, end in parts:
            for char in dict.fromkeys(core[start:end]):
                if not char.isspace() and not louis.defines(part_table, char):
                    self.undefined[(code.name, char)] = None
        if not braille.six_dot(cells):
            # Eight-dot cells: in liblouis' spelling of a character the code has
            # no sign for (its backslash is dots 1256 7); the dots 7 and 8 go.
            cells = "".join(chr(0x2800 + ((ord(c) - 0x2800) & 0x3F)) for c in cells)
        return (BLANK if lead else "") + cells + (BLANK if trail else "")


def _scripts(text: str, table: str) -> list[tuple[str, int, int]]:
    """``text`` in parts, each with the table that writes it: ``table``, or
    :data:`clearleaf.braille.FOREIGN` for letters ``table`` has no six-dot sign for
    and English braille has (spaces go with the part before them)."""
    parts: list[tuple[str, int, int]] = []
    for index, char in enumerate(text):
        chosen = parts[-1][0] if char.isspace() and parts else _table_for(table, char)
        if parts and parts[-1][0] == chosen:
            parts[-1] = (chosen, parts[-1][1], index + 1)
        else:
            parts.append((chosen, index, index + 1))
    return parts


@functools.cache
def _table_for(table: str, char: str) -> str:
    """The table that writes ``char`` in a text in ``table`` (see :func:`_scripts`)."""
    if table == braille.FOREIGN or char.isspace():
        return table
    native = louis.sign(table, char)
    if native and braille.six_dot(native):
        return table
    foreign = louis.sign(braille.FOREIGN, char)
    return braille.FOREIGN if foreign and braille.six_dot(foreign) else table


def _spaces(cells: str) -> str:
    """``cells`` with each run of blank cells made one, and none at the ends."""
    return re.sub(f"{BLANK}+", BLANK, cells).strip(BLANK)


# -- pages --------------------------------------------------------------------


@dataclass(frozen=True)
class Geometry:
    """Cells a line and lines a page."""

    cells: int = 40
    lines: int = 25


@dataclass
class _Pages:
    geometry: Geometry
    transcriber: Transcriber
    pages: list[list[str]] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    #: Where on the current page the last print page indicator is.
    turn: int | None = None

    @property
    def room(self) -> int:
        # Line 1 holds the page number.
        return self.geometry.lines - 1 - len(self.current)

    def new_page(self) -> None:
        while self.current and not self.current[-1]:
            self.current.pop()
        self.pages.append(self.current)
        self.current = []
        self.turn = None

    def blank(self, count: int) -> None:
        for _ in range(count):
            if not self.current:
                return  # never at the top of a page
            if self.room <= 0:
                self.new_page()
                return
            if self.current[-1] == "" and count == 1:
                return
            self.current.append("")

    def line(self, cells: str) -> None:
        if self.room <= 0:
            self.new_page()
        self.current.append(cells)

    def add(self, item: Item) -> None:
        width = self.geometry.cells
        if isinstance(item, Rule):
            self.line(item.cell * width)
            return
        if isinstance(item, Turn):
            number = self.transcriber.cells([Run(str(item.number))])[0]
            if self.room == 1:
                # Never the last line of a page: the page it announces begins below it.
                self.new_page()
            self.line(PAGE_LINE * (width - len(number)) + number)
            self.turn = len(self.current) - 1
            return
        lines = self.transcriber.cells(item.runs)
        laid: list[str] = []
        for index, cells in enumerate(lines):
            # Each line of code begins where the first did; a line break runs over.
            first = item.first if index == 0 or item.lines else item.runover
            laid.extend(_wrap(cells, width, first, item.runover, item.centred))
        if not laid:
            return
        self.blank(item.before)
        # A heading keeps at least a line of what follows it on its page, and
        # a print page indicator right before it goes with it.
        if item.heading and self.current and self.room < len(laid) + item.after + 1:
            while self.current and not self.current[-1]:
                self.current.pop()
            carried = self.current.pop() if self.turn == len(self.current) - 1 else None
            self.new_page()
            if carried is not None:
                self.line(carried)
                self.turn = 0
        for cells in laid:
            self.line(cells)
        self.blank(item.after)

    def finish(self) -> list[list[str]]:
        if self.current:
            self.new_page()
        numbered = []
        for number, page in enumerate(self.pages, start=1):
            label = self.transcriber.cells([Run(str(number))])[0]
            head = BLANK * (self.geometry.cells - len(label)) + label
            numbered.append([head, *page])
        return numbered


def _wrap(cells: str, width: int, first: int, runover: int, centred: bool) -> list[str]:
    """``cells`` broken into lines at blank cells: the first from cell ``first + 1``, the
    others from ``runover + 1``; centred lines are each centred."""
    words = [word for word in cells.split(BLANK) if word]
    lines: list[str] = []
    line = ""
    # However deep a list is nested, a line keeps at least half its cells for text.
    first, runover = min(first, width // 2), min(runover, width // 2)
    indent = 0 if centred else first
    for word in words:
        while True:
            room = width - indent
            if not line and len(word) > room:
                cut = room - 1
                # An address or code has no hyphen of its own: dot 5 continues it.
                mark = CONTINUED if _is_literal_word(word) else HYPHEN
                lines.append(" " * indent + word[:cut] + mark)
                word = word[cut:]
                indent = 0 if centred else runover
                continue
            if not line:
                line = word
                break
            if len(line) + 1 + len(word) <= room:
                line += BLANK + word
                break
            lines.append(" " * indent + line)
            line = ""
            indent = 0 if centred else runover
        # loop continues with the next word
    if line:
        lines.append(" " * indent + line)
    if centred:
        lines = [BLANK * ((width - len(line)) // 2) + line for line in lines]
    return [line.replace(" ", BLANK) for line in lines]


def _is_literal_word(word: str) -> bool:
    # Uncontracted sequences carry the grade 1 indicator, or slashes and dots.
    return word.startswith("\u2830\u2830") or "\u2838\u280c" in word or "\u2808\u2801" in word


# -- the edition --------------------------------------------------------------


def code_of(document: Document) -> Code:
    """The document's braille code, or the error naming the languages that have one."""
    code = braille.code_for(document.meta.lang)
    if code is None:
        offset = document.source.front_matter_key("lang")
        line, column = document.source.position(offset) if offset is not None else (0, 0)
        raise input_error(
            document.path,
            "braille.no-code",
            f"liblouis has no braille code for the language '{document.meta.lang}', so there "
            f"is no braille edition of this document; the languages it has are "
            f"{braille.languages()}. Build the other editions with --format, or set "
            "'formats' in clearleaf.toml",
            line,
            column,
        )
    return code


def pages(
    document: Document,
    back: Colophon,
    paginated: pagination.Pagination | None = None,
    geometry: Geometry | None = None,
) -> tuple[list[list[str]], tuple[Diagnostic, ...]]:
    """The braille pages of ``document`` (each a list of lines of Unicode braille, line 1 the
    page number), and what the transcription found."""
    problem = louis.available()
    if problem is not None:
        raise usage_error(document.path, "braille.no-liblouis", problem)
    code = code_of(document)
    geometry = geometry or Geometry(document.meta.braille_cells, document.meta.braille_lines)
    found, writer = items(document, back, code)
    missing: list[int] = []
    if paginated is not None:
        found, missing = with_turns(found, paginated)
    layout = _Pages(geometry, Transcriber(code))
    for item in found:
        layout.add(item)
    laid = layout.finish()
    notes: list[Diagnostic] = list(pagination.unplaced(document, "braille", missing))
    for lang in writer.missing_codes:
        notes.append(
            warning(
                document.path,
                "braille.no-code",
                f"liblouis has no braille code for '{lang}', so the passages marked in it are "
                f"transcribed in the document's code ({code.name}); the languages it has are "
                f"{braille.languages()}",
            )
        )
    undefined = layout.transcriber.undefined
    if undefined:
        shown = ", ".join(f"'{char}' (U+{ord(char):04X}, {name})" for name, char in undefined)
        notes.append(
            warning(
                document.path,
                "braille.undefined",
                f"the braille code has no sign for {shown}; the braille edition spells each "
                "as a backslash and its code number. Write the character out in words, or mark "
                "the passage with its language ([text]{lang=xx})",
            )
        )
    return laid, tuple(notes)


def to_brf(laid: list[list[str]]) -> bytes:
    """The pages as a BRF file: Braille ASCII, CR LF after each line, a form feed after a page."""
    out = []
    for page in laid:
        lines = [braille.to_ascii(line).rstrip(" ") for line in page]
        out.append("\r\n".join(lines) + "\r\n\f")
    return "".join(out).encode("ascii")


def from_brf(data: bytes) -> list[list[str]]:
    """A BRF file's pages, each a list of lines of Unicode braille."""
    text = data.decode("ascii")
    pages = text.split("\f")
    if pages and pages[-1] == "":
        pages.pop()
    return [[braille.from_ascii(line) for line in page.split("\r\n")[:-1]] for page in pages]


def render(inputs: Inputs) -> Rendered:
    """Render the document as a BRF file."""
    laid, notes = pages(inputs.document, inputs.colophon, inputs.pagination)
    return Rendered(to_brf(laid), notes, pages=len(laid))

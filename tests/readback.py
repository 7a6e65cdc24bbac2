"""Outputs read back as a reader would: every word, list marker and piece of code of the
source is in the edition, and no printed text lies outside its page's text area.

The validators judge the form of an edition; these judge what it says. They
read the PDFs with poppler's ``pdftotext`` (what a copy and a search get) and
pdfminer (each glyph's place on the page), and compare with the source's own
words, from the document pandoc parsed.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
import pdfua_checks
import pikepdf
from helpers import text_content, xpath_elements
from validators import pdftotext

from clearleaf import i18n
from clearleaf.ast import stringify, walk
from clearleaf.document import Document
from clearleaf.formats.txt import list_marker

MM = 72 / 25.4
#: Each printed edition's left and right page margins (styles/*.css), in points.
MARGINS = {
    ".pdf": 14 * MM,
    "-large-print.pdf": 20 * MM,
    "-print.pdf": 14 * MM,
    "-booklet.pdf": 14 * MM,
}
#: How far a glyph may reach past the text area: its side bearing, rounding.
TOLERANCE = 1.5


def _word_char(char: str) -> bool:
    """Letters, marks, digits, and the joiners that are part of words in some scripts."""
    return unicodedata.category(char)[0] in "LMN" or char in "\u200c\u200d"


def words(text: str) -> list[str]:
    """The words of ``text``: runs of letters, marks and digits, in Unicode's composed form."""
    text = unicodedata.normalize("NFC", text)
    found, current = [], []
    for char in text:
        if _word_char(char):
            current.append(char)
        elif current:
            found.append("".join(current))
            current = []
    if current:
        found.append("".join(current))
    return found


_TEXT_BLOCKS = ("Para", "Plain", "Header", "LineBlock")


def _apart(value: Any) -> Any:
    """``value`` with spaces around its superscripts and subscripts: 10^9^ is 10 and 9."""
    if isinstance(value, list):
        return [_apart(item) for item in value]
    if isinstance(value, dict):
        if value.get("t") in ("Superscript", "Subscript"):
            return {
                "t": "Span",
                "c": [["", [], []], [{"t": "Space"}, *_apart(value["c"]), {"t": "Space"}]],
            }
        return {key: _apart(item) for key, item in value.items()}
    return value


def source_words(document: Document) -> list[str]:
    """Every word the body of ``document`` shows, notes included (images' descriptions,
    which no printed page shows, aside)."""
    texts = [
        stringify(_apart(node), blank=("Image", "Note"))
        for node in walk(document.blocks)
        if node["t"] in _TEXT_BLOCKS
    ]
    texts += [str(node["c"][1]) for node in walk(document.blocks) if node["t"] == "CodeBlock"]
    return words(" ".join(texts))


def page_numbers(lang: str, exact: bool = True) -> str:
    """A pattern of the running footer's words in ``lang``: "Page 2 of 3", "Tudalen 2 o 3".

    Not ``exact``: any words around and between the numbers. The footer is an
    artifact, not tagged text, so its letters are read back as drawn, in the
    order shaping put them (Bengali's vowel signs, Urdu's run reversed), not
    as written.
    """
    words = i18n.words(lang)
    patterns = []
    # Large print's names the leaflet's page too: "Page 3 of 9 (leaflet page 2)".
    for msgid in ("Page {page} of {pages} (leaflet page {leaflet})", "Page {page} of {pages}"):
        parts = re.split(r"\{\w+\}", words.text(msgid))
        # Any run of spaces where the words have one (pdftotext moves them around
        # right-to-left runs), never a line break.
        literals = [
            re.escape(part).replace("\\ ", r"[^\S\n]*") if exact else r"[^\d\n]*" for part in parts
        ]
        patterns.append(r"\d+".join(literals))
    return "(?:" + "|".join(patterns) + ")"


def pdf_text(pdf_path: Path, raw: bool = True, furniture: str = "", lang: str = "en") -> str:
    """The text of a PDF as ``pdftotext`` gives it, right-to-left runs in written order.

    ``raw``: in the order it is drawn; pdftotext's own layout analysis takes
    text set apart by wide spaces (code) for another column and moves it, but
    puts list markers, drawn after their item, before it. ``furniture``: the
    running footer's words (the organisation), taken out with the page numbers
    (in ``lang``, the document's language), so that a paragraph that goes on
    over a page reads on.
    """
    result = subprocess.run(
        [pdftotext(), *(["-raw"] if raw else []), "-enc", "UTF-8", str(pdf_path), "-"],
        capture_output=True,
        check=True,
        timeout=300,
    )
    text = pdfua_checks.logical(result.stdout.decode("utf-8"))
    page = page_numbers(lang)
    if furniture:
        name = re.escape(furniture)
        # A line of the organisation's name and the footer's words, however
        # those read back.
        drawn, gap = page_numbers(lang, exact=False), r"[^\S\n]*"
        page = (
            rf"^{gap}{name}{gap}{drawn}{gap}$|^{gap}{drawn}{gap}{name}{gap}$"
            rf"|{name}\s*{page}|{page}\s*{name}|^\s*{name}\s*$|{page}"
        )
    return re.sub(page, "", text, flags=re.MULTILINE)


def missing_words(expected: Iterable[str], text: str) -> list[str]:
    """The words of ``expected`` that ``text`` does not have, each once, in order.

    A word broken over two lines at a hyphen or after a slash counts whole.
    """
    # Compared in Unicode's compatibility form: the text edition writes H₂O.
    text = unicodedata.normalize("NFKC", text)
    expected = [unicodedata.normalize("NFKC", word) for word in expected]
    present = set(words(text))
    # pdftotext joins a word it finds broken at a hyphen at the end of a line
    # (case-insensitive becomes caseinsensitive), and a word may be broken
    # where a script allows it (between Hangul syllables): such a word counts
    # if it is there once the text's spaces and line breaks are taken out.
    joined = "".join(unicodedata.normalize("NFC", text).split())
    return list(
        dict.fromkeys(word for word in expected if word not in present and word not in joined)
    )


def glyphs_outside(pdf_path: Path, edition: str) -> list[str]:
    """The printed text (page furniture included) outside each page's text area.

    The text area is the trim box (the page, but for the print-shop file) less
    the edition's side margins; a booklet sheet has two pages side by side.
    """
    margin = MARGINS[edition]
    pages = pdfua_checks._read_marked(pdf_path).pages
    found = []
    with pikepdf.open(pdf_path) as pdf:
        for number, (page, runs) in enumerate(zip(pdf.pages, pages, strict=True), start=1):
            box = [float(v) for v in page.obj.get("/TrimBox", page.mediabox)]
            # pdfminer measures from the media box's corner, which a print-shop
            # file's bleed puts left of the trim.
            origin = float(page.mediabox[0])
            left, right = box[0] - origin, box[2] - origin
            areas = [(left + margin, right - margin)]
            if edition == "-booklet.pdf":
                middle = (left + right) / 2
                areas = [(left + margin, middle - margin), (middle + margin, right - margin)]
            for run in runs:
                if not run.text.strip():
                    continue
                if not any(
                    low - TOLERANCE <= run.x0 and run.x1 <= high + TOLERANCE for low, high in areas
                ):
                    found.append(
                        f"page {number}: {run.text.strip()[:40]!r} lies at x={run.x0:.0f} to "
                        f"{run.x1:.0f} pt, outside the text area "
                        f"{', '.join(f'{low:.0f}-{high:.0f}' for low, high in areas)} pt"
                    )
    return found


def list_items(document: Document) -> list[tuple[str, str]]:
    """Each item of each numbered list: its marker as the source numbers it, and first word."""
    found = []
    for node in walk(document.blocks):
        if node["t"] != "OrderedList":
            continue
        start, style, delimiter = node["c"][0]
        for number, blocks in enumerate(node["c"][1]):
            first = words(stringify(blocks))
            marker = list_marker(start + number, style["t"], delimiter["t"])
            found.append((marker, first[0] if first else ""))
    return found


def missing_markers(items: list[tuple[str, str]], text: str) -> list[str]:
    """The list items whose marker does not stand before their first word in ``text``."""
    flat = " ".join(text.split())
    missing = []
    position = 0
    for marker, first in items:
        pattern = re.escape(marker) + r"\s*\W*" + (re.escape(first) if first else "")
        match = re.compile(pattern).search(flat, position)
        if match is None:
            missing.append(f"{marker} {first}")
        else:
            position = match.end()
    return missing


def code_pieces(document: Document) -> list[str]:
    """The code of the body (inline and blocks), each line as written, spaces squeezed."""
    found = []
    for node in walk(document.blocks):
        if node["t"] in ("Code", "CodeBlock"):
            for line in str(node["c"][1]).split("\n"):
                squeezed = " ".join(line.split())
                if squeezed:
                    found.append(squeezed)
    return list(dict.fromkeys(found))


#: A line of nothing but a list marker: in the order a page is drawn, the
#: markers of its lists come after their items' text.
_MARKER_LINE = re.compile(
    r"^\s*(?:[\u2022\u2013\u25e6-]|\(?(?:\d{1,4}|[ivxlcdm]{1,6}|[IVXLCDM]{1,6}|[A-Za-z])[.)])\s*$",
    re.M,
)


def missing_code(pieces: Iterable[str], text: str) -> list[str]:
    """The pieces of code that ``text`` does not hold exactly (lines may wrap).

    pdftotext takes a hyphen that ends a line for a word broken there and
    leaves it out, so a piece broken after one of its hyphens is compared
    without them.
    """
    text = _MARKER_LINE.sub("", text)
    flat = " ".join(text.split())
    joined = "".join(text.split())
    return [
        piece
        for piece in pieces
        if piece not in flat
        and "".join(piece.split()) not in joined
        and "".join(piece.split()).replace("-", "") not in joined.replace("-", "")
    ]


def screen_markup(path: Path) -> str:
    """The markup of a web page, or of an e-book's content document."""
    if path.suffix == ".epub":
        with zipfile.ZipFile(path) as book:
            return book.read("EPUB/content.xhtml").decode("utf-8")
    return path.read_text(encoding="utf-8")


def screen_text(path: Path) -> str:
    """The text of a web page's ``<main>``, or of an e-book's content document."""
    tree = lxml.html.fromstring(screen_markup(path).encode("utf-8"))
    mains = xpath_elements(tree, "//*[local-name()='main']")
    return "\n".join(text_content(main) for main in mains) or text_content(tree)


#: WordprocessingML's namespace.
_WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_text(path: Path) -> str:
    """The text of a Word document as a reader gets it: a paragraph a line, its line breaks
    and tabs kept (a code block is one paragraph with breaks), then its footnotes."""
    with zipfile.ZipFile(path) as archive:
        xml = [archive.read("word/document.xml")]
        if "word/footnotes.xml" in archive.namelist():
            xml.append(archive.read("word/footnotes.xml"))
    lines = []
    paragraphs = (
        paragraph for part in xml for paragraph in lxml.etree.fromstring(part).iter(f"{{{_WORD}}}p")
    )
    for paragraph in paragraphs:
        parts = []
        for node in paragraph.iter(f"{{{_WORD}}}t", f"{{{_WORD}}}br", f"{{{_WORD}}}tab"):
            tag = lxml.etree.QName(node).localname
            parts.append((node.text or "") if tag == "t" else "\n" if tag == "br" else "\t")
        lines.append("".join(parts))
    return "\n".join(lines)


def all_problems(document: Document, outputs: dict[str, Any]) -> list[str]:
    """Every read-back problem of a document's editions (for the corpus in test_validators)."""
    problems: list[str] = []
    expected = source_words(document)
    items = list_items(document)
    code = code_pieces(document)
    footer, lang = document.meta.organisation, document.meta.lang
    for name, path in outputs.items():
        if path.suffix in (".brf", ".pef", ".mp3"):
            # Braille is read back through liblouis (tests/test_braille.py), sound through
            # its transcript and overlays (tests/test_audio.py).
            continue
        if path.suffix == ".pdf":
            text = pdf_text(path, furniture=footer, lang=lang)
            laid_out = pdf_text(path, raw=False, furniture=footer, lang=lang)
        elif path.suffix in (".html", ".epub"):
            # A screen shows list numbers from the HTML's own numbering (start, type).
            text, laid_out = screen_text(path), ""
        elif path.suffix == ".docx":
            # Word numbers lists itself (numbering.xml): the text holds no markers.
            text, laid_out = docx_text(path), ""
        else:
            text = laid_out = path.read_text(encoding="utf-8")
        problems += [
            f"{path.name}: word {word!r} is missing" for word in missing_words(expected, text)
        ]
        if name != "-booklet.pdf" and laid_out:  # a booklet's sheets hold its pages out of order
            problems += [
                f"{path.name}: list item {item!r} lost its number"
                for item in missing_markers(items, laid_out)
            ]
        if name != "-booklet.pdf":
            problems += [
                f"{path.name}: code {piece!r} is not as written"
                for piece in missing_code(code, text)
            ]
        if path.suffix == ".pdf":
            problems += [f"{path.name}: {problem}" for problem in glyphs_outside(path, name)]
    return problems

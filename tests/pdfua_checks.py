"""The project's own PDF/UA-1 checks: the machine-checkable items of STANDARDS.md, with pikepdf.

veraPDF is not available on these machines and the PyPI ``pdfua`` package
covers 16 of the 106 machine-checkable PDF/UA-1 rules (VALIDATORS.md), so the
items STANDARDS.md lists are checked here too. Each problem names the ISO
14289-1 (PDF/UA-1) clause it comes from.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import lxml.html
import pikepdf
from helpers import is_pdf_true, text_content
from lxml import etree
from pdfminer.cmapdb import CMapBase, CMapDB
from pdfminer.converter import PDFLayoutAnalyzer
from pdfminer.pdffont import PDFCIDFont, PDFFont
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.psparser import PSLiteral

HEADINGS = {f"/H{level}": level for level in range(1, 7)}
#: ISO 32000-1 14.8.4.3.3 and 14.8.4.3.4: what lists and tables may contain. A
#: nested L directly in an L is accepted, as ISO 32000-2 and PAC accept it.
ALLOWED_CHILDREN = {
    "/L": {"/LI", "/L", "/Caption"},
    "/LI": {"/Lbl", "/LBody"},
    "/Table": {"/TR", "/THead", "/TBody", "/TFoot", "/Caption"},
    "/THead": {"/TR"},
    "/TBody": {"/TR"},
    "/TFoot": {"/TR"},
    "/TR": {"/TH", "/TD"},
}
#: The operators that put marks on the page, by kind. Every mark is either real
#: content (tagged) or an artifact (ISO 14289-1 7.1); text is what matters most.
DRAWING = {
    **dict.fromkeys(("Tj", "TJ", "'", '"'), "text-showing operator(s)"),
    **dict.fromkeys(("Do", "INLINE IMAGE"), "image(s)"),
    **dict.fromkeys(("S", "s", "f", "F", "f*", "B", "B*", "b", "b*"), "path painting(s)"),
    "sh": "shading(s)",
}
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_DC = "http://purl.org/dc/elements/1.1/"
_PDFUAID = "http://www.aiim.org/pdfua/ns/id/"


def problems(pdf_path: Path) -> list[str]:
    """Every PDF/UA-1 problem the project's checks find in ``pdf_path`` ([] when none)."""
    with pikepdf.open(pdf_path) as pdf:
        found = [
            *_catalog(pdf),
            *_xmp(pdf),
            *_structure(pdf),
            *_annotations(pdf),
            *_fonts(pdf),
            *_untagged_content(pdf),
        ]
    found.extend(page_furniture(pdf_path))
    return found


# -- catalog and metadata ------------------------------------------------------


def _catalog(pdf: pikepdf.Pdf) -> list[str]:
    root = pdf.Root
    found = []
    mark_info = root.get("/MarkInfo")
    if not (isinstance(mark_info, pikepdf.Dictionary) and is_pdf_true(mark_info, "/Marked")):
        found.append("catalog: /MarkInfo /Marked is not true (ISO 14289-1 6.2)")
    if "/StructTreeRoot" not in root:
        found.append("catalog: no /StructTreeRoot, the PDF is not tagged (ISO 14289-1 7.1)")
    if not str(root.get("/Lang", "")).strip():
        found.append("catalog: no /Lang, the document language is unknown (ISO 14289-1 7.2)")
    preferences = root.get("/ViewerPreferences")
    if not (
        isinstance(preferences, pikepdf.Dictionary) and is_pdf_true(preferences, "/DisplayDocTitle")
    ):
        found.append(
            "catalog: /ViewerPreferences /DisplayDocTitle is not true, viewers show the file "
            "name instead of the title (ISO 14289-1 7.1)"
        )
    return found


def _xmp(pdf: pikepdf.Pdf) -> list[str]:
    stream = pdf.Root.get("/Metadata")
    if not isinstance(stream, pikepdf.Stream):
        return ["catalog: no XMP /Metadata stream (ISO 14289-1 5)"]
    root = etree.fromstring(
        stream.read_bytes(), etree.XMLParser(resolve_entities=False, no_network=True)
    )
    found = []
    titles = [
        text_content(item).strip() for item in root.iterfind(f".//{{{_DC}}}title//{{{_RDF}}}li")
    ]
    if not any(titles):
        found.append("XMP: no non-empty dc:title (ISO 14289-1 7.1)")
    # XMP allows a property as an attribute of rdf:Description or as an element.
    parts = [
        value
        for description in root.iter(f"{{{_RDF}}}Description")
        if (value := description.get(f"{{{_PDFUAID}}}part")) is not None
    ]
    parts += [(element.text or "").strip() for element in root.iter(f"{{{_PDFUAID}}}part")]
    if parts != ["1"]:
        found.append(f"XMP: pdfuaid:part is {parts or 'missing'}, not 1 (ISO 14289-1 5)")
    return found


# -- structure tree ------------------------------------------------------------


@dataclass(frozen=True)
class _Element:
    """A structure element with its standard type (after the role map) and its place."""

    obj: pikepdf.Dictionary
    kind: str
    page: int | None


def _kids(node: Any) -> list[Any]:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(obj: Any) -> bool:
    # MCR and OBJR dictionaries have a /Type and no /S; integers are MCIDs.
    return isinstance(obj, pikepdf.Dictionary) and "/S" in obj


def _role_map(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    tree = pdf.Root.get("/StructTreeRoot")
    role_map = tree.get("/RoleMap") if isinstance(tree, pikepdf.Dictionary) else None
    return role_map if isinstance(role_map, pikepdf.Dictionary) else pikepdf.Dictionary()


def _kind(element: pikepdf.Dictionary, role_map: pikepdf.Dictionary) -> str:
    """The standard structure type of ``element``, following the role map."""
    name, seen = str(element.S), set()
    while name in role_map and name not in seen:  # role maps may chain
        seen.add(name)
        name = str(role_map[name])
    return name


def _elements(pdf: pikepdf.Pdf) -> Iterator[_Element]:
    """Every structure element in document (depth-first) order."""
    tree = pdf.Root.get("/StructTreeRoot")
    if not isinstance(tree, pikepdf.Dictionary):
        return
    role_map = _role_map(pdf)
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}

    def walk(node: Any) -> Iterator[_Element]:
        for kid in _kids(node):
            if _is_element(kid):
                page = kid.get("/Pg")
                yield _Element(kid, _kind(kid, role_map), pages.get(page.objgen) if page else None)
                yield from walk(kid)

    yield from walk(tree)


def _where(element: _Element) -> str:
    return f"page {element.page}" if element.page else "no page"


def _structure(pdf: pikepdf.Pdf) -> list[str]:
    found: list[str] = []
    previous = 0
    role_map = _role_map(pdf)
    for element in _elements(pdf):
        level = HEADINGS.get(element.kind)
        if level is not None:
            if level > previous + 1:
                found.append(
                    f"structure: {element.kind[1:]} ({_where(element)}) follows "
                    f"{'H' + str(previous) if previous else 'the start'}: heading levels "
                    "must not skip (ISO 14289-1 7.4.2)"
                )
            previous = level
        if element.kind == "/Figure" and not str(element.obj.get("/Alt", "")).strip():
            found.append(f"structure: Figure ({_where(element)}) has no /Alt (ISO 14289-1 7.3)")
        allowed = ALLOWED_CHILDREN.get(element.kind)
        if allowed is None:
            continue
        children = {_kind(kid, role_map) for kid in _kids(element.obj) if _is_element(kid)}
        wrong = sorted(children - allowed)
        if wrong:
            clause = "7.6" if element.kind in ("/L", "/LI") else "7.5"
            found.append(
                f"structure: {element.kind[1:]} ({_where(element)}) contains "
                f"{', '.join(name[1:] for name in wrong)}; it may contain only "
                f"{', '.join(sorted(name[1:] for name in allowed))} (ISO 14289-1 {clause})"
            )
    return found


# -- annotations ---------------------------------------------------------------


def _annotations(pdf: pikepdf.Pdf) -> list[str]:
    # The structure element each annotation hangs from, through an OBJR.
    parents: dict[tuple[int, int], str] = {}
    for element in _elements(pdf):
        for kid in _kids(element.obj):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                parents[kid.Obj.objgen] = element.kind
    found = []
    for number, page in enumerate(pdf.pages, start=1):
        annotations = list(page.obj.get("/Annots", pikepdf.Array()))
        if annotations and page.obj.get("/Tabs") != "/S":
            found.append(
                f"page {number}: has annotations but /Tabs is not /S, so the tab order "
                "does not follow the structure (ISO 14289-1 7.18.3)"
            )
        for annotation in annotations:
            if annotation.get("/Subtype") != "/Link":
                continue
            link = f"page {number}: link annotation to {_link_target(annotation)}"
            if not str(annotation.get("/Contents", "")).strip():
                found.append(f"{link} has no /Contents (ISO 14289-1 7.18.5)")
            parent = parents.get(annotation.objgen)
            if parent is None or "/StructParent" not in annotation:
                found.append(
                    f"{link} is not in the structure tree (no OBJR from a Link element, "
                    "or no /StructParent) (ISO 14289-1 7.18.5)"
                )
            elif parent != "/Link":
                found.append(
                    f"{link} (/StructParent {annotation.StructParent}) hangs from a "
                    f"{parent[1:]} structure element, not a Link (ISO 14289-1 7.18.5)"
                )
    return found


def _link_target(annotation: pikepdf.Object) -> str:
    action = annotation.get("/A")
    if isinstance(action, pikepdf.Dictionary) and "/URI" in action:
        return str(action.URI)
    return str(annotation.get("/Dest", "an internal destination"))


# -- fonts ---------------------------------------------------------------------


def _resources(pdf: pikepdf.Pdf) -> Iterator[tuple[int, pikepdf.Dictionary]]:
    """The resource dictionaries of every page and of the form XObjects they use."""
    seen: set[tuple[int, int]] = set()
    for number, page in enumerate(pdf.pages, start=1):
        pending = [page.obj.get("/Resources")]
        while pending:
            resources = pending.pop()
            if not isinstance(resources, pikepdf.Dictionary):
                continue
            if resources.is_indirect:
                if resources.objgen in seen:
                    continue
                seen.add(resources.objgen)
            yield number, resources
            for xobject in resources.get("/XObject", pikepdf.Dictionary()).values():
                if xobject.get("/Subtype") == "/Form":
                    pending.append(xobject.get("/Resources"))


def _fonts(pdf: pikepdf.Pdf) -> list[str]:
    found = []
    checked: set[tuple[int, int]] = set()
    for number, resources in _resources(pdf):
        for font in resources.get("/Font", pikepdf.Dictionary()).values():
            if font.is_indirect:
                if font.objgen in checked:
                    continue
                checked.add(font.objgen)
            name = str(font.get("/BaseFont", "?"))[1:]
            if font.get("/Subtype") == "/Type3":
                continue  # glyphs are content streams, nothing to embed
            described = (
                list(font.get("/DescendantFonts", [])) if font.Subtype == "/Type0" else [font]
            )
            for descendant in described:
                descriptor = descendant.get("/FontDescriptor", pikepdf.Dictionary())
                if not any(key in descriptor for key in FONT_FILES):
                    found.append(
                        f"page {number}: font {name} is not embedded (ISO 14289-1 7.21.4.1)"
                    )
            if "/ToUnicode" not in font:
                found.append(
                    f"page {number}: font {name} has no /ToUnicode map, so its text cannot be "
                    "extracted reliably (ISO 14289-1 7.21.7)"
                )
    return found


# -- content outside the tag tree ----------------------------------------------


def _untagged_content(pdf: pikepdf.Pdf) -> list[str]:
    """Content drawn outside both tagged content (BDC with /MCID) and /Artifact."""
    found = []
    for number, page in enumerate(pdf.pages, start=1):
        counts = _count_untagged(page.obj, page.obj.get("/Resources"), [], set())
        if counts:
            what = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
            found.append(
                f"page {number}: content neither in tagged content (BDC with /MCID) nor in an "
                f"/Artifact: {what} (ISO 14289-1 7.1)"
            )
    return found


def _tagged(operands: list[pikepdf.Object], resources: Any) -> bool:
    """Whether a BDC's property list (inline, or named in /Properties) has an /MCID."""
    properties = operands[1] if len(operands) > 1 else None
    if isinstance(properties, pikepdf.Name) and isinstance(resources, pikepdf.Dictionary):
        properties = resources.get("/Properties", pikepdf.Dictionary()).get(str(properties))
    return isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties


def _count_untagged(
    stream: Any, resources: Any, stack: list[tuple[str, bool]], seen: set[tuple[int, int]]
) -> Counter[str]:
    """Untagged drawing operators in ``stream`` by kind; its marked content starts as ``stack``."""
    counts: Counter[str] = Counter()
    stack = list(stack)
    for instruction in pikepdf.parse_content_stream(stream):
        operands, name = list(instruction.operands), str(instruction.operator)
        if name in ("BMC", "BDC"):
            stack.append((str(operands[0]), name == "BDC" and _tagged(operands, resources)))
            continue
        if name == "EMC":
            if stack:
                stack.pop()
            continue
        if name == "Do" and isinstance(resources, pikepdf.Dictionary):
            xobject = resources.get("/XObject", pikepdf.Dictionary()).get(str(operands[0]))
            if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == "/Form":
                if xobject.objgen not in seen:
                    # A form is drawn inside the marked content of the page that draws it.
                    inner = xobject.get("/Resources", resources)
                    counts += _count_untagged(xobject, inner, stack, {*seen, xobject.objgen})
                continue
        kind = DRAWING.get(name)
        if kind and not any(tag == "/Artifact" or tagged for tag, tagged in stack):
            counts[kind] += 1
    return counts


@dataclass
class _Run:
    """Consecutive characters in one marked-content sequence on one line."""

    text: str
    y: float
    artifact: bool
    mcid: int | None
    #: The left edge of its first glyph and the right edge of its last (or of
    #: the glyphs farthest apart), in points from the page's left edge.
    x0: float = 0.0
    x1: float = 0.0


class _MarkedText(PDFLayoutAnalyzer):
    """A pdfminer device that records each character's position and marked-content context."""

    def __init__(self, manager: PDFResourceManager) -> None:
        super().__init__(manager, pageno=1, laparams=None)
        self.tags: list[tuple[str, int | None]] = []
        self.pages: list[list[_Run]] = []
        #: The /ActualText of marked content, by (page index, MCID).
        self.actual: dict[tuple[int, int], str] = {}

    def begin_page(self, page: PDFPage, ctm: Any) -> None:
        super().begin_page(page, ctm)
        self.pages.append([])

    def begin_tag(self, tag: PSLiteral, props: Any = None) -> None:
        mcid = props.get("MCID") if isinstance(props, dict) else None
        self.tags.append((str(tag.name), mcid if isinstance(mcid, int) else None))
        actual = props.get("ActualText") if isinstance(props, dict) else None
        if isinstance(mcid, int) and isinstance(actual, bytes):
            self.actual[len(self.pages) - 1, mcid] = _pdf_text(actual)

    def end_tag(self) -> None:
        if self.tags:
            self.tags.pop()

    def render_char(
        self,
        matrix: Any,
        font: PDFFont,
        fontsize: float,
        scaling: float,
        rise: float,
        cid: int,
        ncs: Any,
        graphicstate: Any,
    ) -> float:
        advance: float = super().render_char(
            matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate
        )
        try:
            text = font.to_unichr(cid)
        except Exception:  # pdfminer raises its own PDFUnicodeNotDefined, among others
            text = "?"
        glyph = self.cur_item._objs[-1]
        artifact = any(name == "Artifact" for name, _ in self.tags)
        mcid = next((mcid for _, mcid in reversed(self.tags) if mcid is not None), None)
        y = round(float(matrix[5]))
        runs = self.pages[-1]
        # A space's place is no ink: it may hang past the end of a line.
        x0, x1 = (glyph.x0, glyph.x1) if text.strip() else (float("inf"), float("-inf"))
        if runs and (runs[-1].artifact, runs[-1].mcid, runs[-1].y) == (artifact, mcid, y):
            run = runs[-1]
            run.text += text
            run.x0, run.x1 = min(run.x0, x0), max(run.x1, x1)
        else:
            runs.append(_Run(text, y, artifact, mcid, x0, x1))
        return advance

    def receive_layout(self, ltpage: Any) -> None:
        """Layout analysis is not needed: the characters are recorded as they are drawn."""


def _pdf_text(data: bytes) -> str:
    """A PDF text string: UTF-16 with its byte-order mark, or PDFDocEncoding (as Latin-1)."""
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be")
    return data.decode("latin-1")


_CMAP_FROM_SPEC = PDFCIDFont.get_cmap_from_spec


def _cmap_from_spec(font: PDFCIDFont, spec: Mapping[str, Any], strict: bool) -> CMapBase:
    """pdfminer's CMap for a font, reading WeasyPrint's own as the identity it is.

    A font with glyphs it lacks gets an embedded CMap from WeasyPrint
    (``/WP-Encod-0``) that maps each code to the glyph of that number; pdfminer
    reads no embedded CMap, and would decode none of the font's text.
    """
    cmap = _CMAP_FROM_SPEC(font, spec, strict)
    encoding: object = spec.get("Encoding")
    resolved = encoding.resolve() if hasattr(encoding, "resolve") else encoding
    if not getattr(cmap, "code2cid", True) and hasattr(resolved, "get_data"):
        return CMapDB.get_cmap("Identity-H")
    return cmap


def _read_marked(pdf_path: Path) -> _MarkedText:
    """Every glyph of ``pdf_path`` as pdfminer draws it (read once per file and version)."""
    status = pdf_path.stat()
    return _read_marked_once(pdf_path.resolve(), status.st_mtime_ns, status.st_size)


@functools.lru_cache(maxsize=8)
def _read_marked_once(pdf_path: Path, _mtime: int, _size: int) -> _MarkedText:
    manager = PDFResourceManager()
    device = _MarkedText(manager)
    interpreter = PDFPageInterpreter(manager, device)
    with (
        mock.patch.object(PDFCIDFont, "get_cmap_from_spec", _cmap_from_spec),
        pdf_path.open("rb") as stream,
    ):
        for page in PDFPage.get_pages(stream):
            interpreter.process_page(page)
    return device


def marked_runs(pdf_path: Path) -> list[list[_Run]]:
    """Each page's text as drawn, in runs of one marked-content sequence on one line."""
    return _read_marked(pdf_path).pages


def structure_text(pdf_path: Path) -> str:
    """The text of a tagged PDF as a screen reader reads it: in the order of its structure
    tree, each marked-content sequence as its ``/ActualText`` if it has one, else as the
    characters its glyphs map to.

    Runs that follow each other on one line are joined as drawn (their spaces
    are their own); a new line, or a new page, starts a new line.
    """
    device = _read_marked(pdf_path)
    runs: dict[tuple[int, int], list[_Run]] = {}
    for number, page_runs in enumerate(device.pages):
        for run in page_runs:
            if run.mcid is not None and not run.artifact:
                runs.setdefault((number, run.mcid), []).append(run)
    with pikepdf.open(pdf_path) as pdf:
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
        order: list[tuple[int, int]] = []

        def walk(node: Any, page: int | None) -> None:
            for kid in _kids(node):
                if isinstance(kid, int) and page is not None:
                    order.append((page, kid))
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                    where = kid.get("/Pg")
                    number = pages.get(where.objgen) if where is not None else page
                    if number is not None:
                        order.append((number, int(kid.MCID)))
                elif _is_element(kid):
                    where = kid.get("/Pg")
                    walk(kid, pages.get(where.objgen, page) if where is not None else page)

        tree = pdf.Root.get("/StructTreeRoot")
        if isinstance(tree, pikepdf.Dictionary):
            walk(tree, None)
    parts: list[str] = []
    last: tuple[int, float] | None = None
    for key in order:
        pieces = runs.get(key, [])
        if not pieces:
            continue
        text = device.actual.get(key)
        if text is None:
            text = " ".join(piece.text for piece in pieces)
        # Raised or lowered text (a superscript, a note's number) is on the same line.
        same_line = last is not None and last[0] == key[0] and abs(last[1] - pieces[0].y) < 10
        parts.append(("" if same_line else "\n") + text)
        last = (key[0], pieces[-1].y)
    return "".join(parts)


def _furniture_key(run: _Run) -> tuple[str, float]:
    # Page numbers differ from page to page; the place and the words do not.
    return re.sub(r"\d+", "#", " ".join(run.text.split())), run.y


def page_furniture(pdf_path: Path) -> list[str]:
    """Running heads and footers (text in the same place on every page) that are not artifacts.

    Tagging page numbers as content makes a screen reader announce "Page 2 of 9"
    in the middle of a sentence (ISO 14289-1 7.1, STANDARDS.md). A document of one
    page has nothing that recurs, so nothing is checked there.
    """
    pages = marked_runs(pdf_path)
    if len(pages) < 2:
        return []
    keys = [{_furniture_key(run) for run in runs if run.text.strip()} for runs in pages]
    recurring = set.intersection(*keys)
    found = []
    for run in pages[0]:
        key = _furniture_key(run)
        if key in recurring and not run.artifact:
            found.append(
                f"page furniture {key[0]!r} (at y={run.y:.0f} pt on every page) is tagged as "
                f"content (MCID {run.mcid} on page 1), not marked as an /Artifact "
                "(ISO 14289-1 7.1)"
            )
            recurring.discard(key)
    return found


# -- reading order -------------------------------------------------------------

#: The print styles add each web address after its link text, " (https://...)",
#: which the web page's text does not have; pdftotext may break it across lines.
_PRINTED_URL = re.compile(r"\s*\(https?://[^()]*\)")
#: The words of a paragraph checked for order: enough to identify it, few enough
#: to stay on one page.
PARAGRAPH_WORDS = 8


_EMBEDDINGS = {"\u202a": "ltr", "\u202d": "ltr", "\u202b": "rtl", "\u202e": "rtl"}


def logical(text: str) -> str:
    """pdftotext's output in the order the text was written.

    pdftotext writes a right-to-left run between U+202B and U+202C in the
    order it is seen on the page (its letters and words from left to right),
    nested left-to-right runs (numbers, Latin names) between U+202A and U+202C
    in their own order. Each right-to-left run is turned round, its nested
    runs kept whole, and the controls dropped.
    """
    lines = []
    for line in text.split("\n"):
        stack: list[list[str]] = [[]]
        kinds = ["ltr"]
        for char in line:
            if char in _EMBEDDINGS:
                stack.append([])
                kinds.append(_EMBEDDINGS[char])
            elif char == "\u202c" and len(stack) > 1:
                parts, kind = stack.pop(), kinds.pop()
                stack[-1].append("".join(reversed(parts) if kind == "rtl" else parts))
            else:
                stack[-1].append(char)
        while len(stack) > 1:  # a run left open at the end of the line
            parts, kind = stack.pop(), kinds.pop()
            stack[-1].append("".join(reversed(parts) if kind == "rtl" else parts))
        lines.append("".join(stack[0]))
    return "\n".join(lines)


#: A piece of a web address: the print styles print each link's address after
#: it, which pdftotext may break over lines and, in right-to-left text, set
#: apart from its parentheses.
_ADDRESS_PIECE = re.compile(r"://|[?=&]|^[()]|[()]$")


def _tokens(text: str, until_address: bool = False) -> list[str]:
    """``text`` as comparable words: ligatures expanded, line breaks in words joined.

    pdftotext joins a word broken at its hyphen at the end of a line
    (case-insensitive as caseinsensitive), so hyphens inside words are not
    compared; nor are pieces of web addresses (and options such as
    --style=name), whose lines break anywhere. With ``until_address``, the
    words stop at the first such piece: what follows it may be broken up on
    the page.
    """
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = re.sub("[\u200e\u200f\u2066-\u2069]", " ", text)
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1-\2", text)
    # Words broken after a slash (macOS/ Linux), but not a web address.
    text = re.sub(r"(?<![\w./:])([A-Za-z]\w*/)\s*\n\s*(?=\w)", r"\1", text)
    words = []
    for word in text.split():
        if _ADDRESS_PIECE.search(word):
            if until_address:
                break
            continue
        core = re.sub(r"^\W+|\W+$", "", word).replace("-", "")
        if core:
            words.append(core)
    return words


def _occurrences(haystack: list[str], needle: list[str]) -> list[int]:
    """Every index at which ``needle`` occurs in ``haystack`` as a contiguous run."""
    size = len(needle)
    return [
        index
        for index in range(len(haystack) - size + 1)
        if haystack[index : index + size] == needle
    ]


def _in_order(phrases: list[list[str]], words: list[str]) -> set[int]:
    """The indices of the most ``phrases`` found one after another in ``words``.

    The longest chain, not a greedy scan: one paragraph out of place is then
    reported alone, not with every paragraph after it. A phrase may occur more
    than once (an organisation's name in the masthead and the footer).
    """
    nodes = [
        (item, start, start + len(phrase))
        for item, phrase in enumerate(phrases)
        for start in _occurrences(words, phrase)
    ]
    best: list[int] = []
    previous: list[int | None] = []
    for index, (item, start, _end) in enumerate(nodes):
        candidates = [
            other
            for other, (other_item, _start, other_end) in enumerate(nodes[:index])
            if other_item < item and other_end <= start
        ]
        chosen = max(candidates, key=lambda other: best[other], default=None)
        best.append(1 + (best[chosen] if chosen is not None else 0))
        previous.append(chosen)
    chain: set[int] = set()
    cursor = max(range(len(nodes)), key=lambda index: best[index], default=None)
    while cursor is not None:
        chain.add(nodes[cursor][0])
        cursor = previous[cursor]
    return chain


def html_sequence(html_path: Path) -> list[tuple[str, str]]:
    """The headings and paragraphs of the web page in order, as (kind, text).

    The table of contents (``nav``) is left out: the leaflet hides it, since
    paper has no links to follow. So is the footer's list of other formats,
    which names every edition but the one it is in.
    """
    tree = lxml.html.fromstring(html_path.read_bytes())
    found = []
    for element in tree.iter("h1", "h2", "h3", "h4", "h5", "h6", "p"):
        if any(
            ancestor.tag == "nav" or "formats" in ancestor.get("class", "").split()
            for ancestor in element.iterancestors()
        ):
            continue
        text = " ".join(text_content(element).split())
        if text:
            found.append(("heading" if element.tag != "p" else "paragraph", text))
    return found


def reading_order(pdf_path: Path, html_path: Path) -> list[str]:
    """The web page's headings and paragraph openings missing or out of order in the PDF,
    read as a screen reader reads it (:func:`structure_text`)."""
    words = _tokens(_PRINTED_URL.sub(" ", structure_text(pdf_path)))
    items = []
    for kind, text in html_sequence(html_path):
        phrase = _tokens(text, until_address=True)[
            : PARAGRAPH_WORDS if kind == "paragraph" else None
        ]
        if phrase:
            items.append((kind, phrase))
    ordered = _in_order([phrase for _, phrase in items], words)
    found = []
    for item, (kind, phrase) in enumerate(items):
        if item in ordered:
            continue
        state = "out of order" if _occurrences(words, phrase) else "missing"
        found.append(
            f"reading order: {kind} {' '.join(phrase)!r} is {state} in the PDF's text in "
            "structure order, compared with the web page"
        )
    return found

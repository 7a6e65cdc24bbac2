"""The printed leaflet: A5, tagged PDF/UA-1 basics, embedded fonts, bookmarks and page footers."""

from __future__ import annotations

import io
import itertools
import re
import subprocess
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from conftest import Built
from helpers import is_pdf_true, pdf_pages_text, source_headings

A5 = (419.53, 595.28)  # points: 148 mm x 210 mm
PDFUAID = "{http://www.aiim.org/pdfua/ns/id/}part"
DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"


@dataclass(frozen=True)
class Expect:
    """What a document's PDF must say about itself."""

    title: str
    lang: str
    organisation: str
    h2: list[str]


def expect(built: Built) -> Expect:
    """The expectations for ``built``, from its front matter and its Markdown headings."""
    h2 = [text for level, text in source_headings(built.markdown) if level == 2]
    return Expect(built.meta.title, built.meta.lang, built.meta.organisation, h2)


def check_page_size(pdf: pikepdf.Pdf, want: Expect) -> list[str]:
    problems = []
    for number, page in enumerate(pdf.pages, start=1):
        x0, y0, x1, y1 = (float(v) for v in page.mediabox)
        size = (x1 - x0, y1 - y0)
        if abs(size[0] - A5[0]) > 1 or abs(size[1] - A5[1]) > 1:
            problems.append(f"page-size: page {number} is {size[0]:.2f} x {size[1]:.2f} pt, not A5")
    return problems


def check_tagged(pdf: pikepdf.Pdf, want: Expect) -> list[str]:
    problems = []
    mark_info = pdf.Root.get("/MarkInfo")
    if mark_info is None or not is_pdf_true(mark_info, "/Marked"):
        problems.append("tagged: /MarkInfo /Marked is not true")
    if "/StructTreeRoot" not in pdf.Root:
        problems.append("tagged: no /StructTreeRoot")
    return problems


def check_lang(pdf: pikepdf.Pdf, want: Expect) -> list[str]:
    lang = pdf.Root.get("/Lang")
    return [] if lang is not None and str(lang) == want.lang else [f"lang: /Lang is {lang!r}"]


def check_display_doc_title(pdf: pikepdf.Pdf, want: Expect) -> list[str]:
    preferences = pdf.Root.get("/ViewerPreferences")
    if preferences is None or not is_pdf_true(preferences, "/DisplayDocTitle"):
        return ["display-title: /ViewerPreferences /DisplayDocTitle is not true"]
    return []


def check_xmp(pdf: pikepdf.Pdf, want: Expect) -> list[str]:
    with pdf.open_metadata() as xmp:
        title, part = xmp.get(DC_TITLE), xmp.get(PDFUAID)
    problems = [] if title == want.title else [f"xmp: dc:title is {title!r}"]
    return problems + ([] if str(part) == "1" else [f"xmp: pdfuaid:part is {part!r}"])


def outline_titles(pdf: pikepdf.Pdf) -> list[tuple[int, str]]:
    """Every bookmark as (depth, title), depth 0 at the top."""
    found: list[tuple[int, str]] = []

    def walk(items: list[pikepdf.OutlineItem], depth: int) -> None:
        for item in items:
            found.append((depth, str(item.title)))
            walk(item.children, depth + 1)

    with pdf.open_outline() as outline:
        walk(outline.root, 0)
    return found


def check_outline(pdf: pikepdf.Pdf, want: Expect) -> list[str]:
    titles = outline_titles(pdf)
    top = [title for depth, title in titles if depth == 0]
    second = [title for depth, title in titles if depth == 1]
    problems = [] if top == [want.title] else [f"outline: top-level bookmarks {top}"]
    return problems + (
        [] if second == want.h2 else [f"outline: section bookmarks {second} != {want.h2}"]
    )


def fonts(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    """Every font used on any page, in page resources and form XObjects, each once."""
    seen: set[tuple[int, int]] = set()

    def from_resources(resources: pikepdf.Object | None) -> Iterator[pikepdf.Object]:
        if resources is None:
            return
        for font in resources.get("/Font", {}).values():
            if font.objgen not in seen:
                seen.add(font.objgen)
                yield font
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == "/Form":
                yield from from_resources(xobject.get("/Resources"))

    for page in pdf.pages:
        yield from from_resources(page.obj.get("/Resources"))


def check_fonts(pdf: pikepdf.Pdf, want: Expect) -> list[str]:
    problems = []
    found = list(fonts(pdf))
    if not found:
        return ["fonts: no fonts at all"]
    for font in found:
        name = str(font.get("/BaseFont", "?"))
        if "/ToUnicode" not in font:
            problems.append(f"fonts: {name} has no /ToUnicode")
        if font.get("/Subtype") == "/Type3":
            continue
        descendants = font.get("/DescendantFonts")
        described = descendants[0] if descendants is not None else font
        descriptor = described.get("/FontDescriptor", pikepdf.Dictionary())
        if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            problems.append(f"fonts: {name} is not embedded")
        if not PROJECT_FONT.match(name):
            problems.append(f"fonts: {name} is not one of the project's fonts (the machine's?)")
    if not any("Atkinson" in str(font.get("/BaseFont", "")) for font in found):
        problems.append("fonts: Atkinson Hyperlegible is not used")
    return problems


#: The PDF names of the project's fonts (after the subset tag): the typeface,
#: and the fallbacks and the face for code its stylesheets name "Clearleaf ...".
PROJECT_FONT = re.compile(r"^/(?:[A-Z]{6}\+)?(?:Atkinson-Hyperlegible|Clearleaf-)")


def struct_elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """The structure elements in document (depth-first) order."""

    def walk(node: object) -> Iterator[pikepdf.Dictionary]:
        if isinstance(node, pikepdf.Array):
            for child in node:
                yield from walk(child)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            yield node
            yield from walk(node.get("/K"))

    root = pdf.Root.get("/StructTreeRoot")
    if root is not None:
        yield from walk(root.get("/K"))


def check_struct_headings(pdf: pikepdf.Pdf, want: Expect) -> list[str]:
    levels = [int(str(e.S)[2]) for e in struct_elements(pdf) if re.fullmatch(r"/H[1-6]", str(e.S))]
    if not levels or levels[0] != 1:
        return [f"struct-headings: headings start {levels[:1]}, not H1"]
    return [f"struct-headings: H{b} after H{a}" for a, b in itertools.pairwise(levels) if b > a + 1]


def check_figure_alt(pdf: pikepdf.Pdf, want: Expect) -> list[str]:
    return [
        "figure-alt: a /Figure has no /Alt"
        for e in struct_elements(pdf)
        if e.S == "/Figure" and not str(e.get("/Alt", "")).strip()
    ]


CHECKS: dict[str, Callable[[pikepdf.Pdf, Expect], list[str]]] = {
    "page-size": check_page_size,
    "tagged": check_tagged,
    "lang": check_lang,
    "display-title": check_display_doc_title,
    "xmp": check_xmp,
    "outline": check_outline,
    "fonts": check_fonts,
    "struct-headings": check_struct_headings,
    "figure-alt": check_figure_alt,
}


def pdf_problems(data: bytes, want: Expect, only: str | None = None) -> list[str]:
    """Every problem the checks find in a PDF (or those of one named check)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        checks = [CHECKS[only]] if only else list(CHECKS.values())
        return [problem for check in checks for problem in check(pdf, want)]


@pytest.mark.parametrize("name", list(CHECKS))
def test_pdf_structure(built: Built, name: str) -> None:
    assert pdf_problems(built.read("pdf"), expect(built), only=name) == []


def test_constructs_pdf_has_a_described_figure(constructs: Built) -> None:
    with pikepdf.open(constructs.path("pdf")) as pdf:
        alts = [str(e.Alt) for e in struct_elements(pdf) if e.S == "/Figure"]
    assert alts == ["Blue and yellow stripes"]


def _mutated(data: bytes, change: Callable[[pikepdf.Pdf], None]) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def _first_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    return next(fonts(pdf))


def _set_outline_title(pdf: pikepdf.Pdf) -> None:
    with pdf.open_outline() as outline:
        outline.root[0].children[0].title = "Wrong"


def _set_xmp(key: str, value: str | None) -> Callable[[pikepdf.Pdf], None]:
    def change(pdf: pikepdf.Pdf) -> None:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
            if value is None:
                del xmp[key]
            else:
                xmp[key] = value

    return change


def _retag_first(old: str, new: str) -> Callable[[pikepdf.Pdf], None]:
    def change(pdf: pikepdf.Pdf) -> None:
        element = next(e for e in struct_elements(pdf) if str(e.S) == old)
        element.S = pikepdf.Name(new)

    return change


BREAKAGES: list[tuple[str, Callable[[pikepdf.Pdf], None]]] = [
    ("page-size:", lambda pdf: setattr(pdf.pages[-1], "mediabox", [0, 0, 595.28, 841.89])),
    ("tagged:", lambda pdf: pdf.Root.MarkInfo.__setitem__("/Marked", False)),
    ("tagged:", lambda pdf: pdf.Root.__delitem__("/StructTreeRoot")),
    ("lang:", lambda pdf: pdf.Root.__delitem__("/Lang")),
    ("lang:", lambda pdf: pdf.Root.__setitem__("/Lang", pikepdf.String("en-US"))),
    (
        "display-title:",
        lambda pdf: pdf.Root.ViewerPreferences.__setitem__("/DisplayDocTitle", False),
    ),
    ("xmp:", _set_xmp("dc:title", "Another title")),
    ("xmp:", _set_xmp("pdfuaid:part", None)),
    ("outline:", _set_outline_title),
    ("fonts:", lambda pdf: _first_font(pdf).__delitem__("/ToUnicode")),
    (
        "fonts:",
        lambda pdf: _first_font(pdf).DescendantFonts[0].FontDescriptor.__delitem__("/FontFile2"),
    ),
    ("struct-headings:", _retag_first("/H2", "/H4")),
    ("struct-headings:", _retag_first("/H1", "/H2")),
]


@pytest.mark.parametrize(
    ("expected", "change"),
    BREAKAGES,
    ids=[f"{e.rstrip(':')}-{i}" for i, (e, _) in enumerate(BREAKAGES)],
)
def test_pdf_problems_rejects_broken_copy(
    leaflet: Built, expected: str, change: Callable[[pikepdf.Pdf], None]
) -> None:
    problems = pdf_problems(_mutated(leaflet.read("pdf"), change), expect(leaflet))
    assert any(problem.startswith(expected) for problem in problems), problems


def test_figure_alt_check_rejects_missing_alt(constructs: Built) -> None:
    def drop_alt(pdf: pikepdf.Pdf) -> None:
        del next(e for e in struct_elements(pdf) if e.S == "/Figure").Alt

    broken = _mutated(constructs.read("pdf"), drop_alt)
    assert pdf_problems(broken, expect(constructs), only="figure-alt") == [
        "figure-alt: a /Figure has no /Alt"
    ]


def test_fonts_check_rejects_a_document_without_atkinson(leaflet: Built) -> None:
    def rename(pdf: pikepdf.Pdf) -> None:
        for font in fonts(pdf):
            font.BaseFont = pikepdf.Name("/ABCDEF+Verdana")

    problems = pdf_problems(_mutated(leaflet.read("pdf"), rename), expect(leaflet), only="fonts")
    assert problems[-1] == "fonts: Atkinson Hyperlegible is not used"
    assert "fonts: /ABCDEF+Verdana is not one of the project's fonts (the machine's?)" in problems


MACHINE_ONLY = """\
---
title: Tick Boxes
lang: en-GB
organisation: Clearleaf Test Trust
description: A character only a font of the machine may have.
published: 2026-01-15
next_review: 2030-01-15
---

☐ Bring your letter.
"""


@pytest.mark.parametrize(
    "hidden", [True, False], ids=["machine-fonts-hidden", "machine-fonts-seen"]
)
def test_pdfs_use_no_font_of_the_machine(
    hidden: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The project's font configuration hides the machine's fonts; without it they show."""
    import contextlib

    from clearleaf import fonts as project_fonts
    from clearleaf.build import build
    from clearleaf.context import Context
    from clearleaf.plan import resolve_formats

    if not hidden:
        if not subprocess.run(["fc-list", ":charset=2610"], capture_output=True, text=True).stdout:
            pytest.skip("no font of this machine has U+2610")
        monkeypatch.setattr(project_fonts, "machine_fonts_hidden", contextlib.nullcontext)
    source = tmp_path / "ticks.md"
    source.write_text(MACHINE_ONLY, encoding="utf-8")
    build([source], resolve_formats(["pdf"]), tmp_path, Context(source_date_epoch=None), jobs=1)
    with pikepdf.open(tmp_path / "ticks.pdf") as pdf:
        foreign = [
            p
            for p in check_fonts(pdf, Expect("Tick Boxes", "en-GB", "Clearleaf Test Trust", []))
            if "machine" in p
        ]
    assert bool(foreign) is not hidden


# -- page footers (text extracted by poppler's pdftotext) ----------------------------------------


def footer_problems(pages: list[str], organisation: str) -> list[str]:
    """Each page must name the organisation and say 'Page n of m'."""
    problems = []
    for number, text in enumerate(pages, start=1):
        flat = " ".join(text.split())
        if organisation not in flat:
            problems.append(f"footer: page {number} does not name {organisation!r}")
        if f"Page {number} of {len(pages)}" not in flat:
            problems.append(f"footer: page {number} lacks 'Page {number} of {len(pages)}'")
    return problems


def test_page_footers(built: Built) -> None:
    pages = pdf_pages_text(built.path("pdf"))
    assert len(pages) >= 2
    assert footer_problems(pages, built.meta.organisation) == []


def test_footer_problems_rejects_missing_footer(leaflet: Built) -> None:
    pages = pdf_pages_text(leaflet.path("pdf"))
    total = len(pages)
    broken = [*pages[:-1], pages[-1].replace(f"Page {total} of {total}", "")]
    broken[0] = broken[0].replace(leaflet.meta.organisation, "")
    assert footer_problems(broken, leaflet.meta.organisation) == [
        f"footer: page 1 does not name {leaflet.meta.organisation!r}",
        f"footer: page {total} lacks 'Page {total} of {total}'",
    ]


def test_text_in_reading_order(built: Built) -> None:
    text = " ".join(" ".join(pdf_pages_text(built.path("pdf"))).split())
    positions = [text.find(heading) for _level, heading in source_headings(built.markdown)]
    assert -1 not in positions
    assert positions == sorted(positions)


# -- page furniture and language changes (PDF/UA-1: artifacts; ISO 14289-1, 7.2) -----------------

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
MARGIN_TOP, MARGIN_BOTTOM = 16 / 25.4 * 72, 20 / 25.4 * 72  # leaflet.css @page margins, in pt


def _multiply(a: Matrix, b: Matrix) -> Matrix:
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )


def _matrix(operands: Iterable[pikepdf.Object]) -> Matrix:
    """The matrix a ``cm`` or ``Tm`` operator's six operands give."""
    a, b, c, d, e, f = (float(value) for value in operands)
    return (a, b, c, d, e, f)


def text_runs(page: pikepdf.Page) -> Iterator[tuple[float, list[str]]]:
    """Each text-showing operator's baseline height (pt from the bottom) and marked-content tags."""
    ctm, saved, tags = _IDENTITY, [], []
    text_matrix = line_matrix = _IDENTITY
    for instruction in pikepdf.parse_content_stream(page):
        operands, op = instruction.operands, str(instruction.operator)
        if op == "q":
            saved.append(ctm)
        elif op == "Q":
            ctm = saved.pop()
        elif op == "cm":
            ctm = _multiply(_matrix(operands), ctm)
        elif op in ("BMC", "BDC"):
            tags.append(str(operands[0]))
        elif op == "EMC":
            tags.pop()
        elif op == "BT":
            text_matrix = line_matrix = _IDENTITY
        elif op == "Tm":
            text_matrix = line_matrix = _matrix(operands)
        elif op in ("Td", "TD"):
            shift = (1.0, 0.0, 0.0, 1.0, float(operands[0]), float(operands[1]))
            text_matrix = line_matrix = _multiply(shift, line_matrix)
        elif op in ("Tj", "TJ", "'", '"'):
            yield _multiply(text_matrix, ctm)[5], list(tags)


def furniture_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Text in the page margins (running footers, page numbers) must be marked /Artifact."""
    problems = []
    for number, page in enumerate(pdf.pages, start=1):
        height = float(page.mediabox[3]) - float(page.mediabox[1])
        for y, tags in text_runs(page):
            in_margin = y < MARGIN_BOTTOM - 1 or y > height - MARGIN_TOP + 1
            if in_margin and "/Artifact" not in tags:
                problems.append(f"furniture: page {number}: text at {y:.0f} pt tagged {tags}")
    return problems


def _one_page_pdf(content: bytes) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=A5)
    pdf.pages[0].Contents = pdf.make_stream(content)
    return pdf


def test_furniture_problems_accepts_artifacts_and_rejects_tagged_footer() -> None:
    body = b"/P <</MCID 0>> BDC BT 1 0 0 1 40 300 Tm (Text) Tj ET EMC "
    footer = b"BT 40 25 Td (Page 1 of 1) Tj ET"
    good = _one_page_pdf(body + b"/Artifact BMC " + footer + b" EMC")
    bad = _one_page_pdf(body + b"/Span <</MCID 1>> BDC " + footer + b" EMC")
    assert furniture_problems(good) == []
    assert furniture_problems(bad) == ["furniture: page 1: text at 25 pt tagged ['/Span']"]


def test_page_furniture_is_artifact(leaflet: Built) -> None:
    with pikepdf.open(leaflet.path("pdf")) as pdf:
        assert furniture_problems(pdf) == []


def test_language_change_is_tagged(constructs: Built) -> None:
    with pikepdf.open(constructs.path("pdf")) as pdf:
        langs = {str(e.Lang) for e in struct_elements(pdf) if "/Lang" in e}
    assert "fr" in langs


# -- fonts: only the project's, by the names the styles use ---------------------


def test_fetcher_serves_the_project_fonts_and_nothing_else(tmp_path: Path) -> None:
    from clearleaf import fonts
    from clearleaf.context import STYLES_DIR
    from clearleaf.formats.pdf import DOCUMENT_URL, STYLES_URL, _Fetcher

    fetcher = _Fetcher({DOCUMENT_URL: tmp_path, STYLES_URL: STYLES_DIR}, STYLES_DIR)
    for name in ("AtkinsonHyperlegible-Regular.ttf", "NotoSansThai.ttf", "NotoEmoji.ttf"):
        path = fonts.font_file(name)
        assert path is not None
        response = fetcher.fetch(f"{STYLES_URL}fonts/{name}")
        assert response.read() == path.read_bytes()
    # The installed file's own name, another package's font, a path out of the folder.
    for name in ("NotoSansThai[wght].ttf", "DejaVuSans.ttf", "../../../../etc/passwd"):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(f"{STYLES_URL}fonts/{name}")
    assert len(fetcher.refused) == 3

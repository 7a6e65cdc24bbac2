"""The saddle-stitch booklet: page order, layout, and a structure tree that survives imposition.

The sample PDFs are real WeasyPrint PDF/UA-1 files, one ``<section>`` per page so
that the page count is exact, each page carrying a marker ("PAGE-3") that the
tests look for in the half of the sheet where that page belongs. The project's
PDF/UA checks and the ``pdfua`` checker run on every booklet, except the
reading-order check: a sheet side carries e.g. pages 12 and 1, so text read by
position is out of order by design. :func:`logical_text` checks the order that
matters instead, the one assistive technology follows: the structure tree's.
"""

from __future__ import annotations

import functools
import io
import re
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
import weasyprint
from conftest import CONSTRUCTS_SOURCE, FIXTURES, LEAFLET_SOURCE
from pdfua_checks import marked_runs, problems
from validators import ToolMissing, pdftotext, pdfua
from weasyprint.urls import path2url

from clearleaf import imposition
from clearleaf.context import Context
from clearleaf.document import load
from clearleaf.formats import pdftags
from clearleaf.imposition import SHEET_SIZE, impose, saddle_stitch
from clearleaf.scheduler import render_one

A5 = (148 * 72 / 25.4, 210 * 72 / 25.4)
MARKER = re.compile(r"PAGE-(\d+)")
WORDS = [
    "apples",
    "bread",
    "cheese",
    "dates",
    "eggs",
    "figs",
    "grapes",
    "honey",
    "ice",
    "jam",
    "kale",
    "lemons",
]

Sides = list[tuple[int | None, int | None]]


# -- the order of the pages ----------------------------------------------------


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        (4, [(3, 0), (1, 2)]),
        (8, [(7, 0), (1, 6), (5, 2), (3, 4)]),
        (12, [(11, 0), (1, 10), (9, 2), (3, 8), (7, 4), (5, 6)]),
        # Padding: blank pages (None) fill the last sheet, at the back of the booklet.
        (5, [(None, 0), (1, None), (None, 2), (3, 4)]),
        (6, [(None, 0), (1, None), (5, 2), (3, 4)]),
        (1, [(None, 0), (None, None)]),
    ],
)
def test_saddle_stitch_order(pages: int, expected: Sides) -> None:
    assert saddle_stitch(pages) == expected


@pytest.mark.parametrize("pages", range(1, 41))
def test_saddle_stitch_folds(pages: int) -> None:
    sides = saddle_stitch(pages)
    padded = len(sides) * 2
    assert padded % 4 == 0 and padded - 4 < pages <= padded
    indices = [index for side in sides for index in side]
    assert sorted(index for index in indices if index is not None) == list(range(pages))
    assert indices.count(None) == padded - pages
    # Facing halves of a folded sheet sum to the last page: 0 faces n-1, 1 faces n-2.
    full = saddle_stitch(padded)
    assert all(
        left is not None and right is not None and left + right == padded - 1
        for left, right in full
    )


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        # The last page (the back panel) stays the outside back cover: blanks go before it.
        (5, [(4, 0), (1, None), (None, 2), (3, None)]),
        (6, [(5, 0), (1, None), (None, 2), (3, 4)]),
        (11, [(10, 0), (1, None), (9, 2), (3, 8), (7, 4), (5, 6)]),
        (8, [(7, 0), (1, 6), (5, 2), (3, 4)]),
    ],
)
def test_saddle_stitch_keeps_the_back_cover(pages: int, expected: Sides) -> None:
    assert saddle_stitch(pages, back_cover=True) == expected


def test_saddle_stitch_needs_a_page() -> None:
    with pytest.raises(ValueError, match="at least one page"):
        saddle_stitch(0)


# -- sample PDFs ---------------------------------------------------------------


def _html(pages: int, page_css: str = "size: A5", wide_page: int | None = None) -> str:
    """A document of exactly ``pages`` pages: headings, links, an image and a running footer."""
    sections = []
    for number in range(1, pages + 1):
        # Each page starts lower than the one before: text in the same place on every
        # page is what the page-furniture check looks for.
        breaks = f"break-before: page; padding-top: {number * 9}pt;" if number > 1 else ""
        named = "page: wide;" if number == wide_page else ""
        heading = "<h1>Booklet test</h1>" if number == 1 else ""
        extra = ""
        if number == 1 and pages >= 3:
            extra = '<p>Read <a href="#section-3">section 3 of this leaflet</a> next.</p>'
        if number == 2:
            extra = '<p><img src="stripes.png" alt="Blue and yellow stripes"></p>'
        word = WORDS[number - 1]
        sections.append(
            f'<section id="section-{number}" style="{breaks}{named}">{heading}'
            f"<h2>{word.title()}</h2>"
            f"<p>PAGE-{number} This paragraph about {word} belongs to this page.</p>"
            f'<p>Visit <a href="https://example.org/{number}">the {word} example site</a>.</p>'
            f"{extra}</section>"
        )
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        "<title>Booklet test</title><style>"
        f"@page {{ {page_css}; margin: 2cm;"
        ' @bottom-right { content: "Page " counter(page) " of " counter(pages) } }'
        "@page wide { size: A4 }"
        "</style></head><body>" + "".join(sections) + "</body></html>"
    )


def _render(html: str, variant: str | None = "pdf/ua-1") -> bytes:
    """The HTML as the pipeline renders PDFs: WeasyPrint with the tag repairs."""
    with pdftags.accessible_tags():
        document = weasyprint.HTML(string=html, base_url=path2url(str(FIXTURES)) + "/")
        pdf: bytes = document.write_pdf(pdf_variant=variant)
    return pdftags.repair(pdf) if variant else pdf


@functools.cache
def sample_pdf(pages: int) -> bytes:
    """A tagged A5 PDF of ``pages`` pages, rendered once per test session."""
    pdf = _render(_html(pages))
    with _open(pdf) as check:
        assert len(check.pages) == pages, "the sample PDF has the wrong number of pages"
    return pdf


@functools.cache
def booklet(pages: int) -> bytes:
    """The booklet of :func:`sample_pdf`."""
    return impose(sample_pdf(pages))


def _open(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# -- checks on a booklet -------------------------------------------------------


def half_markers(path: Path, sheet: int, half: int) -> set[int]:
    """The page markers in the left (0) or right (1) half of sheet side ``sheet`` (from 1)."""
    with pikepdf.open(path) as pdf:
        _, _, width, height = (float(value) for value in pdf.pages[sheet - 1].mediabox)
    crop = ["-x", str(int(half * width / 2)), "-y", "0", "-W", str(int(width / 2))]
    crop += ["-H", str(int(height) + 1)]
    result = subprocess.run(
        [pdftotext(), "-f", str(sheet), "-l", str(sheet), *crop, "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return {int(number) for number in MARKER.findall(result.stdout.decode("utf-8"))}


def order_problems(path: Path, sides: Sides) -> list[str]:
    """Halves of the booklet whose page marker is not the one ``sides`` expects."""
    found = []
    with pikepdf.open(path) as pdf:
        if len(pdf.pages) != len(sides):
            found.append(f"{len(pdf.pages)} sheet sides, expected {len(sides)}")
    for sheet, side in enumerate(sides, start=1):
        for half, index in enumerate(side):
            expected = set() if index is None else {index + 1}
            markers = half_markers(path, sheet, half)
            if markers != expected:
                where = ("left", "right")[half]
                found.append(
                    f"sheet side {sheet}, {where} half: pages {sorted(markers)}, "
                    f"expected {sorted(expected) or 'blank'}"
                )
    return found


def _pdftoppm() -> str:
    found = shutil.which("pdftoppm")
    if not found:
        raise ToolMissing("pdftoppm not found: install poppler-utils (see .ci/run)")
    return found


def inked_pixels(path: Path, sheet: int, half: int) -> int:
    """How many pixels of a half are not white, rendered in grey at 20 dpi."""
    result = subprocess.run(
        [_pdftoppm(), "-r", "20", "-gray", "-f", str(sheet), "-l", str(sheet), str(path)],
        capture_output=True,
        check=True,
        timeout=60,
    )
    data = result.stdout
    fields = data.split(maxsplit=4)  # P5 width height maxval pixels (netpbm)
    assert fields[0] == b"P5", "pdftoppm -gray should write a PGM"
    width, height = int(fields[1]), int(fields[2])
    pixels = data[len(data) - width * height :]
    columns = range(half * width // 2, (half + 1) * width // 2)
    return sum(1 for row in range(height) for x in columns if pixels[row * width + x] < 250)


def _kids(node: pikepdf.Object) -> list[Any]:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every structure element, depth first, in logical order."""
    stack = list(reversed(_kids(pdf.Root.StructTreeRoot)))
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Dictionary) and "/S" in node:
            yield node
            stack.extend(reversed(_kids(node)))


def _content_mcids(page: pikepdf.Page) -> list[int]:
    mcids = []
    for instruction in pikepdf.parse_content_stream(page, "BDC"):
        properties = instruction.operands[1]
        if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
            mcids.append(int(properties.MCID))
    return mcids


def _marked_content(element: pikepdf.Dictionary) -> Iterator[tuple[Any, int]]:
    """The (page, MCID) of each marked-content kid of ``element``."""
    for kid in _kids(element):
        if isinstance(kid, int):
            yield element.get("/Pg"), kid
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            yield kid.get("/Pg", element.get("/Pg")), int(kid.MCID)


def tag_problems(path: Path) -> list[str]:
    """Broken links between the structure tree and the pages (ISO 32000-1 14.7.4, 14.7.2).

    Each MCID is unique on its page and its parent-tree entry is the element
    that claims it; each element's marked content exists on its /Pg; each link
    annotation and its OBJR name each other; bookmarks and named destinations
    target pages of the file; no page outside the page tree is left behind.
    """
    found = []
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        parents = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
        drawn: dict[int, set[int]] = {}
        for number, page in enumerate(pdf.pages, start=1):
            mcids = _content_mcids(page)
            drawn[number] = set(mcids)
            if len(mcids) != len(set(mcids)):
                found.append(f"page {number}: MCIDs are not unique")
            key = page.obj.get("/StructParents")
            entries = parents[int(key)] if key is not None and int(key) in parents else None
            for mcid in mcids:
                element = entries[mcid] if entries is not None and mcid < len(entries) else None
                if not isinstance(element, pikepdf.Dictionary):
                    found.append(f"page {number}: MCID {mcid} has no parent-tree entry")
                elif (page.obj, mcid) not in [
                    (owner, kid) for owner, kid in _marked_content(element) if owner is not None
                ]:
                    found.append(
                        f"page {number}: MCID {mcid}'s element does not claim it on this page"
                    )
            for annotation in page.obj.get("/Annots", []):
                key = annotation.get("/StructParent")
                parent = parents[int(key)] if key is not None and int(key) in parents else None
                claims = [
                    kid
                    for kid in (_kids(parent) if isinstance(parent, pikepdf.Dictionary) else [])
                    if isinstance(kid, pikepdf.Dictionary)
                    and kid.get("/Type") == "/OBJR"
                    and kid.Obj.objgen == annotation.objgen
                ]
                if not isinstance(parent, pikepdf.Dictionary) or not claims:
                    found.append(f"page {number}: annotation's /StructParent has no OBJR to it")
                elif any(claim.get("/Pg", parent.get("/Pg")) != page.obj for claim in claims):
                    found.append(f"page {number}: an OBJR names another page as /Pg")
        for element in _elements(pdf):
            where = element.get("/Pg")
            if where is not None and where.objgen not in pages:
                found.append(f"{element.S} has a /Pg outside the page tree")
            for owner, mcid in _marked_content(element):
                on = pages.get(owner.objgen) if owner is not None else None
                if on is None or mcid not in drawn[on]:
                    found.append(f"{element.S}: MCID {mcid} is not on its page {on}")
        for target in _destinations(pdf):
            if not (isinstance(target, pikepdf.Dictionary) and target.objgen in pages):
                found.append("a bookmark or named destination targets no page of the file")
        strays = [
            obj
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Dictionary)
            and obj.get("/Type") == "/Page"
            and obj.objgen not in pages
        ]
        if strays:
            found.append(f"{len(strays)} page object(s) left outside the page tree")
    return found


def _destinations(pdf: pikepdf.Pdf) -> Iterator[Any]:
    """The target page of every bookmark and named destination."""
    item = pdf.Root.Outlines.get("/First") if "/Outlines" in pdf.Root else None
    pending: list[pikepdf.Object | None] = [item] if item is not None else []
    while pending:
        item = pending.pop()
        if item is None:
            continue
        yield item.Dest[0]
        pending.extend([item.get("/Next"), item.get("/First")])
    if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
        for _, value in pikepdf.NameTree(pdf.Root.Names.Dests).items():
            yield (value.D if isinstance(value, pikepdf.Dictionary) else value)[0]


def logical_text(path: Path) -> list[str]:
    """The tagged text in structure-tree order: what a screen reader reads, page by MCID."""
    filed: dict[tuple[int, int], str] = defaultdict(str)
    for number, runs in enumerate(marked_runs(path), start=1):
        for run in runs:
            if run.mcid is not None:
                filed[number, run.mcid] += run.text
    text = []
    with pikepdf.open(path) as pdf:
        numbers = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        for element in _elements(pdf):
            for owner, mcid in _marked_content(element):
                text.append(filed.get((numbers.get(owner.objgen, 0), mcid), ""))
    return text


# -- the booklets --------------------------------------------------------------

#: The page counts of the brief, and one- and two-page PDFs (a wholly blank side).
PAGE_COUNTS = (1, 2, 4, 5, 6, 8, 12)


@pytest.mark.parametrize("pages", PAGE_COUNTS)
def test_sheets_hold_the_pages_in_saddle_stitch_order(pages: int, tmp_path: Path) -> None:
    path = _write(tmp_path, "booklet.pdf", booklet(pages))
    sides = saddle_stitch(pages)
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == -(-pages // 4) * 4 // 2
        for page in pdf.pages:
            _, _, width, height = (float(value) for value in page.mediabox)
            assert (width, height) == pytest.approx(SHEET_SIZE, abs=0.01)
            assert (width, height) == pytest.approx((841.89, 595.28), abs=0.01)
    assert order_problems(path, sides) == []
    for sheet, side in enumerate(sides, start=1):
        for half, index in enumerate(side):
            inked = inked_pixels(path, sheet, half)
            assert (inked == 0) == (index is None), f"sheet side {sheet}, half {half}"


@pytest.mark.validators
@pytest.mark.parametrize("pages", PAGE_COUNTS)
def test_booklet_stays_accessible(pages: int, tmp_path: Path) -> None:
    source = _write(tmp_path, "sample.pdf", sample_pdf(pages))
    path = _write(tmp_path, "booklet.pdf", booklet(pages))
    assert problems(source) == [], "the sample PDF itself should pass"
    assert problems(path) == []
    findings = pdfua(path)
    assert not findings.problems, findings.explain("pdfua")
    assert tag_problems(path) == []
    # The structure tree reads as before: same elements, same text, same order.
    text = logical_text(path)
    assert text == logical_text(source)
    markers = [int(number) for number in MARKER.findall(" ".join(text))]
    assert markers == list(range(1, pages + 1))


@pytest.mark.parametrize("pages", PAGE_COUNTS)
def test_booklet_is_reproducible(pages: int) -> None:
    assert impose(sample_pdf(pages)) == booklet(pages)


def test_catalog_and_metadata_survive(tmp_path: Path) -> None:
    with _open(sample_pdf(5)) as before, _open(booklet(5)) as after:
        for key in ("/Lang", "/MarkInfo", "/ViewerPreferences"):
            assert after.Root[key] == before.Root[key]
        assert after.Root.Metadata.read_bytes() == before.Root.Metadata.read_bytes()
        assert after.trailer.Info.Title == before.trailer.Info.Title
        assert [str(element.S) for element in _elements(after)] == [
            str(element.S) for element in _elements(before)
        ]
        assert all(page.obj.Tabs == pikepdf.Name.S for page in after.pages)


def _offset(sides: Sides, index: int) -> tuple[int, float]:
    """The sheet side (from 0) holding page ``index`` and the x offset of its half."""
    for sheet, side in enumerate(sides):
        if index in side:
            return sheet, SHEET_SIZE[0] / 2 - A5[0] + side.index(index) * A5[0]
    raise AssertionError(f"page {index} is on no sheet")


def test_links_move_with_their_pages() -> None:
    pages = 6
    sides = saddle_stitch(pages)
    with _open(sample_pdf(pages)) as before, _open(booklet(pages)) as after:
        moved = 0
        for index, page in enumerate(before.pages):
            sheet, dx = _offset(sides, index)
            on_sheet = {
                str(annotation.get("/Contents")): annotation
                for annotation in after.pages[sheet].obj.Annots
            }
            for annotation in page.obj.Annots:
                placed = on_sheet[str(annotation.Contents)]
                expected = [
                    float(value) + dx * (position % 2 == 0)
                    for position, value in enumerate(annotation.Rect)
                ]
                assert [float(value) for value in placed.Rect] == pytest.approx(expected, abs=1e-5)
                assert placed.get("/A") == annotation.get("/A")
                assert placed.get("/Dest") == annotation.get("/Dest")
                moved += 1
        assert moved == sum(len(page.obj.Annots) for page in after.pages) == pages + 1


def test_bookmarks_and_destinations_move_with_their_pages() -> None:
    pages = 5
    sides = saddle_stitch(pages)
    with _open(sample_pdf(pages)) as before, _open(booklet(pages)) as after:
        old = {page.obj.objgen: index for index, page in enumerate(before.pages)}
        new = {page.obj.objgen: index for index, page in enumerate(after.pages)}

        def targets(pdf: pikepdf.Pdf) -> list[tuple[str, Any]]:
            found = []
            with pdf.open_outline() as outline:
                pending = list(reversed(outline.root))
                while pending:
                    item = pending.pop()
                    found.append((item.title, item.destination))
                    pending.extend(reversed(item.children))
            return found

        bookmarks = targets(before)
        assert len(bookmarks) == 1 + pages  # the h1 and each section's h2
        for (title, dest), (new_title, new_dest) in zip(bookmarks, targets(after), strict=True):
            assert new_title == title
            sheet, dx = _offset(sides, old[dest[0].objgen])
            assert new[new_dest[0].objgen] == sheet
            assert new_dest[1] == dest[1] == "/XYZ"
            assert float(new_dest[2]) == pytest.approx(float(dest[2]) + dx, abs=1e-5)
            assert float(new_dest[3]) == pytest.approx(float(dest[3]), abs=1e-5)
        names = pikepdf.NameTree(after.Root.Names.Dests)
        target = names["section-3"]
        assert new[target[0].objgen] == _offset(sides, 2)[0]


def test_figure_layout_box_moves_with_its_page() -> None:
    pages = 4
    sides = saddle_stitch(pages)
    with _open(sample_pdf(pages)) as before, _open(booklet(pages)) as after:
        old = next(e for e in _elements(before) if e.S == "/Figure")
        new = next(e for e in _elements(after) if e.S == "/Figure")
        _, dx = _offset(sides, 1)
        expected = [float(v) + dx * (i % 2 == 0) for i, v in enumerate(old.A.BBox)]
        assert [float(v) for v in new.A.BBox] == pytest.approx(expected, abs=1e-5)


def test_whole_page_destinations_fit_the_half() -> None:
    pages = 4
    sides = saddle_stitch(pages)
    with _open(sample_pdf(pages)) as doc:
        first = doc.Root.Outlines.First
        first.Dest = pikepdf.Array([doc.pages[1].obj, pikepdf.Name.Fit])
        doc.Root.OpenAction = pikepdf.Array([doc.pages[0].obj, pikepdf.Name.FitH, 500])
        pdf = _save(doc)
    with _open(impose(pdf)) as after:
        sheet, dx = _offset(sides, 1)
        fit = after.Root.Outlines.First.Dest
        assert fit[0] == after.pages[sheet].obj and fit[1] == "/FitR"
        assert [float(v) for v in fit[2:]] == pytest.approx([dx, 0, dx + A5[0], A5[1]], abs=1e-5)
        sheet, _ = _offset(sides, 0)
        opening = after.Root.OpenAction
        assert opening[0] == after.pages[sheet].obj
        assert opening[1] == "/FitH"
        assert float(opening[2]) == 500


def _depths(page: pikepdf.Page) -> list[int]:
    """The graphics-state nesting depth after each q and Q of a page's content."""
    depths, depth = [], 0
    for instruction in pikepdf.parse_content_stream(page, "q Q"):
        depth += 1 if str(instruction.operator) == "q" else -1
        depths.append(depth)
    return depths


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ([([], "Q")], []),  # a stray Q would undo the half's cm
        ([], [([], "q"), ([1, 0, 0, 1, 200, 200], "cm")]),  # an open q: the clip would stay
    ],
    ids=["stray-Q", "open-q"],
)
def test_unbalanced_graphics_state_stays_on_its_half(
    before: list[tuple[list[int], str]], after: list[tuple[list[int], str]], tmp_path: Path
) -> None:
    # Page 4 is the left half of sheet side 1; page 1, drawn after it, must not move.
    with _open(sample_pdf(4)) as doc:
        page = doc.pages[3]
        content = [
            *(
                pikepdf.ContentStreamInstruction(ops, pikepdf.Operator(name))
                for ops, name in before
            ),
            *pikepdf.parse_content_stream(page),
            *(pikepdf.ContentStreamInstruction(ops, pikepdf.Operator(name)) for ops, name in after),
        ]
        page.obj.Contents = doc.make_stream(pikepdf.unparse_content_stream(content))
        pdf = _save(doc)
    path = _write(tmp_path, "booklet.pdf", impose(pdf))
    with pikepdf.open(path) as booklet_pdf:
        depths = _depths(booklet_pdf.pages[0])
    assert min(depths) == 0 and depths[-1] == 0, "q and Q are unbalanced on the sheet"
    assert order_problems(path, saddle_stitch(4)) == []
    assert inked_pixels(path, 1, 1) > 0


@pytest.mark.validators
@pytest.mark.parametrize("name", ["leaflet", "constructs"])
def test_pipeline_leaflets_impose(name: str, tmp_path: Path) -> None:
    source = {"leaflet": LEAFLET_SOURCE, "constructs": CONSTRUCTS_SOURCE}[name]
    pdf = render_one(load(source), "pdf", Context(source_date_epoch=None)).data
    before = _write(tmp_path, f"{name}.pdf", pdf)
    path = _write(tmp_path, "booklet.pdf", impose(pdf))
    assert problems(path) == []
    findings = pdfua(path)
    assert not findings.problems, findings.explain("pdfua")
    assert tag_problems(path) == []
    assert logical_text(path) == logical_text(before)


# -- resources that are not shared ---------------------------------------------


def _swap_fonts(pdf: bytes, index: int) -> bytes:
    """Give page ``index`` its own resources, with the names of its two fonts swapped.

    The page looks the same, but on a sheet its font names clash with those of
    the other pages, so the imposition must rename them.
    """
    with _open(pdf) as doc:
        page = doc.pages[index].obj
        fonts = page.Resources.Font
        first, second = sorted(fonts.keys())[:2]
        swapped = {first: second, second: first}
        resources = pikepdf.Dictionary(dict(page.Resources.items()))
        resources.Font = pikepdf.Dictionary(
            {swapped.get(name, name): value for name, value in fonts.items()}
        )
        page.Resources = doc.make_indirect(resources)
        content: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
        for instruction in pikepdf.parse_content_stream(page):
            if str(instruction.operator) == "Tf":
                name, size = instruction.operands[0], instruction.operands[1]
                renamed = pikepdf.Name(swapped.get(str(name), str(name)))
                instruction = pikepdf.ContentStreamInstruction(
                    [renamed, size], instruction.operator
                )
            content.append(instruction)
        page.Contents = doc.make_stream(pikepdf.unparse_content_stream(content))
        return _save(doc)


def _save(doc: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    doc.save(out, deterministic_id=True)
    return out.getvalue()


def test_clashing_resource_names_are_renamed(tmp_path: Path) -> None:
    # Pages 2 and 3 share sheet side 2; page 2 now names its fonts the other way round.
    pdf = _swap_fonts(sample_pdf(4), 1)
    path = _write(tmp_path, "booklet.pdf", impose(pdf))
    with pikepdf.open(path) as booklet_pdf:
        fonts = set(booklet_pdf.pages[1].obj.Resources.Font.keys())
    assert any(name.endswith(".2") for name in fonts), fonts
    assert order_problems(path, saddle_stitch(4)) == []
    assert problems(path) == []
    assert tag_problems(path) == []


# -- the checks can fail -------------------------------------------------------


def test_order_check_sees_swapped_halves(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    sides = saddle_stitch(4)
    monkeypatch.setattr(
        imposition,
        "saddle_stitch",
        lambda pages, back_cover=False: [(right, left) for left, right in sides],
    )
    path = _write(tmp_path, "swapped.pdf", impose(sample_pdf(4)))
    assert order_problems(path, sides) == [
        "sheet side 1, left half: pages [1], expected [4]",
        "sheet side 1, right half: pages [4], expected [1]",
        "sheet side 2, left half: pages [3], expected [2]",
        "sheet side 2, right half: pages [2], expected [3]",
    ]


def _unclaim_mcid(pdf: pikepdf.Pdf) -> None:
    """The parent tree loses the element of the sheet's last MCID."""
    page = pdf.pages[1].obj
    tree = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
    entries = tree[int(page.StructParents)]
    entries[max(_content_mcids(pdf.pages[1]))] = None


def _duplicate_mcids(pdf: pikepdf.Pdf) -> None:
    """MCIDs in the upper half of the sheet collide with the lower ones, as if not renumbered."""
    page = pdf.pages[1]
    content = list(pikepdf.parse_content_stream(page))
    mcids = _content_mcids(page)
    lowest = mcids[len(mcids) // 2]
    for instruction in content:
        properties = instruction.operands[1] if str(instruction.operator) == "BDC" else None
        if (
            isinstance(properties, pikepdf.Dictionary)
            and int(properties.get("/MCID", -1)) >= lowest
        ):
            properties.MCID = int(properties.MCID) - lowest
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(content))


def _stale_page(pdf: pikepdf.Pdf) -> None:
    """A structure element keeps pointing at a page that left the page tree."""
    element = next(e for e in _elements(pdf) if "/Pg" in e)
    element.Pg = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Page))


def _orphan_link(pdf: pikepdf.Pdf) -> None:
    """A link annotation whose /StructParent names no Link element."""
    annotation = next(a for page in pdf.pages for a in page.obj.get("/Annots", []))
    annotation.StructParent = 999


@pytest.mark.parametrize("break_it", [_unclaim_mcid, _duplicate_mcids, _stale_page, _orphan_link])
def test_tag_check_sees_broken_links(
    break_it: Callable[[pikepdf.Pdf], None], tmp_path: Path
) -> None:
    with _open(booklet(4)) as pdf:
        break_it(pdf)
        path = _write(tmp_path, "broken.pdf", _save(pdf))
    assert tag_problems(path) != []


def test_logical_text_sees_lost_tags(tmp_path: Path) -> None:
    with _open(booklet(4)) as pdf:
        _duplicate_mcids(pdf)
        path = _write(tmp_path, "broken.pdf", _save(pdf))
    source = _write(tmp_path, "sample.pdf", sample_pdf(4))
    assert logical_text(path) != logical_text(source)


# -- what cannot be imposed ----------------------------------------------------


def test_mixed_page_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="pages differ in size"):
        impose(_render(_html(4, wide_page=2)))


def test_untagged_pdf_is_refused() -> None:
    with pytest.raises(ValueError, match="untagged"):
        impose(_render(_html(4), variant=None))


def test_pages_too_large_for_the_sheet_are_refused() -> None:
    with pytest.raises(ValueError, match="do not fit"):
        impose(_render(_html(4, page_css="size: A4")))

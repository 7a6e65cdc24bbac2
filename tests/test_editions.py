"""The printed editions: standard leaflet, large print, print-shop PDF/X-4 and booklet.

Sizes, page counts and boxes are read with pikepdf, text sizes with
pdfminer.six; the PDF/UA checks of every edition are in test_validators.py.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from conftest import BACK_PANEL_SOURCE, LEAFLET_SOURCE
from pdfminer.high_level import extract_pages, extract_text
from pdfminer.layout import LTChar, LTTextContainer

from clearleaf.build import build
from clearleaf.context import Context
from clearleaf.plan import resolve_formats

MM = 72 / 25.4
A5 = (148 * MM, 210 * MM)
A4 = (210 * MM, 297 * MM)
PRINTED_EDITIONS = ["pdf", "large-print", "print", "booklet"]


@dataclass(frozen=True)
class PrintedEditions:
    """Every printed edition of one source."""

    folder: Path
    stem: str

    def path(self, suffix: str) -> Path:
        """The edition with ``suffix`` (".pdf", "-large-print.pdf", ...)."""
        return self.folder / f"{self.stem}{suffix}"

    def open(self, suffix: str) -> pikepdf.Pdf:
        """The edition, opened with pikepdf."""
        return pikepdf.open(self.path(suffix))


def _build(source: Path, folder: Path) -> PrintedEditions:
    report = build(
        [source], resolve_formats(PRINTED_EDITIONS), folder, Context(source_date_epoch=None)
    )
    assert not report.failed, [str(d) for d in report.diagnostics]
    return PrintedEditions(folder, source.stem)


@pytest.fixture(scope="module")
def printed_leaflet(tmp_path_factory: pytest.TempPathFactory) -> PrintedEditions:
    """The canonical leaflet in its printed editions only."""
    return _build(LEAFLET_SOURCE, tmp_path_factory.mktemp("printed-leaflet"))


@pytest.fixture(scope="module")
def printed_back_panel(tmp_path_factory: pytest.TempPathFactory) -> PrintedEditions:
    """The back-panel fixture in its printed editions only."""
    return _build(BACK_PANEL_SOURCE, tmp_path_factory.mktemp("printed-back-panel"))


def _size(box: pikepdf.Object) -> tuple[float, float]:
    left, bottom, right, top = (float(v) for v in box)
    return right - left, top - bottom


def _close(size: tuple[float, float], want: tuple[float, float], tolerance: float = 1) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(size, want, strict=True))


def text_sizes(path: Path) -> Counter[float]:
    """How many characters of each font size (pt, rounded to 0.1) the PDF's text uses."""
    sizes: Counter[float] = Counter()
    for page in extract_pages(path):
        stack = list(page)
        while stack:
            item = stack.pop()
            if isinstance(item, LTChar) and item.get_text().strip():
                sizes[round(item.size, 1)] += 1
            elif hasattr(item, "__iter__"):
                stack.extend(item)
    return sizes


def _words(path: Path) -> list[str]:
    """The words of a PDF without its running footer ("Anormed UK", "Page 2 of 9", and in
    large print "(leaflet page 2)")."""
    text = re.sub(
        r"Anormed UK\s+Page \d+ of \d+(\s*\(leaflet page \d+\))?", " ", extract_text(path)
    )
    return re.sub(r"-\s*\n\s*", "-", text).split()  # a hyphenated word may wrap at its hyphen


def page_text(path: Path, number: int) -> str:
    """The text of one page (1-based), whitespace collapsed."""
    return " ".join(extract_text(path, page_numbers=[number - 1]).split())


# -- page sizes and counts ---------------------------------------------------------


def test_standard_leaflet_is_a5(printed_leaflet: PrintedEditions) -> None:
    pdf = printed_leaflet.open(".pdf")
    assert all(_close(_size(page.mediabox), A5) for page in pdf.pages)


def test_large_print_is_a4_with_the_same_content(printed_leaflet: PrintedEditions) -> None:
    large = printed_leaflet.open("-large-print.pdf")
    assert all(_close(_size(page.mediabox), A4) for page in large.pages)
    # Same words in the same order up to the back panel, whose list of other
    # formats names each edition but itself; only the running footer moves.
    large_words = _words(printed_leaflet.path("-large-print.pdf"))
    standard_words = _words(printed_leaflet.path(".pdf"))
    assert (
        large_words[: large_words.index("formats")]
        == standard_words[: standard_words.index("formats")]
    )
    assert len(large_words) > 1000


def test_print_shop_trim_bleed_and_media(printed_leaflet: PrintedEditions) -> None:
    pdf = printed_leaflet.open("-print.pdf")
    standard = printed_leaflet.open(".pdf")
    assert len(pdf.pages) == len(standard.pages)
    for page in pdf.pages:
        trim = [float(v) for v in page.obj.TrimBox]
        bleed = [float(v) for v in page.obj.BleedBox]
        media = [float(v) for v in page.mediabox]
        assert _close(_size(page.obj.TrimBox), A5)
        assert [round(b - t, 2) for b, t in zip(bleed, trim, strict=True)] == [-8.5, -8.5, 8.5, 8.5]
        # The crop marks sit outside the bleed, so the media box is larger still.
        assert media[0] < bleed[0] and media[2] > bleed[2]


def test_booklet_is_a4_landscape_sheets(printed_leaflet: PrintedEditions) -> None:
    pages = len(printed_leaflet.open(".pdf").pages)
    booklet = printed_leaflet.open("-booklet.pdf")
    assert len(booklet.pages) == math.ceil(pages / 4) * 2
    assert all(_close(_size(page.mediabox), (A4[1], A4[0])) for page in booklet.pages)


# -- typography ----------------------------------------------------------------------


def test_standard_body_text_is_12_to_14_pt(printed_leaflet: PrintedEditions) -> None:
    sizes = text_sizes(printed_leaflet.path(".pdf"))
    body, _count = sizes.most_common(1)[0]
    assert 12 <= body <= 14, sizes


def test_large_print_never_below_16_pt(
    printed_leaflet: PrintedEditions, printed_back_panel: PrintedEditions
) -> None:
    for printed in (printed_leaflet, printed_back_panel):
        sizes = text_sizes(printed.path("-large-print.pdf"))
        assert min(sizes) >= 16, sizes
        assert sizes.most_common(1)[0][0] >= 18, sizes


def test_text_sizes_detects_small_print(tmp_path: Path) -> None:
    import weasyprint

    path = tmp_path / "small.pdf"
    weasyprint.HTML(string="<p style='font-size: 10pt'>Small print</p>").write_pdf(path)
    assert min(text_sizes(path)) == pytest.approx(10, abs=0.1)


# -- panels --------------------------------------------------------------------------


def test_front_panel_has_title_organisation_and_key_message(
    printed_back_panel: PrintedEditions,
) -> None:
    text = page_text(printed_back_panel.path(".pdf"), 1)
    assert "Looking After Your Feet" in text
    assert "Clearleaf Test Trust" in text
    assert "Simple daily checks that keep your feet healthy" in text
    assert "Wash your feet" not in text  # the body starts on the next page


@pytest.mark.parametrize("suffix", [".pdf", "-large-print.pdf", "-print.pdf"])
def test_back_panel(printed_back_panel: PrintedEditions, suffix: str) -> None:
    path = printed_back_panel.path(suffix)
    pages = len(pikepdf.open(path).pages)
    text = page_text(path, pages)
    assert "Contact us" in text or "Contact us" in page_text(path, pages - 1)
    # The back panel may run onto a second page for a long colophon.
    text = " ".join(page_text(path, n) for n in range(2, pages + 1))
    text = text[text.index("Contact us") :]
    for expected in (
        "Contact us",
        "0300 123 4567",
        "feet@example.org",
        "This information is also available as",
        "Sources",
        "Example source two",
        "1 May 2026",
        "1 May 2028",
        "https://leaflets.example.org/feet/looking-after-your-feet.html",
        "Accessibility:",
    ):
        # A long address may wrap at any character: compare without spaces.
        assert expected.replace(" ", "") in text.replace(" ", ""), (
            f"{expected!r} missing from the back panel of {path.name}"
        )


def test_back_panel_has_a_vector_qr_code_with_alt_text(printed_back_panel: PrintedEditions) -> None:
    pdf = printed_back_panel.open(".pdf")
    last = pdf.pages[-1]
    images = [
        name
        for name, xobject in last.resources.get("/XObject", {}).items()
        if xobject.get("/Subtype") == "/Image"
    ]
    assert not images, "the QR code must be drawn as vector paths, not an image"
    figures = []
    pending = [pdf.Root.StructTreeRoot]
    while pending:
        node = pending.pop()
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                pending.append(kid)
                if kid.S == "/Figure":
                    figures.append(str(kid.get("/Alt", "")))
    assert any("QR code" in alt and "looking-after-your-feet.html" in alt for alt in figures)


def test_no_qr_code_without_an_address(printed_leaflet: PrintedEditions) -> None:
    assert "Scan to read this online" not in extract_text(printed_leaflet.path(".pdf"))


# -- print shop: PDF/X-4 -------------------------------------------------------------


def test_print_shop_is_pdf_x4_with_an_output_intent(printed_leaflet: PrintedEditions) -> None:
    pdf = printed_leaflet.open("-print.pdf")
    meta = pdf.open_metadata()
    assert meta["{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion"] == "PDF/X-4"
    assert meta["{http://www.aiim.org/pdfua/ns/id/}part"] == "1"
    (intent,) = pdf.Root.OutputIntents
    assert intent.S == "/GTS_PDFX"
    assert int(intent.DestOutputProfile.N) == 4  # a CMYK printing condition
    assert "FOGRA39" in str(intent.OutputConditionIdentifier)
    assert pdf.Root.MarkInfo.Marked  # tags still on


def rgb_colours(path: Path) -> list[str]:
    """Every colour a page (or a form it draws) sets in DeviceRGB: PDF/X-4 with a
    CMYK output intent allows only the press's inks (ISO 15930-7 6.2.4)."""
    found: list[str] = []
    seen: set[tuple[int, int]] = set()
    with pikepdf.open(path) as pdf:

        def scan(content: pikepdf.Page | pikepdf.Object, where: str) -> None:
            for instruction in pikepdf.parse_content_stream(content):
                if str(instruction.operator) in ("rg", "RG"):
                    operands = " ".join(map(str, instruction.operands))
                    found.append(f"{where}: {operands} {instruction.operator}")
            resources = content.get("/Resources")
            for name, form in (resources.get("/XObject") or {}).items() if resources else ():
                if form.get("/Subtype") == "/Form" and form.objgen not in seen:
                    seen.add(form.objgen)
                    scan(form, f"{where} {name}")

        for number, page in enumerate(pdf.pages, start=1):
            scan(page, f"page {number}")
    return found


def test_print_shop_prints_only_in_the_press_inks(printed_leaflet: PrintedEditions) -> None:
    assert rgb_colours(printed_leaflet.path("-print.pdf")) == []
    # The check sees RGB where there is some: the screen-ready leaflet is all RGB.
    assert rgb_colours(printed_leaflet.path(".pdf"))


def test_print_shop_uses_the_inks_of_print_shop_css() -> None:
    from clearleaf.formats import print_shop

    styles = Path(print_shop.__file__).parent.parent / "styles"
    base = (styles / "base.css").read_text(encoding="utf-8")
    press = (styles / "print-shop.css").read_text(encoding="utf-8")
    inks = print_shop.press_colours(base, press, {})
    text = (round(0x1A / 255, 6),) * 3
    assert print_shop.cmyk_of(text, inks) == (0, 0, 0, 0.95)
    # A project's brand colour is converted, not replaced by the colour it overrode.
    branded = print_shop.press_colours(base, press, {"--link": "#0a4a8f"})
    link = (round(0x0A / 255, 6), round(0x4A / 255, 6), round(0x8F / 255, 6))
    assert print_shop.cmyk_of(link, inks) == (1, 0.6, 0, 0.3)
    cyan, _, yellow, black = print_shop.cmyk_of(link, branded)
    assert cyan == 0.9301 and yellow == 0 and black == 0.4392
    assert print_shop.cmyk_of((1, 1, 1), inks) == (0, 0, 0, 0)
    assert print_shop.cmyk_of((0, 0, 0), {}) == (0, 0, 0, 1)


def test_print_shop_pages_are_the_leaflets_pages(printed_leaflet: PrintedEditions) -> None:
    """Laid out once: page for page, the print-shop file says what the leaflet says."""
    leaflet, press = printed_leaflet.path(".pdf"), printed_leaflet.path("-print.pdf")
    pages = len(printed_leaflet.open(".pdf").pages)
    for number in range(1, pages + 1):
        assert page_text(press, number) == page_text(leaflet, number), f"page {number}"


def test_print_shop_crop_marks_are_artifacts_outside_the_bleed(
    printed_leaflet: PrintedEditions,
) -> None:
    pdf = printed_leaflet.open("-print.pdf")
    for page in pdf.pages:
        instructions = list(pikepdf.parse_content_stream(page))
        marks = [i for i, each in enumerate(instructions) if str(each.operator) == "BMC"][-1]
        assert [str(o) for o in instructions[marks].operands] == ["/Artifact"]
        bleed = [float(v) for v in page.obj.BleedBox]
        media = [float(v) for v in page.mediabox]
        points = [
            (float(each.operands[0]), float(each.operands[1]))
            for each in instructions[marks:]
            if str(each.operator) in ("m", "l")
        ]
        assert len(points) == 16  # two lines at each of the four corners
        for x, y in points:
            assert media[0] <= x <= media[2] and media[1] <= y <= media[3]
            assert not (bleed[0] < x < bleed[2] and bleed[1] < y < bleed[3]), (x, y)


def test_editions_are_reproducible(printed_leaflet: PrintedEditions, tmp_path: Path) -> None:
    again = _build(LEAFLET_SOURCE, tmp_path)
    for suffix in (".pdf", "-large-print.pdf", "-print.pdf", "-booklet.pdf"):
        assert again.path(suffix).read_bytes() == printed_leaflet.path(suffix).read_bytes(), suffix


def test_print_shop_dates_come_from_the_source(printed_leaflet: PrintedEditions) -> None:
    pdf = printed_leaflet.open("-print.pdf")
    info = pdf.docinfo
    assert str(info.CreationDate).startswith("D:20261124")
    assert str(info.ModDate).startswith("D:20261124")


# -- layout --------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".pdf", "-large-print.pdf"])
def test_no_heading_stranded_at_a_page_foot(printed_leaflet: PrintedEditions, suffix: str) -> None:
    """The last text block above the running footer is never a heading."""
    path = printed_leaflet.path(suffix)
    headings = {
        line
        for line in LEAFLET_SOURCE.read_text(encoding="utf-8").splitlines()
        if line.startswith("## ")
    }
    titles = {line[3:].strip() for line in headings}
    for page in extract_pages(path):
        blocks = sorted(
            (b for b in page if isinstance(b, LTTextContainer) and b.get_text().strip()),
            key=lambda b: -b.y1,
        )
        content = [b for b in blocks if b.y0 > 60]  # above the running footer
        if content:
            assert " ".join(content[-1].get_text().split()) not in titles, page.pageid

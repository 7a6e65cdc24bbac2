"""The print-shop file: the A5 leaflet's own pages as PDF/X-4 with 3 mm bleed and crop marks.

Print shops ask for PDF/X: a trim box and a bleed box they can trust, marks
to cut on, colours in the press's inks, and an output intent saying which
printing condition the colours are meant for (here Coated FOGRA39, the usual
European sheet-fed offset condition).

The pages are the standard leaflet's, not a second layout of the source: the
leaflet's PDF is the edition this one is made from, so the two can never
differ in a word or a line break, and the leaflet is laid out once. Each
page gets room around its trim, a BleedBox 3 mm out, and crop marks drawn as
artifacts outside the bleed. Every RGB colour of the page content becomes the
press's CMYK: the colours ``print-shop.css`` gives for the stylesheet's
colour properties, and any other colour (a project's branding) converted
from RGB. Tags, links and bookmarks are untouched, and the file still
declares PDF/UA-1, so that the copy a print shop passes on is accessible.

PDF/X has a document ID: it is derived from the document's stable
identifier, and the dates are the leaflet's (from the source), so two
builds give the same bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from decimal import Decimal

import pikepdf

from clearleaf.formats import Inputs, Rendered

#: The bleed print shops ask for beyond the trim, in points (3 mm).
BLEED = 3 * 72 / 25.4

#: Paper outside the trim on every side, with room for the crop marks beyond the bleed (10 mm).
MARGIN = 10 * 72 / 25.4

#: The crop marks' line width, in points (0.25 pt, hairline).
MARK_WIDTH = 0.25

#: The printing condition of the output intent (``styles/profiles/README.md``).
CONDITION = "Coated FOGRA39"
PROFILE = "profiles/CoatedFOGRA39-clearleaf.icc"

#: ``--name: device-cmyk(c m y k)`` in print-shop.css, ``--name: #rrggbb`` in base.css.
_CMYK_PROPERTY = re.compile(
    r"(--[a-z-]+)\s*:\s*device-cmyk\(\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\)"
)
_HEX_PROPERTY = re.compile(r"(--[a-z-]+)\s*:\s*#([0-9a-fA-F]{6})\s*;")

RGB = tuple[float, float, float]
CMYK = tuple[float, float, float, float]


def render(inputs: Inputs) -> Rendered:
    """The standard leaflet (the edition it is made from), made ready for the press."""
    context, document = inputs.context, inputs.document
    inks = press_colours(
        context.style("base.css"),
        context.style("print-shop.css"),
        document.settings.branding.colours,
    )
    profile = (context.styles / PROFILE).read_bytes()
    return Rendered(finish(inputs.editions["pdf"], document.identifier, inks, profile))


def press_colours(base_css: str, press_css: str, branding: Mapping[str, str]) -> dict[RGB, CMYK]:
    """The press's CMYK for each RGB colour the stylesheet's colour properties give.

    Only the light scheme's colours (the first value of each property in
    ``base.css``) are printed. A property the project's branding sets keeps
    the branding's colour, converted from RGB, since the press colour was
    chosen for the colour the branding replaced.
    """
    light: dict[str, str] = {}
    for name, value in _HEX_PROPERTY.findall(base_css):
        light.setdefault(name, value)
    inks: dict[RGB, CMYK] = {}
    for name, *cmyk in _CMYK_PROPERTY.findall(press_css):
        if name in light and name not in branding:
            hex_colour = light[name]
            red, green, blue = (int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
            cyan, magenta, yellow, black = map(float, cmyk)
            inks[_key((red, green, blue))] = (cyan, magenta, yellow, black)
    return inks


def _key(rgb: RGB) -> RGB:
    """An RGB colour as WeasyPrint writes it in a PDF: each component to 6 decimals."""
    return (round(rgb[0], 6), round(rgb[1], 6), round(rgb[2], 6))


def cmyk_of(rgb: RGB, inks: Mapping[RGB, CMYK]) -> CMYK:
    """The press's colour for ``rgb``: its ink from ``inks``, or converted without a profile."""
    key = _key(rgb)
    if key in inks:
        return inks[key]
    black = 1 - max(rgb)
    if black >= 1:
        return (0.0, 0.0, 0.0, 1.0)
    cyan, magenta, yellow = ((1 - value - black) / (1 - black) for value in rgb)
    return (round(cyan, 4), round(magenta, 4), round(yellow, 4), round(black, 4))


def finish(leaflet: bytes, identifier: str, inks: Mapping[RGB, CMYK], profile: bytes) -> bytes:
    """The leaflet's PDF as the print shop's PDF/X-4."""
    with pikepdf.open(io.BytesIO(leaflet)) as pdf:
        converted: set[tuple[int, int]] = set()
        for page in pdf.pages:
            data = _in_cmyk(page, inks)
            if data is not None:
                page.obj.Contents = pdf.make_stream(data)
            _convert_forms(page.obj.get("/Resources"), inks, converted)
            _bleed(pdf, page)
        _identify(pdf, identifier, profile)
        out = io.BytesIO()
        # PDF/X-4 is PDF 1.6 (ISO 15930-7).
        pdf.save(out, deterministic_id=True, fix_metadata_version=False, force_version="1.6")
        return out.getvalue()


def _in_cmyk(content: pikepdf.Page | pikepdf.Object, inks: Mapping[RGB, CMYK]) -> bytes | None:
    """A content stream with each ``rg``/``RG`` as ``k``/``K``; None if it sets no RGB colour."""
    changed = False
    rewritten: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
    for instruction in pikepdf.parse_content_stream(content):
        operator, operands = str(instruction.operator), instruction.operands
        if operator in ("rg", "RG") and len(operands) == 3:
            cmyk = cmyk_of((float(operands[0]), float(operands[1]), float(operands[2])), inks)
            instruction = pikepdf.ContentStreamInstruction(
                [_number(value) for value in cmyk],
                pikepdf.Operator("k" if operator == "rg" else "K"),
            )
            changed = True
        rewritten.append(instruction)
    return pikepdf.unparse_content_stream(rewritten) if changed else None


def _convert_forms(
    resources: pikepdf.Object | None, inks: Mapping[RGB, CMYK], converted: set[tuple[int, int]]
) -> None:
    """:func:`_in_cmyk` on the form XObjects ``resources`` names, and the forms they draw."""
    if resources is None or "/XObject" not in resources:
        return
    for _, form in sorted(resources.XObject.items()):
        if form.get("/Subtype") != "/Form" or form.objgen in converted:
            continue
        converted.add(form.objgen)
        data = _in_cmyk(form, inks)
        if data is not None:
            form.write(data)
        _convert_forms(form.get("/Resources"), inks, converted)


def _number(value: float) -> Decimal:
    """A colour component as PDF writes it: at most four decimals, no trailing zeros."""
    return Decimal(f"{value:.4f}").normalize() + 0


def _bleed(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    """Paper around the trim, the BleedBox 3 mm out, and crop marks outside the bleed."""
    left, bottom, right, top = (float(v) for v in page.obj.MediaBox)

    def box(margin: float) -> pikepdf.Array:
        return pikepdf.Array(
            [
                round(left - margin, 3),
                round(bottom - margin, 3),
                round(right + margin, 3),
                round(top + margin, 3),
            ]
        )

    page.obj.TrimBox = pikepdf.Array(list(page.obj.MediaBox))
    page.obj.BleedBox = box(BLEED)
    page.obj.MediaBox = box(MARGIN)
    if "/CropBox" in page.obj:
        del page.obj.CropBox
    if "/ArtBox" in page.obj:
        del page.obj.ArtBox
    # The leaflet's content, with its graphics state kept to itself; the marks
    # after it, in registration colour (every ink), as artifacts (not content).
    lines = []
    for x, outward_x in ((left, -1), (right, 1)):
        for y, outward_y in ((bottom, -1), (top, 1)):
            start, end = BLEED + MARK_WIDTH, MARGIN
            lines.append(
                f"{x + outward_x * start:.3f} {y:.3f} m {x + outward_x * end:.3f} {y:.3f} l"
            )
            lines.append(
                f"{x:.3f} {y + outward_y * start:.3f} m {x:.3f} {y + outward_y * end:.3f} l"
            )
    marks = (
        f"Q\n/Artifact BMC\nq\n{MARK_WIDTH} w 0 J 1 1 1 1 K\n" + "\n".join(lines) + "\nS\nQ\nEMC\n"
    ).encode("ascii")
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(pdf, marks), prepend=False)


def _identify(pdf: pikepdf.Pdf, identifier: str, profile: bytes) -> None:
    """The PDF/X-4 output intent and identification, beside the leaflet's PDF/UA-1."""
    icc = pikepdf.Stream(pdf, profile)
    icc.N = 4
    pdf.Root.OutputIntents = pikepdf.Array(
        [
            pikepdf.Dictionary(
                Type=pikepdf.Name.OutputIntent,
                S=pikepdf.Name.GTS_PDFX,
                OutputConditionIdentifier=pikepdf.String(CONDITION),
                Info=pikepdf.String(CONDITION),
                DestOutputProfile=icc,
            )
        ]
    )
    pdf.docinfo[pikepdf.Name.Trapped] = pikepdf.Name("/False")
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        xmp["pdfxid:GTS_PDFXVersion"] = "PDF/X-4"
        xmp["pdf:Trapped"] = "False"
        xmp["xmpMM:DocumentID"] = identifier.replace("urn:uuid:", "uuid:")
        xmp["xmpMM:RenditionClass"] = "default"
        xmp["xmpMM:VersionID"] = "1"
    # The first half of the /ID hashed the leaflet's XMP: derive it anew.
    if "/ID" in pdf.trailer:
        del pdf.trailer.ID

"""The e-book's cover: the title, the organisation and its logo, drawn as a PNG image.

Reading systems and library catalogues show a book by its cover; without one
they show a blank or a generic icon. The cover is made from the document, in
the project's typeface (or the fallback font that has the title's script),
dark text on white with the organisation on a band of the project's colour
(white on it has the contrast the colour was checked for), at the 1:1.6
proportion of e-book covers. Pillow is WeasyPrint's own dependency; with
libraqm it shapes and orders right-to-left and Indic text.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from clearleaf import fonts
from clearleaf.config import Branding
from clearleaf.document import Document
from clearleaf.page import direction

WIDTH, HEIGHT = 1600, 2560
MARGIN = 140
TEXT = "#1a1a1a"
BACKGROUND = "#ffffff"
#: The band's colour without branding: the page's link colour (base.css).
BAND = "#0a4a8f"

#: The typeface first, then the fallback fonts the styles name, in their order.
_BOLD = "AtkinsonHyperlegible-Bold.ttf"


def _font_for(text: str, css: str) -> Path:
    """The first font that has every character of ``text``: the typeface, else a fallback
    named in the stylesheet ``css``."""
    needed = {ord(char) for char in text if not char.isspace()}
    names = [_BOLD, *fonts.referenced(css)]
    for name in names:
        if fonts.font_file(name) is not None and needed <= fonts.coverage(name):
            path = fonts.font_file(name)
            assert path is not None
            return path
    path = fonts.font_file(_BOLD)
    assert path is not None
    return path


def _wrapped(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int
) -> list[str]:
    """``text`` in lines no wider than ``width``, broken between words."""
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def _fitted(
    draw: ImageDraw.ImageDraw, text: str, path: Path, largest: int, lines_at_most: int
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest size (from ``largest`` down) at which ``text`` fits the width in few lines."""
    size = largest
    while True:
        font = ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)
        lines = _wrapped(draw, text, font, WIDTH - 2 * MARGIN)
        widest = max(draw.textlength(line, font=font) for line in lines)
        if (len(lines) <= lines_at_most and widest <= WIDTH - 2 * MARGIN) or size <= 48:
            return font, lines
        size -= 8


def png(document: Document, branding: Branding, css: str) -> bytes:
    """The cover of ``document`` as PNG bytes (the same bytes for the same inputs).

    ``css`` is the stylesheet that names the fallback fonts (base.css).
    """
    meta = document.meta
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    rtl = direction(meta.lang) == "rtl"

    def x(line: str, font: ImageFont.FreeTypeFont) -> float:
        """Where a line starts: at the left margin, or ending at the right one in a
        right-to-left language."""
        return WIDTH - MARGIN - draw.textlength(line, font=font) if rtl else MARGIN

    band = branding.colours.get("--link", BAND)
    band_top = HEIGHT - 620
    draw.rectangle((0, band_top, WIDTH, HEIGHT), fill=band)
    title_font, title_lines = _fitted(draw, meta.title, _font_for(meta.title, css), 180, 5)
    y = MARGIN + 120
    for line in title_lines:
        draw.text((x(line, title_font), y), line, font=title_font, fill=TEXT, language=meta.lang)
        y += int(title_font.size * 1.25)
    if meta.subtitle:
        sub_font, sub_lines = _fitted(draw, meta.subtitle, _font_for(meta.subtitle, css), 90, 3)
        y += 40
        for line in sub_lines:
            draw.text((x(line, sub_font), y), line, font=sub_font, fill=TEXT, language=meta.lang)
            y += int(sub_font.size * 1.3)
    if branding.logo is not None and branding.logo.suffix.lower() in (".png", ".jpg", ".jpeg"):
        with Image.open(branding.logo) as logo:
            logo.thumbnail((WIDTH - 2 * MARGIN, 360))
            mark = logo.convert("RGBA")
            image.paste(mark, (MARGIN, band_top - mark.height - 100), mark)
    org_font, org_lines = _fitted(
        draw, meta.organisation, _font_for(meta.organisation, css), 110, 3
    )
    y = band_top + 120
    for line in org_lines:
        draw.text((x(line, org_font), y), line, font=org_font, fill=BACKGROUND, language=meta.lang)
        y += int(org_font.size * 1.25)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def alternative(document: Document) -> str:
    """The cover's text alternative: what it shows."""
    meta = document.meta
    return f"{meta.title}, {meta.organisation}"

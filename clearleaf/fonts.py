"""The project's fonts, installed as Python dependencies, never taken from the machine.

Atkinson Hyperlegible (SIL OFL 1.1) was designed by the Braille Institute for
low-vision readers; it covers Latin scripts. What it lacks comes from pinned
fallback fonts, all SIL OFL 1.1:

- Noto (``manimgx-fonts``) for Greek, Cyrillic and the Latin letters
  Atkinson Hyperlegible lacks, Arabic, Hebrew, Bengali, Devanagari,
  Gujarati, Gurmukhi, Tamil, Thai, Ethiopic, symbols, and monochrome emoji
  for print.
- IBM Plex Sans Arabic (``fontpkg-ibm-plex-sans-arabic``) for the Arabic
  script (Arabic, Urdu, Persian, Pashto, Kurdish) in print: it draws each
  letter as one glyph, so text copied or read aloud from the PDF is the text
  written. Noto Sans Arabic builds letters from shared dotless shapes and
  dots, which a PDF's character map cannot tell apart (a screen reader would
  read other letters); on screen, where the text is the page's own, it is
  the smaller font.

Stylesheets in ``styles/`` refer to a font as ``fonts/<file>.ttf`` (a variable
font's axis tag left out: ``NotoSansThai[wght].ttf`` is
``fonts/NotoSansThai.ttf``); each format resolves that name here, and nothing
else can be.

Each edition carries only the fallback fonts its document uses: the printed
editions subset every font to the glyphs on the page (WeasyPrint does), and
the web page and the e-book, which hold font files, drop the ``@font-face``
rules of the fallbacks the text never needs (:func:`select`) and carry the
Noto fonts cut down to the document's characters (:func:`font_data`).
:func:`missing_glyphs` is the check ``pdf.missing-glyph``: a character no
font has would be printed as an empty box.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import functools
import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import fontpkg_atkinson_hyperlegible
import fontpkg_ibm_plex_sans_arabic
import fontpkg_jetbrains_mono
import manimgx_fonts

from clearleaf.context import STYLES_DIR

FAMILY = "Atkinson Hyperlegible"
FONT_DIR = Path(fontpkg_atkinson_hyperlegible.ROOT) / "files"
LICENSE = Path(fontpkg_atkinson_hyperlegible.ROOT) / "LICENSE"
#: The Arabic script's fallback, regular and bold.
ARABIC_DIR = Path(fontpkg_ibm_plex_sans_arabic.ROOT) / "files"
#: The Noto fallback fonts, one variable font (weights 400 to 700) a script.
#: Noto's licence reserves no font name, so a subset of one may keep its name;
#: IBM Plex's reserves "Plex" (OFL 1.1, section 3), so it is only ever carried
#: whole, or embedded in a PDF, which the OFL allows subset.
NOTO_DIR = Path(manimgx_fonts.__file__).resolve().parent
#: The printed editions' monospaced face, for code: JetBrains Mono (SIL OFL
#: 1.1, no reserved name), drawn to tell 0 from O and 1 from l and I.
MONO_DIR = Path(fontpkg_jetbrains_mono.ROOT) / "files"
#: Where fonts come from, the typeface first: nothing outside these is ever served.
FONT_DIRS = (FONT_DIR, ARABIC_DIR, NOTO_DIR, MONO_DIR)
#: The font configuration the printed editions are rendered with: no font
#: folder, so that no font of the machine is ever used; a PDF prints with the
#: fonts its stylesheets declare, and a character none of them has is an
#: empty box that the check ``pdf.missing-glyph`` reports.
FONTCONFIG_FILE = "fonts.conf"

#: The stylesheets of the printed editions that declare fonts: what a PDF can print with.
PRINT_STYLES = ("base.css", "leaflet.css")

#: ``url("fonts/NAME.ttf")`` in a stylesheet.
FONT_URL = re.compile(r"""url\(\s*["']?fonts/([A-Za-z0-9._-]+\.ttf)["']?\s*\)""")
#: One ``@font-face`` rule (their blocks hold no nested braces).
FONT_FACE = re.compile(r"@font-face\s*\{[^{}]*\}\s*")
_AXES = re.compile(r"\[[^\]]*\]")

#: Code points that are never drawn, so no font needs them: Unicode's
#: Default_Ignorable_Code_Point ranges outside the format characters (Cf),
#: which are tested by category (variation selectors, fillers, ...).
_IGNORABLE = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xE0000, 0xE0FFF),
)
#: Kept in every subset a font has them for: spaces and joiners that shaping
#: uses around the document's own characters, and the dotted circle that
#: shapers show under a mark with no letter to sit on.
_SHAPING = frozenset((0x20, 0xA0, 0x200C, 0x200D, 0x25CC))


@functools.cache
def _catalogue() -> dict[str, Path]:
    """Every font the styles may name, by the name they use, the typeface's first."""
    found: dict[str, Path] = {}
    for folder in FONT_DIRS:
        for path in sorted(folder.glob("*.ttf")):
            found.setdefault(_AXES.sub("", path.name), path)
    return found


def font_file(name: str) -> Path | None:
    """The installed file for ``fonts/<name>``, or ``None`` if the project has no such font."""
    return _catalogue().get(name)


def referenced(css: str) -> list[str]:
    """The font file names a stylesheet refers to, in order, without repeats."""
    return list(dict.fromkeys(FONT_URL.findall(css)))


def _installed(name: str) -> Path:
    path = font_file(name)
    if path is None:
        raise FileNotFoundError(f"styles refer to fonts/{name}, which is not installed")
    return path


def is_fallback(name: str) -> bool:
    """Whether ``fonts/<name>`` is a fallback for other scripts (not the typeface or code's)."""
    return _installed(name).parent in (ARABIC_DIR, NOTO_DIR)


def is_code(name: str) -> bool:
    """Whether ``fonts/<name>`` is the monospaced face for code."""
    return _installed(name).parent == MONO_DIR


@functools.cache
def coverage(name: str) -> frozenset[int]:
    """The code points ``fonts/<name>`` has a glyph for (its cmap, as fontconfig sees it)."""
    from fontTools.ttLib import TTFont

    with TTFont(_installed(name), lazy=True) as font:
        return frozenset(font.getBestCmap())


@functools.cache
def printed_coverage() -> frozenset[int]:
    """The code points some font of the printed editions has a glyph for."""
    css = "\n".join((STYLES_DIR / name).read_text(encoding="utf-8") for name in PRINT_STYLES)
    # The face for code is the last of the printed editions' fonts for text too.
    return frozenset().union(*(coverage(name) for name in referenced(css)))


def never_drawn(char: str) -> bool:
    """Whether ``char`` needs no glyph: a control, format or ignorable character, or a space.

    Spaces a font lacks are made from its own space by HarfBuzz.
    """
    if unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp"):
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in _IGNORABLE)


@functools.cache
def typeface_coverage() -> frozenset[int]:
    """The code points the typeface itself has (all its styles)."""
    return frozenset().union(
        *(coverage(name) for name, path in _catalogue().items() if path.parent == FONT_DIR)
    )


def printable(char: str) -> bool:
    """Whether the printed editions can draw ``char`` with the project's fonts.

    The typeface is asked first: most texts need no fallback font, and then
    none of them is read.
    """
    if char.isascii() or never_drawn(char):
        return True
    code = ord(char)
    return code in typeface_coverage() or code in printed_coverage()


def _needs(name: str, codes: frozenset[int]) -> bool:
    """Whether a text with ``codes`` uses fallback font ``name``: it has what the typeface lacks."""
    lacking = codes - typeface_coverage()
    return bool(lacking) and not lacking.isdisjoint(coverage(name))


def select(css: str, text: str) -> str:
    """``css`` without the ``@font-face`` rules of the fonts ``text`` never uses.

    The typeface's rules always stay: the page's own words are set in it. A
    fallback font stays when the text has characters only it has; the face
    for code, when the text (markup) has code.
    """
    codes = frozenset(ord(char) for char in set(text) if not never_drawn(char))
    has_code = "<code" in text
    # What only the face for code has among the fonts (symbols such as ∈): the
    # printed editions then set it in that face, as their last font.
    others = frozenset().union(*(coverage(name) for name in referenced(css) if not is_code(name)))
    symbols = bool(codes - others)

    def keep(match: re.Match[str]) -> str:
        names = referenced(match[0])
        if names and all(is_fallback(name) and not _needs(name, codes) for name in names):
            return ""
        if names and all(is_code(name) for name in names) and not (has_code or symbols):
            return ""
        return match[0]

    return FONT_FACE.sub(keep, css)


@contextlib.contextmanager
def machine_fonts_hidden(styles: Path) -> Iterator[None]:
    """While the block runs, fontconfig loads :data:`FONTCONFIG_FILE` from ``styles``.

    WeasyPrint makes a fontconfig configuration for each document from the
    file ``FONTCONFIG_FILE`` names (by default the machine's, with all its
    fonts). Rendering runs in the main thread of its process, so the change
    of environment is not seen elsewhere.
    """
    previous = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(styles / FONTCONFIG_FILE)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["FONTCONFIG_FILE"]
        else:
            os.environ["FONTCONFIG_FILE"] = previous


def font_data(name: str, text: str) -> bytes:
    """The bytes of ``fonts/<name>`` for a document with ``text``.

    A Noto font cut down to the glyphs of the characters of ``text`` it has
    (with what shaping needs to join them), so that a page with one Greek
    word does not carry all of Noto Sans; any other font whole.
    """
    path = _installed(name)
    if path.parent != NOTO_DIR:
        return path.read_bytes()
    codes = frozenset(map(ord, text)) | _SHAPING
    return _subset(name, codes & coverage(name))


@functools.lru_cache(maxsize=32)
def _subset(name: str, codes: frozenset[int]) -> bytes:
    """``fonts/<name>`` cut down to the glyphs ``codes`` need, by HarfBuzz's subsetter.

    Every layout feature, name record and name language is kept: Arabic
    joining, Indic conjuncts and mark positioning all live in the features,
    and a browser applies what it needs. The ``head`` table, and so the
    font's date, is kept as it is: the same document gives the same bytes.
    HarfBuzz keeps the glyphs and tables fontTools' subsetter kept with the
    same options, in about a millisecond rather than up to a second a font.
    """
    import uharfbuzz

    face = uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(_installed(name))))
    wanted = uharfbuzz.SubsetInput()
    for code in sorted(codes):
        wanted.unicode_set.add(code)
    for kept in (
        uharfbuzz.SubsetInputSets.NAME_ID,
        uharfbuzz.SubsetInputSets.NAME_LANG_ID,
        uharfbuzz.SubsetInputSets.LAYOUT_FEATURE_TAG,
    ):
        every = wanted.sets(kept)
        every.clear()
        every.invert()
    wanted.flags = uharfbuzz.SubsetFlags.NOTDEF_OUTLINE
    return bytes(uharfbuzz.subset(face, wanted).blob.data)


@contextlib.contextmanager
def dated(when: dt.datetime) -> Iterator[None]:
    """While the block runs, a font fontTools writes is dated ``when``, not by the clock.

    fontTools sets ``head.modified`` to the current time when it saves a font
    (unless ``SOURCE_DATE_EPOCH`` is set), and WeasyPrint saves that way each
    variable font it turns into the static one it embeds (the Noto fallbacks):
    the same document would give a different PDF on every build. Rendering
    runs in the main thread of its process, so the swap is not seen elsewhere.
    """
    from fontTools.misc.timeTools import timestampSinceEpoch
    from fontTools.ttLib.tables import _h_e_a_d

    original = _h_e_a_d.timestampNow
    _h_e_a_d.timestampNow = lambda: timestampSinceEpoch(int(when.timestamp()))
    try:
        yield
    finally:
        _h_e_a_d.timestampNow = original


def inline(css: str, text: str = "") -> str:
    """``css`` for a self-contained page about ``text``: each font as a ``data:`` URL.

    Fallback fonts ``text`` never uses are left out (see :func:`select`).
    """

    def replace(match: re.Match[str]) -> str:
        data = base64.b64encode(font_data(match[1], text)).decode("ascii")
        return f'url("data:font/ttf;base64,{data}")'

    return FONT_URL.sub(replace, select(css, text))

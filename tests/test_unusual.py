# Text in other scripts is what this module is about.
# ruff: noqa: RUF001
"""Legitimate but unusual sources build, and every edition keeps every character of them.

``tests/unusual/`` holds right-to-left text, documents in Arabic and Hebrew,
emoji, combining marks, zero-width characters, repeated headings, a
byte-order mark and Windows line endings; a 10,000-row table and a long
booklet are written here at test time. The printed editions set every script
in a font that has it, and a character no font has is a diagnostic.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

import lxml.html
import pikepdf
import pytest
from conftest import SCREEN_EDITIONS
from helpers import front_matter, text_content, xpath_elements, xpath_strings
from lxml import etree
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTTextLine
from wellformed import html_problems, xhtml_problems

from clearleaf import build as builder
from clearleaf import fonts, i18n, plan
from clearleaf.a11y import glyphs
from clearleaf.context import Context
from clearleaf.editions import Edition
from clearleaf.errors import Severity
from clearleaf.report import Report

UNUSUAL = Path(__file__).resolve().parent / "unusual"

#: For each source, text every edition must keep exactly as written.
KEPT = {
    "right-to-left.md": [
        "اطلب هذه النشرة بلغتك",
        "בקשו את העלון הזה בשפה שלכם",
        "این بروشور را به زبان خود بخواهید",
        "یہ کتابچہ اپنی زبان میں مانگیں۔",
        "محمد",
    ],
    "emoji.md": ["🦶", "🩹", "⚠️", "🚶🏽‍♀️", "👩🏾‍⚕️👨🏻‍⚕️", "🏴󠁧󠁢󠁷󠁬󠁳󠁿"],
    "combining-marks.md": ["Nguyễn", "Zoe\u0308", "Nguye\u0302\u0303n", "हिन्दी", "ཀྵ"],
    "zero-width.md": [
        "می\u200cخواهم",
        "👩\u200d👩\u200d👧",
        "www.\u200bexample.\u200borg/\u200bfeet",
        "0300\u2060123\u20604567",
        "hyper\u00adlegible",
        "10\u00a0mg",
    ],
    "duplicate-headings.md": [
        "What to Do",
        "Title",
        "Main",
        "Footnotes",
        "test it with your elbow",
    ],
    "arabic.md": ["افحص قدميك كل يوم.", "متى تتصل بنا", "اطلب المساعدة مبكرًا.", "NHS 111"],
    "hebrew.md": ["בדקו את כפות הרגליים שלכם כל יום.", "מתי להתקשר אלינו"],
    "byte-order-mark.md": ["Check your feet every day."],
    "crlf.md": ["Wash your feet in warm water."],
    "more-scripts.md": [
        "ආයුබෝවන්",
        "നമസ്കാരം",
        "నమస్కారం",
        "ನಮಸ್ಕಾರ",
        "ନମସ୍କାର",
        "გამარჯობა",
        "Բարեւ",
        "សួស្តី",
        "ສະບາຍດີ",
        "မင်္ဂလာပါ",
    ],
}

#: The scripts of more-scripts.md, by the name of their Noto font.
MORE_SCRIPTS = "Sinhala Malayalam Telugu Kannada Oriya Georgian Armenian Khmer Lao Myanmar"


def build(source: Path, out: Path, formats: list[Edition] = SCREEN_EDITIONS) -> Report:
    """Build ``source`` in this process and insist that it built."""
    report = builder.build(
        [source], formats, out, Context(source_date_epoch=None), jobs=1, force=True
    )
    assert not report.failed, [str(d) for d in report.diagnostics]
    return report


def editions(out: Path, stem: str) -> dict[str, str]:
    """The text of each edition: the web page's main, the e-book's content, the plain text."""
    html = (out / f"{stem}.html").read_bytes()
    with zipfile.ZipFile(out / f"{stem}.epub") as archive:
        content = archive.read("EPUB/content.xhtml").decode("utf-8")
    return {
        "html": text_content(xpath_elements(lxml.html.fromstring(html), "//main")[0]),
        "epub": content,
        "txt": (out / f"{stem}.txt").read_text(encoding="utf-8"),
    }


def test_every_unusual_source_is_covered() -> None:
    assert sorted(p.name for p in UNUSUAL.glob("*.md")) == sorted(KEPT)


@pytest.mark.parametrize("name", sorted(KEPT))
def test_unusual_source_builds_whole(name: str, tmp_path: Path) -> None:
    build(UNUSUAL / name, tmp_path)
    stem = Path(name).stem
    assert html_problems((tmp_path / f"{stem}.html").read_bytes()) == []
    assert xhtml_problems((tmp_path / f"{stem}.epub").read_bytes()) == []
    for edition, text in editions(tmp_path, stem).items():
        # Text is published in Unicode's composed form (NFC): a letter and its
        # marks typed apart are the same letter, as the Nu Html Checker asks.
        kept = [unicodedata.normalize("NFC", word) for word in KEPT[name]]
        assert [word for word in kept if word not in text] == [], edition


@pytest.mark.parametrize("name", ["right-to-left.md", "emoji.md"])
def test_unusual_source_prints(name: str, tmp_path: Path) -> None:
    build(UNUSUAL / name, tmp_path, plan.resolve_formats(["pdf"]))
    assert (tmp_path / f"{Path(name).stem}.pdf").read_bytes().startswith(b"%PDF-")


def test_right_to_left_passages_keep_their_direction(tmp_path: Path) -> None:
    """In an English document the passages are right to left, the page is not."""
    build(UNUSUAL / "right-to-left.md", tmp_path)
    tree = lxml.html.fromstring((tmp_path / "right-to-left.html").read_bytes())
    marked = {(e.get("lang"), e.get("dir")) for e in xpath_elements(tree, "//main//*[@dir]")}
    assert {("ar", "rtl"), ("he", "rtl"), ("fa", "rtl"), ("ur", "rtl")} <= marked
    assert tree.get("dir") is None
    assert epub_directions(tmp_path / "right-to-left.epub") == {
        "EPUB/content.xhtml": None,
        "EPUB/about.xhtml": None,
        "EPUB/nav.xhtml": None,
        "spine": None,
    }


# -- right-to-left documents ------------------------------------------------------

OPF_PREFIX = "{http://www.idpf.org/2007/opf}"
RIGHT_TO_LEFT = ["arabic.md", "hebrew.md"]


def epub_directions(epub: Path) -> dict[str, str | None]:
    """The ``dir`` of each XHTML document's root, and the spine's page progression."""
    with zipfile.ZipFile(epub) as archive:
        found: dict[str, str | None] = {
            name: etree.fromstring(archive.read(name)).get("dir")
            for name in ("EPUB/content.xhtml", "EPUB/about.xhtml", "EPUB/nav.xhtml")
        }
        spine = etree.fromstring(archive.read("EPUB/content.opf")).find(f"{OPF_PREFIX}spine")
    assert spine is not None
    found["spine"] = spine.get("page-progression-direction")
    return found


@pytest.mark.parametrize("name", RIGHT_TO_LEFT)
def test_right_to_left_document_is_right_to_left_on_screen(name: str, tmp_path: Path) -> None:
    build(UNUSUAL / name, tmp_path)
    stem = Path(name).stem
    page = lxml.html.fromstring((tmp_path / f"{stem}.html").read_bytes())
    assert page.get("dir") == "rtl"
    # The page's own words are Arabic (a catalogue has it); in Hebrew, which
    # has none, they are English and run left to right (WCAG 3.1.2).
    native = i18n.catalogued(load_lang(UNUSUAL / name))
    english = xpath_elements(page, "//*[@lang='en' or starts-with(@lang, 'en-')]")
    if native:  # English only where the source says so ("NHS 111")
        marked = {e.get("id") or e.get("class") for e in english}
        assert not marked & {"toc-heading", "skip-link", "colophon"}
    else:
        assert {e.get("id") or e.get("class") for e in english} >= {"toc-heading", "skip-link"}
        assert [e.get("dir") for e in english] == ["ltr"] * len(english)
    assert epub_directions(tmp_path / f"{stem}.epub") == {
        "EPUB/content.xhtml": "rtl",
        "EPUB/about.xhtml": "rtl",
        "EPUB/nav.xhtml": "rtl",
        "spine": "rtl",
    }
    with zipfile.ZipFile(tmp_path / f"{stem}.epub") as archive:
        nav = lxml.html.fromstring(archive.read("EPUB/nav.xhtml"))
        about = lxml.html.fromstring(archive.read("EPUB/about.xhtml"))
    heading = (None, None) if native else ("en", "ltr")
    assert [(h.get("lang"), h.get("dir")) for h in nav.iter("{*}h1")] == [heading]
    # The title inside "About this e-book" is the document's, marked so among English words.
    title = xpath_elements(about, "//*[local-name()='b']")[0]
    assert (title.get("dir"), title.text) == (None if native else "rtl", load_title(UNUSUAL / name))


def load_title(source: Path) -> str:
    from clearleaf.document import load

    return load(source).meta.title


def line_edges(pdf: Path, page: int) -> list[tuple[float, float]]:
    """The left and right edge (points) of each line of text on ``page`` above the footer."""
    edges = []
    for layout in extract_pages(pdf, page_numbers=[page - 1]):
        footer = layout.height * 0.1
        stack = list(layout)
        while stack:
            item = stack.pop()
            if isinstance(item, LTTextLine):
                if item.y0 > footer and item.get_text().strip():
                    edges.append((item.x0, item.x1))
            elif hasattr(item, "__iter__"):
                stack.extend(item)
    return edges


def aligned(edges: list[tuple[float, float]]) -> str:
    """Which side the lines share: "right" when their right edges line up, else "left"."""
    lefts = Counter(round(left) for left, _ in edges)
    rights = Counter(round(right) for _, right in edges)
    return "right" if max(rights.values()) > max(lefts.values()) else "left"


@pytest.mark.parametrize("name", RIGHT_TO_LEFT)
def test_right_to_left_document_prints_right_to_left(name: str, tmp_path: Path) -> None:
    build(UNUSUAL / name, tmp_path, plan.resolve_formats(["pdf"]))
    pdf = tmp_path / f"{Path(name).stem}.pdf"
    # The front panel and the text are aligned right; the back panel too in
    # Arabic, whose words a catalogue has, and left where its words are English.
    assert aligned(line_edges(pdf, 1)) == "right"
    assert aligned(line_edges(pdf, 2)) == "right"
    back = "right" if i18n.catalogued(load_lang(UNUSUAL / name)) else "left"
    assert aligned(line_edges(pdf, 3)) == back
    with pikepdf.open(pdf) as document:
        assert str(document.Root.Lang) == load_lang(UNUSUAL / name)


def test_left_to_right_document_prints_left_to_right(tmp_path: Path) -> None:
    """The alignment test above can fail: an English page is aligned left."""
    build(UNUSUAL / "crlf.md", tmp_path, plan.resolve_formats(["pdf"]))
    assert aligned(line_edges(tmp_path / "crlf.pdf", 2)) == "left"


def footer_sides(pdf: Path, page: int) -> dict[str, str]:
    """Which half of ``page`` holds the page number and which the organisation."""
    sides = {}
    for layout in extract_pages(pdf, page_numbers=[page - 1]):
        stack = list(layout)
        while stack:
            item = stack.pop()
            if isinstance(item, LTTextLine) and item.y1 < layout.height * 0.1:
                side = "left" if item.x1 < layout.width / 2 else "right"
                # "Page 2 of 3" in the page's language: the line with the numbers.
                key = "number" if re.search(r"[0-9]", item.get_text()) else "organisation"
                sides[key] = side
            elif hasattr(item, "__iter__"):
                stack.extend(item)
    return sides


@pytest.mark.parametrize(
    ("name", "number", "organisation"),
    [("arabic.md", "left", "right"), ("crlf.md", "right", "left")],
)
def test_page_furniture_follows_the_direction(
    name: str, number: str, organisation: str, tmp_path: Path
) -> None:
    build(UNUSUAL / name, tmp_path, plan.resolve_formats(["pdf", "large-print"]))
    for suffix in ("", "-large-print"):
        pdf = tmp_path / f"{Path(name).stem}{suffix}.pdf"
        assert footer_sides(pdf, 2) == {"number": number, "organisation": organisation}


def load_lang(source: Path) -> str:
    from clearleaf.document import load

    return load(source).meta.lang


# -- every script printed with a font that has it ------------------------------------

#: For each source, the fallback fonts (PDF font names) that print its other scripts,
#: and the characters no font of the project has.
PRINTED_WITH: dict[str, tuple[set[str], set[str]]] = {
    "arabic.md": ({"IBM-Plex-Sans-Arabic"}, set()),
    "hebrew.md": ({"Noto-Sans-Hebrew"}, set()),
    "right-to-left.md": ({"IBM-Plex-Sans-Arabic", "Noto-Sans-Hebrew"}, set()),
    "combining-marks.md": ({"Noto-Sans", "Noto-Sans-Devanagari", "Noto-Sans-Thai"}, {"ཀ", "ྵ"}),
    "emoji.md": ({"Noto-Emoji"}, set()),
    "more-scripts.md": ({f"Noto-Sans-{script}" for script in MORE_SCRIPTS.split()}, set()),
}


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")


def embedded_fonts(path: Path) -> set[str]:
    """The names of the fonts a PDF embeds, without subset tag or weight."""
    names = set()
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                name = str(font.BaseFont).split("+", 1)[-1]
                names.add(re.sub(r"^Clearleaf-|-Bold$", "", name))
    return names


@pytest.mark.parametrize("name", sorted(PRINTED_WITH))
def test_every_script_prints_with_a_font_that_has_it(
    name: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    expected_fonts, unprintable = PRINTED_WITH[name]
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        report = build(UNUSUAL / name, tmp_path, plan.resolve_formats(["pdf"]))
    boxes = {
        str(r.args[0])
        for r in caplog.records
        if r.name == "weasyprint"
        and str(r.msg).startswith(".notdef")
        and isinstance(r.args, tuple)
        and r.args
    }
    assert boxes == unprintable
    found = {
        char
        for d in report.diagnostics
        if d.code == "pdf.missing-glyph"
        for char in re.findall(r'"(.)" \(U\+', d.message)
    }
    assert found == unprintable
    pdf = tmp_path / f"{Path(name).stem}.pdf"
    assert expected_fonts <= embedded_fonts(pdf)
    # Every machine may lack these scripts: only the project's fonts are embedded.
    assert embedded_fonts(pdf) <= {"Atkinson-Hyperlegible", *expected_fonts}


def letters(text: str) -> Counter[str]:
    """The letters of ``text`` outside Latin and ASCII, with their counts, in any order."""
    return Counter(
        char for char in text if ord(char) > 0x24F and unicodedata.category(char)[0] == "L"
    )


@pytest.mark.parametrize("name", ["arabic.md", "hebrew.md", "combining-marks.md"])
def test_printed_text_is_the_text_written(name: str, tmp_path: Path) -> None:
    """A screen reader reading the PDF gets the letters written, not look-alikes.

    Compared as letters, not words: poppler's pdftotext reorders right-to-left
    text by itself. Noto Sans Arabic fails this (it builds letters from shared
    dotless shapes), which is why print uses IBM Plex Sans Arabic.
    """
    build(UNUSUAL / name, tmp_path, plan.resolve_formats(["pdf"]))
    source = unicodedata.normalize("NFC", (UNUSUAL / name).read_text(encoding="utf-8"))
    unprintable = PRINTED_WITH.get(name, (set(), set()))[1]
    written = Counter({c: n for c, n in letters(source).items() if c not in unprintable})
    printed = letters(pdf_text(tmp_path / f"{Path(name).stem}.pdf"))
    printed = Counter({c: n for c, n in printed.items() if c not in unprintable})
    # Nothing written is lost (or printed as a look-alike), and nothing else is
    # printed but the page's own words, in the document's script.
    assert written - printed == Counter()
    own = letters(i18n.words(load_lang(UNUSUAL / name)).characters)
    assert set(printed - written) <= set(own)


def test_pdf_words_in_other_scripts_survive(tmp_path: Path) -> None:
    build(UNUSUAL / "combining-marks.md", tmp_path, plan.resolve_formats(["pdf"]))
    text = pdf_text(tmp_path / "combining-marks.pdf")
    assert "हिन्दी" in text and "ไทย ภาษา" in text and "Nguyễn" in text


FRONT = front_matter("Help in Your Language", description="How to ask for help in your language.")


def test_a_character_no_font_has_is_a_warning_with_its_line(tmp_path: Path) -> None:
    source = tmp_path / "unprintable.md"
    source.write_text(
        FRONT
        + "Ask us for this leaflet in your language.\n\n"
        + "## Chinese\n\n请向我们索取这份传单。\n\n"
        + "Tick each box ☐ when you have done it.\n\n"
        + "<!-- 中文: an editor's note is never printed -->\n",
        encoding="utf-8",
    )
    report = builder.check([source])
    found = [d for d in report.diagnostics if d.code == "pdf.missing-glyph"]
    assert [(d.location.line, d.location.column, d.severity) for d in found] == [
        (19, 1, Severity.WARNING),
        (21, 15, Severity.WARNING),
    ]
    assert found[0].message.startswith('"请" (U+8BF7), "向" (U+5411)')
    assert "no font for this script" in found[0].message
    assert found[1].message.startswith('"☐" (U+2610) cannot be printed')
    assert "write it in words" in found[1].message
    # A warning: the document builds, unless --strict.
    assert report.exit_code() == 0 and report.exit_code(strict=True) == 1
    strict = builder.build(
        [source], plan.resolve_formats(["pdf"]), tmp_path / "strict", strict=True
    )
    assert strict.failed == [source]
    assert not (tmp_path / "strict" / "unprintable.pdf").exists()


def test_a_yaml_comment_is_never_printed_so_it_is_not_checked(tmp_path: Path) -> None:
    source = tmp_path / "commented.md"
    commented = FRONT.replace("---\n", "---\n# 编辑注: a note to the editor\n", 1)
    source.write_text(commented + "# Heading ☐\n", encoding="utf-8")
    found = [d for d in builder.check([source]).diagnostics if d.code == "pdf.missing-glyph"]
    # The comment's characters are not reported; the heading's, whose line
    # starts with '#' as well, are.
    heading = commented.count("\n") + 1
    assert [(d.location.line, d.message[:3]) for d in found] == [(heading, '"☐"')]


def test_an_empty_box_the_check_did_not_foresee_is_reported_by_the_renderer(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The renderer's own finding: a character the check took for printable has no glyph.

    It reaches the report, the manifest and ``--strict`` like a check's, and
    nothing of it goes to a logger.
    """
    source = tmp_path / "hieroglyph.md"
    source.write_text(FRONT + "Ask us.\n\n## Sign\n\nThe sign 𓀀 is not printable.\n")
    # The font tables say every character has a glyph: the check finds nothing.
    monkeypatch.setattr(fonts, "printable", lambda char: True)
    monkeypatch.setattr(glyphs, "printable", lambda char: True)
    with caplog.at_level(logging.DEBUG, logger="clearleaf"):
        report = build(source, tmp_path, plan.resolve_formats(["pdf"]))
    assert [str(d) for d in report.diagnostics if d.code == "pdf.missing-glyph"] == [
        f'{source}:19:10: warning pdf.missing-glyph: "𓀀" (U+13000) was printed as an empty '
        "box in the leaflet PDF; write it in words or leave it out"
    ]
    assert not report.failed
    assert [r for r in caplog.records if r.name.startswith("clearleaf")] == []
    # Built again, up to date: the manifest says it again.
    again = builder.build(
        [source], plan.resolve_formats(["pdf"]), tmp_path, Context(source_date_epoch=None)
    )
    assert again.skipped == [source]
    assert [d.code for d in again.diagnostics if d.code == "pdf.missing-glyph"] == [
        "pdf.missing-glyph"
    ]
    # Under --strict, a warning found while rendering fails the document as a check's does.
    strict = builder.build(
        [source], plan.resolve_formats(["pdf"]), tmp_path / "strict", strict=True
    )
    assert strict.failed == [source]
    assert not (tmp_path / "strict" / "hieroglyph.pdf").exists()


# -- fonts on screen --------------------------------------------------------------


def font_faces(html: bytes) -> list[str]:
    """The font families of the page's ``@font-face`` rules, in order."""
    css = "".join(xpath_strings(lxml.html.fromstring(html), "//style/text()"))
    return re.findall(r'@font-face\s*\{[^}]*font-family:\s*"([^"]+)"', css)


def test_screen_editions_carry_only_the_fonts_their_text_uses(tmp_path: Path) -> None:
    build(UNUSUAL / "crlf.md", tmp_path / "english")
    build(UNUSUAL / "right-to-left.md", tmp_path / "rtl")
    build(UNUSUAL / "emoji.md", tmp_path / "emoji")
    english = (tmp_path / "english" / "crlf.html").read_bytes()
    assert font_faces(english) == ["Atkinson Hyperlegible"] * 2
    rtl = (tmp_path / "rtl" / "right-to-left.html").read_bytes()
    assert font_faces(rtl) == [
        "Atkinson Hyperlegible",
        "Atkinson Hyperlegible",
        "Clearleaf Noto Sans Arabic",
        "Clearleaf Noto Sans Hebrew",
    ]
    # Cut down to the document's characters: tens of kilobytes, not the whole fonts.
    assert len(rtl) - len(english) < 80_000
    with zipfile.ZipFile(tmp_path / "rtl" / "right-to-left.epub") as archive:
        names = sorted(n for n in archive.namelist() if n.endswith(".ttf"))
        assert names == [
            "EPUB/style/fonts/AtkinsonHyperlegible-Bold.ttf",
            "EPUB/style/fonts/AtkinsonHyperlegible-Regular.ttf",
            "EPUB/style/fonts/NotoSansArabic.ttf",
            "EPUB/style/fonts/NotoSansHebrew.ttf",
        ]
    # Emoji on screen come from the reader's device, in colour.
    emoji = (tmp_path / "emoji" / "emoji.html").read_bytes()
    assert "Clearleaf Noto Emoji" not in font_faces(emoji)


def test_subset_fonts_are_reproducible() -> None:
    text = "Ελέγχετε τα πόδια σας"
    fonts._subset.cache_clear()
    first = fonts.font_data("NotoSans.ttf", text)
    fonts._subset.cache_clear()
    assert fonts.font_data("NotoSans.ttf", text) == first
    assert len(first) < len(fonts.font_data("NotoSans.ttf", text + "Проверяйте"))


def _font_facts(data: bytes) -> tuple[object, ...]:
    """What a cut font offers a browser: characters, glyphs, tables and layout features."""
    import io

    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data))
    features = {
        tag: sorted({record.FeatureTag for record in font[tag].table.FeatureList.FeatureRecord})
        for tag in ("GSUB", "GPOS")
        if tag in font
    }
    return (
        sorted(font.getBestCmap().items()),
        len(font.getGlyphOrder()),
        font["head"].modified,
        features,
        sorted(set(font.keys()) - {"GDEF"}),  # HarfBuzz may keep an empty GDEF
    )


def _fonttools_subset(name: str, text: str) -> bytes:
    """fontTools' subsetter with the options HarfBuzz's is given in clearleaf.fonts."""
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    font = TTFont(fonts.font_file(name), recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    codes = (frozenset(map(ord, text)) | fonts._SHAPING) & fonts.coverage(name)
    subsetter.populate(unicodes=sorted(codes))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("NotoSansBengali.ttf", "কোভিড-১৯ এর জিনোমিক বিশ্লেষণ"),
        ("NotoSansDevanagari.ttf", "जीनोमिक विश्लेषण क्षेत्र"),
        ("NotoSansArabic.ttf", "التحليل الجينومي"),
        ("NotoSans.ttf", "Ελέγχετε τα πόδια σας"),
    ],
)
def test_fonts_are_cut_as_fonttools_cuts_them(name: str, text: str) -> None:
    """HarfBuzz's subsetter keeps what fontTools' kept: the same glyphs, tables and
    shaping features, so that conjuncts and joined letters survive the cut."""
    fonts._subset.cache_clear()
    cut = fonts.font_data(name, text)
    reference = _fonttools_subset(name, text)
    assert _font_facts(cut) == _font_facts(reference)
    # Glyphs no character maps to directly (conjuncts, joining forms) are kept.
    glyphs = _font_facts(cut)[1]
    assert isinstance(glyphs, int) and glyphs > len(set(text))


def test_a_font_cut_for_fewer_characters_differs() -> None:
    """The check above sees a difference where there is one."""
    text = "কোভিড-১৯ এর জিনোমিক বিশ্লেষণ"
    fonts._subset.cache_clear()
    assert _font_facts(fonts.font_data("NotoSansBengali.ttf", text[:5])) != _font_facts(
        _fonttools_subset("NotoSansBengali.ttf", text)
    )


def test_repeated_headings_get_their_own_identifiers(tmp_path: Path) -> None:
    """Pandoc numbers repeats; a heading named like a part of the page ("Title") moves aside."""
    build(UNUSUAL / "duplicate-headings.md", tmp_path)
    tree = lxml.html.fromstring((tmp_path / "duplicate-headings.html").read_bytes())
    ids = [e.get("id") for e in xpath_elements(tree, "//*[@id]")]
    assert len(ids) == len(set(ids))
    headings = {text_content(e): e.get("id") for e in xpath_elements(tree, "//main//h2")}
    assert headings["Title"] == "title-1"
    assert headings["Main"] == "main-1"
    assert headings["Footnotes"] == "footnotes-1"
    links = xpath_strings(tree, "//nav//a/@href")
    assert {"#title-1", "#main-1", "#footnotes-1", "#what-to-do", "#what-to-do-1"} <= set(links)


@pytest.mark.parametrize("name", ["byte-order-mark.md", "crlf.md"])
def test_encoding_details_change_nothing(name: str, tmp_path: Path) -> None:
    """A byte-order mark or CRLF line endings give the same editions as a plain UTF-8 file."""
    data = (UNUSUAL / name).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") or b"\r\n" in data
    plain = tmp_path / "plain" / name
    plain.parent.mkdir()
    plain.write_bytes(data.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n"))
    shutil.copy(UNUSUAL / name, tmp_path / name)
    build(tmp_path / name, tmp_path / "unusual")
    build(plain, tmp_path / "expected")
    stem = Path(name).stem
    for suffix in (".html", ".epub", ".txt"):
        assert (tmp_path / "unusual" / f"{stem}{suffix}").read_bytes() == (
            tmp_path / "expected" / f"{stem}{suffix}"
        ).read_bytes()


LONG = "A long source, to show that long sources build."


def test_a_table_of_10000_rows(tmp_path: Path) -> None:
    source = tmp_path / "table.md"
    rows = "".join(f"| Clinic {i} | {i % 24:02d}:00 |\n" for i in range(10_000))
    source.write_text(
        front_matter("Clinic Times", description=LONG)
        + "Every clinic and when it opens.\n\n## Clinics\n\n| Clinic | Opens |\n|---|---|\n"
        + rows,
        encoding="utf-8",
    )
    build(source, tmp_path, plan.resolve_formats(["html", "txt"]))
    html = (tmp_path / "table.html").read_bytes()
    assert html_problems(html) == []
    assert len(xpath_elements(lxml.html.fromstring(html), "//main//tbody/tr")) == 10_000
    text = (tmp_path / "table.txt").read_text(encoding="utf-8")
    assert len(re.findall(r"^Clinic \d+ ", text, re.MULTILINE)) == 10_000


def test_a_long_booklet(tmp_path: Path) -> None:
    source = tmp_path / "booklet.md"
    paragraph = "Check your feet every day and tell your nurse about any change you see. " * 8
    sections = "".join(
        f"## Section {number}\n\n" + (paragraph + "\n\n") * 10 for number in range(30)
    )
    source.write_text(front_matter("A Long Booklet", description=LONG) + sections, encoding="utf-8")
    assert source.stat().st_size > 150_000
    build(source, tmp_path, plan.resolve_formats(["html", "txt"]))
    tree = lxml.html.fromstring((tmp_path / "booklet.html").read_bytes())
    assert len(xpath_elements(tree, "//main//h2")) == 30
    assert len(xpath_elements(tree, "//nav//a[starts-with(@href, '#section-')]")) == 30


def test_pdf_with_fallback_fonts_is_reproducible(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WeasyPrint re-saves the variable Noto fonts it embeds; the clock must not get in."""
    import time
    import types

    from fontTools.misc import timeTools

    formats = plan.resolve_formats(["pdf"])
    build(UNUSUAL / "combining-marks.md", tmp_path / "first", formats)
    later = types.SimpleNamespace(time=lambda: time.time() + 86_400 * 365)
    monkeypatch.setattr(timeTools, "time", later)
    build(UNUSUAL / "combining-marks.md", tmp_path / "second", formats)
    first, second = (tmp_path / d / "combining-marks.pdf" for d in ("first", "second"))
    assert first.read_bytes() == second.read_bytes()

"""The Word edition, read back as Word and its accessibility checker would: heading styles in
source order, text alternatives, decorative images, header rows, languages, core properties,
and the Clear Print styles of the reference document; then opened by LibreOffice."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import LEAFLET_SOURCE
from helpers import front_matter, missing_in_order, xpath_elements, xpath_strings
from lxml import etree
from PIL import Image

from clearleaf import ast, pandoc
from clearleaf.build import build
from clearleaf.config import contrast as contrast_ratio
from clearleaf.context import STYLES_DIR, Context
from clearleaf.document import load
from clearleaf.formats import docx as word
from clearleaf.plan import resolve_formats

W = {"w": word.W}
DRAWING = {
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "adec": "http://schemas.microsoft.com/office/drawing/2017/decorative",
}
BODY = """\
## Every day

Look at your *feet* every day, and dry **between** your toes. [Bore da]{lang=cy}.

::: callout
Call 111 if a cut will not heal.
:::

| Day | Check |
|-----|-------|
| Monday | Toes |
| Tuesday | Heels |

![A foot with a small cut on the heel](foot.png)

![](stripe.png){.decorative}

### Washing

1. Wash in warm water.
2. Dry well.

#### Creams

Use a cream, but [not between the toes](https://www.nhs.uk/conditions/foot-care/).
"""


@pytest.fixture(scope="module")
def feet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The source above, built as a Word document (and as text, whose other formats list it)."""
    folder = tmp_path_factory.mktemp("feet")
    for name, colour in (("foot.png", (200, 120, 90)), ("stripe.png", (0, 90, 160))):
        Image.new("RGB", (40, 20), colour).save(folder / name)
    source = folder / "feet.md"
    source.write_text(
        front_matter("Looking After Your Feet", extra="keywords:\n  - feet\n  - diabetes\n") + BODY,
        encoding="utf-8",
    )
    out = folder / "out"
    report = build([source], resolve_formats(["docx", "txt"]), out, Context(source_date_epoch=None))
    assert not report.failed, [str(d) for d in report.diagnostics]
    return out / "feet.docx"


def part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


def test_the_headings_are_word_headings_in_source_order(feet: Path) -> None:
    document = docx.Document(str(feet))
    headings = [
        (int(p.style.name.removeprefix("Heading ")), p.text)
        for p in document.paragraphs
        if p.style is not None and p.style.name.startswith("Heading ")
    ]
    assert headings == [
        (1, "Looking After Your Feet"),  # the title: the first heading, in the navigation pane
        (2, "Every day"),
        (3, "Washing"),
        (4, "Creams"),
        (2, "Contact us"),
        (2, "Other formats"),
        (2, "Sources"),
    ]
    assert not [p for p in document.paragraphs if p.style is not None and p.style.name == "Title"]


def test_images_have_their_text_or_are_marked_decorative(feet: Path) -> None:
    body = part(feet, "word/document.xml")
    pictures = xpath_elements(body, "//wp:docPr", DRAWING)
    assert [p.get("descr") for p in pictures] == ["A foot with a small cut on the heel", ""]
    informative, decorative = pictures
    assert xpath_strings(informative, ".//adec:decorative/@val", DRAWING) == []
    assert xpath_strings(decorative, ".//adec:decorative/@val", DRAWING) == ["1"]
    # In the text's flow: no floating shape, no text box.
    assert len(xpath_elements(body, "//wp:inline", DRAWING)) == 2
    assert not xpath_elements(body, "//wp:anchor | //w:txbxContent", {**DRAWING, **W})


def test_tables_repeat_their_header_row(feet: Path) -> None:
    body = part(feet, "word/document.xml")
    tables = xpath_elements(body, "//w:tbl", W)
    assert tables
    for table in tables:
        rows = xpath_elements(table, "w:tr", W)
        assert xpath_elements(rows[0], "w:trPr/w:tblHeader", W), "the first row repeats"
        assert not [row for row in rows[1:] if xpath_elements(row, "w:trPr/w:tblHeader", W)]


def test_the_language_is_set_and_passages_marked(feet: Path) -> None:
    styles = part(feet, "word/styles.xml")
    assert xpath_strings(styles, "//w:docDefaults//w:lang/@w:val", W) == ["en-GB"]
    body = part(feet, "word/document.xml")
    welsh = xpath_elements(body, "//w:r[w:rPr/w:lang/@w:val='cy']", W)
    assert "".join(xpath_strings(welsh[0], ".//w:t/text()", W)) == "Bore da"


def test_the_core_properties_say_what_it_is(feet: Path) -> None:
    properties = docx.Document(str(feet)).core_properties
    assert properties.title == "Looking After Your Feet"
    assert properties.subject == "What the leaflet covers."
    assert properties.author == "Clearleaf Test Trust"
    assert properties.keywords == "feet, diabetes"
    assert properties.language == "en-GB"
    assert properties.created is not None and properties.created.date().isoformat() == "2026-01-15"


def test_the_styles_are_clear_print(feet: Path) -> None:
    styles = part(feet, "word/styles.xml")
    defaults = "//w:docDefaults/w:rPrDefault/w:rPr"
    assert xpath_strings(styles, f"{defaults}/w:sz/@w:val", W) == ["24"]  # 12 pt
    assert xpath_strings(styles, f"{defaults}/w:rFonts/@w:ascii", W) == ["Atkinson Hyperlegible"]
    paragraph = "//w:docDefaults/w:pPrDefault/w:pPr"
    assert xpath_strings(styles, f"{paragraph}/w:spacing/@w:line", W) == ["360"]  # 1.5 lines
    assert xpath_strings(styles, f"{paragraph}/w:jc/@w:val", W) == ["left"]
    for level in range(1, 7):
        heading = f"//w:style[@w:styleId='Heading{level}']/w:rPr"
        assert xpath_elements(styles, f"{heading}/w:b", W), level
        assert not xpath_elements(styles, f"{heading}/w:i", W), level
        (colour,) = xpath_strings(styles, f"{heading}/w:color/@w:val", W)
        assert contrast_ratio(f"#{colour}", "#ffffff") >= 4.5
    # Emphasis is bold, never italic.
    body = part(feet, "word/document.xml")
    assert not xpath_elements(body, "//w:rPr/w:i", W)
    feet_run = xpath_elements(body, "//w:r[w:t='feet']", W)
    assert xpath_elements(feet_run[0], "w:rPr/w:b", W)
    # The call-out: its own style, shaded and bordered, its text in contrast.
    callout = "//w:style[@w:styleId='Call-out']/w:pPr"
    (fill,) = xpath_strings(styles, f"{callout}/w:shd/@w:fill", W)
    assert len(xpath_elements(styles, f"{callout}/w:pBdr/*", W)) == 4
    assert contrast_ratio(f"#{word.TEXT_COLOUR}", f"#{fill}") >= 4.5
    assert xpath_elements(body, "//w:p[w:pPr/w:pStyle/@w:val='Call-out']", W)


def test_the_check_of_the_styles_fails_on_pandocs_own(feet: Path) -> None:
    """Pandoc's reference document: blue, italic fourth-level headings, Aptos."""
    default = pandoc.default_reference_docx()
    styles = etree.fromstring(zipfile.ZipFile(io.BytesIO(default)).read("word/styles.xml"))
    assert xpath_elements(styles, "//w:style[@w:styleId='Heading4']/w:rPr/w:i", W)
    assert not xpath_strings(styles, "//w:docDefaults//w:rFonts/@w:ascii", W)


def test_the_reference_document_is_made_from_the_pinned_pandocs() -> None:
    """styles/reference.docx is what `make docx-reference` makes from this pandoc."""
    made = word.make_reference(pandoc.default_reference_docx())
    assert (STYLES_DIR / word.REFERENCE).read_bytes() == made, "run make docx-reference"
    assert made != word.make_reference(_with_heading_colour(pandoc.default_reference_docx()))


def _with_heading_colour(default: bytes) -> bytes:
    """``default`` with another body size, which the made reference must not hide."""
    with zipfile.ZipFile(io.BytesIO(default)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts["word/styles.xml"] = parts["word/styles.xml"].replace(
        b"<w:pPrDefault>", b"<w:pPrDefault><!-- changed -->", 1
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_every_word_of_the_text_is_there(feet: Path) -> None:
    document = docx.Document(str(feet))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    source = load(feet.parent.parent / "feet.md")
    # The text in order; the table's cells (listed apart) anywhere; the pictures' text
    # alternatives are theirs (see above).
    paragraphs = [p for p in source.blocks if p.get("t") not in ("Table", "Figure")]
    expected = [
        word
        for block in paragraphs
        for node in ast.walk(block)
        if node.get("t") == "Str"
        for word in re.findall(r"\w+", str(node["c"]))
    ]
    assert missing_in_order(expected, re.findall(r"\w+", " ".join(texts))) == []
    cells = {
        word
        for block in source.blocks
        if block.get("t") == "Table"
        for node in ast.walk(block)
        if node.get("t") == "Str"
        for word in re.findall(r"\w+", str(node["c"]))
    }
    assert cells and cells - set(re.findall(r"\w+", " ".join(texts))) == set()
    # The back matter as the other editions have it.
    whole = " ".join(texts)
    assert "Email: help@example.org" in whole
    assert "Next review due by 15 January 2030." in whole


def test_the_other_editions_offer_it(feet: Path) -> None:
    text = feet.with_suffix(".txt").read_text(encoding="utf-8")
    assert "- Word document: feet.docx" in text


def test_two_builds_give_the_same_bytes(feet: Path, tmp_path: Path) -> None:
    source = feet.parent.parent / "feet.md"
    again = tmp_path / "again"
    build([source], resolve_formats(["docx"]), again, Context(source_date_epoch=None))
    assert (again / "feet.docx").read_bytes() == feet.read_bytes()
    with zipfile.ZipFile(feet) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 1, 15, 0, 0, 0)}


# -- opened by LibreOffice -------------------------------------------------------------------


def libreoffice(document: Path, out: Path) -> Path | None:
    """``document`` converted to PDF by LibreOffice (headless), or None if it could not."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("LibreOffice not found: install libreoffice-writer-nogui (.ci/run does)")
    profile = out / "profile"
    subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(document),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    made = out / (document.stem + ".pdf")
    return made if made.is_file() and made.stat().st_size > 0 else None


@pytest.mark.validators
def test_libreoffice_opens_it_without_repair(feet: Path, tmp_path: Path) -> None:
    made = libreoffice(feet, tmp_path)
    assert made is not None, "LibreOffice could not open the Word edition"
    text = subprocess.run(["pdftotext", str(made), "-"], capture_output=True, text=True).stdout
    assert "Looking After Your Feet" in text and "Call 111 if a cut will not heal." in text


@pytest.mark.validators
def test_libreoffice_refuses_a_broken_file(feet: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(feet.read_bytes()[: len(feet.read_bytes()) // 2])
    assert libreoffice(broken, tmp_path) is None


@pytest.mark.parametrize("lang", ["ar", "cy"])
def test_a_document_in_another_language_is_set_in_it(tmp_path: Path, lang: str) -> None:
    source = tmp_path / "doc.md"
    source.write_text(front_matter("A Title", lang=lang) + "## One\n\nText.\n", encoding="utf-8")
    build([source], resolve_formats(["docx"]), tmp_path / "out", Context(source_date_epoch=None))
    styles = part(tmp_path / "out" / "doc.docx", "word/styles.xml")
    # Word keeps a right-to-left language as the complex scripts' language.
    attribute = "w:bidi" if lang == "ar" else "w:val"
    assert xpath_strings(styles, f"//w:docDefaults//w:lang/@{attribute}", W) == [lang]
    if lang == "ar":
        body = part(tmp_path / "out" / "doc.docx", "word/document.xml")
        assert xpath_elements(body, "//w:pPr/w:bidi", W), "right to left paragraphs"


def test_the_leaflet_builds(tmp_path: Path) -> None:
    build([LEAFLET_SOURCE], resolve_formats(["docx"]), tmp_path, Context(source_date_epoch=None))
    assert docx.Document(str(tmp_path / f"{LEAFLET_SOURCE.stem}.docx")).paragraphs

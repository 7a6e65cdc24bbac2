"""A project's branding in every edition: its colours, its logo, and the e-book's cover."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from conftest import FIXTURES
from helpers import CATALOGUE_FILES, front_matter, xpath_elements
from lxml import etree
from PIL import Image

from clearleaf.cli import cli
from clearleaf.editions import EDITIONS

SETTINGS = """\
[branding]
logo = "branding/logo.png"
logo_alt = "Example Health Board"
link = "#005eb8"
callout_background = "#e8f1f8"
"""

OPF = "{http://www.idpf.org/2007/opf}"


@pytest.fixture(scope="module")
def branded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every edition of a document of a branded project."""
    root = tmp_path_factory.mktemp("branded")
    (root / "branding").mkdir()
    (root / "branding" / "logo.png").write_bytes((FIXTURES / "stripes.png").read_bytes())
    (root / "clearleaf.toml").write_text(SETTINGS, encoding="utf-8")
    (root / "source").mkdir()
    (root / "source" / "feet.md").write_text(
        front_matter("Looking After Your Feet") + "Check your feet every day.\n", encoding="utf-8"
    )
    result = CliRunner().invoke(
        cli, ["build", "--jobs", "1", "--out", str(root / "build"), str(root / "source")]
    )
    assert result.exit_code == 0, result.output
    yield root / "build"


def test_the_web_page_shows_the_logo_and_takes_the_colours(branded: Path) -> None:
    page = (branded / "feet.html").read_text(encoding="utf-8")
    (logo,) = xpath_elements(etree.HTML(page), "//header[@class='masthead']/img[@class='logo']")
    assert logo.get("alt") == "Example Health Board"
    assert str(logo.get("src")).startswith("data:image/png;base64,")
    assert "--link: #005eb8;" in page and "--callout-background: #e8f1f8;" in page
    # The dark scheme keeps its own colours: its rules come after the branding's.
    assert page.index("--link: #005eb8;") < page.index("prefers-color-scheme: dark")


def test_the_leaflets_front_panel_shows_the_logo_as_a_figure(branded: Path) -> None:
    with pikepdf.open(branded / "feet.pdf") as pdf:
        first = pdf.pages[0]
        assert first.get_images(), "no image on the front panel"
        alts = [
            str(element.get("/Alt"))
            for element in _struct(pdf.Root.StructTreeRoot)
            if element.get("/S") == "/Figure"
        ]
        assert "Example Health Board" in alts


def _struct(node: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _struct(kid)


def test_the_e_book_has_a_cover_with_its_text_alternative(branded: Path) -> None:
    with zipfile.ZipFile(branded / "feet.epub") as book:
        opf = etree.fromstring(book.read("EPUB/content.opf"))
        (item,) = [i for i in opf.iter(f"{OPF}item") if i.get("properties") == "cover-image"]
        image = Image.open(io.BytesIO(book.read(f"EPUB/{item.get('href')}")))
        assert image.size == (1600, 2560)
        # The band of the project's colour carries the organisation's name.
        assert image.getpixel((20, 2540)) == (0x00, 0x5E, 0xB8)
        cover = etree.fromstring(book.read("EPUB/cover.xhtml"))
        (img,) = cover.iter("{http://www.w3.org/1999/xhtml}img")
        assert img.get("alt") == "Looking After Your Feet, Clearleaf Test Trust"
        assert img.get("role") == "doc-cover"
        spine = [ref.get("idref") for ref in opf.iter(f"{OPF}itemref")]
        assert spine[0] == "cover"


def test_an_unbranded_project_has_no_logo_and_its_own_colours(tmp_path: Path) -> None:
    (tmp_path / "doc.md").write_text(front_matter("Plain") + "Text.\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "build",
            "--jobs",
            "1",
            "-f",
            "html",
            "--out",
            str(tmp_path / "out"),
            str(tmp_path / "doc.md"),
        ],
    )
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "doc.html").read_text(encoding="utf-8")
    assert 'class="logo"' not in page and "branding" not in page


def test_every_edition_is_built(branded: Path) -> None:
    assert sorted(p.name for p in branded.iterdir() if p.is_file()) == sorted(
        [f"feet{edition.suffix}" for edition in EDITIONS.values()] + list(CATALOGUE_FILES)
    )

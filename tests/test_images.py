"""Images are untrusted input: each is opened and identified once, when the source is read.

An image that cannot be decoded, whose content is another format than its
name says, or an SVG that could act (a script, a handler, a foreign object,
an animation, a reference to another file) is refused at its line, in every
edition at once; a well-made picture is published as before.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path
from urllib.parse import quote

import pikepdf
import pytest
import validators
from click.testing import CliRunner
from helpers import REQUIRED_FRONT_MATTER
from PIL import Image

from clearleaf import assets, limits
from clearleaf.cli import cli
from clearleaf.document import load
from clearleaf.errors import PipelineError

SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'


def png(width: int = 8, height: int = 8) -> bytes:
    stream = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(stream, format="PNG")
    return stream.getvalue()


def jpeg() -> bytes:
    stream = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(stream, format="JPEG")
    return stream.getvalue()


def refusal(tmp_path: Path, name: str, data: bytes) -> str:
    """The one error a source showing the image ``name`` (holding ``data``) gets."""
    (tmp_path / name).write_bytes(data)
    source = tmp_path / "doc.md"
    source.write_text(REQUIRED_FRONT_MATTER + f"Text.\n\n![A picture]({name})\n", "utf-8")
    with pytest.raises(PipelineError) as caught:
        load(source)
    found = [str(d) for d in caught.value.diagnostics]
    assert len(found) == 1, found
    assert found[0].startswith(f"{source}:12:1: error "), found[0]
    return found[0]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("empty.png", b"", "asset.broken: image 'empty.png' is an empty file"),
        ("text.png", b"hello", "asset.broken: image 'text.png' is not a PNG picture"),
        ("cut.png", png(64, 64)[:60], "asset.broken: image 'cut.png' cannot be decoded"),
        ("cut.jpg", jpeg()[:200], "asset.broken: image 'cut.jpg' cannot be decoded"),
        ("photo.png", jpeg(), "asset.mislabelled: image 'photo.png' holds a JPEG picture, not PNG"),
        ("chart.jpg", png(), "rename it to end in .png"),
        ("not.svg", b"<svg><rect/></svg", "asset.broken: image 'not.svg' is not well-formed SVG"),
        ("html.svg", b"<svg>no namespace</svg>", "is XML but not an SVG picture"),
        ("huge.png", png(8000, 8000), "limit.image-size: image 'huge.png' is 8000 by 8000 pixels"),
    ],
)
def test_an_image_that_cannot_be_shown_is_refused_at_its_line(
    tmp_path: Path, name: str, data: bytes, expected: str
) -> None:
    assert expected in refusal(tmp_path, name, data)


@pytest.mark.parametrize(
    ("svg", "expected"),
    [
        ("<script>alert(1)</script>", "a script (<script>)"),
        ('<rect onclick="alert(1)" width="4" height="4"/>', "an event handler (onclick)"),
        ("<foreignObject><p>HTML</p></foreignObject>", "a foreign object"),
        ('<rect width="4" height="4"><animate attributeName="x" to="9"/></rect>', "an animation"),
        ('<rect width="4" height="4"><set attributeName="fill" to="red"/></rect>', "an animation"),
        ('<image href="secret.png"/>', "a reference to another file or address (secret.png)"),
        ('<use xlink:href="https://example.org/a.svg#x"/>', "(https://example.org/a.svg#x)"),
        ('<a href="javascript:alert(1)"><rect/></a>', "(javascript:alert(1))"),
        ('<rect style="fill: url(file:///etc/x)"/>', "a reference to another file or address"),
        ("<style>@import 'https://example.org/x.css';</style>", "a style sheet that loads"),
        ('<html:b xmlns:html="http://www.w3.org/1999/xhtml">x</html:b>', "an element <b>"),
    ],
)
def test_an_svg_that_could_act_is_refused(tmp_path: Path, svg: str, expected: str) -> None:
    found = refusal(tmp_path, "picture.svg", f"{SVG_OPEN}{svg}</svg>".encode())
    assert "error asset.svg-active: image 'picture.svg' contains " in found
    assert expected in found
    assert "export the picture again as plain SVG" in found


def test_an_svg_declaring_entities_is_refused_unexpanded(tmp_path: Path) -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        + SVG_OPEN.encode()
        + b"<text>&b;</text></svg>"
    )
    assert "a DOCTYPE with its own declarations" in refusal(tmp_path, "bomb.svg", data)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("photo.png", png()),
        ("photo.jpeg", jpeg()),
        (
            "chart.svg",
            (
                f'<?xml version="1.0"?>\n{SVG_OPEN}<defs><linearGradient id="g"/></defs>'
                '<rect width="4" height="4" style="fill: url(#g)"/><use href="#g"/>'
                '<image href="data:image/png;base64,AAAA"/></svg>'
            ).encode(),
        ),
    ],
)
def test_a_well_made_picture_is_published(tmp_path: Path, name: str, data: bytes) -> None:
    (tmp_path / name).write_bytes(data)
    assert assets.inspect(tmp_path / name) is None
    source = tmp_path / "doc.md"
    source.write_text(REQUIRED_FRONT_MATTER + f"![A picture]({name})\n", "utf-8")
    assert load(source).images == {name: (tmp_path / name).resolve()}


def test_images_are_identified_by_their_content() -> None:
    assert assets.identify(png()) == "image/png"
    assert assets.identify(jpeg()) == "image/jpeg"
    assert assets.identify(b"GIF89a....") == "image/gif"
    assert assets.identify(b"RIFF\0\0\0\0WEBPVP8 ") == "image/webp"
    assert assets.identify(b"\xef\xbb\xbf<?xml version='1.0'?><svg/>") == "image/svg+xml"
    assert assets.identify(b"<html><svg/></html>") is None
    assert assets.identify(b"%PDF-1.7") is None


NAMES = ["it's here.jpg", "a#b.jpg", "sp ace.jpg", "q?x.jpg", "lt<.jpg", "été.jpg"]
#: Pictures of the other kinds (an SVG is drawn, not embedded as an image, in a PDF).
OTHER_KINDS = ["green.gif", "blue.webp", "chart.svg"]
SPELLINGS = ["x.png", "./x.png", "x.png?v=2", "x.png#top", "sub/../x.png"]


def build_four(source: Path, out: Path) -> None:
    """Build ``source``'s web page, e-book, PDF and Word editions into ``out``."""
    arguments = ["build", "--jobs", "1", "-f", "html,epub,pdf,docx", "--out", str(out)]
    result = CliRunner().invoke(cli, [*arguments, str(source)])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def odd_names(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A source showing images with odd file names, and one image spelt five ways; built."""
    folder = tmp_path_factory.mktemp("names")
    for number, name in enumerate(NAMES):
        stream = io.BytesIO()
        Image.new("RGB", (8, 8), (20 * number, 90, 160)).save(stream, format="JPEG")
        (folder / name).write_bytes(stream.getvalue())
    (folder / "x.png").write_bytes(png())
    for name, kind in (("green.gif", "GIF"), ("blue.webp", "WEBP")):
        Image.new("RGB", (8, 8), (30, 160, 60)).save(folder / name, format=kind)
    (folder / "chart.svg").write_text(f'{SVG_OPEN}<rect width="4" height="4"/></svg>', "utf-8")
    (folder / "sub").mkdir()
    written = [f"![Another kind {n}]({name})" for n, name in enumerate(OTHER_KINDS)] + [
        f"![Picture {n}](<{quote(name, safe=chr(39) + ' <')}>)" for n, name in enumerate(NAMES)
    ]
    shown = " ".join(f"![The same picture]({spelling})" for spelling in SPELLINGS)
    source = folder / "names.md"
    source.write_text(
        REQUIRED_FRONT_MATTER + "\n\n".join(written) + f"\n\n{shown}\n", encoding="utf-8"
    )
    build_four(source, folder / "out")
    return folder / "out"


def test_one_image_spelt_five_ways_is_one_image(tmp_path: Path) -> None:
    (tmp_path / "x.png").write_bytes(png())
    (tmp_path / "sub").mkdir()
    source = tmp_path / "doc.md"
    shown = " ".join(f"![The same picture]({spelling})" for spelling in SPELLINGS)
    source.write_text(REQUIRED_FRONT_MATTER + shown + "\n", encoding="utf-8")
    document = load(source)
    assert document.images == {"x.png": (tmp_path / "x.png").resolve()}
    assert document.body_html.count('src="x.png"') == len(SPELLINGS)


def test_every_edition_finds_images_with_odd_names(odd_names: Path) -> None:
    page = (odd_names / "names.html").read_text(encoding="utf-8")
    sources = re.findall(r'<img [^>]*src="([^"]{0,40})', page)
    assert len(sources) == len(OTHER_KINDS) + len(NAMES) + len(SPELLINGS)
    assert all(src.startswith("data:image/") for src in sources), sources
    with zipfile.ZipFile(odd_names / "names.epub") as book:
        stored = [name for name in book.namelist() if name.startswith("EPUB/images/")]
        content = book.read("EPUB/content.xhtml").decode("utf-8")
        media = [n for n in zipfile.ZipFile(odd_names / "names.docx").namelist() if "media/" in n]
    # Each file once in the e-book, whatever its name and however often it is shown.
    assert len(stored) == len(OTHER_KINDS) + len(NAMES) + 1, stored
    for src in re.findall(r'<img [^>]*src="([^"]*)"', content):
        assert f"EPUB/{src}" in stored, src
    assert len(media) >= 2  # the Word document keeps its pictures (it stores equal ones once)
    with pikepdf.open(odd_names / "names.pdf") as pdf:
        images = {
            image.objgen for pdf_page in pdf.pages for image in pdf_page.get_images().values()
        }
    assert len(images) == len(NAMES) + 3, images  # the five spellings are one; the SVG is drawn


@pytest.mark.validators
def test_images_with_odd_names_give_a_valid_e_book_and_page(odd_names: Path) -> None:
    findings = validators.epubcheck(odd_names / "names.epub")
    assert not findings.problems, findings.explain("EPUBCheck")
    page = validators.vnu([odd_names / "names.html"])[odd_names / "names.html"]
    assert not page.problems, page.explain("Nu Html Checker")


def test_a_page_too_heavy_with_one_picture_shown_often_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_PAGE_IMAGE_BYTES", 10 * len(png()))
    (tmp_path / "x.png").write_bytes(png())
    source = tmp_path / "doc.md"
    source.write_text(REQUIRED_FRONT_MATTER + "Text.\n\n" + "![A picture](x.png)\n" * 11, "utf-8")
    with pytest.raises(PipelineError) as caught:
        load(source)
    found = [str(d) for d in caught.value.diagnostics]
    assert len(found) == 1 and f"{source}:12:1: error limit.page-images: " in found[0], found
    assert "'x.png' (0 kB) is shown 11 times; show it fewer times, or save it smaller" in found[0]


def test_images_give_the_same_bytes_from_another_folder(odd_names: Path, tmp_path: Path) -> None:
    """Pictures of every kind, odd names and repeats included: the folder the source is in
    never reaches an edition (PDFs load images through a virtual address)."""
    elsewhere = tmp_path / "a" / "much" / "deeper" / "checkout"
    shutil.copytree(odd_names.parent, elsewhere, ignore=shutil.ignore_patterns("out"))
    build_four(elsewhere / "names.md", tmp_path / "out")
    for name in ("names.html", "names.epub", "names.pdf", "names.docx"):
        assert (tmp_path / "out" / name).read_bytes() == (odd_names / name).read_bytes(), name

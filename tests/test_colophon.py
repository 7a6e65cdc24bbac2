"""Every output carries the document's metadata and says how to get the other formats."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import lxml.html
import pikepdf
import pytest
from conftest import BACK_PANEL_SOURCE, LEAFLET_SOURCE
from helpers import text_content, xpath_elements
from lxml import etree
from pdfminer.high_level import extract_text
from readback import pdf_text

from clearleaf.build import build
from clearleaf.context import Context
from clearleaf.plan import resolve_formats

STATEMENT = "This information is also available as"
OPF_NAMESPACES = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("colophon")
    report = build(
        [LEAFLET_SOURCE, BACK_PANEL_SOURCE],
        resolve_formats(["html", "pdf", "epub", "txt"]),
        folder,
        Context(source_date_epoch=None),
    )
    assert not report.failed
    return folder


def _words(text: str) -> str:
    """Whitespace collapsed; a word wrapped at its hyphen ("e-\\nbook") joined again."""
    return re.sub(r"-\s+(?=[a-z])", "-", " ".join(text.split()))


def _epub(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("stem", [LEAFLET_SOURCE.stem, BACK_PANEL_SOURCE.stem])
def test_every_output_says_how_to_get_the_other_formats(outputs: Path, stem: str) -> None:
    html = _words(text_content(lxml.html.fromstring((outputs / f"{stem}.html").read_bytes())))
    # In the order of the page's content, as a screen reader and a copy take it: a
    # layout analysis (pdfminer's) reads the QR code's caption, which floats beside
    # the statement, into the middle of its lines.
    pdf = _words(pdf_text(outputs / f"{stem}.pdf"))
    epub = _words(_epub(outputs / f"{stem}.epub")["EPUB/about.xhtml"].decode())
    txt = _words((outputs / f"{stem}.txt").read_text(encoding="utf-8"))
    for name, text, others in (
        ("html", html, ["printed leaflet", "large print", "e-book", "plain text"]),
        ("pdf", pdf, ["web page", "large print", "e-book", "plain text"]),
        ("epub", epub, ["web page", "printed leaflet", "large print", "plain text"]),
        ("txt", txt, ["web page", "printed leaflet", "large print", "e-book"]),
    ):
        assert STATEMENT in text, name
        statement = text[text.index(STATEMENT) :][:200]
        for other in others:
            assert other in statement, (name, other)
        assert f"{stem}-large-print.pdf" in text, name


@pytest.mark.parametrize("stem", [LEAFLET_SOURCE.stem, BACK_PANEL_SOURCE.stem])
def test_dates_in_every_output(outputs: Path, stem: str) -> None:
    published, review = (
        ("24 November 2026", "24 November 2028")
        if stem == LEAFLET_SOURCE.stem
        else ("1 May 2026", "1 May 2028")
    )
    texts = {
        "html": (outputs / f"{stem}.html").read_text(encoding="utf-8"),
        "pdf": extract_text(outputs / f"{stem}.pdf"),
        "epub": _epub(outputs / f"{stem}.epub")["EPUB/about.xhtml"].decode(),
        "txt": (outputs / f"{stem}.txt").read_text(encoding="utf-8"),
    }
    for name, text in texts.items():
        assert published in _words(text), name
        assert review in _words(text), name


def test_text_head_and_tail(outputs: Path) -> None:
    lines = (outputs / f"{BACK_PANEL_SOURCE.stem}.txt").read_text(encoding="utf-8").splitlines()
    head = "\n".join(lines[:6])
    assert "Clearleaf Test Trust" in head and "1 May 2026" in head and "1 May 2028" in head
    tail = "\n".join(lines[-40:])
    for expected in ("Contact us", "0300 123 4567", "Sources", "Your feedback:", "Accessibility:"):
        assert expected in tail


def test_html_metadata_and_microdata(outputs: Path) -> None:
    tree = lxml.html.fromstring((outputs / f"{BACK_PANEL_SOURCE.stem}.html").read_bytes())
    assert tree.xpath("//meta[@name='description']/@content")
    body = xpath_elements(tree, "//body")[0]
    assert body.get("itemtype") == "https://schema.org/MedicalWebPage"
    props = {
        m.get("itemprop"): m.get("content") for m in xpath_elements(tree, "//body//meta[@itemprop]")
    }
    assert props["datePublished"] == "2026-05-01"
    assert props["inLanguage"] == "en-GB"
    assert tree.xpath("//*[@itemprop='publisher']//meta[@content='Clearleaf Test Trust']")
    assert not tree.xpath("//script")


def test_epub_package_metadata_and_back_matter(outputs: Path) -> None:
    files = _epub(outputs / f"{BACK_PANEL_SOURCE.stem}.epub")
    opf = etree.fromstring(files["EPUB/content.opf"])
    assert opf.findtext(".//dc:publisher", namespaces=OPF_NAMESPACES) == "Clearleaf Test Trust"
    assert opf.findtext(".//dc:date", namespaces=OPF_NAMESPACES) == "2026-05-01"
    description = opf.findtext(".//dc:description", namespaces=OPF_NAMESPACES)
    assert description is not None
    assert description.startswith("Simple daily checks")
    spine = [ref.get("idref") for ref in opf.iterfind(".//opf:spine/opf:itemref", OPF_NAMESPACES)]
    assert spine[-1] == "about"
    about = files["EPUB/about.xhtml"].decode()
    assert "Example source two" in about and "feet@example.org" in about


def test_epub_rights_and_subjects(tmp_path: Path) -> None:
    source = tmp_path / "rights.md"
    text = BACK_PANEL_SOURCE.read_text(encoding="utf-8")
    source.write_text(
        text.replace(
            "sources:", "rights: (c) 2026 Clearleaf\nkeywords:\n  - feet\n  - health\nsources:"
        ),
        encoding="utf-8",
    )
    build([source], resolve_formats(["epub", "pdf"]), tmp_path, Context(source_date_epoch=None))
    opf = etree.fromstring(_epub(tmp_path / "rights.epub")["EPUB/content.opf"])
    assert opf.findtext(".//dc:rights", namespaces=OPF_NAMESPACES) == "(c) 2026 Clearleaf"
    assert [s.text for s in opf.iterfind(".//dc:subject", OPF_NAMESPACES)] == ["feet", "health"]
    with pikepdf.open(tmp_path / "rights.pdf") as pdf:
        meta = pdf.open_metadata()
        assert meta["dc:rights"] == "(c) 2026 Clearleaf"
        assert "feet" in str(pdf.docinfo.Keywords)


def test_pdf_xmp_carries_title_and_author(outputs: Path) -> None:
    with pikepdf.open(outputs / f"{LEAFLET_SOURCE.stem}.pdf") as pdf:
        meta = pdf.open_metadata()
        assert meta["dc:title"] == "What Does Heroin Do To The Brain"
        assert "Anormed UK" in str(meta["dc:creator"])
        assert re.match(r"2026-11-24", str(meta["xmp:CreateDate"]))

"""Raw HTML as pages exported from websites hold it: read into the document, in every edition.

``fixtures/exported-page.md`` is written the way content systems export a
page: ``<div>`` wrappers (one with a class the page's styles also use, one
with ``markdown="1"``), ``<hr>`` with attributes, ``<br>``, a table in HTML,
``<details>``, ``<p>``, ``<strong>``, ``<a href>`` and a ``<span lang>``.
It builds with no error and no warning, and each construct is read back
from the web page, the e-book and the text edition.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, Writer
from helpers import REQUIRED_FRONT_MATTER

from clearleaf import build as builder
from clearleaf import plan
from clearleaf.ast import walk
from clearleaf.context import Context
from clearleaf.document import load
from clearleaf.errors import Severity

EXPORTED = FIXTURES / "exported-page.md"


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The web page, the e-book's text and the text edition of the exported page."""
    out = tmp_path_factory.mktemp("exported")
    report = builder.build(
        [EXPORTED],
        plan.resolve_formats(["html", "epub", "txt"]),
        out,
        Context(source_date_epoch=None),
    )
    assert not report.failed, [str(d) for d in report.diagnostics]
    with zipfile.ZipFile(out / "exported-page.epub") as book:
        xhtml = "".join(
            book.read(name).decode("utf-8")
            for name in book.namelist()
            if name.endswith(".xhtml") and "nav" not in name
        )
    return {
        "html": (out / "exported-page.html").read_text(encoding="utf-8"),
        "epub": xhtml,
        "txt": (out / "exported-page.txt").read_text(encoding="utf-8"),
        "diagnostics": "\n".join(str(d) for d in report.diagnostics),
    }


def test_an_exported_page_builds_with_notes_only(editions: dict[str, str]) -> None:
    lines = editions["diagnostics"].splitlines()
    assert lines, "the wrappers that were ignored are noted"
    assert all(" note source.html-ignored: " in line for line in lines), lines
    # The note names what is in the source: an HTML <div>, not an attribute list.
    assert any("HTML <div> (2 times) ignored" in line for line in lines), lines
    assert not any("{...}" in line for line in lines)


@pytest.mark.parametrize("edition", ["html", "epub"])
def test_every_construct_reaches_the_screen_editions(
    editions: dict[str, str], edition: str
) -> None:
    page = editions[edition]
    body = page[page.index("<main") :]
    # The wrapped Markdown table, and the HTML table with its header row.
    assert re.search(r'<th scope="col"[^>]*>Group</th>', body)
    assert re.search(r'<th scope="col"[^>]*>Dose</th>', body)
    assert re.search(r"<td[^>]*><strong>First</strong></td>", body)
    assert "<strong>4 weeks</strong>" in body
    # The rule and the line break.
    assert re.search(r"<hr\s*/?>", body)
    assert re.search(r"0300 123 4567<br\s*/?>\s*Monday to Friday", body)
    # The question and its answer, always shown.
    assert re.search(r"<strong>Can I have it if I am pregnant\?</strong>", body)
    assert "<strong>safe</strong> in pregnancy" in body
    # The link, and the passage in Welsh.
    assert 'href="https://www.nhs.uk/vaccinations/flu-vaccine/"' in body
    assert re.search(r'<span lang="cy"[^>]*>gofynnwch', body)
    # The heading inside a wrapper, with an identifier of its own.
    assert re.search(r'<h2 id="side-effects"[^>]*>Side effects</h2>', body)
    # No wrapper's class or identifier is published: the page keeps its own.
    assert 'table-wrap"><table class' not in body
    for leaked in ("usa-alert", "divider", "doses", 'border="1"', "markdown="):
        assert leaked not in body, leaked
    assert body.count('id="main"') <= 1


def test_every_construct_reaches_the_text_edition(editions: dict[str, str]) -> None:
    text = editions["txt"]
    for words in (
        "Adults over 65",
        "From September",
        "Monday to Friday",
        "First",
        "4 weeks",
        "Can I have it if I am pregnant?",
        "safe in pregnancy",
        "meddyg teulu",
        "https://www.nhs.uk/vaccinations/flu-vaccine/",
        "Side effects",
    ):
        assert words in " ".join(text.split()), words
    assert "<" not in text.replace("<https", ""), "no markup remnants"


def test_a_table_in_html_without_a_header_row_is_found_at_its_line(write: Writer) -> None:
    body = "Intro.\n\n<table>\n<tr><td>a</td><td>b</td></tr>\n</table>\n"
    document = load(write(REQUIRED_FRONT_MATTER + body))
    from clearleaf.a11y import run_checks

    found = [d for d in run_checks(document) if d.code == "a11y.table-header"]
    assert [(d.location.line, d.severity) for d in found] == [(12, Severity.WARNING)]


def test_row_headers_get_a_row_scope(write: Writer) -> None:
    body = (
        "<table>\n<tr><th>Dose</th><th>When</th></tr>\n"
        "<tr><th>First</th><td>Now</td></tr>\n</table>\n"
    )
    html = load(write(REQUIRED_FRONT_MATTER + body)).body_html
    assert re.search(r'<th scope="col"[^>]*>Dose', html)
    assert re.search(r'<th scope="row"[^>]*>First', html)


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("<hr>\n", "HorizontalRule"),
        ('<hr class="x" />\n', "HorizontalRule"),
        ("Text<br>more\n", "LineBreak"),
        ("<b>Bold</b> text\n", "Strong"),
        ("<i>Italic</i> text\n", "Emph"),
        ('<a href="https://example.org/a">A page</a>\n', "Link"),
        ("x<sup>2</sup>\n", "Superscript"),
        ("<ul>\n<li>One</li>\n<li>Two</li>\n</ul>\n", "BulletList"),
        ("<blockquote>\n<p>Said</p>\n</blockquote>\n", "BlockQuote"),
        ("<h2>Part</h2>\n", "Header"),
        ("<pre>two  spaces</pre>\n", "CodeBlock"),
    ],
)
def test_html_becomes_what_markdown_writes(write: Writer, body: str, kind: str) -> None:
    document = load(write(REQUIRED_FRONT_MATTER + body))
    kinds = [node["t"] for node in walk(document.blocks)]
    assert kind in kinds
    assert "RawBlock" not in kinds and "RawInline" not in kinds
    assert not [d for d in document.diagnostics if d.severity is not Severity.NOTE]


def test_an_image_written_in_html_is_an_image(write: Writer, tmp_path: Path) -> None:
    (tmp_path / "arm.png").write_bytes((FIXTURES / "stripes.png").read_bytes())
    document = load(
        write(
            REQUIRED_FRONT_MATTER + '<img src="arm.png" alt="A plaster on an arm">\n\n'
            '<img src="arm.png" alt="">\n'
        )
    )
    images = [node for node in walk(document.blocks) if node["t"] == "Image"]
    assert [node["c"][0][1] for node in images] == [[], ["decorative"]]
    assert document.images == {"arm.png": (tmp_path / "arm.png").resolve()}


def test_indented_html_after_html_is_read_as_html(write: Writer) -> None:
    body = (
        '<div>\n<p>First</p>\n\t<ul>\n\t<li>Call <a href="tel:111">111</a></li>\n\t</ul>\n</div>\n'
    )
    document = load(write(REQUIRED_FRONT_MATTER + body))
    kinds = [node["t"] for node in walk(document.blocks)]
    assert "CodeBlock" not in kinds
    assert "BulletList" in kinds and "Link" in kinds
    assert [d.code for d in document.diagnostics if d.code == "source.indented-html"]


def test_an_unknown_element_keeps_its_words(write: Writer) -> None:
    document = load(write(REQUIRED_FRONT_MATTER + "Take <o:p>two</o:p> tablets.\n"))
    assert "Take two tablets." in document.body_html
    notes = [str(d) for d in document.diagnostics]
    assert any("HTML <o:p> is not an element the pipeline knows" in note for note in notes), notes


def test_a_form_keeps_its_words_and_loses_its_controls(write: Writer) -> None:
    body = '<form>\n<label>Your name</label> <input name="n"> <button>Send</button>\n</form>\n'
    document = load(write(REQUIRED_FRONT_MATTER + body))
    html = document.body_html
    assert "Your name" in html and "Send" in html
    assert not re.search(r"<(form|input|button|label)", html)
    assert {d.code for d in document.diagnostics} == {"source.unsafe-html"}

"""Headings as real documents write them (clearleaf.outline), in every edition.

A first ``#`` heading that repeats the title is the title; a body whose
sections are ``#`` (or setext ``===``) headings is shown one level down; a
skipped level is closed up; each with its message at the heading's own line.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import Writer
from helpers import REQUIRED_FRONT_MATTER

from clearleaf import build as builder
from clearleaf import plan
from clearleaf.a11y import run_checks
from clearleaf.ast import walk
from clearleaf.context import Context
from clearleaf.document import load
from clearleaf.errors import PipelineError

TITLE = "Looking After Your Feet"  # REQUIRED_FRONT_MATTER's title


def levels(path: Path) -> list[int]:
    """The level of every heading of the body as every edition shows it."""
    return [node["c"][0] for node in walk(load(path).blocks) if node["t"] == "Header"]


def findings(path: Path) -> list[str]:
    """What loading and checking ``path`` says, as ``line:column code``."""
    document = load(path)
    return [
        f"{d.location.line}:{d.location.column} {d.code}"
        for d in sorted(
            [*document.diagnostics, *run_checks(document)],
            key=lambda d: (d.location.line, d.location.column),
        )
        if d.code.startswith(("a11y.heading", "source.heading", "a11y.literal"))
    ]


@pytest.mark.parametrize(
    "first",
    [
        f"# {TITLE}",
        "# looking after your feet",
        "#   Looking after your feet!",
        f"{TITLE}\n======================",
    ],
)
def test_a_first_heading_that_repeats_the_title_is_the_title(write: Writer, first: str) -> None:
    path = write(REQUIRED_FRONT_MATTER + f"{first}\n\nCheck your feet.\n\n## Every Day\n\nWash.\n")
    assert levels(path) == [2]
    assert findings(path) == []
    html = load(path).body_html
    assert "<h1" not in html and TITLE not in html


def test_a_title_heading_elsewhere_is_a_section(write: Writer) -> None:
    path = write(REQUIRED_FRONT_MATTER + f"Check your feet.\n\n# {TITLE}\n\nWash.\n")
    assert levels(path) == [2]
    assert findings(path) == ["12:1 source.heading-shift"]


def test_a_book_of_level_one_sections_keeps_its_structure(write: Writer) -> None:
    body = (
        "Intro.\n\n"
        "# Part One\n\n## Chapter\n\n### Section\n\n"  # lines 12, 14, 16
        "Part Two\n========\n\nText.\n\nSubpart\n-------\n\nText.\n"  # lines 18, 23
    )
    path = write(REQUIRED_FRONT_MATTER + body)
    assert levels(path) == [2, 3, 4, 2, 3]
    assert findings(path) == ["12:1 source.heading-shift"]
    note = next(d for d in load(path).diagnostics if d.code == "source.heading-shift")
    assert note.severity.value == "note"
    assert "'#' sections are level 2" in note.message


def test_a_level_six_heading_in_a_shifted_body_is_the_one_error(write: Writer) -> None:
    body = "# Part\n\n## A\n\n### B\n\n#### C\n\n##### D\n\n###### Too Deep\n"
    with pytest.raises(PipelineError) as caught:
        load(write(REQUIRED_FRONT_MATTER + body))
    assert [str(d) for d in caught.value.diagnostics] == [
        "doc.md:20:1: error source.heading-depth: this level-6 heading would become level 7, "
        "which no edition has, because the body's sections are level-1 headings; make it "
        "level 5 or less, or write the sections as '##'"
    ]


def test_skipped_levels_are_closed_up_in_order(write: Writer) -> None:
    # A page whose sections are ### with ##### under them: levels 2 and 3.
    body = "### Alert\n\n##### Detail\n\n### Services\n\nText.\n"
    path = write(REQUIRED_FRONT_MATTER + body)
    assert levels(path) == [2, 3, 2]
    assert findings(path) == ["10:1 a11y.heading-order", "12:1 a11y.heading-order"]


def test_heading_order_points_at_the_heading_not_a_line_that_looks_like_one(
    write: Writer,
) -> None:
    body = (
        "## A Section\n\n"
        "Some text\n"
        "#### not a heading, part of the paragraph\n\n"  # line 13
        "#### A Real Skip\n"  # line 15
    )
    path = write(REQUIRED_FRONT_MATTER + body)
    assert findings(path) == ["13:1 a11y.literal-heading", "15:1 a11y.heading-order"]


def test_headings_written_in_html_are_located(write: Writer) -> None:
    body = "Text.\n\n<div>\n<h4 class='x'>Alert</h4>\n</div>\n"
    path = write(REQUIRED_FRONT_MATTER + body)
    assert findings(path) == ["13:1 a11y.heading-order"]


@pytest.fixture(scope="module")
def shifted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A book of ``#`` sections, with a first heading repeating the title, in every edition."""
    folder = tmp_path_factory.mktemp("book")
    source = folder / "book.md"
    source.write_text(
        REQUIRED_FRONT_MATTER + f"# {TITLE}\n\nIntro.\n\n# Part One\n\n## Chapter One\n\nText.\n\n"
        "# Part Two\n\n## Chapter Two\n\nText.\n",
        encoding="utf-8",
    )
    out = folder / "out"
    report = builder.build([source], plan.resolve_formats([]), out, Context(source_date_epoch=None))
    assert not report.failed, [str(d) for d in report.diagnostics]
    return out


def test_every_edition_has_one_title_and_the_shifted_sections(shifted: Path) -> None:
    html = (shifted / "book.html").read_text(encoding="utf-8")
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert re.findall(r"<h2[^>]*>(.*?)</h2>", html)[-2:] != []
    assert re.search(r"<h2[^>]*>Part One</h2>", html)
    assert re.search(r"<h3[^>]*>Chapter One</h3>", html)
    with zipfile.ZipFile(shifted / "book.epub") as book:
        xhtml = "".join(
            book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xhtml")
        )
    assert re.search(r"<h2[^>]*>Part Two</h2>", xhtml)
    assert re.search(r"<h3[^>]*>Chapter Two</h3>", xhtml)
    text = (shifted / "book.txt").read_text(encoding="utf-8")
    assert text.count(TITLE) == 1


def test_the_pdf_outline_follows_the_shifted_sections(shifted: Path) -> None:
    import pikepdf

    with pikepdf.open(shifted / "book.pdf") as pdf, pdf.open_outline() as outline:
        assert [item.title for item in outline.root] == [TITLE]
        sections = outline.root[0].children
        assert [item.title for item in sections][-2:] == ["Part One", "Part Two"]
        assert [[child.title for child in item.children] for item in sections][-2:] == [
            ["Chapter One"],
            ["Chapter Two"],
        ]

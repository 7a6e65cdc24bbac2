""" "Turn to page 4" in every edition: the printed leaflet's pages, marked where they begin.

Judged as a reader would: ``pdftotext`` prints each page of the leaflet, and
the words that follow page N's marker in the e-book, the web page and the
plain text must be the words that begin page N on paper.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, Built
from helpers import front_matter
from lxml import etree
from lxml import html as lxml_html

from clearleaf import build as builder
from clearleaf import plan
from clearleaf.cli import cli
from clearleaf.context import Context

XHTML = "{http://www.w3.org/1999/xhtml}"
OPS = "{http://www.idpf.org/2007/ops}"
#: How many of a page's first words must agree (hyphens and punctuation aside).
AGREE = 4


def key(word: str) -> str:
    return re.sub(r"\W", "", word.casefold())


def pdf_pages(path: Path) -> list[list[str]]:
    """The words of each page of a PDF as pdftotext prints them, the running footer aside."""
    text = _run("pdftotext", path, "-")
    # Paper prints a link's address after its words (across a page turn too); the
    # screen editions link them instead. The page breaks (form feeds) stay.
    text = re.sub(
        r"\((?:https?|mailto|tel):[^()]*\)",
        lambda address: " " + "\f" * address[0].count("\f"),
        text,
        flags=re.DOTALL,
    )
    pages = []
    for page in text.split("\f")[: page_count(path)]:
        lines = [line for line in page.splitlines() if line.strip()]
        body = [line for line in lines if not re.search(r"\bPage \d+ of \d+", line)]
        pages.append([key(word) for line in body for word in line.split() if key(word)])
    return pages


def page_count(path: Path) -> int:
    found = re.search(r"Pages:\s+(\d+)", _run("pdfinfo", path))
    assert found is not None
    return int(found[1])


def _run(*command: str | Path) -> str:
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, check=True
    ).stdout


def words_after_markers(roots: list[etree._Element], attribute: str = "id") -> dict[int, list[str]]:
    """For each page marker in ``roots`` (documents in reading order), the words after it."""
    texts: list[tuple[int | None, str]] = []
    for root in roots:
        for element in root.iter():
            if not isinstance(element.tag, str) or element.tag.endswith(
                ("style", "script", "head", "title")
            ):
                continue
            marker = re.fullmatch(r"page-(\d+)", element.get(attribute) or "")
            if marker and element.get("role") == "doc-pagebreak":
                texts.append((int(marker[1]), ""))
            if element.text and not _in_hidden(element):
                texts.append((None, element.text))
            if element.tail and not _in_hidden(element.getparent()):
                texts.append((None, element.tail))
    found: dict[int, list[str]] = {}
    for index, (number, _) in enumerate(texts):
        if number is not None:
            following = " ".join(text for _, text in texts[index + 1 :][:200])
            found[number] = [key(word) for word in following.split() if key(word)][:12]
    return found


def _in_hidden(element: etree._Element | None) -> bool:
    while element is not None:
        if isinstance(element.tag, str) and element.tag.split("}")[-1] in (
            "head",
            "style",
            "title",
        ):
            return True
        element = element.getparent()
    return False


def epub_markers(path: Path) -> tuple[dict[int, list[str]], list[str]]:
    """The words after each page break of an EPUB, and its page list's links."""
    with zipfile.ZipFile(path) as book:
        roots = [
            etree.fromstring(book.read(f"EPUB/{name}")) for name in ("content.xhtml", "about.xhtml")
        ]
        nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
    for root in roots:
        for element in root.iter(f"{XHTML}span"):
            if element.get("role") == "doc-pagebreak":
                assert element.get(f"{OPS}type") == "pagebreak"
                assert element.get("aria-label") == element.get("id", "").removeprefix("page-")
    (page_list,) = [n for n in nav.iter(f"{XHTML}nav") if n.get(f"{OPS}type") == "page-list"]
    links = [str(a.get("href")) for a in page_list.iter(f"{XHTML}a")]
    return words_after_markers(roots), links


def text_markers(text: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for match in re.finditer(r"^\[Page (\d+)\]$", text, re.MULTILINE):
        # The plain text gives a link's address after its words.
        following = re.sub(r"\((?:https?|mailto|tel):[^()]*\)", " ", text[match.end() :])
        found[int(match[1])] = [key(word) for word in following.split() if key(word)][:30]
    return found


def agrees(printed: list[str], edition: list[str], slack: int = 0) -> bool:
    """The page's first words begin the edition's text after the marker. A page may begin
    inside a word (hyphenated, or an address in code broken across the turn): the
    marker then stands before that word. With ``slack``, the words may come that many
    words later (the plain text marks a page that begins inside a line of code before
    that line, which it never breaks)."""
    if not printed or not edition:
        return printed == edition
    head = printed[:AGREE]
    for start in range(slack + 1):
        rest = edition[start:]
        if not rest:
            break
        if rest[0].endswith(head[0]) and rest[1 : len(head)] == head[1:]:
            return True
        if rest[1 : len(head) + 1] == head:
            return True
    return False


def check_every_edition(folder: Path, stem: str) -> None:
    printed = pdf_pages(folder / f"{stem}.pdf")
    pages = len(printed)
    assert pages >= 2
    after, links = epub_markers(folder / f"{stem}.epub")
    assert [link.split("#")[1] for link in links] == [f"page-{n}" for n in range(1, pages + 1)]
    assert sorted(after) == list(range(1, pages + 1))
    page = lxml_html.fromstring((folder / f"{stem}.html").read_bytes())
    web = words_after_markers([page])
    assert sorted(web) == list(range(1, pages + 1))
    assert page.xpath("//nav//ol[@class='page-list']//a/@href") == [
        f"#page-{n}" for n in range(1, pages + 1)
    ]
    text = text_markers((folder / f"{stem}.txt").read_text(encoding="utf-8"))
    assert sorted(text) == list(range(2, pages + 1))  # the text opens where page 1 does
    for number, words in enumerate(printed, start=1):
        assert agrees(words, after[number]), (number, words[:AGREE], after[number][:AGREE])
        assert agrees(words, web[number]), (number, words[:AGREE], web[number][:AGREE])
        if number > 1:
            assert agrees(words, text[number], slack=14), (number, words[:AGREE], text[number])


def test_the_leaflets_pages_are_marked_in_every_edition(leaflet: Built) -> None:
    check_every_edition(leaflet.folder, leaflet.source.stem)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every edition of a real situation report (tests/real), built once."""
    folder = tmp_path_factory.mktemp("sitrep")
    for name in ("nextstrain-sitrep-2020-05-15-en.md",):
        shutil.copy(ROOT / "tests" / "real" / name, folder / name)
    built = builder.build(
        [folder / "nextstrain-sitrep-2020-05-15-en.md"],
        plan.resolve_formats([]),
        folder / "out",
        Context(source_date_epoch=None),
    )
    assert not built.failed, [str(d) for d in built.diagnostics]
    return folder / "out"


def test_a_real_reports_pages_are_marked_in_every_edition(report: Path) -> None:
    check_every_edition(report, "nextstrain-sitrep-2020-05-15-en")


def test_large_print_names_the_leaflet_page_each_of_its_pages_begins_in(leaflet: Built) -> None:
    stem = leaflet.source.stem
    leaflet_pages = len(pdf_pages(leaflet.folder / f"{stem}.pdf"))
    count = page_count(leaflet.folder / f"{stem}-large-print.pdf")
    named = []
    for number in range(1, count + 1):
        text = _run(
            "pdftotext",
            "-f",
            str(number),
            "-l",
            str(number),
            leaflet.folder / f"{stem}-large-print.pdf",
            "-",
        )
        (footer,) = re.findall(rf"Page {number} of {count} \(leaflet page (\d+)\)", text)
        named.append(int(footer))
    assert named[0] == 1 and named[-1] == leaflet_pages
    assert named == sorted(named)


def test_a_reflow_moves_the_markers_in_the_same_build(tmp_path: Path) -> None:
    """Text added near the start pushes the later pages' first words on (incrementally)."""
    paragraphs = [
        f"Paragraph {n} says something about looking after your feet every day." for n in range(120)
    ]
    source = tmp_path / "feet.md"
    source.write_text(front_matter("Feet") + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    arguments = [
        "build",
        "--jobs",
        "1",
        "-f",
        "pdf",
        "-f",
        "epub",
        "-f",
        "html",
        "-f",
        "txt",
        "--out",
        str(out),
        str(source),
    ]
    assert CliRunner().invoke(cli, arguments).exit_code == 0
    before = epub_markers(out / "feet.epub")[0]
    paragraphs.insert(2, "A new paragraph, long enough to push the text on. " * 6)
    source.write_text(front_matter("Feet") + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    assert CliRunner().invoke(cli, arguments).exit_code == 0
    after = epub_markers(out / "feet.epub")[0]
    assert before[3] != after[3]
    check_every_edition(out, "feet")


def test_a_page_whose_words_an_edition_lacks_is_marked_before_and_noted() -> None:
    from clearleaf.document import load
    from clearleaf.formats import pagination

    pages = pagination.Pagination((("one", "two"), ("three", "four"), ("nowhere", "here")))
    text = "one two\n\nthree four five\n"
    marked, missing = pagination.mark_text(text, pages, lambda n: f"[Page {n}]")
    assert marked == "one two\n\n[Page 2]\n[Page 3]\nthree four five\n"
    assert missing == [3]
    document = load(ROOT / "source" / "what-does-heroin-do-to-the-brain.md")
    (found,) = pagination.unplaced(document, "plain text", missing)
    assert found.code == "pagination.unplaced" and "page(s) 3" in found.message
    assert found.severity.value == "note"


def test_a_weak_match_far_ahead_does_not_pull_the_later_pages_past_their_places() -> None:
    """A page the edition words differently is looked for with fewer words, but only
    before the next page found whole: two of its words recurring in a later chapter
    once pulled every later page of pandoc's manual past its place."""
    from clearleaf.formats import pagination

    pages = pagination.Pagination(
        (
            ("Chapter", "one", "begins"),
            ("Metadata", "values", "specified", "in", "a", "file"),  # reworded below
            ("Then", "chapter", "two", "opens"),
            ("And", "chapter", "three"),
        )
    )
    text = (
        "Chapter one begins here. Values given in a file win.\n\n"
        "Then chapter two opens. And chapter three.\n\n"
        "Appendix: values specified in square brackets.\n"
    )
    places = pagination.find(pages, [text])
    assert [None if place is None else text[place[1] :][:8] for place in places] == [
        "Chapter ",
        "in a fil",  # the words it shares, found before page 3, not in the appendix
        "Then cha",
        "And chap",
    ]

# Text in other scripts is what this module is about.
# ruff: noqa: RUF001
"""Legitimate but unusual sources build, and every edition keeps every character of them.

``tests/unusual/`` holds right-to-left text, emoji, combining marks,
zero-width characters, repeated headings, a byte-order mark and Windows line
endings; a 10,000-row table and a long booklet are written here at test time.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import lxml.html
import pytest
from wellformed import html_problems, xhtml_problems

from pipeline import build as builder
from pipeline.context import Context

UNUSUAL = Path(__file__).resolve().parent / "unusual"
FAST = builder.resolve_formats(["html", "epub", "txt"])

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
    "byte-order-mark.md": ["Check your feet every day."],
    "crlf.md": ["Wash your feet in warm water."],
}


def build(source: Path, out: Path, formats: list[builder.Format] = FAST) -> builder.Report:
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
        "html": lxml.html.fromstring(html).xpath("//main")[0].text_content(),
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
        assert [kept for kept in KEPT[name] if kept not in text] == [], edition


@pytest.mark.parametrize("name", ["right-to-left.md", "emoji.md"])
def test_unusual_source_prints(name: str, tmp_path: Path) -> None:
    build(UNUSUAL / name, tmp_path, builder.resolve_formats(["pdf"]))
    assert (tmp_path / f"{Path(name).stem}.pdf").read_bytes().startswith(b"%PDF-")


def test_right_to_left_passages_keep_their_direction(tmp_path: Path) -> None:
    build(UNUSUAL / "right-to-left.md", tmp_path)
    tree = lxml.html.fromstring((tmp_path / "right-to-left.html").read_bytes())
    marked = {(e.get("lang"), e.get("dir")) for e in tree.xpath("//main//*[@dir]")}
    assert {("ar", "rtl"), ("he", "rtl"), ("fa", "rtl"), ("ur", "rtl")} <= marked


def test_repeated_headings_get_their_own_identifiers(tmp_path: Path) -> None:
    """Pandoc numbers repeats; a heading named like a part of the page ("Title") moves aside."""
    build(UNUSUAL / "duplicate-headings.md", tmp_path)
    tree = lxml.html.fromstring((tmp_path / "duplicate-headings.html").read_bytes())
    ids = [e.get("id") for e in tree.xpath("//*[@id]")]
    assert len(ids) == len(set(ids))
    headings = {e.text_content(): e.get("id") for e in tree.xpath("//main//h2")}
    assert headings["Title"] == "title-1"
    assert headings["Main"] == "main-1"
    assert headings["Footnotes"] == "footnotes-1"
    links = tree.xpath("//nav//a/@href")
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


FRONT_MATTER = """\
---
title: {title}
lang: en-GB
organisation: Example NHS Foundation Trust
description: A long source, to show that long sources build.
published: 2026-05-01
next_review: 2028-05-01
---

"""


def test_a_table_of_10000_rows(tmp_path: Path) -> None:
    source = tmp_path / "table.md"
    rows = "".join(f"| Clinic {i} | {i % 24:02d}:00 |\n" for i in range(10_000))
    source.write_text(
        FRONT_MATTER.format(title="Clinic Times")
        + "Every clinic and when it opens.\n\n## Clinics\n\n| Clinic | Opens |\n|---|---|\n"
        + rows,
        encoding="utf-8",
    )
    build(source, tmp_path, builder.resolve_formats(["html", "txt"]))
    html = (tmp_path / "table.html").read_bytes()
    assert html_problems(html) == []
    assert len(lxml.html.fromstring(html).xpath("//main//tbody/tr")) == 10_000
    text = (tmp_path / "table.txt").read_text(encoding="utf-8")
    assert len(re.findall(r"^Clinic \d+ ", text, re.MULTILINE)) == 10_000


def test_a_long_booklet(tmp_path: Path) -> None:
    source = tmp_path / "booklet.md"
    paragraph = "Check your feet every day and tell your nurse about any change you see. " * 8
    sections = "".join(
        f"## Section {number}\n\n" + (paragraph + "\n\n") * 10 for number in range(30)
    )
    source.write_text(FRONT_MATTER.format(title="A Long Booklet") + sections, encoding="utf-8")
    assert source.stat().st_size > 150_000
    build(source, tmp_path, builder.resolve_formats(["html", "txt"]))
    tree = lxml.html.fromstring((tmp_path / "booklet.html").read_bytes())
    assert len(tree.xpath("//main//h2")) == 30
    assert len(tree.xpath("//nav//a[starts-with(@href, '#section-')]")) == 30

"""Small, pure helpers shared by the test modules; they never use the pipeline's own code."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import pikepdf
from lxml import etree

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^(```|~~~)")


def words(text: str) -> list[str]:
    """The whitespace-separated words of ``text`` (any Unicode space, NBSP included)."""
    return text.split()


def missing_in_order(expected: list[str], actual: list[str]) -> list[str]:
    """The words of ``expected`` left over when matching it in order against ``actual``."""
    position = 0
    for word in actual:
        if position < len(expected) and word == expected[position]:
            position += 1
    return expected[position:]


_FOOTNOTE = re.compile(r"^\[\^[^\]]+\]:")


def source_headings(markdown: str) -> list[tuple[int, str]]:
    """The ATX headings of a Markdown source as (level, text), front matter and code excluded.

    A source with footnotes also gets the pipeline's own "Notes" section, last.
    """
    found: list[tuple[int, str]] = []
    in_code = False
    lines = markdown.splitlines()
    if lines and lines[0] == "---":
        closing = next(i for i, line in enumerate(lines[1:], 1) if line in ("---", "..."))
        lines = lines[closing + 1 :]
    for line in lines:
        if _FENCE.match(line):
            in_code = not in_code
            continue
        match = None if in_code else _HEADING.match(line)
        if match:
            found.append((len(match[1]), match[2]))
    if any(_FOOTNOTE.match(line) for line in lines):
        found.append((2, "Notes"))
    return found


def display_width(text: str) -> int:
    """Columns ``text`` takes in a monospaced terminal: wide characters count two, marks none."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Cf", "Mn", "Me"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pdf_pages_text(path: Path) -> list[str]:
    """The text of each page of a PDF, in reading order, from poppler's ``pdftotext``."""
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext not found: install poppler-utils (Debian) to run the PDF tests"
    result = subprocess.run(
        [tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    pages = result.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


#: The files a build writes besides the editions: the catalogue's index page and feed.
CATALOGUE_FILES = ("index.html", "opds.json")


def replace_once(text: str, old: str, new: str) -> str:
    """``text`` with its first ``old`` replaced; fails loudly when ``old`` is absent."""
    assert old in text, f"cannot break the copy: {old!r} not found"
    return text.replace(old, new, 1)


def front_matter(
    title: str = "A Leaflet",
    lang: str = "en-GB",
    description: str = "What the leaflet covers.",
    extra: str = "",
) -> str:
    """Complete, valid front matter (a test source then builds without a warning), and a blank line.

    ``extra`` is more YAML, whole lines ending in a newline.
    """
    return (
        "---\n"
        f"title: {title}\n"
        f"lang: {lang}\n"
        "organisation: Clearleaf Test Trust\n"
        f"description: {description}\n"
        "published: 2026-01-15\n"
        "next_review: 2030-01-15\n"
        "contact:\n"
        "  email: help@example.org\n"
        "feedback: Email help@example.org.\n"
        "sources:\n"
        "  - An example source.\n"
        f"{extra}---\n\n"
    )


def write_source(folder: Path, name: str, body: str, title: str = "A Leaflet") -> Path:
    """Write ``folder/name.md``: :func:`front_matter`, then ``body``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    path.write_text(front_matter(title) + body + "\n", encoding="utf-8")
    return path


#: Front matter with the required keys only (a build warns of the PIF TICK items missing).
REQUIRED_FRONT_MATTER = """\
---
title: Looking After Your Feet
lang: en-GB
organisation: Example NHS Foundation Trust
description: Simple daily checks that keep your feet healthy.
published: 2026-05-01
next_review: 2028-05-01
---

"""


def is_pdf_true(dictionary: pikepdf.Object, key: str) -> bool:
    """Whether ``key`` of a PDF dictionary is the boolean true (pikepdf reads it as ``True``)."""
    value: object = dictionary.get(key)
    return value is True


# -- XPath with the types lxml's answers have --------------------------------------
#
# ``xpath()`` may answer a node set, a string, a number or a boolean; each
# helper says which it expects and fails when the expression gives another.


def xpath_elements(
    node: etree._Element, path: str, namespaces: Mapping[str, str] | None = None
) -> list[etree._Element]:
    """The elements ``path`` selects from ``node``."""
    found = node.xpath(path, namespaces=namespaces)
    assert isinstance(found, list), f"{path!r} gives {found!r}, not a node set"
    elements = [item for item in found if isinstance(item, etree._Element)]
    assert len(elements) == len(found), f"{path!r} selects more than elements: {found!r}"
    return elements


def xpath_strings(
    node: etree._Element, path: str, namespaces: Mapping[str, str] | None = None
) -> list[str]:
    """The text nodes or attribute values ``path`` selects from ``node``."""
    found = node.xpath(path, namespaces=namespaces)
    assert isinstance(found, list), f"{path!r} gives {found!r}, not a node set"
    strings = [item for item in found if isinstance(item, str)]
    assert len(strings) == len(found), f"{path!r} selects more than strings: {found!r}"
    return strings


def xpath_string(
    node: etree._Element, path: str, namespaces: Mapping[str, str] | None = None
) -> str:
    """The string an XPath string expression (``string(...)``, ``normalize-space(...)``) gives."""
    found = node.xpath(path, namespaces=namespaces)
    assert isinstance(found, str), f"{path!r} gives {found!r}, not a string"
    return found


def text_content(element: etree._Element) -> str:
    """All the text inside ``element``, as lxml.html's ``text_content()`` gives it."""
    return xpath_string(element, "string()")

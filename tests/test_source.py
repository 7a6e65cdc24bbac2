"""The leaflet source: faithful to the seed text, complete front matter, notes for the editor."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import lxml.html
import pytest
from conftest import LEAFLET_SOURCE, ROOT, Built
from helpers import missing_in_order, text_content, words, xpath_elements, xpath_string

# CI runs in a fresh clone with shared/ beside it; locally shared/ is beside the work tree too.
SEED = ROOT.parent / "shared" / "seed" / "what-does-heroin-do-to-the-brain.txt"


@pytest.fixture(scope="module")
def seed() -> tuple[str, str, list[str]]:
    """The seed as (organisation, title, body words)."""
    if not SEED.is_file():
        pytest.skip(f"seed text not available at {SEED}")
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]
    content = [line for line in lines if line]
    organisation, title, *body = content
    return organisation, title, words(" ".join(body))


def txt_body_words(text: str) -> list[str]:
    """The words of the plain-text edition without heading underlines."""
    lines = [line for line in text.splitlines() if not re.fullmatch(r"\s*[=-]{3,}\s*", line)]
    return words("\n".join(lines))


def html_main_words(html: bytes) -> list[str]:
    """The words of the web page's <main> element."""
    tree = lxml.html.fromstring(html)
    (main,) = xpath_elements(tree, "//main")
    return words(text_content(main))


def test_missing_in_order_rejects_dropped_and_reordered_words() -> None:
    expected = words("one two three four")
    assert missing_in_order(expected, words("zero one two extra three four end")) == []
    assert missing_in_order(expected, words("one two four")) == ["three", "four"]
    assert missing_in_order(expected, words("one three two four")) == ["three", "four"]


def test_seed_matches_metadata(seed: tuple[str, str, list[str]], leaflet: Built) -> None:
    organisation, title, _body = seed
    assert leaflet.meta.organisation == organisation
    assert leaflet.meta.title == title


def test_every_seed_word_in_plain_text(seed: tuple[str, str, list[str]], leaflet: Built) -> None:
    organisation, title, body = seed
    text = leaflet.read("txt").decode("utf-8")
    assert text.startswith(title + "\n")
    assert organisation in text
    assert missing_in_order(body, txt_body_words(text)) == []


def test_every_seed_word_in_html(seed: tuple[str, str, list[str]], leaflet: Built) -> None:
    organisation, title, body = seed
    html = leaflet.read("html")
    tree = lxml.html.fromstring(html)
    assert xpath_string(tree, "string(//h1)").strip() == title
    assert xpath_string(tree, "string(//header//*[@class='organisation'])").strip() == organisation
    assert missing_in_order(body, html_main_words(html)) == []


def test_html_main_adds_no_words_to_seed(seed: tuple[str, str, list[str]], leaflet: Built) -> None:
    """The body of the web page is the seed's body, word for word: nothing added, nothing lost."""
    _organisation, _title, body = seed
    assert html_main_words(leaflet.read("html")) == body


def test_front_matter_fields(leaflet: Built) -> None:
    meta = leaflet.meta
    assert meta.title == "What Does Heroin Do To The Brain"
    assert meta.lang == "en-GB"
    assert meta.organisation == "Anormed UK"
    assert len(meta.description.split()) >= 10
    assert isinstance(meta.published, dt.date)
    assert isinstance(meta.next_review, dt.date)
    assert meta.next_review > meta.published


def front_matter(text: str) -> str:
    """The YAML between the opening and the closing '---' lines."""
    match = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    assert match, "no front matter"
    return match[1]


def test_source_flags_dates_for_the_editor() -> None:
    yaml_comments = re.findall(r"^\s*#(.*)$", front_matter(_leaflet_text()), re.MULTILINE)
    note = " ".join(yaml_comments)
    assert "EDITOR" in note
    assert re.search(r"\bdates?\b", note)
    assert "publication" in note and "review" in note


def test_source_flags_contact_details_for_the_editor() -> None:
    comments = re.findall(r"<!--(.*?)-->", _leaflet_text(), re.DOTALL)
    assert any("EDITOR" in c and "contact details" in c for c in comments), comments


def _leaflet_text() -> str:
    return Path(LEAFLET_SOURCE).read_text(encoding="utf-8")

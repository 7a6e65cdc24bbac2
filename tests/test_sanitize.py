"""clearleaf.sanitize's policy: what is published, what is refused, and the nh3 backstop."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from conftest import CONSTRUCTS_SOURCE, LEAFLET_SOURCE, ROOT, Writer
from helpers import REQUIRED_FRONT_MATTER

from clearleaf import fragment, pandoc, sanitize
from clearleaf.context import STYLES_DIR
from clearleaf.document import load
from clearleaf.errors import PipelineError, Severity
from clearleaf.sourcemap import Source


def refusal(write: Writer, body: str) -> str:
    """The errors loading ``body`` gives, a line each."""
    with pytest.raises(PipelineError) as caught:
        load(write(REQUIRED_FRONT_MATTER + body))
    return "\n".join(str(d) for d in caught.value.diagnostics)


def warnings(write: Writer, body: str) -> tuple[list[str], str]:
    """The warnings loading ``body`` gives, and its web page's body."""
    document = load(write(REQUIRED_FRONT_MATTER + body))
    found = [str(d) for d in document.diagnostics if d.severity is Severity.WARNING]
    return found, document.body_html


def test_the_raw_html_subset_is_published(write: Writer) -> None:
    document = load(
        write(
            REQUIRED_FRONT_MATTER
            + 'Call <abbr title="National Health Service">NHS</abbr> 111: press '
            '<kbd>1</kbd>, then ask for <bdi lang="ar" dir="rtl">محمد</bdi>.<br>'
            'Open until <time datetime="20:00">8 pm</time>; H<sub>2</sub>O.\n'
        )
    )
    body = document.body_html
    for kept in (
        '<abbr title="National Health Service">NHS</abbr>',
        "<kbd>1</kbd>",
        '<bdi lang="ar" dir="rtl">محمد</bdi>',
        '<time datetime="20:00">8 pm</time>',
        "<sub>2</sub>",
    ):
        assert kept in body


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "<javascript:alert(1)>",
        "&#x20;javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,hi",
        "file:///etc/passwd",
        "ftp://example.org/leaflet.pdf",
    ],
)
def test_links_that_are_removed(write: Writer, address: str) -> None:
    found, body = warnings(write, f"[Book a visit]({address})\n")
    assert len(found) == 1
    assert "warning source.unsafe-link: link to " in found[0]
    assert "removed, its text kept" in found[0]
    assert "Book a visit" in body
    assert "<a " not in body


@pytest.mark.parametrize(
    "address",
    [
        "https://example.org/feet",
        "http://example.org/feet",
        "mailto:feet@example.org",
        "tel:03001234567",
        "sms:838255",
        "#every-day",
    ],
)
def test_links_that_are_published(write: Writer, address: str) -> None:
    document = load(write(REQUIRED_FRONT_MATTER + f"[Book a visit]({address})\n\n## Every Day\n"))
    assert f'href="{address}"' in document.body_html


def test_a_broken_address_is_a_warning_not_a_crash() -> None:
    # Pandoc (3.9) percent-encodes brackets in addresses; should one reach the
    # check, it is still one line, not a traceback, and the text is kept.
    link = {"t": "Link", "c": [["", [], []], [{"t": "Str", "c": "Book"}], ["http://[oops", ""]]}
    tree = {"blocks": [{"t": "Para", "c": [link]}]}
    checked, result = sanitize.check(tree, Path("doc.md"), Source.parse("\n[Book](http://[oops)\n"))
    assert [str(d) for d in result.diagnostics] == [
        "doc.md:2:8: warning source.bad-link: link address 'http://[oops' is not a valid address, "
        "so its text is shown without a link; check the address"
    ]
    assert checked["blocks"] == [{"t": "Para", "c": [{"t": "Str", "c": "Book"}]}]


def test_a_misspelt_attribute_gets_a_suggestion(write: Writer) -> None:
    assert refusal(write, "Say [bore da]{lnag=cy}.\n") == (
        "doc.md:10:15: error source.unknown-attribute: attribute 'lnag' in {...} is not one the "
        "pipeline knows; did you mean 'lang'? (allowed: dir, height, lang, title, width, "
        "classes and #identifiers)"
    )


def test_an_attribute_that_means_nothing_is_removed(write: Writer) -> None:
    found, body = warnings(write, "Say [bore da]{data-tracking=7}.\n")
    assert found == [
        "doc.md:10:15: warning source.unknown-attribute: attribute 'data-tracking' in {...} "
        "removed: it means nothing to any edition (the pipeline uses dir, height, lang, title, "
        "width, classes and #identifiers)"
    ]
    assert "tracking" not in body


@pytest.mark.parametrize(
    ("body", "expected", "gone"),
    [
        ("<svg><script>alert(1)</script></svg>\n\nText.\n", "HTML <svg> removed", "alert"),
        ("<?php echo 1; ?>\n\nText.\n", "raw HTML <?php echo 1; ?> removed", "php"),
        ('Text <abbr style="color:white">NHS</abbr>.\n', "a style attribute on <abbr>", "white"),
        ("Text `<script>alert(1)</script>`{=html}\n", "HTML <script> removed", "alert"),
        ("```{=html5}\n<iframe></iframe>\n```\n\nText.\n", "HTML <iframe> removed", "iframe"),
        ("```{=latex}\n\\input{x}\n```\n\nText.\n", "raw {=latex} content removed", "input"),
        (
            '::: {.callout aria-hidden="true"}\nText.\n:::\n',
            "attribute 'aria-hidden'",
            "aria-hidden",
        ),
        ('Text <span onclick="alert(1)">NHS</span>.\n', "'onclick' on <span> removed", "alert"),
        ('<form action="/x">\n\nText.\n\n</form>\n', "HTML <form> removed", "form"),
    ],
)
def test_what_is_removed(write: Writer, body: str, expected: str, gone: str) -> None:
    """What no edition may carry is removed with a warning at its line; the rest is published."""
    found, html = warnings(write, body)
    assert any(expected in line and " warning source." in line for line in found), found
    assert gone not in html
    assert "Text" in html


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Text.[^1]\n\n[^1]: One.\n\n[^1]: Two.\n", "footnote [^1] is defined a second time"),
        ("## Notes {#footnotes-heading}\n", "identifier 'footnotes-heading' is the page's own"),
        ("![A foot](foot.png){.masthead}\n", "class 'masthead' is the page's own"),
    ],
)
def test_what_is_refused(write: Writer, body: str, expected: str) -> None:
    assert expected in refusal(write, body)


def _edition_styles(pattern: str) -> list[Path]:
    """The styles' files that make editions; ``serve``'s own pages show an edition in a
    frame, and the catalogue's index page lists editions, so a source's identifiers and
    classes never meet theirs."""
    return [p for p in STYLES_DIR.glob(pattern) if not p.name.startswith(("serve", "catalogue"))]


def test_reserved_ids_cover_the_page_templates() -> None:
    """Every identifier the page itself uses is reserved, so that no source can repeat it."""
    texts = [p.read_text(encoding="utf-8") for p in _edition_styles("*.*html")]
    texts.append((ROOT / "clearleaf" / "page.py").read_text(encoding="utf-8"))
    used = {m for text in texts for m in re.findall(r'\bid="([A-Za-z][\w-]*)"', text)}
    assert used - sanitize.RESERVED_IDS == set()


def test_reserved_classes_cover_the_styles() -> None:
    """Every class the styles give meaning to is the editors' or reserved for the page."""
    css = "\n".join(p.read_text(encoding="utf-8") for p in _edition_styles("*.css"))
    css = re.sub(r"/\*.*?\*/|url\([^)]*\)", "", css, flags=re.DOTALL)
    used = set(re.findall(r"\.([A-Za-z][\w-]*)(?=[^;{}]*\{)", css))
    owned = sanitize.EDITOR_CLASSES | sanitize.RESERVED_CLASSES | sanitize.PANDOC_CLASSES
    assert used - owned == set()


def test_clean_removes_active_content() -> None:
    hostile = (
        '<p onclick="alert(1)">Text <a href="javascript:alert(1)">link</a></p>'
        "<script>alert(1)</script><iframe src=https://example.org></iframe>"
        '<img src=x onerror="alert(1)" alt=""><style>p{display:none}</style>'
        '<td style="position:fixed;text-align:left">1</td>'
    )
    cleaned = sanitize.clean(hostile)
    assert not re.search(r"script|iframe|onclick|onerror|javascript|<style|position", cleaned)
    assert "Text" in cleaned and "link" in cleaned


def _structure(fragment_html: str) -> list[tuple[str, list[tuple[str, str]], str, str]]:
    """Elements, attributes and text of an HTML fragment, CSS declarations normalised."""
    found = []
    for element in lxml.html.fragment_fromstring(fragment_html, create_parent="div").iter():
        attributes = sorted(
            (name, re.sub(r"\s|;$", "", value) if name == "style" else value)
            for name, value in element.attrib.items()
        )
        found.append(
            (
                str(element.tag),
                attributes,
                (element.text or "").strip(),
                (element.tail or "").strip(),
            )
        )
    return found


@pytest.mark.parametrize("source", [CONSTRUCTS_SOURCE, LEAFLET_SOURCE], ids=lambda p: p.stem)
def test_clean_keeps_everything_pandoc_writes_for_a_checked_source(source: Path) -> None:
    """The backstop removes nothing from a real document: no words, no structure lost."""
    document = load(source)
    raw = fragment.enhance(pandoc.to_html(document.ast, source))
    assert _structure(sanitize.clean(raw)) == _structure(raw)


def test_a_repeated_identifier_is_found_where_it_is_written(write: Writer) -> None:
    # Only "{#care}" is the identifier: not the word, nor "#care-home".
    body = "## Care {#care}\n\nTake care of #care-home {#care-team} visits.\n\n[Again]{#care}\n"
    assert refusal(write, body) == (
        "doc.md:14:10: error source.duplicate-id: identifier 'care' is used twice "
        "(also by the heading 'Care'); give each its own"
    )

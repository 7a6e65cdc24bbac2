"""Property-based tests: generated sources never crash the build or break its outputs.

Hypothesis writes Markdown documents from the constructs the pipeline supports,
with words in many scripts (right-to-left, combining marks, emoji, zero-width
characters), and random text full of Markdown's own punctuation. Whatever it
writes, the build ends without a traceback; the web page and the e-book's
XHTML are well formed and inert; the plain text keeps every word and no markup.
Derandomised with few examples, so that CI runs the same cases every time.
"""

from __future__ import annotations

import itertools
import re
import shutil
import unicodedata
import zipfile
from pathlib import Path

import lxml.html
from conftest import FIXTURES, SCREEN_EDITIONS
from helpers import front_matter, text_content, xpath_elements
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from wellformed import html_problems, xhtml_problems

from clearleaf import build as builder
from clearleaf.context import Context
from clearleaf.errors import PipelineError
from clearleaf.report import Report

FRONT_MATTER = front_matter(
    "Generated Document", description="A document written by the property-based tests."
)

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Zero-width and direction characters that must pass through untouched.
INVISIBLE = "\u200b\u200c\u200d\u2060\u200e\u200f\u00ad"
# Letters, marks, digits and symbols (emoji) of every script; no ASCII
# punctuation, so that any left in the plain text is markup that leaked.
_LETTER = st.one_of(
    st.characters(categories=["Ll", "Lo", "Nd"], max_codepoint=0x2FFFF),
    st.characters(categories=["Mn", "So"], max_codepoint=0x1FAFF),
    st.sampled_from("abcdefghijklmnopqrstuvwxyz"),
    st.sampled_from(INVISIBLE),
)
# A word starts with a lower-case ASCII letter that no roman numeral uses,
# and has another character: so never a list marker ("a.", "iv."), a number,
# all capitals, or a mark with nothing to combine with.
WORD = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("abefghjknopqrstuwyz"),
    st.text(_LETTER, min_size=1, max_size=8),
)
WORDS = st.lists(WORD, min_size=1, max_size=8)


@st.composite
def inline(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A piece of a sentence as Markdown, and the words a reader must find in every edition."""
    words = draw(WORDS)
    text = " ".join(words)
    kind = draw(
        st.sampled_from(["plain", "plain", "bold", "code", "link", "lang", "abbr", "kbd", "sup"])
    )
    markdown = {
        "plain": text,
        "bold": f"**{text}**",
        "code": f"`{text}`",
        "link": f"[{text}](https://example.org/{words[0].encode('utf-8').hex()})",
        "lang": f"[{text}]{{lang=cy}}",
        "abbr": f'<abbr title="{words[0]}">{text}</abbr>',
        "kbd": f"<kbd>{text}</kbd>",
        "sup": f"x<sup>{text}</sup>",
    }[kind]
    return markdown, words


@st.composite
def paragraph(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A sentence or two of inline pieces, ending with a full stop."""
    pieces = draw(st.lists(inline(), min_size=1, max_size=4))
    return " ".join(p for p, _ in pieces) + ".", [w for _, ws in pieces for w in ws]


@st.composite
def list_block(draw: st.DrawFn, depth: int, numbered: bool) -> tuple[str, list[str]]:
    """A bulleted or numbered list, maybe with lists nested in its items."""
    items = draw(st.lists(paragraph(), min_size=1, max_size=4))
    lines, words = [], []
    for number, (text, item_words) in enumerate(items, start=1):
        lines.append(f"{number}. {text}" if numbered else f"- {text}")
        words += item_words
        if depth < 2 and draw(st.booleans()):
            nested, nested_words = draw(list_block(depth + 1, draw(st.booleans())))
            lines += ["    " + line for line in nested.splitlines()]
            words += nested_words
    return "\n".join(lines), words


@st.composite
def block(draw: st.DrawFn, depth: int = 0) -> tuple[str, list[str]]:
    """One block construct: paragraph, list, quote, call-out, code, table, image or note."""
    kinds = ["para", "para", "bullets", "numbers", "quote", "code", "table", "image", "note"]
    if depth == 0:
        kinds.append("callout")
    kind = draw(st.sampled_from(kinds))
    if kind == "para":
        return draw(paragraph())
    if kind in ("bullets", "numbers"):
        return draw(list_block(depth, kind == "numbers"))
    if kind == "quote":
        text, words = draw(paragraph())
        return "> " + text, words
    if kind == "callout":
        inner = draw(st.lists(block(depth + 1), min_size=1, max_size=3))
        return "::: callout\n" + "\n\n".join(b for b, _ in inner) + "\n:::", [
            w for _, ws in inner for w in ws
        ]
    if kind == "code":
        words = draw(WORDS)
        return "```\n" + " ".join(words) + "\n```", words
    if kind == "table":
        header = draw(st.lists(WORD, min_size=1, max_size=3))
        rows = draw(
            st.lists(st.lists(WORD, min_size=len(header), max_size=len(header)), max_size=4)
        )
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines), header + [w for row in rows for w in row]
    if kind == "image":
        words = draw(WORDS)
        return f"![{' '.join(words)}](stripes.png)", words
    text, words = draw(paragraph())
    note, note_words = draw(paragraph())
    # document() gives each note its own label.
    return f"{text}[^NOTE]\n\n[^NOTE]: {note}", words + note_words


@st.composite
def document(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A whole body: blocks under well-ordered section headings."""
    parts: list[str] = []
    words: list[str] = []
    labels = itertools.count()
    for section in range(draw(st.integers(min_value=1, max_value=3))):
        if section:
            title = draw(WORDS)
            parts.append("## " + " ".join(title))
            words += title
        for text, block_words in draw(st.lists(block(), min_size=1, max_size=3)):
            # References and definitions come in pairs, in order.
            parts.append(re.sub(r"\[\^NOTE\]", lambda _: f"[^n{next(labels) // 2}]", text))
            words += block_words
    return "\n\n".join(parts) + "\n", words


def _build(tmp_path: Path, body: str) -> tuple[Report, Path]:
    """Build ``body`` under the front matter in the web, e-book and text formats."""
    folder = tmp_path / "doc"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    shutil.copy(FIXTURES / "stripes.png", folder)
    source = folder / "generated.md"
    source.write_text(FRONT_MATTER + body, encoding="utf-8")
    out = folder / "out"
    context = Context(source_date_epoch=None)
    report = builder.build([source], SCREEN_EDITIONS, out, context, jobs=1, force=True)
    return report, out


# An HTML tag, an entity, or Markdown syntax: nothing a reader should see.
_REMNANT = re.compile(r"</?[A-Za-z]|&[#\w]+;|\*\*|\]\(|\]\{|\{[.#=]|:::|`|^\s*#", re.MULTILINE)


def _text_problems(text: str, words: list[str]) -> list[str]:
    problems = [f"markup left: {m[0]!r}" for m in _REMNANT.finditer(text)]
    # A word may be wrapped, never changed: each is a whole word of the text.
    present = set(text.split())
    problems += [f"word lost: {w!r}" for w in words if not any(w in p for p in present)]
    return problems


@SETTINGS
@given(document())
def test_generated_documents_build_whole_and_well_formed(
    tmp_path: Path, generated: tuple[str, list[str]]
) -> None:
    body, written = generated
    # Published in Unicode's composed form (NFC), as HTML and EPUB ask.
    words = [unicodedata.normalize("NFC", word) for word in written]
    report, out = _build(tmp_path, body)
    assert not report.failed, [str(d) for d in report.diagnostics]
    html = (out / "generated.html").read_bytes()
    assert html_problems(html) == []
    main = text_content(xpath_elements(lxml.html.fromstring(html), "//main")[0])
    assert [w for w in words if w not in main] == []
    epub = (out / "generated.epub").read_bytes()
    assert xhtml_problems(epub) == []
    with zipfile.ZipFile(out / "generated.epub") as archive:
        content = archive.read("EPUB/content.xhtml").decode("utf-8")
    assert [w for w in words if w not in content] == []
    text = (out / "generated.txt").read_text(encoding="utf-8")
    assert _text_problems(text, words) == []


# Markdown's and HTML's own punctuation, spaces, line breaks, unusual
# characters and the odd control character, in any order.
NOISE = st.lists(
    st.one_of(
        st.sampled_from(list("#*_`[]()<>{}!|:~^=+-.\\&;\"'/ \n\n\n")),
        st.sampled_from(
            [
                "---",
                ":::",
                "<!--",
                "-->",
                "<b>",
                "</b>",
                "<abbr ",
                "</span>",
                "<div",
                "{#x}",
                "{.callout}",
                "{lang=cy}",
                "onclick=",
                "javascript:",
                "](",
                "[^1]",
                "[^1]: ",
                "![a](stripes.png)",
                "| a | b |\n|---|---|\n",
                "    ",
                "1. ",
                "- ",
                "> ",
            ]
        ),
        st.sampled_from(INVISIBLE + "\ufeff\u202e\u0301\u05d0\u0627"),
        st.characters(exclude_categories=["Cs"]),
        WORD,
    ),
    max_size=150,
).map("".join)


@SETTINGS
@given(NOISE)
def test_random_text_never_crashes_the_build(tmp_path: Path, body: str) -> None:
    try:
        report, out = _build(tmp_path, body)
    except PipelineError as error:  # a usage error is a clean refusal too
        raise AssertionError(str(error)) from error
    event("built" if not report.failed else f"refused: {[d.code for d in report.diagnostics]}")
    for diagnostic in report.input_errors:
        # A refusal is one line naming the file.
        assert "\n" not in str(diagnostic) and "generated.md" in str(diagnostic)
    if not report.failed:
        assert html_problems((out / "generated.html").read_bytes()) == []
        assert xhtml_problems((out / "generated.epub").read_bytes()) == []
        text = (out / "generated.txt").read_text(encoding="utf-8")
        assert not re.search(r"<(script|iframe|style)", text, re.IGNORECASE)

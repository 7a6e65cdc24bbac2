"""The plain-text edition: UTF-8, LF, 72 columns, readable structure, no markup, golden files.

The golden files in tests/golden/ are the reviewed plain-text editions. After a deliberate change,
regenerate them with ``UPDATE_GOLDEN=1 python -m pytest tests/test_txt.py``, read the diff, and
commit them with the change.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Built
from helpers import display_width, replace_once, source_headings

WIDTH = 72
GOLDEN = Path(__file__).resolve().parent / "golden"
REMNANTS = {
    "bold or emphasis markers": re.compile(r"\*\*|__"),
    "an HTML tag": re.compile(r"<[a-z/]"),
    "a Markdown link": re.compile(r"\]\("),
    "a Markdown heading": re.compile(r"^#", re.MULTILINE),
    "a code backtick": re.compile(r"`"),
}
_EMPHASIS = re.compile(r"[*_`]+")


def list_items(markdown: str) -> list[str]:
    """The first two words of every bullet item in a Markdown source (emphasis removed)."""
    body = markdown.split("\n---\n", 1)[1]
    return [
        " ".join(_EMPHASIS.sub("", match).split()[:2])
        for match in re.findall(r"^\s*[-*+][ \t]+(\S.*)$", body, re.MULTILINE)
    ]


#: The line under a heading of each level (the title's is '=').
UNDERLINES = {2: "-", 3: "~", 4: "^", 5: '"', 6: "'"}


def txt_problems(
    data: bytes, title: str, headings: list[tuple[int, str]], items: list[str]
) -> list[str]:
    """Every problem of a plain-text edition."""
    problems = []
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append("encoding: starts with a byte order mark")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return ["encoding: not UTF-8"]
    if "\r" in text:
        problems.append("newlines: carriage returns (only LF allowed)")
    if not text.endswith("\n") or text.endswith("\n\n"):
        problems.append("newlines: the file must end with exactly one newline")
    lines = text.replace("\r", "").split("\n")
    problems += [
        f"width: line {n} is {display_width(line)} columns"
        for n, line in enumerate(lines, 1)
        if display_width(line) > WIDTH
    ]
    if lines[:2] != [title, "=" * display_width(title)]:
        problems.append(f"title: the text must open with the title underlined by '=': {lines[:2]}")
    for level, heading in headings:
        mark = UNDERLINES[level]
        underlined = any(
            line.strip() == heading and nxt.strip() == mark * display_width(heading)
            for line, nxt in itertools.pairwise(lines)
        )
        if not underlined:
            problems.append(f"heading: {heading!r} is not underlined with {mark!r}")
    for item in items:
        if not any(re.match(rf"\s*- {re.escape(item)}\b", line) for line in lines):
            problems.append(f"list: no line '- {item} ...'")
    problems += [
        f"list: line {n} uses another bullet: {line!r}"
        for n, line in enumerate(lines, 1)
        if re.match(r"\s*([*+\u2022\u25e6]|\d+\))\s", line)
    ]
    problems += [f"markup: {name}" for name, pattern in REMNANTS.items() if pattern.search(text)]
    return problems


def expected(built: Built) -> tuple[str, list[tuple[int, str]], list[str]]:
    """Title, headings (level and text) and list items of ``built``, from its source."""
    return built.meta.title, source_headings(built.markdown), list_items(built.markdown)


def test_txt_problems(built: Built) -> None:
    assert txt_problems(built.read("txt"), *expected(built)) == []


BREAKAGES: list[tuple[str, Callable[[str], str]]] = [
    ("encoding:", lambda t: "\ufeff" + t),
    ("newlines:", lambda t: t.replace("\n", "\r\n")),
    ("newlines:", lambda t: t + "\n"),
    ("width:", lambda t: replace_once(t, "\n\n", "\n" + "word " * 15 + "\n\n")),
    ("title:", lambda t: replace_once(t, "=\n", "\n")),
    ("heading:", lambda t: replace_once(t, "Conclusion\n----------", "Conclusion\n")),
    ("heading:", lambda t: replace_once(t, "Conclusion\n----------", "Conclusion\n==========")),
    ("list:", lambda t: replace_once(t, "- Euphoria", "Euphoria")),
    ("list:", lambda t: replace_once(t, "- Euphoria", "* Euphoria")),
    ("markup:", lambda t: replace_once(t, "Euphoria", "**Euphoria**")),
    ("markup:", lambda t: replace_once(t, "Euphoria", "__Euphoria__")),
    ("markup:", lambda t: replace_once(t, "Conclusion\n", "<b>Conclusion</b>\n")),
    ("markup:", lambda t: replace_once(t, "Conclusion\n", "[Conclusion](#conclusion)\n")),
    ("markup:", lambda t: replace_once(t, "Conclusion\n---", "## Conclusion\n---")),
    ("markup:", lambda t: replace_once(t, "naloxone", "`naloxone`")),
]


@pytest.mark.parametrize(
    ("expect", "breaker"),
    BREAKAGES,
    ids=[f"{e.rstrip(':')}-{i}" for i, (e, _) in enumerate(BREAKAGES)],
)
def test_txt_problems_rejects_broken_copy(
    leaflet: Built, expect: str, breaker: Callable[[str], str]
) -> None:
    broken = breaker(leaflet.read("txt").decode("utf-8")).encode("utf-8")
    problems = txt_problems(broken, *expected(leaflet))
    assert any(problem.startswith(expect) for problem in problems), problems


def test_txt_problems_rejects_invalid_utf8(leaflet: Built) -> None:
    assert txt_problems(b"\xff\xfe" + leaflet.read("txt"), *expected(leaflet)) == [
        "encoding: not UTF-8"
    ]


def test_constructs_survive_in_plain_text(constructs: Built) -> None:
    text = constructs.read("txt").decode("utf-8")
    lines = text.splitlines()
    assert "the Example Domain reference page (https://example.org)" in " ".join(text.split())
    assert "[Image: Blue and yellow stripes]" in lines
    assert any("The source is a made-up footnote for testing." in line for line in lines)
    assert "A statement that needs a source.[1]" in lines
    body = lines[: lines.index("Sources")]  # the colophon's numbered sources come after
    numbered = [line for line in body if re.match(r"\d\. ", line)]
    assert numbered == ["1. Read the leaflet.", "2. Ask a question.", "3. Keep the leaflet safe."]
    assert any(re.fullmatch(r"\s+- with a strap", line) for line in lines), (
        "nested item not indented"
    )
    assert "Doses and times of day" in lines
    assert "Bonjour" in text and "inline code" in text
    assert any(line.strip() == "> Ask for help early; it is never too late." for line in lines), (
        "block quote not marked as a quotation"
    )


def test_leaflet_keeps_callout_and_colophon(leaflet: Built) -> None:
    text = " ".join(leaflet.read("txt").decode("utf-8").split())
    assert "Our trained addiction counsellors are available 24 hours a day to help you" in text
    assert "Published by Anormed UK on 24 November 2026." in text
    assert "Next review due by 24 November 2028." in text


@pytest.mark.parametrize("doc", ["leaflet", "constructs"])
def test_matches_golden_file(request: pytest.FixtureRequest, doc: str) -> None:
    built: Built = request.getfixturevalue(doc)
    golden = GOLDEN / f"{built.source.stem}.txt"
    actual = built.read("txt")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(actual)
    assert golden.is_file(), f"no golden file {golden.name}; run with UPDATE_GOLDEN=1 and review it"
    assert actual.decode("utf-8").splitlines() == golden.read_text(encoding="utf-8").splitlines()
    assert actual == golden.read_bytes()

"""A bounded fuzz run: whatever a source holds, clearleaf answers without a traceback.

Unlike the property tests (valid documents, exact outputs), these sources are
anything: the constructs real Markdown contains, broken ones (unclosed fences,
stray front matter, raw HTML, dangling references), front matter with the
wrong types, YAML anchors and aliases, byte-order marks, control characters
and text in many scripts, cut and spliced at random. Each goes through
``check``, some through ``build`` in every edition; a source may have
findings (exit code 1) or be refused (exit code 2), but only with located
messages: never an internal error, a traceback, or exit code 3.

What ``check`` accepts must then publish: a few hundred more sources are
built as web pages and e-books, and every one built is judged by the Nu Html
Checker and EPUBCheck, each run once on the whole batch. A value the source
wrote that a format constrains (a language tag, a date, an identifier) is
refused at its line or made valid, never copied into an invalid edition.

Derandomised, so that CI runs the same cases every time; a few minutes in all.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
import validators
from click.testing import CliRunner, Result
from helpers import CATALOGUE_FILES, front_matter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearleaf.cli import cli
from clearleaf.editions import EDITIONS

# The slow tier (the @given functions are inside the tests, where
# Hypothesis's plugin does not see them to mark them itself).
pytestmark = pytest.mark.hypothesis

CHECKED = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
BUILT = settings(CHECKED, max_examples=40)
VALIDATED = settings(CHECKED, max_examples=600)

BLOCKS = [
    "# Heading\n",
    "Setext heading\n==============\n",
    "## Section {#sec:one .class lang=cy}\n",
    "####### seven hashes\n",
    "Plain words, 0800 123 4567 and 1.5 mg.\n",
    "1. one\n2. two\n   - nested\n     1. deeper\n",
    "3) starts at three\n4) four\n",
    "- [ ] task\n- [x] done\n",
    "> quoted\n> > twice\n",
    "::: {.callout}\nA call-out.\n:::\n",
    "::: unclosed\ntext\n",
    "```python\nprint('code')\n```\n",
    "```\nunclosed fence\n",
    "    indented code\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "| broken | table\n|---|\n| x |\n",
    "+---+---+\n| a | b |\n+===+===+\n| 1 | 2 |\n+---+---+\n",
    "Term\n: Definition\n",
    "Text with a note.[^1]\n\n[^1]: The note.\n",
    "A dangling note.[^missing]\n",
    "[a link](https://example.org/a_(b)) and <https://example.org>\n",
    "[reference][nowhere] and [empty]()\n",
    "![An image](missing.png)\n",
    "![](decorative.png)\n",
    '<div onclick="x()"><script>alert(1)</script></div>\n',
    '<span lang="ar" dir="rtl">مرحبا</span> <abbr title="x">X</abbr>\n',
    "<!-- a comment -->\n<details><summary>More</summary>Hidden</details>\n",
    '<time datetime="2026-01-01">1 January</time> <kbd>Ctrl</kbd>\n',
    "[Bore da]{lang=cy} [x]{.smallcaps} H~2~O x^2^\n",
    # Values a format constrains: refused at their line, or made valid.
    '[Bore da]{lang="=or"} <time datetime="2026> > 03">March</time> [x]{dir=up} <bdo>y</bdo>\n',
    '<time>1 January</time> <time>2026-03</time> <abbr lang="cy" title="x">GIG</abbr>\n',
    '[right]{dir=rtl} <bdo dir="rtl">abc</bdo> <bdi>x</bdi> [?]{lang=""}\n',
    "## First things {#1st}\n\nSee [the first](#1st) and [the section](#sec:one).\n",
    "$x^2$ and $$\\int f$$\n",
    "---\ntitle: a second front matter\n---\n",
    "***\n",
    "Line one  \nline two\\\nline three\n",
    "\\*not emphasis\\* *emphasis* **strong** ~~gone~~\n",
    "स्वास्थ्य सूचना। আপনার স্বাস্থ্য। 健康 건강 ສຸຂະພາບ\n",
    "\u200b\u200e\u202e reversed \u202c\u00ad\ufeff\n",
    "Control \x01\x07\x1b[31m characters\x7f\n",
    "References &#7; &#x1B;[31m &#0; &#x93;quoted&#x94; &#xFFFE; &#xD800; `&#7;`\n",
    "@citation and [@ref, p. 3]\n",
    "```{=html}\n<iframe src=x></iframe>\n```\n",
    "```{=latex}\n\\input{/etc/passwd}\n```\n",
    '<img src="../../secret.png" alt="out">\n',
    "[link](file:///etc/passwd) [js](javascript:alert(1))\n",
]

FRONT_MATTER_LINES = [
    "title: [a, list]\n",
    "title: \n",
    "lang: =or\n",
    "lang: xx-Invalid-Tag-Value\n",
    "published: not a date\n",
    "next_review: 2020-02-30\n",
    "keywords: &k [a, b]\nsubjects: *k\n",
    "keywords: &a [x, *a]\n",
    "contact: {email: [1, 2]}\n",
    "description: |\n  many\n  lines\n",
    "organisation: !!binary aGVsbG8=\n",
    "unknown_key: {nested: {deeper: [1, {x: y}]}}\n",
    "reading_age_target: -3\n",
    "\ttab: indented\n",
    "title: 'unclosed\n",
    "? complex key\n: value\n",
    'subtitle: "escapes \\a \\e[31m \\0 \\x85 \\ud800"\n',
    'authors: ["\\x07", {"\\0": x}]\n',
]

TEXT = st.text(
    st.one_of(
        st.sampled_from("#*_`[](){}<>|:-=~^\\!&;\"'\n\t 0123456789abcxyz.,"),
        st.characters(max_codepoint=0x2FFFF, exclude_categories=["Cs", "Cc", "Co", "Cn"]),
    ),
    max_size=40,
)


@st.composite
def sources(draw: st.DrawFn) -> bytes:
    """A source: front matter (mostly right) and blocks, spliced with random text.

    The choices come from ``random.Random`` seeded by Hypothesis: its own
    draws favour the first and smallest values, which would make almost
    every source a broken one.
    """
    chance = random.Random(draw(st.integers(0, 2**32 - 1)))
    extra = "".join(chance.sample(FRONT_MATTER_LINES, chance.choice([1, 1, 2])))
    wrong = front_matter("Fuzzed", extra=extra)
    head = chance.choices(
        [front_matter("Fuzzed"), wrong, wrong.replace("---\n", "", 1), wrong[:-6], ""],
        weights=[70, 15, 5, 5, 5],
    )[0]
    parts = [
        chance.choice(BLOCKS) if chance.random() < 0.7 else draw(TEXT)
        for _ in range(chance.randint(1, 12))
    ]
    body = "\n".join(parts)
    if chance.random() < 0.5:  # cut and splice: constructs broken in the middle
        at = chance.randint(0, len(body))
        body = body[:at] + draw(TEXT) + body[at + chance.randint(0, 20) :]
    text = head + body
    if chance.random() < 0.1:
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    if chance.random() < 0.1:
        data = b"\xef\xbb\xbf" + data
    if chance.random() < 0.03:
        data = data.replace(b"e", b"\xff", 1)  # not UTF-8
    return data


def run(arguments: list[str]) -> Result:
    """The CLI in this process, insisting that it ended as designed."""
    result = CliRunner().invoke(cli, arguments)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1, 2), result.output  # success, findings, refused
    assert "internal error" not in result.output, result.output
    assert "Traceback" not in result.output, result.output
    return result


def located(result: Result, path: Path) -> None:
    """Every error names the source (with its line where it has one)."""
    for line in result.output.splitlines():
        if ": error " in line:
            assert line.startswith(f"{path}:") or line.startswith(f"{path.name}:"), line


def test_check_answers_every_source_without_a_traceback() -> None:
    outcomes: Counter[int] = Counter()

    @CHECKED
    @given(sources())
    def check(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "doc.md"
            path.write_bytes(data)
            result = run(["check", str(path)])
            located(result, path)
            outcomes[result.exit_code] += 1

    check()
    # Enough of them are accepted for the fuzzing to reach past the front matter.
    assert outcomes[0] >= 80 and outcomes[1] + outcomes[2] >= 30, outcomes


def test_build_answers_every_source_without_a_traceback() -> None:
    outcomes: Counter[int] = Counter()

    @BUILT
    @given(sources())
    def build(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path, out = Path(folder) / "doc.md", Path(folder) / "out"
            path.write_bytes(data)
            result = run(["build", "--jobs", "1", "--out", str(out), str(path)])
            located(result, path)
            written = sorted(p.name for p in out.glob("*") if p.is_file())
            if result.exit_code == 0:
                assert len(written) == len(EDITIONS) + len(CATALOGUE_FILES), written
            else:
                assert written == [], written  # a refused source leaves nothing behind
            outcomes[result.exit_code] += 1

    build()
    assert outcomes[0] >= 8 and outcomes[1] + outcomes[2] >= 4, outcomes


@pytest.mark.validators
def test_what_check_accepts_builds_valid_web_pages_and_e_books(tmp_path: Path) -> None:
    built: dict[Path, bytes] = {}  # each built web page, e-book and folder -> its source
    outcomes: Counter[int] = Counter()

    @VALIDATED
    @given(sources())
    def build(data: bytes) -> None:
        folder = tmp_path / f"case-{outcomes.total()}"
        folder.mkdir()
        path, out = folder / "doc.md", folder / "out"
        path.write_bytes(data)
        result = run(
            ["build", "--jobs", "1", "--format", "html,epub", "--out", str(out), str(path)]
        )
        outcomes[result.exit_code] += 1
        if result.exit_code == 0:
            built[folder] = data
        else:
            shutil.rmtree(folder)

    build()
    assert outcomes[0] >= 150, outcomes
    pages = {folder / "out" / "doc.html": folder for folder in built}
    books = {folder / "out" / "doc.epub": folder for folder in built}
    failures = []
    for found, by_file in (
        (validators.vnu(list(pages)), pages),
        (validators.epubcheck_many(list(books)), books),
    ):
        for file, findings in found.items():
            if findings.problems:
                source = built[by_file[file]].decode("utf-8", "replace")
                failures.append(f"{file.name} of {source!r}:\n  " + "\n  ".join(findings.problems))
    assert not failures, f"{len(failures)} invalid edition(s):\n" + "\n".join(failures)

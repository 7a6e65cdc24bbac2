"""Characters no edition can hold, written as YAML escapes or character references.

A control character typed into a source is refused when the file is read
(``source.control-character``, tests/bad/control-character.md). Written as an
escape in the front matter (``"A\\x07B"``) or as a numeric character reference
in the body (``&#7;``), it reached the editions once YAML or pandoc had
decoded it: an internal error, or a web page, e-book and XMP that are not
valid. Each is refused at the escape or the reference, naming the code point.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import Writer
from helpers import REQUIRED_FRONT_MATTER, front_matter

from clearleaf.cli import cli
from clearleaf.document import load
from clearleaf.errors import PipelineError, Severity

BODY_LINE = REQUIRED_FRONT_MATTER.count("\n") + 1  # the body's first line
#: The line of front_matter()'s ``extra``.
EXTRA_LINE = front_matter().count("\n") - 1


def errors(write: Writer, source: str) -> list[str]:
    """The errors loading ``source`` gives, one line each ("path:line:col: error code: ...")."""
    with pytest.raises(PipelineError) as caught:
        load(write(source))
    return [str(d) for d in caught.value.diagnostics if d.severity is Severity.ERROR]


# -- the front matter -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("yaml", "column", "expected"),
    [
        ('title: "A\\x07B"\n', 10, "the value of 'title' holds the control character U+0007, "),
        (
            'subtitle: "\\u0007"\n',
            12,
            "'subtitle' holds the control character U+0007, written \\u0007,",
        ),
        ('rights: "(c) \\e[31m"\n', 14, "U+001B, written \\e, which no edition can show"),
        ('version: "2\\0"\n', 12, "U+0000, written \\0,"),
        ('version: "\\U0000007F"\n', 11, "U+007F, written \\U0000007F,"),
        (
            'authors:\n  - Ann\n  - "B\\bob"\n',
            7,
            "the value of 'authors' holds the control character U+0008",
        ),
        ('keywords: [feet, "\\uFFFE"]\n', 19, "the non-character U+FFFE"),
        ('version: "\\ud800"\n', 11, "U+D800, half of a surrogate pair, written \\ud800,"),
        (
            'version: "\\N"\n',
            11,
            "U+0085, written \\N, which no edition can show; delete the escape",
        ),
        (
            'version: "\\x93two\\x94"\n',
            11,
            "U+0093, written \\x93, which no edition can show; if you meant \u201c (U+201C), "
            "which Windows-1252 numbers 0x93, write \u201c itself; else delete the escape",
        ),
        ('"rights\\a": x\n', 8, "a key holds the control character U+0007, written \\a,"),
    ],
)
def test_a_yaml_escape_of_a_control_character_is_refused_at_the_escape(
    write: Writer, yaml: str, column: int, expected: str
) -> None:
    found = errors(write, front_matter(extra=yaml) + "Text.\n")
    line = EXTRA_LINE + yaml.count("\n") - 1
    refused = [error for error in found if "meta.control-character" in error]
    assert len(refused) == 1, found
    assert refused[0].startswith(f"doc.md:{line}:{column}: error meta.control-character: ")
    assert expected in refused[0]
    # What is printed never carries the character itself (to a terminal, an escape).
    assert not any(char in "".join(found) for char in "\x00\x07\x08\x1b\x7f\x85\x93\ufffe")


def test_every_string_of_the_front_matter_is_checked_in_one_run(write: Writer) -> None:
    yaml = (
        'contact:\n  phone: "0300\\a123 4567"\n'
        'sources:\n  - "A\\x1b"\n  - &b "B\\x7f"\n'
        "keywords: [*b]\n"
    )
    source = (
        front_matter()
        .replace("contact:\n  email: help@example.org\n", "")
        .replace("sources:\n  - An example source.\n", yaml)
    )
    found = errors(write, source + "Text.\n")
    refused = [error for error in found if "meta.control-character" in error]
    assert [error.split(": error")[0] for error in refused] == [
        "doc.md:10:15",
        "doc.md:12:7",
        "doc.md:13:10",  # once, though the alias uses it again
    ], found
    assert "'contact' holds the control character U+0007" in refused[0]
    assert "'sources' holds the control character U+007F" in refused[2]


@pytest.mark.parametrize("yaml", ['title: "A\\tB"\n', 'title: "Caf\\u00e9 \\x41"\n'])
def test_yaml_escapes_of_characters_the_editions_hold_are_accepted(
    write: Writer, yaml: str
) -> None:
    source = front_matter().replace("title: A Leaflet\n", yaml)
    assert load(write(source + "Text.\n")).meta.title in ("A B", "Caf\u00e9 A")


# -- the body ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "columns", "expected"),
    [
        ("Bell &#7; here.\n", [6], "&#7; names the control character U+0007, which no edition"),
        ("&#x1B;[31mRed.\n", [1], "&#x1B; names the control character U+001B"),
        ("Nul &#0; here.\n", [5], "U+0000, which no edition can show (pandoc prints \ufffd"),
        ("Del &#127; &#x9F;.\n", [5, 12], "U+007F"),
        ("Not &#xFFFE; or &#65535;.\n", [5, 17], "the non-character U+FFFE"),
        ("Half &#xD800; a pair.\n", [6], "U+D800, half of a surrogate pair"),
        ("Beyond &#x110000; Unicode.\n", [8], "&#x110000; names no character"),
        (
            "Said &#x93;so&#x94;.\n",
            [6, 14],
            "&#x93; names the control character U+0093, which no edition can show; if you meant "
            "\u201c (U+201C), which Windows-1252 numbers 0x93, write \u201c itself; else delete it",
        ),
        ("No match: &#x81;.\n", [11], "U+0081, which no edition can show; delete it"),
        ("A [link](https://example.org/&#7;) here.\n", [30], "U+0007"),
        ('A [span]{title="&#x1b;"} here.\n', [17], "U+001B"),
        ('A [link][ref].\n\n[ref]: https://example.org/ "T&#8;"\n', [31], "U+0008"),
        ('An <abbr title="x&#x81">NHS</abbr> abbreviation.\n', [18], "&#x81 names"),
        ('<div title="&#x1b;">\nText.\n</div>\n', [13], "U+001B"),
        ("<p>&#x07;</p>\n", [4], "U+0007"),
        ("Text.[^1]\n\n[^1]: A note &#5;.\n", [14], "U+0005"),
        # What pandoc copies is reported once, at the reference: an autolink's address
        # (also its text), an image alone (also its figure's caption), a reference
        # link used twice.
        ("See <https://example.org/&#7;> here.\n", [26], "U+0007"),
        ('![Alt &#7;](a.png "T&#8;")\n', [7, 21], "U+0007"),
        ("[a]: https://example.org/&#7;\n\n[a] and [a] again.\n", [26], "U+0007"),
    ],
)
def test_a_character_reference_to_a_control_character_is_refused_at_the_reference(
    write: Writer, body: str, columns: list[int], expected: str
) -> None:
    found = errors(write, REQUIRED_FRONT_MATTER + body)
    refused = [error for error in found if " error source.control-character: " in error]
    assert [error.split(": error")[0] for error in refused] == [
        f"doc.md:{BODY_LINE + body[: body.index('&#')].count(chr(10))}:{column}"
        for column in columns
    ], found
    assert expected in refused[0]


@pytest.mark.parametrize(
    "body",
    [
        "Code `&#7;` shows the reference.\n",
        "```\n&#7; &#0;\n```\n",
        "Indented code:\n\n    &#7; &#x1B;\n",
        "Escaped \\&#7; is text.\n",
        "<!-- &#7; in a comment -->\nText.\n",
        "Quotes &#x201C;so&#x201D;, a tab &#9;, lines &#10;&#13;, &#x85x is text.\n",
        "A replacement character \ufffd written as itself.\n",
        "No semicolon: &#7 is text in Markdown.\n",
    ],
)
def test_references_the_editions_can_hold_or_that_stay_text_are_accepted(
    write: Writer, body: str
) -> None:
    document = load(write(REQUIRED_FRONT_MATTER + body))
    assert not [d for d in document.diagnostics if d.severity is Severity.ERROR]


def test_a_replacement_character_beside_a_reference_to_nul_is_told_apart(write: Writer) -> None:
    found = errors(write, REQUIRED_FRONT_MATTER + "Written \ufffd, and &#0; here.\n")
    assert len(found) == 1, found
    assert found[0].startswith(f"doc.md:{BODY_LINE}:16: error source.control-character: &#0; ")


def test_check_prints_no_control_character_a_reference_wrote(write: Writer) -> None:
    """The text is still checked (its readability, its headings), and what is printed of it
    holds U+FFFD where the reference was: a terminal never gets an escape sequence."""
    path = write(front_matter() + "# Red &#x1B;[31m\n\nSome text &#7; here.\n")
    result = CliRunner().invoke(cli, ["check", "--verbose", str(path)])
    assert result.exit_code == 2, result.output
    assert result.output.count("error source.control-character") == 2, result.output
    assert "Traceback" not in result.output
    assert not any(char in result.output for char in "\x07\x1b")


def test_a_source_with_a_control_reference_writes_nothing(write: Writer) -> None:
    path = write(front_matter() + "Text &#x0C; here.\n")
    result = CliRunner().invoke(cli, ["build", "--jobs", "1", "--format", "epub", str(path)])
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output
    assert not list((path.parent / "build").glob("*.epub"))

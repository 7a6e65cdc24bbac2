"""Values the formats constrain: refused at their line with a fix, or made valid.

A language tag, a text direction or a ``<time datetime>`` written in the body
reaches the web page, the e-book and the Word document as it is, where the
Nu Html Checker and EPUBCheck judge it; a heading's identifier also becomes an
XML ID in the e-book's NCX. Each is checked here against what those
validators say (tests/test_fuzz.py then judges a few hundred generated
sources with the validators themselves).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import validators
from conftest import Writer, build_all
from helpers import REQUIRED_FRONT_MATTER, front_matter, xpath_elements, xpath_strings
from lxml import etree

from clearleaf import values
from clearleaf.document import load
from clearleaf.errors import PipelineError, Severity

BODY_LINE = REQUIRED_FRONT_MATTER.count("\n") + 1  # the body's first line


def errors(write: Writer, body: str) -> list[str]:
    """The errors loading ``body`` gives, one line each ("path:line:col: error code: ...")."""
    with pytest.raises(PipelineError) as caught:
        load(write(REQUIRED_FRONT_MATTER + body))
    return [str(d) for d in caught.value.diagnostics if d.severity is Severity.ERROR]


@pytest.mark.parametrize(
    "tag", ["cy", "en-GB", "ar-EG", "bn-BD", "zh-Hant-TW", "sr-Latn-RS", "es-419", "de-CH-1901"]
)
def test_registered_language_tags_are_accepted(tag: str) -> None:
    assert values.language_problem(tag) is None


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("=or", "'=or' is not a language tag; write one such as en-GB, cy or ar"),
        ("en_GB", "'en_GB' is not a language tag"),
        ("Welsh", "'Welsh' is not a language tag; for Welsh write cy"),
        ("bengali", "'bengali' is not a language tag; for Bengali write bn"),
        ("xx", "'xx' is not a registered language tag"),
        ("eng", "'eng' is not a registered language tag"),  # ISO 639-2, not in the registry
        ("zz-ZZ", "'zz-ZZ' is not a registered language tag"),
        ("iw", "'iw' is an outdated language tag; write he"),
        ("en-GB-oed", "'en-GB-oed' is an outdated language tag; write en-GB-oxendict"),
        ("zh-cmn", "'zh-cmn' is an outdated language tag; write cmn"),
        ("en-Latn-GB", "names the script its language is always written in; write en-GB"),
        ("en-1996", "'1996' in 'en-1996' is a variant of de, not of en; leave it out"),
        ("x" * 300, "'xxxxxxxx"),
    ],
)
def test_language_tags_the_validators_refuse_are_refused(tag: str, expected: str) -> None:
    """Each of these is an error or a warning of the Nu Html Checker (26.9)."""
    problem = values.language_problem(tag)
    assert problem is not None and expected in problem
    assert len(problem) < 120  # a long value is shortened in the message


@pytest.mark.parametrize(
    "value",
    [
        "2026",
        "2026-03",
        "2026-03-14",
        "2024-02-29",
        "--02-29",
        "03-14",
        "2026-W53",
        "14:30",
        "14:30:05.250",
        "2026-03-14T14:30",
        "2026-03-14 14:30:00+01:00",
        "2026-03-14T14:30Z",
        "P3D",
        "PT1H30M",
        "1H 30M 5.5S",
    ],
)
def test_datetimes_html_and_epub_accept_are_accepted(value: str) -> None:
    assert values.datetime_problem(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026> > 03", "is not a date, time or duration"),
        ("", "is not a date, time or duration"),
        ("14 March 2026", "is not a date, time or duration"),
        ("2026-03-14t14:30", "is not a date, time or duration"),  # EPUB wants a capital T
        ("1h 30m", "is not a date, time or duration"),
        ("Z", "is not a date, time or duration"),  # HTML has it, EPUB 3's schema does not
        ("2026-02-29", "has no such day"),
        ("2026-13-01", "has no such month"),
        ("2025-W53", "has no such week"),
        ("24:00", "has no such hour"),
        ("2026-03-14T14:30+24:00", "has no such time-zone hour"),
        ("0000", "has no such year"),
    ],
)
def test_datetimes_the_validators_refuse_are_refused(value: str, expected: str) -> None:
    problem = values.datetime_problem(value)
    assert problem is not None and expected in problem
    assert "write one such as 2026-03-14" in problem


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '[Bore da]{lang="=or"} and more.\n',
            f":{BODY_LINE}:11: error source.invalid-lang: '=or' is not a language tag; "
            "write one such as en-GB, cy or ar",
        ),
        (
            "Words first.\n\n::: {lang=xx}\nA block.\n:::\n",
            f":{BODY_LINE + 2}:6: error source.invalid-lang: 'xx' is not a registered",
        ),
        (
            "## Adran {lang=iw}\n",
            f":{BODY_LINE}:11: error source.invalid-lang: 'iw' is an outdated language tag",
        ),
        (
            'Hello <span lang="zz-ZZ">odd</span>.\n',
            f":{BODY_LINE}:13: error source.invalid-lang: 'zz-ZZ' is not a registered",
        ),
        (
            'The <abbr lang="en_GB" title="x">NHS</abbr>.\n',
            f":{BODY_LINE}:11: error source.invalid-lang: 'en_GB' is not a language tag",
        ),
        (
            "Text [x]{dir=up}.\n",
            f":{BODY_LINE}:10: error source.invalid-dir: 'up' is not a text direction; "
            "write rtl, ltr or auto",
        ),
        (
            'Name <bdo dir="auto">abc</bdo>.\n',
            f":{BODY_LINE}:11: error source.invalid-dir: <bdo> overrides the direction, so it "
            'needs dir="rtl" or dir="ltr", not \'auto\'',
        ),
        (
            "Name <bdo>abc</bdo>.\n",
            f":{BODY_LINE}:6: error source.invalid-dir: <bdo> overrides the direction",
        ),
        (
            'Open <time datetime="2026> > 03">in March</time>.\n',
            f":{BODY_LINE}:12: error source.invalid-datetime: '2026> > 03' is not a date, time "
            "or duration; write one such as 2026-03-14",
        ),
    ],
)
def test_a_value_no_format_can_carry_is_refused_where_it_is_written(
    write: Writer, body: str, expected: str
) -> None:
    found = errors(write, body)
    assert len(found) == 1 and expected in found[0], found


def test_every_bad_value_is_reported_in_one_run(write: Writer) -> None:
    found = errors(
        write,
        '[a]{lang=xx} [b]{lang=xx}\n\n<time datetime="soon">x</time> [c]{dir=down}\n',
    )
    assert [line.split(": error ")[0].rsplit(":", 2)[1:] for line in found] == [
        [str(BODY_LINE), "5"],
        [str(BODY_LINE), "18"],  # the second 'xx', not the first again
        [str(BODY_LINE + 2), "7"],
        [str(BODY_LINE + 2), "36"],
    ], found


def test_values_the_formats_accept_are_published_as_written(write: Writer) -> None:
    document = load(
        write(
            REQUIRED_FRONT_MATTER + '[Bore da]{lang=cy} [x]{lang=""} <span dir="RTL" lang="ar">'
            'مرحبا</span> <bdo dir="rtl">abc</bdo> <time datetime="PT1H30M">an hour and a half'
            "</time>\n"
        )
    )
    body = document.body_html
    for kept in (
        '<span lang="cy">Bore da</span>',
        '<span lang="">x</span>',
        '<span lang="ar" dir="rtl">مرحبا</span>',
        '<bdo dir="rtl">abc</bdo>',
        '<time datetime="PT1H30M">an hour and a half</time>',
    ):
        assert kept in body
    assert not [d for d in document.diagnostics if d.severity is not Severity.NOTE]


def test_a_time_without_a_machine_readable_date_is_unwrapped(write: Writer) -> None:
    """HTML reads the text of a <time> without datetime as its date: words are not one."""
    document = load(
        write(REQUIRED_FRONT_MATTER + "On <time>1 January</time> or <time>2026-03</time>.\n")
    )
    assert "On 1 January or <time>2026-03</time>." in document.body_html
    notes = [str(d) for d in document.diagnostics]
    assert len(notes) == 1
    assert f":{BODY_LINE}:4: note source.html-ignored: HTML <time> around '1 January'" in notes[0]


def test_the_front_matter_language_is_checked_against_the_registry(write: Writer) -> None:
    with pytest.raises(PipelineError) as caught:
        load(write(front_matter(lang="iw") + "Text.\n"))
    assert "error meta.bad-language: 'lang': 'iw' is an outdated language tag; write he" in str(
        caught.value.diagnostics[0]
    )


SECTIONS = """\
## Colons in its name {#sec:one}

See [the first](#1st), [the colons](#sec:one) and [the letters](#été).

## A number first {#1st}

Text.

### Letters {#été}

Text.
"""


@pytest.fixture(scope="module")
def sections_epub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sections")
    source = folder / "sections.md"
    source.write_text(front_matter("Sections") + SECTIONS, encoding="utf-8")
    return build_all(source, folder / "out") / "sections.epub"


def test_identifiers_that_are_no_xml_id_keep_their_links_in_the_e_book(
    sections_epub: Path,
) -> None:
    """HTML allows any identifier; the NCX's navPoint ids are XML IDs, so they are numbered,
    and every entry still points at its heading."""
    with zipfile.ZipFile(sections_epub) as book:
        ncx = etree.fromstring(book.read("EPUB/toc.ncx"))
        content = etree.fromstring(book.read("EPUB/content.xhtml"))
    namespace = {"n": "http://www.daisy.org/z3986/2005/ncx/", "x": "http://www.w3.org/1999/xhtml"}
    ids = set(xpath_strings(content, "//@id"))
    for point in xpath_elements(ncx, "//n:navPoint", namespace):
        point_id = point.get("id") or ""
        assert point_id and ":" not in point_id and not point_id[0].isdigit(), point_id
        target = xpath_strings(point, "n:content/@src", namespace)[0].partition("#")[2]
        assert not target or target in ids, target
    sources = xpath_strings(ncx, "//n:content/@src", namespace)
    for identifier in ("sec:one", "1st", "été"):
        assert f"content.xhtml#{identifier}" in sources
        assert xpath_elements(content, f'//x:a[@href="#{identifier}"]', namespace)


@pytest.mark.validators
def test_identifiers_that_are_no_xml_id_give_a_valid_e_book(sections_epub: Path) -> None:
    findings = validators.epubcheck(sections_epub)
    assert not findings.problems, findings.explain("EPUBCheck")


@pytest.mark.parametrize(
    ("body", "column"),
    [
        ("\u0301Text that starts with an accent.\n", 1),
        ("Emphasis *e*\u0301 with its accent outside.\n", 13),
        ("Code `\u0308x` starts with a diaeresis.\n", 7),
        ("A vowel sign alone: **ক**\u09be.\n", 26),
    ],
)
def test_a_mark_with_nothing_to_join_is_refused(write: Writer, body: str, column: int) -> None:
    """The Nu Html Checker warns of a run of text (between tags) that starts with a composing
    character: a reader sees it on a dotted circle, or not at all."""
    found = errors(write, body)
    assert len(found) == 1, found
    assert f":{BODY_LINE}:{column}: error source.stray-mark: U+" in found[0]
    assert "delete it, or move it next to the letter it belongs to" in found[0]


def test_marks_joined_to_their_letters_are_published(write: Writer) -> None:
    document = load(write(REQUIRED_FRONT_MATTER + "Cafe\u0301, *cafe\u0301* and আমা\u09be.\n"))
    assert "Café, " in document.body_html and "café</" in document.body_html  # NFC
    assert not [d for d in document.diagnostics if d.severity is Severity.ERROR]


def test_a_front_matter_text_that_starts_with_a_mark_is_refused(write: Writer) -> None:
    with pytest.raises(PipelineError) as caught:
        load(write(front_matter(title="\u0301Accent") + "Text.\n"))
    assert "error meta.stray-mark: 'title' starts with U+0301" in str(caught.value.diagnostics[0])

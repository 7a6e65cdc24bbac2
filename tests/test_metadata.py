"""Front-matter validation through clearleaf.document.load: each mistake gives its code and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import Writer

from clearleaf.document import load
from clearleaf.errors import PipelineError

GOOD = """\
---
title: A Leaflet
lang: en-GB
organisation: Anormed UK
description: What the leaflet covers.
published: 2026-01-15
next_review: 2027-01-15
---

Some text.
"""


def load_error(path: Path) -> PipelineError:
    """The error ``load`` raises for ``path``; fails if it raises none."""
    with pytest.raises(PipelineError) as info:
        load(path)
    return info.value


def assert_diagnostic(error: PipelineError, code: str, line: int) -> str:
    """Check the code, the line and the printed form ``path:line[:col]: error code: message``."""
    diagnostic = error.diagnostic
    assert diagnostic.code == code
    assert diagnostic.location.line == line
    text = str(diagnostic)
    pattern = rf"doc\.md:{line}(:\d+)?: error {re.escape(code)}: (?P<message>\S.*)"
    match = re.fullmatch(pattern, text)
    assert match, text
    assert "\n" not in text
    return match["message"]


def with_line(source: str, old: str, new: str) -> str:
    """``GOOD`` with one line replaced (``new`` may be several lines or none)."""
    assert old in source
    return source.replace(old, new, 1)


def line_of(source: str, fragment: str) -> int:
    """The 1-based number of the first line containing ``fragment``."""
    for number, line in enumerate(source.splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in source")


def test_good_source_loads(write: Writer) -> None:
    meta = load(write(GOOD)).meta
    assert (meta.title, meta.lang, meta.organisation) == ("A Leaflet", "en-GB", "Anormed UK")
    assert meta.published.isoformat() == "2026-01-15"
    assert meta.next_review.isoformat() == "2027-01-15"


def test_missing_front_matter(write: Writer) -> None:
    error = load_error(write("# Just a heading\n\nText.\n"))
    assert_diagnostic(error, "source.no-front-matter", 1)


def test_unclosed_front_matter(write: Writer) -> None:
    source = GOOD.replace("---\n\nSome text.", "\nSome text.")
    error = load_error(write(source))
    assert_diagnostic(error, "source.unclosed-front-matter", 1)


def test_yaml_syntax_error_points_at_bad_line(write: Writer) -> None:
    source = with_line(GOOD, "organisation: Anormed UK", "organisation: Anormed: UK")
    error = load_error(write(source))
    assert_diagnostic(error, "meta.yaml-syntax", line_of(source, "Anormed: UK"))


def test_yaml_bad_indentation_points_at_bad_line(write: Writer) -> None:
    source = with_line(GOOD, "organisation: Anormed UK", "  organisation: Anormed UK")
    error = load_error(write(source))
    assert_diagnostic(error, "meta.yaml-syntax", line_of(source, "  organisation"))


def test_yaml_unclosed_quote_points_at_the_quote(write: Writer) -> None:
    source = with_line(GOOD, "organisation: Anormed UK", 'organisation: "Anormed UK')
    error = load_error(write(source))
    assert_diagnostic(error, "meta.yaml-syntax", line_of(source, '"Anormed UK'))


def test_unknown_key_suggests_nearest(write: Writer) -> None:
    source = with_line(GOOD, "next_review:", "next_reveiw:")
    error = load_error(write(source))
    message = assert_diagnostic(error, "meta.unknown-key", line_of(source, "next_reveiw"))
    assert "'next_reveiw'" in message
    assert "did you mean 'next_review'?" in message


def test_unknown_key_without_near_match_lists_keys(write: Writer) -> None:
    source = with_line(GOOD, "---\n\n", "colour: blue\n---\n\n")
    error = load_error(write(source))
    message = assert_diagnostic(error, "meta.unknown-key", line_of(source, "colour"))
    assert "next_review" in message


def test_missing_required_key(write: Writer) -> None:
    source = with_line(GOOD, "description: What the leaflet covers.\n", "")
    error = load_error(write(source))
    message = assert_diagnostic(error, "meta.missing-key", 1)
    assert "'description'" in message


def test_empty_required_value_counts_as_missing(write: Writer) -> None:
    source = with_line(GOOD, "title: A Leaflet", 'title: "  "')
    error = load_error(write(source))
    assert "'title'" in assert_diagnostic(error, "meta.missing-key", 1)


@pytest.mark.parametrize("value", ["[A, Leaflet]", "{en: A Leaflet}", "true"])
def test_wrong_type(write: Writer, value: str) -> None:
    source = with_line(GOOD, "title: A Leaflet", f"title: {value}")
    error = load_error(write(source))
    assert "'title'" in assert_diagnostic(error, "meta.wrong-type", line_of(source, "title:"))


@pytest.mark.parametrize("value", ["15/01/2026", "January 2026", "soon", "20260115", "2026-1-15"])
def test_bad_date(write: Writer, value: str) -> None:
    source = with_line(GOOD, "published: 2026-01-15", f"published: {value}")
    error = load_error(write(source))
    message = assert_diagnostic(error, "meta.bad-date", line_of(source, "published:"))
    assert "YYYY-MM-DD" in message


@pytest.mark.parametrize("value", ["2026-02-30", "2026-13-01"])
def test_impossible_date(write: Writer, value: str) -> None:
    source = with_line(GOOD, "published: 2026-01-15", f"published: {value}")
    error = load_error(write(source))
    assert_diagnostic(error, "meta.bad-date", line_of(source, "published:"))


@pytest.mark.parametrize(
    ("published", "next_review", "expected"),
    [
        (
            "2108-01-01",
            "2110-01-01",
            "'published' is 2108-01-01; the e-book and Word formats cannot date a file after "
            "2107-12-31: write a date before 2108",
        ),
        ("9999-12-31", "2027-01-15", "cannot date a file after 2107-12-31"),
        (
            "1979-12-31",
            "2027-01-15",
            "'published' is 1979-12-31; the e-book and Word formats cannot date a file before "
            "1980-01-01: write a date from 1980 on",
        ),
        ("0001-01-01", "2027-01-15", "cannot date a file before 1980-01-01"),
    ],
)
def test_a_publication_date_the_files_cannot_carry(
    write: Writer, published: str, next_review: str, expected: str
) -> None:
    """The e-book and the Word document are ZIP files dated by ``published``, and a ZIP
    entry's date runs from 1980 to 2107: later, every build stopped with an internal error."""
    source = with_line(GOOD, "published: 2026-01-15", f"published: {published}")
    source = with_line(source, "next_review: 2027-01-15", f"next_review: {next_review}")
    error = load_error(write(source))
    assert expected in assert_diagnostic(error, "meta.bad-date", line_of(source, "published:"))
    assert len(error.diagnostics) == 1, error.diagnostics


@pytest.mark.parametrize(
    ("published", "reviewed", "next_review"),
    [("1980-01-01", "1990-01-01", "1990-01-02"), ("2107-12-31", "2107-12-31", "9999-12-31")],
)
def test_dates_the_files_can_carry_are_accepted(
    write: Writer, published: str, reviewed: str, next_review: str
) -> None:
    """Only ``published`` dates files: ``reviewed`` and ``next_review`` are text and metadata,
    where any year of four digits is valid."""
    source = with_line(
        GOOD, "published: 2026-01-15", f"published: {published}\nreviewed: {reviewed}"
    )
    source = with_line(source, "next_review: 2027-01-15", f"next_review: {next_review}")
    meta = load(write(source)).meta
    assert (meta.published.isoformat(), meta.next_review.isoformat()) == (published, next_review)


@pytest.mark.parametrize("value", ["English", "en_GB", "e", "12"])
def test_bad_language_tag(write: Writer, value: str) -> None:
    source = with_line(GOOD, "lang: en-GB", f"lang: {value}")
    error = load_error(write(source))
    assert value in assert_diagnostic(error, "meta.bad-language", line_of(source, "lang:"))


@pytest.mark.parametrize("value", ["cy", "en-GB", "zh-Hant-TW", "es-419"])
def test_good_language_tags(write: Writer, value: str) -> None:
    source = with_line(GOOD, "lang: en-GB", f"lang: {value}")
    assert load(write(source)).meta.lang == value


@pytest.mark.parametrize("review", ["2025-06-01", "2026-01-15"])
def test_next_review_before_published(write: Writer, review: str) -> None:
    source = with_line(GOOD, "next_review: 2027-01-15", f"next_review: {review}")
    error = load_error(write(source))
    assert_diagnostic(error, "meta.review-before-publication", line_of(source, "next_review:"))


def test_duplicate_key(write: Writer) -> None:
    source = with_line(GOOD, "---\n\n", "title: Another Title\n---\n\n")
    error = load_error(write(source))
    message = assert_diagnostic(error, "meta.duplicate-key", line_of(source, "Another Title"))
    assert "first on line 2" in message


def test_invalid_utf8(write: Writer) -> None:
    data = GOOD.replace("Some text.", "Caf\x00.").encode("utf-8").replace(b"\x00", b"\xe9")
    error = load_error(write(data))
    assert_diagnostic(error, "source.encoding", line_of(GOOD, "Some text."))


def test_front_matter_not_a_mapping(write: Writer) -> None:
    error = load_error(write("---\n- a list\n---\n\nText.\n"))
    assert_diagnostic(error, "meta.not-mapping", 1)


def test_windows_line_endings_and_bom_are_accepted(write: Writer) -> None:
    source = "\ufeff" + GOOD.replace("\n", "\r\n")
    assert load(write(source)).meta.title == "A Leaflet"

"""The time the editions' files carry: ``SOURCE_DATE_EPOCH``, or else ``published``.

The e-book and the Word document are ZIP files, whose entries can be dated
from 1980-01-01 to 2107-12-31 only. A ``SOURCE_DATE_EPOCH`` after that made
every build of the catalogue stop with an internal error; one that is no time
at all was ignored. Both are usage errors now, before anything is written.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Writer
from helpers import front_matter

from clearleaf.cli import cli

BUILD = ["build", "--jobs", "1", "--format", "epub", "--format", "docx", "--out", "out"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "4354819200",
            "4354819200 (2108-01-01 00:00 UTC) is later than the e-book and Word formats can "
            "date a file (the last day is 2107-12-31): give a time before 2108, at most "
            "4354819199",
        ),
        ("9" * 5000, "9" * 39 + "\u2026 is later than"),
        (
            "-1",
            "-1 is a time before 1970; give whole seconds since 1970-01-01 00:00 UTC, as "
            "'date +%s' prints them, 0 or more",
        ),
        (
            "1.5",
            "'1.5' is not a time; give whole seconds since 1970-01-01 00:00 UTC, as 'date +%s' "
            "prints them, or unset it",
        ),
        ("2026-01-01", "'2026-01-01' is not a time"),
        ("+5", "'+5' is not a time"),
        ("\u00b2", "'\u00b2' is not a time"),  # a digit to str.isdigit(), but not to int()
        ("\x1b[31m", "'\\x1b[31m' is not a time"),
    ],
)
def test_a_source_date_epoch_no_file_can_carry_is_a_usage_error(
    write: Writer, value: str, expected: str
) -> None:
    path = write(front_matter() + "Text.\n")
    result = CliRunner().invoke(cli, [*BUILD, str(path)], env={"SOURCE_DATE_EPOCH": value})
    assert result.exit_code == 2, result.output
    assert f"SOURCE_DATE_EPOCH: error usage.source-date-epoch: {expected}" in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert not Path("out").exists()


@pytest.mark.parametrize(
    ("value", "published", "stamp"),
    [
        ("4354819199", "2026-01-15", (2107, 12, 31, 23, 59, 58)),  # ZIP counts in 2 seconds
        ("0", "2026-01-15", (1980, 1, 1, 0, 0, 0)),  # the first time a ZIP entry can carry
        (" 1700000000 ", "2026-01-15", (2023, 11, 14, 22, 13, 20)),
        ("", "2107-12-31", (2107, 12, 31, 0, 0, 0)),  # unset: the publication date
    ],
)
def test_the_files_carry_the_time_given(
    write: Writer, value: str, published: str, stamp: tuple[int, ...]
) -> None:
    source = front_matter().replace("published: 2026-01-15", f"published: {published}")
    path = write(source.replace("next_review: 2030-01-15", "next_review: 2108-06-01") + "Text.\n")
    result = CliRunner().invoke(cli, [*BUILD, str(path)], env={"SOURCE_DATE_EPOCH": value})
    assert result.exit_code == 0, result.output
    for name in ("doc.epub", "doc.docx"):
        with zipfile.ZipFile(Path("out") / name) as package:
            assert {info.date_time for info in package.infolist()} == {stamp}, name

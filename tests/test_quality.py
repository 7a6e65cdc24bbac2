"""The health-information schema (issue: metadata, review dates) and the PIF TICK checks.

One test per rule of the schema, each failing on a bad front matter at the
right line, and the quality checks (sources, contact, feedback, review date)
each failing and passing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import LEAFLET_SOURCE, Writer
from test_metadata import GOOD, assert_diagnostic, load_error

from clearleaf.a11y import quality, run_checks
from clearleaf.cli import cli
from clearleaf.document import load
from clearleaf.metadata import Contact

FULL = """\
---
title: Looking After Your Feet
subtitle: Daily checks
lang: en-GB
organisation: Example Trust
authors:
  - Podiatry team
  - A. Writer
description: Simple daily checks for healthy feet.
published: 2026-05-01
reviewed: 2026-06-01
next_review: 2028-05-01
version: "1.2"
contact:
  phone: 0300 123 4567
  email: feet@example.org
  web: https://example.org/feet
feedback: Email feet@example.org.
url: https://leaflets.example.org/feet.html
sources:
  - A guideline, 2024.
keywords:
  - diabetes
  - foot care
rights: (c) 2026 Example Trust
accessibility_summary: Headings, a table of contents and large text.
certified_by: Example Trust
reading_age_target: 12
---

Check your feet every day.
"""


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line of ``text`` containing ``needle``."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_every_key_of_the_schema_is_read(write: Writer) -> None:
    meta = load(write(FULL)).meta
    assert meta.subtitle == "Daily checks"
    assert meta.authors == ("Podiatry team", "A. Writer")
    assert meta.reviewed == dt.date(2026, 6, 1)
    assert meta.version == "1.2"
    assert meta.contact == Contact("0300 123 4567", "feet@example.org", "https://example.org/feet")
    assert meta.feedback == "Email feet@example.org."
    assert meta.url == "https://leaflets.example.org/feet.html"
    assert meta.sources == ("A guideline, 2024.",)
    assert meta.keywords == ("diabetes", "foot care")
    assert meta.rights == "(c) 2026 Example Trust"
    assert meta.accessibility_summary == "Headings, a table of contents and large text."
    assert meta.certified_by == "Example Trust"
    assert meta.reading_age_target == 12


def test_reading_age_target_defaults_to_11(write: Writer) -> None:
    assert load(write(GOOD)).meta.reading_age_target == 11


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("reviewed: 2026-06-01", "reviewed: 2026-04-01", "meta.reviewed-out-of-order"),
        ("reviewed: 2026-06-01", "reviewed: 2028-06-01", "meta.reviewed-out-of-order"),
        ("reviewed: 2026-06-01", "reviewed: June 2026", "meta.bad-date"),
        ("reading_age_target: 12", "reading_age_target: twelve", "meta.wrong-type"),
        ("reading_age_target: 12", "reading_age_target: 40", "meta.wrong-type"),
        (
            "url: https://leaflets.example.org/feet.html",
            "url: leaflets.example.org",
            "meta.bad-url",
        ),
        ("  phone: 0300 123 4567", "  phone: call us", "meta.bad-contact"),
        ("  email: feet@example.org", "  email: feet at example", "meta.bad-contact"),
        ("  web: https://example.org/feet", "  web: example.org", "meta.bad-contact"),
        ("  web: https://example.org/feet", "  fax: 0300 123 4567", "meta.unknown-key"),
        ("feedback: Email feet@example.org.", "feedback: [1, 2]", "meta.wrong-type"),
        ("keywords:\n  - diabetes\n  - foot care", "keywords: {a: b}", "meta.wrong-type"),
        ("rights: (c) 2026 Example Trust", "rites: (c) 2026", "meta.unknown-key"),
    ],
)
def test_schema_rule(write: Writer, old: str, new: str, code: str) -> None:
    source = FULL.replace(old, new)
    assert source != FULL
    key = new.strip().split(":")[0]
    error = load_error(write(source))
    # Nested keys (contact's) are reported at their parent's line.
    line = line_of(source, "contact:") if new.startswith("  ") else line_of(source, key + ":")
    assert_diagnostic(error, code, line)


def test_unknown_key_suggests_the_nearest(write: Writer) -> None:
    error = load_error(write(FULL.replace("rights:", "rigths:")))
    assert "did you mean 'rights'?" in error.diagnostic.message


# -- PIF TICK and review checks ----------------------------------------------------


def codes(path: Path) -> list[str]:
    """The meta.* findings on ``path``."""
    return [d.code for d in run_checks(load(path)) if d.code.startswith("meta.")]


def test_complete_front_matter_has_no_quality_warning(write: Writer) -> None:
    assert codes(write(FULL)) == []


@pytest.mark.parametrize(
    ("block", "code", "why"),
    [
        ("sources:\n  - A guideline, 2024.\n", "meta.missing-sources", "evidence"),
        (
            "contact:\n  phone: 0300 123 4567\n  email: feet@example.org\n"
            "  web: https://example.org/feet\n",
            "meta.missing-contact",
            "nowhere to turn",
        ),
        ("feedback: Email feet@example.org.\n", "meta.missing-feedback", "how to comment"),
    ],
)
def test_missing_pif_item_is_a_warning_saying_why(
    write: Writer, block: str, code: str, why: str
) -> None:
    assert block in FULL
    path = write(FULL.replace(block, ""))
    found = [d for d in run_checks(load(path)) if d.code.startswith("meta.")]
    assert [d.code for d in found] == [code]
    assert found[0].severity.value == "warning"
    assert why in found[0].message.replace("not told how to comment", "how to comment")


def test_review_due(write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(FULL)
    monkeypatch.setattr(quality, "today", lambda: dt.date(2028, 5, 2))
    (found,) = [d for d in run_checks(load(path)) if d.code == "meta.review-due"]
    assert "due for review since 2028-05-01" in found.message
    assert found.location.line == line_of(FULL, "next_review:")
    monkeypatch.setattr(quality, "today", lambda: dt.date(2028, 5, 1))
    assert "meta.review-due" not in codes(path)


def test_review_due_is_an_error_under_strict(
    write: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(FULL)
    monkeypatch.setattr(quality, "today", lambda: dt.date(2030, 1, 1))
    runner = CliRunner()
    assert runner.invoke(cli, ["check", str(path)]).exit_code == 0
    strict = runner.invoke(cli, ["check", "--strict", str(path)])
    assert strict.exit_code == 1
    assert "warning meta.review-due: due for review since 2028-05-01" in strict.stdout


def test_leaflet_gets_the_honest_warnings() -> None:
    assert codes(LEAFLET_SOURCE) == [
        "meta.missing-contact",
        "meta.missing-feedback",
        "meta.missing-sources",
    ]

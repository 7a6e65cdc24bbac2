"""Health-information quality checks on the front matter (Patient Information Forum, PIF TICK).

Patient information is trusted when it lists its evidence, says how to get
help and invites comment, and when it is reviewed on time. The schema makes
these keys optional, so that an honest source without them still builds; these
checks say what is missing and why it matters. They never invent a value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from clearleaf.a11y.source import Finding, Source
from clearleaf.document import Document


def today() -> dt.date:
    """Today's date (a function, so that tests can fix it)."""
    return dt.date.today()


def missing_sources(document: Document, source: Source) -> Iterator[Finding]:
    """PIF TICK criterion 'evidence-based': the sources are listed."""
    if not document.meta.sources and not document.meta.provisional:
        yield Finding(
            0,
            "no 'sources:' in the front matter: readers and reviewers cannot see the evidence "
            "the text relies on (PIF TICK: evidence-based); list each source on a '- ' line",
        )


def missing_contact(document: Document, source: Source) -> Iterator[Finding]:
    """PIF TICK criterion 'a route to help': contact details are given."""
    if document.meta.contact is None and not document.meta.provisional:
        yield Finding(
            0,
            "no 'contact:' in the front matter: a reader with a question has nowhere to turn, "
            "and the printed leaflet's back panel has no contact details (PIF TICK); add "
            "phone:, email: and/or web: under it",
        )


def missing_feedback(document: Document, source: Source) -> Iterator[Finding]:
    """PIF TICK criterion 'user feedback': readers are told how to comment."""
    if not document.meta.feedback and not document.meta.provisional:
        yield Finding(
            0,
            "no 'feedback:' in the front matter: readers are not told how to comment, so "
            "problems with the text go unreported (PIF TICK); say how, e.g. an email address",
        )


#: The code of :func:`review_due`, the one check whose finding depends on the date.
REVIEW_DUE = "meta.review-due"


def review_due(document: Document, source: Source) -> Iterator[Finding]:
    """The next review date has not passed."""
    due = document.meta.next_review
    if due < today() and not document.meta.provisional:
        yield Finding(
            source.front_matter_key("next_review") or 0,
            f"due for review since {due.isoformat()}: review the content, then set 'reviewed' "
            "to today and 'next_review' to the next date",
        )

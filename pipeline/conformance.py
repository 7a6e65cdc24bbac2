"""The accessibility conformance claim and the statement every edition carries.

A claim is a promise to readers and to the NHS trusts that buy the
leaflets, so it is made only when someone stands behind it and nothing
argues against it: the front matter names the organisation (``certified_by``)
and every source check passes, warnings included. The field's validators
(EPUBCheck, Ace, axe, the Nu Html Checker, PDF/UA checks) run on every
source in ``make test``, so a claim never lands in CI unless they pass too.
"""

from __future__ import annotations

from pipeline import a11y
from pipeline.document import Document
from pipeline.errors import Severity

#: EPUB Accessibility 1.1, section 2.1: the exact conformance string.
CLAIM = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


def claimed(document: Document) -> bool:
    """Whether ``document`` may claim WCAG 2.2 Level AA conformance.

    Every edition asks; the checks run once per document (and process).
    """
    if "claimed" not in document.memo:
        found = [*document.diagnostics, *a11y.run_checks(document)]
        # Notes say what the pipeline did, not what is wrong.
        document.memo["claimed"] = bool(document.meta.certified_by) and not any(
            d.severity is not Severity.NOTE for d in found
        )
    claim: bool = document.memo["claimed"]
    return claim


def statement(document: Document) -> str:
    """One or two sentences for readers saying what accessibility the document offers."""
    if claimed(document):
        return (
            "This document meets WCAG 2.2 Level AA. "
            f"Its accessibility has been checked by {document.meta.certified_by}."
        )
    return (
        "This document is designed to meet WCAG 2.2 Level AA, "
        "but no organisation has yet certified that it does."
    )

"""The accessibility conformance claim and the statement every edition carries.

A claim is a promise to readers and to the NHS trusts that buy the
leaflets, so it is made only when someone stands behind it and nothing
argues against it: the front matter names the organisation (``certified_by``)
and every source check passes, warnings included. The field's validators
(EPUBCheck, Ace, axe, the Nu Html Checker, PDF/UA checks) run on every
source in ``make test``, so a claim never lands in CI unless they pass too.

The check stage decides the claim once per document (:mod:`clearleaf.verdict`);
every edition is handed it.
"""

from __future__ import annotations

from collections.abc import Iterable

from clearleaf import i18n
from clearleaf.errors import Diagnostic, Severity
from clearleaf.i18n import Phrase, Words
from clearleaf.metadata import Metadata

#: EPUB Accessibility 1.1, section 2.1: the exact conformance string.
CLAIM = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


def claimed(meta: Metadata, findings: Iterable[Diagnostic]) -> bool:
    """Whether a document with ``meta`` and the check ``findings`` may claim WCAG 2.2 AA."""
    # Notes say what the pipeline did, not what is wrong.
    return bool(meta.certified_by) and not any(d.severity is not Severity.NOTE for d in findings)


def statement(meta: Metadata, claim: bool, words: Words | None = None) -> Phrase:
    """One or two sentences for readers saying what accessibility the document offers,
    in ``words`` (default: the document's language's)."""
    words = words or i18n.words(meta.lang)
    if claim:
        return words(
            "This document meets WCAG 2.2 Level AA. "
            "Its accessibility has been checked by {certifier}.",
            certifier=i18n.own(meta.certified_by or ""),
        )
    return words(
        "This document is designed to meet WCAG 2.2 Level AA, "
        "but no organisation has yet certified that it does."
    )

"""The check stage's result: what the checks found, the conformance claim, the readability.

:func:`judge` runs every check of a document once; the build hands the
verdict forward (the claim and the back matter to the renderers, the
findings and figures to the report), so that nothing is checked or measured
again while an edition is rendered.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from clearleaf import a11y, conformance, readability
from clearleaf.document import Document
from clearleaf.errors import Diagnostic, Severity


@dataclass(frozen=True)
class Verdict:
    """What the check stage found about one document."""

    #: Every finding, the reading's and the checks', in source order.
    diagnostics: tuple[Diagnostic, ...]
    #: Whether the document claims WCAG 2.2 Level AA (:mod:`clearleaf.conformance`).
    claimed: bool
    #: The readability figures, or None (not English, or no prose).
    readability: readability.Readability | None

    def publishable(self, strict: bool = False) -> bool:
        """No error was found (nor, under ``strict``, a warning)."""
        blocking = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
        return not any(d.severity in blocking for d in self.diagnostics)


def judge(document: Document) -> Verdict:
    """Run every check on ``document``, once, at the severities its project sets.

    The conformance claim is judged on what the checks found as they are: a
    project that ignores a check does not make its failures conform.
    """
    checked = sorted(
        {*document.diagnostics, *a11y.run_checks(document)},
        key=lambda d: (d.location.line, d.location.column, d.code, d.message),
    )
    return Verdict(
        diagnostics=tuple(_as_set(document, checked)),
        claimed=conformance.claimed(document.meta, checked),
        readability=readability.measure(document),
    )


def _as_set(document: Document, found: list[Diagnostic]) -> Iterator[Diagnostic]:
    """``found`` at the severity the project gives each check; ignored ones left out."""
    for diagnostic in found:
        severity = document.settings.severity(diagnostic.code, diagnostic.severity)
        if severity is not None:
            yield dataclasses.replace(diagnostic, severity=severity)


def claim_before_checks(document: Document) -> bool | None:
    """The conformance claim, when it is known without running the checks: a document
    that names no certifier makes none. ``None`` when only the checks can tell."""
    return None if document.meta.certified_by else False

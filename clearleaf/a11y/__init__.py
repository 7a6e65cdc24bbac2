"""Accessibility checks of a source: named, pure, each with a stable code.

Every check reads a loaded :class:`~clearleaf.document.Document` and yields
findings; :data:`CHECKS` gives each one its code, default severity and a
one-line description, from which ``clearleaf checks`` and the
README's table are written. :func:`run_checks` runs them all. Checks never
print and never raise for a problem in the source: the caller decides what a
finding means (``build`` refuses to write a document with an error).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from clearleaf import config, i18n
from clearleaf.a11y import (
    glyphs,
    headings,
    images,
    language,
    links,
    quality,
    reading,
    tables,
    typography,
)
from clearleaf.a11y.source import Finding, Source, one_walk
from clearleaf.document import Document
from clearleaf.errors import Diagnostic, Location, Severity

__all__ = ["CHECKS", "Check", "Finding", "run_checks"]

Rule = Callable[[Document, Source], Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    """One named check: its code, severity, what it asks of a source, and the rule itself."""

    code: str
    severity: Severity
    description: str
    rule: Rule

    def run(self, document: Document) -> list[Diagnostic]:
        """The diagnostics of this check for ``document``, in source order."""
        source = document.source
        found = []
        for finding in self.rule(document, source):
            line, column = source.position(finding.offset)
            location = Location(document.path, line, column)
            found.append(Diagnostic(location, self.severity, self.code, finding.message))
        return found


CHECKS: dict[str, Check] = {
    check.code: check
    for check in (
        Check(
            "a11y.img-alt",
            Severity.ERROR,
            "Every image has alt text, unless it is marked {.decorative}.",
            images.img_alt,
        ),
        Check(
            "a11y.heading-order",
            Severity.WARNING,
            "Heading levels never skip one (the title is level 1, sections ##); "
            "a skipped level is shown one level down.",
            headings.heading_order,
        ),
        Check(
            "a11y.literal-heading",
            Severity.WARNING,
            "A line written as a heading has a blank line before it, or it prints its '#'.",
            headings.literal_heading,
        ),
        Check(
            "a11y.heading-in-list",
            Severity.WARNING,
            "No heading inside a list item (often a hashtag's '#' split from its word).",
            headings.heading_in_list,
        ),
        Check(
            "a11y.empty-heading",
            Severity.ERROR,
            "Every heading has text.",
            headings.empty_heading,
        ),
        Check(
            "a11y.link-text",
            Severity.WARNING,
            "Link text says where the link goes: no 'click here' or 'read more'.",
            links.link_text,
        ),
        Check(
            "a11y.link-empty",
            Severity.ERROR,
            "Every link has text.",
            links.link_empty,
        ),
        Check(
            "a11y.link-text-language",
            Severity.NOTE,
            "Generic link text is known for the document's language, or English only is checked.",
            links.link_language,
        ),
        Check(
            "a11y.link-bare-url",
            Severity.WARNING,
            "Link text is words, not the bare web address.",
            links.link_bare_url,
        ),
        Check(
            "a11y.table-header",
            Severity.WARNING,
            "Every table has a header row.",
            tables.table_header,
        ),
        Check(
            "a11y.all-caps",
            Severity.WARNING,
            "No blocks of capitals: no 4 or more words in a row, no heading, in capitals.",
            typography.all_caps,
        ),
        Check(
            "a11y.italic-emphasis",
            Severity.WARNING,
            "Emphasis is bold (**text**), never italic.",
            typography.italic_emphasis,
        ),
        Check(
            "meta.missing-sources",
            Severity.WARNING,
            "The front matter lists the evidence: 'sources:' (PIF TICK).",
            quality.missing_sources,
        ),
        Check(
            "meta.missing-contact",
            Severity.WARNING,
            "The front matter says how to get help: 'contact:' (PIF TICK).",
            quality.missing_contact,
        ),
        Check(
            "meta.missing-feedback",
            Severity.WARNING,
            "The front matter says how to comment: 'feedback:' (PIF TICK).",
            quality.missing_feedback,
        ),
        Check(
            quality.REVIEW_DUE,
            Severity.WARNING,
            "The next review date has not passed (an error under --strict).",
            quality.review_due,
        ),
        Check(
            "readability.reading-age",
            Severity.WARNING,
            "The reading age (SMOG grade + 5) is at most reading_age_target (default 11).",
            reading.reading_age,
        ),
        Check(
            "pdf.missing-glyph",
            Severity.WARNING,
            "Every character can be printed: some font of the project has it (no empty boxes).",
            glyphs.missing_glyphs,
        ),
        Check(
            i18n.NO_CATALOGUE,
            Severity.WARNING,
            "A catalogue of the pipeline's own words has the document's language, "
            "or they are in English.",
            language.no_catalogue,
        ),
    )
}
# The configuration checks the codes it is given against these.
config.KNOWN_CHECKS.update(CHECKS)


def run_checks(document: Document, checks: Iterable[Check] | None = None) -> list[Diagnostic]:
    """Every finding of ``checks`` (default: all) on ``document``, sorted by position."""
    found: set[Diagnostic] = set()
    with one_walk():
        for check in CHECKS.values() if checks is None else checks:
            found.update(check.run(document))
    return sorted(
        found,
        key=lambda d: (d.location.line, d.location.column, d.code, d.message),
    )
